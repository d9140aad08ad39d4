"""Stale leads: open leads nobody acted on for STALE_AFTER_DAYS, and the reminders about them.

A lead is stale when it is open and its last staff action (or, if none, its reception) is older
than STALE_AFTER_DAYS. `send_reminders` (the `reminders send` command, run from cron) mails each
assignee one list of their stale leads, and the staff inbox the unassigned ones. It reminds about
a lead at most once per calendar day in the back office's time zone, however often it runs.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from matchmaker.extensions import db
from matchmaker.models import Activity, ActivityKind, Inquiry, User, utcnow
from matchmaker.services.leads.listing import OPEN_STATUSES, unmerged
from matchmaker.services.mail import lead_url, send_stale_reminder

log = logging.getLogger(__name__)


def stale_after() -> timedelta:
    return timedelta(days=int(current_app.config["STALE_AFTER_DAYS"]))


def last_touched() -> sa.ColumnElement[datetime]:
    """When staff last acted on a lead, or when it came in if nobody has."""
    return sa.func.coalesce(Inquiry.last_staff_action_at, Inquiry.created_at)


def stale_condition(now: datetime | None = None) -> sa.ColumnElement[bool]:
    """SQL: the lead is open (not merged) and untouched for STALE_AFTER_DAYS."""
    cutoff = (now or utcnow()) - stale_after()
    return sa.and_(Inquiry.status.in_(OPEN_STATUSES), unmerged(), last_touched() < cutoff)


def is_stale(inquiry: Inquiry, now: datetime | None = None) -> bool:
    """The same test on a loaded lead (for highlighting it in the lead list)."""
    touched = inquiry.last_staff_action_at or inquiry.created_at
    return (inquiry.status in OPEN_STATUSES and inquiry.merged_into_id is None
            and touched < (now or utcnow()) - stale_after())  # fmt: skip


def idle_days(inquiry: Inquiry, now: datetime | None = None) -> int:
    """Whole days since staff last acted on the lead (or since it came in)."""
    return ((now or utcnow()) - (inquiry.last_staff_action_at or inquiry.created_at)).days


def start_of_day(now: datetime) -> datetime:
    """Midnight of now's date in the back office's time zone, as an aware datetime."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)


@dataclass(frozen=True)
class ReminderReport:
    mails: int  # reminder mails queued
    leads: int  # stale leads they list
    already_reminded: int  # stale leads left out: reminded earlier today


def send_reminders(now: datetime | None = None) -> ReminderReport:
    """Queue today's reminders in the outbox and record them on each lead's trail (the caller
    commits)."""
    now = now or utcnow()
    stale = db.session.scalars(
        sa.select(Inquiry)
        .where(stale_condition(now))
        .options(joinedload(Inquiry.assignee))
        .order_by(last_touched(), Inquiry.id)
    ).all()
    reminded_today = set(
        db.session.scalars(
            sa.select(Activity.inquiry_id).where(
                Activity.kind == ActivityKind.STALE_REMINDER,
                Activity.inquiry_id.in_([lead.id for lead in stale]),
                Activity.created_at >= start_of_day(now),
            )
        )
    )
    due: dict[User | None, list[Inquiry]] = defaultdict(list)
    for lead in stale:
        if lead.id not in reminded_today:
            assignee = lead.assignee if lead.assignee and lead.assignee.active else None
            due[assignee].append(lead)
    for assignee, leads in due.items():
        _remind(assignee, leads, now)
    db.session.flush()
    report = ReminderReport(
        mails=len(due),
        leads=sum(len(leads) for leads in due.values()),
        already_reminded=len(reminded_today),
    )
    log.info("Stale-lead reminders: %s", report)
    return report


def _remind(assignee: User | None, leads: list[Inquiry], now: datetime) -> None:
    rows = [(lead, idle_days(lead, now), lead_url(lead)) for lead in leads]
    send_stale_reminder(assignee, rows)
    for lead, days, _url in rows:
        db.session.add(
            Activity(inquiry_id=lead.id, kind=ActivityKind.STALE_REMINDER,
                     detail={"to": "assignee" if assignee else "staff inbox",
                             "assignee_id": assignee.id if assignee else None,
                             "idle_days": days})
        )  # fmt: skip
