"""The dashboard: where the period's leads come from, how far they went, how fast staff acted
on them, and each staff member's load."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    ActivityKind,
    Inquiry,
    Introduction,
    IntroductionState,
    Status,
    utcnow,
)
from matchmaker.services import accounts, reminders
from matchmaker.services.insight.period import (
    Period,
    Row,
    ids_in,
    next_month,
    received_in,
    zone,
)
from matchmaker.services.leads.listing import OPEN_STATUSES, unmerged

PIPELINE: tuple[str, ...] = (
    Status.NEW, Status.QUALIFIED, Status.INTRODUCED, Status.IN_DISCUSSION, Status.WON,
)  # fmt: skip
EXITS: tuple[str, ...] = (Status.LOST, Status.NOT_RELEVANT, Status.SPAM)
INTRODUCTION_ACCEPTED = "introduction_accepted"  # the funnel's row of leads with one accepted
# Trail entries by staff that are not an action on the lead: looking at it, exporting it.
NOT_ACTIONS = (ActivityKind.VIEWED, ActivityKind.PERSONAL_DATA_EXPORTED)


@dataclass(frozen=True)
class Dashboard:
    period: Period
    total: int
    granularity: str  # day | week | month
    over_time: list[Row]  # code: the bucket's first day, ISO
    by_sector: list[Row]  # a lead in several sectors counts in each
    by_country: list[Row]
    by_investor_type: list[Row]
    funnel: list[Row]  # extra: {"kind": stage | accepted (an introduction) | exit}
    first_action_hours: float | None  # median, over leads with a staff action
    acted_on: int
    not_acted_on: int
    load: list[Row]  # code: user id or "" (unassigned); extra: open, stale, received, name
    lost_reasons: list[Row]  # the period's lost leads per LostReason code


def dashboard(period: Period) -> Dashboard:
    rows = db.session.execute(
        sa.select(Inquiry.id, Inquiry.created_at, Inquiry.sectors, Inquiry.country,
                  Inquiry.investor_type, Inquiry.status, Inquiry.lost_reason_code)
        .where(received_in(period))
        .order_by(Inquiry.created_at)
    ).all()  # fmt: skip
    granularity = _granularity(period)
    first_actions = first_staff_actions(period)
    waits = [
        (first_actions[row.id] - row.created_at).total_seconds() / 3600
        for row in rows
        if row.id in first_actions
    ]
    return Dashboard(
        period=period,
        total=len(rows),
        granularity=granularity,
        over_time=_over_time(period, granularity, [row.created_at for row in rows]),
        by_sector=_counted(sector for row in rows for sector in row.sectors),
        by_country=_counted(row.country for row in rows),
        by_investor_type=_counted(row.investor_type for row in rows),
        funnel=_funnel(period, {row.id: row.status for row in rows}),
        first_action_hours=statistics.median(waits) if waits else None,
        acted_on=len(waits),
        not_acted_on=len(rows) - len(waits),
        load=staff_load(period),
        lost_reasons=_counted(row.lost_reason_code or "other" for row in rows
                              if row.status == Status.LOST),  # fmt: skip
    )


def _counted(values: Iterable[str]) -> list[Row]:
    counts = Counter(values)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Row(code, number) for code, number in ordered]


def _granularity(period: Period) -> str:
    if period.days <= 45:
        return "day"
    if period.days <= 26 * 7:
        return "week"
    return "month"


def _bucket(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _next_bucket(start: date, granularity: str) -> date:
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(days=7)
    return next_month(start)


def _over_time(period: Period, granularity: str, received: Sequence[datetime]) -> list[Row]:
    local = zone()
    counts = Counter(_bucket(moment.astimezone(local).date(), granularity) for moment in received)
    rows = []
    bucket = _bucket(period.start, granularity)
    while bucket <= period.end:
        rows.append(Row(bucket.isoformat(), counts.get(bucket, 0)))
        bucket = _next_bucket(bucket, granularity)
    return rows


def first_staff_actions(period: Period) -> dict[int, datetime]:
    """inquiry id -> when a staff member first acted on it (not merely looked at it)."""
    return dict(
        db.session.execute(
            sa.select(Activity.inquiry_id, sa.func.min(Activity.created_at))
            .where(
                Activity.inquiry_id.in_(ids_in(period)),
                Activity.user_id.is_not(None),
                Activity.kind.not_in(NOT_ACTIONS),
            )
            .group_by(Activity.inquiry_id)
        ).all()
    )


def _funnel(period: Period, current: dict[int, str]) -> list[Row]:
    """How many leads reached each stage of the pipeline (by their status history), how many
    had an introduction accepted (after the introduced stage), and how many left the pipeline
    for each exit (by their current status)."""
    had: dict[int, set[str]] = {inquiry_id: {Status.NEW, status}
                                for inquiry_id, status in current.items()}  # fmt: skip
    changes = db.session.execute(
        sa.select(Activity.inquiry_id, Activity.detail).where(
            Activity.kind == ActivityKind.STATUS_CHANGED, Activity.inquiry_id.in_(ids_in(period))
        )
    ).all()
    for inquiry_id, detail in changes:
        if inquiry_id in had and isinstance(detail, dict) and detail.get("status"):
            had[inquiry_id].add(str(detail["status"]))
    rows = []
    for position, stage in enumerate(PIPELINE):
        later = set(PIPELINE[position:])
        reached = sum(1 for statuses in had.values() if statuses & later)
        rows.append(Row(stage, reached, {"kind": "stage"}))
        if stage == Status.INTRODUCED:
            rows.append(Row(INTRODUCTION_ACCEPTED, _with_an_accepted_introduction(period),
                            {"kind": "accepted"}))  # fmt: skip
    exits = Counter(status for status in current.values() if status in EXITS)
    rows += [Row(status, exits.get(status, 0), {"kind": "exit"}) for status in EXITS]
    return rows


def _with_an_accepted_introduction(period: Period) -> int:
    """How many of the period's leads had at least one introduction accepted."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Introduction.inquiry_id))).where(
            Introduction.state == IntroductionState.ACCEPTED,
            Introduction.inquiry_id.in_(ids_in(period)),
        )
    )


def staff_load(period: Period) -> list[Row]:
    """Per staff member (active, or still holding open leads) and for nobody: open leads now,
    how many of them are stale, and the leads received in the period assigned to them."""
    open_by = _per_assignee(sa.and_(Inquiry.status.in_(OPEN_STATUSES), unmerged()))
    stale_by = _per_assignee(reminders.stale_condition(utcnow()))
    received_by = _per_assignee(received_in(period))
    rows = [
        Row(str(user.id), open_by.get(user.id, 0),
            {"name": user.name, "stale": stale_by.get(user.id, 0),
             "received": received_by.get(user.id, 0)})
        for user in accounts.staff_members()
        if user.active or open_by.get(user.id)
    ]  # fmt: skip
    rows.append(Row("", open_by.get(None, 0), {"name": None, "stale": stale_by.get(None, 0),
                                               "received": received_by.get(None, 0)}))  # fmt: skip
    return rows


def _per_assignee(condition: sa.ColumnElement[bool]) -> dict[int | None, int]:
    """assignee id (None: nobody) -> how many leads meet the condition."""
    return dict(
        db.session.execute(
            sa.select(Inquiry.assignee_id, sa.func.count()).where(condition)
            .group_by(Inquiry.assignee_id)
        ).all()
    )  # fmt: skip
