"""Deleting personal data: an erasure request for one person, and the retention purge.

An erasure deletes the inquiries from the address with their matches, trail (notes included),
next steps, mail and conversation, any other mail to or quoting the address, and any message
from or to it (the unmatched mail included). Elsewhere it replaces the
person's address, name and phone with "[erased]": in the trail and next steps of other leads,
and in mail not sent yet, where it also removes the code and organization of their inquiries
(a reminder listing several leads), and in the names and searches of staff's saved filters.
What stays is one non-personal Activity saying that an
erasure happened, when, by whom and which lead codes. The purge deletes the same way every
inquiry nobody has worked on for N months.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    ActivityKind,
    Inquiry,
    Match,
    NextStep,
    OutboxMessage,
    SavedFilter,
    User,
    utcnow,
)
from matchmaker.services.privacy.lookup import (
    MAIL_TEXT,
    Person,
    conversation_of,
    find_person,
    mail_about,
)
from matchmaker.services.privacy.mentions import Detail, quotes, quoting, redacted, text_detail

log = logging.getLogger(__name__)

# Staff's free text on leads: (model, column, the lead it is on).
STAFF_TEXT = ((Activity, Activity.detail, Activity.inquiry_id),
              (NextStep, NextStep.note, NextStep.inquiry_id))  # fmt: skip


@dataclass
class Deletion:
    """What a deletion removed (codes of inquiries; counts of the rest)."""

    inquiries: list[str] = field(default_factory=list)
    matches: int = 0
    activities: int = 0
    messages: int = 0
    conversation: int = 0  # messages of the conversation with staff, unmatched mail included
    redacted: int = 0  # trail entries and next steps of other leads that quoted the person
    mail_redacted: int = 0  # mail not sent yet that quoted them or listed their inquiries
    filters_redacted: int = 0  # staff's saved filters whose name or search quoted them

    def as_detail(self) -> dict[str, Any]:
        return {
            "inquiries": len(self.inquiries),
            **({"codes": self.inquiries} if self.inquiries else {}),
            "matches": self.matches,
            "activities": self.activities,
            "messages": self.messages,
            "conversation": self.conversation,
            "redacted": self.redacted,
            "mail_redacted": self.mail_redacted,
            "filters_redacted": self.filters_redacted,
        }


def erase_personal_data(email: str, by: User) -> Deletion:
    """Delete everything held about an address; keep a non-personal record of it. Flushes."""
    person = find_person(email)
    deletion = Deletion(inquiries=[inquiry.code for inquiry in person.inquiries])
    for message in mail_about(person):
        db.session.delete(message)
        deletion.messages += 1
    for lead_message in conversation_of(person):
        db.session.delete(lead_message)
        deletion.conversation += 1
    db.session.flush()
    deletion.redacted = _scrub_staff_text(person)
    deletion.mail_redacted = _scrub_queued_mail(person)
    deletion.filters_redacted = _scrub_saved_filters(person)
    _delete_inquiries(person.ids, deletion)
    db.session.add(Activity(user_id=by.id, kind=ActivityKind.PERSONAL_DATA_ERASED,
                            detail=deletion.as_detail()))  # fmt: skip
    db.session.flush()
    log.info("User %s erased the personal data of one address: %s", by.id, deletion.as_detail())
    return deletion


def _scrub_staff_text(person: Person) -> int:
    """Replace the person's details in the trail and next steps of other leads."""
    changed = 0
    for model, column, lead in STAFF_TEXT:
        rows = db.session.scalars(
            sa.select(model).where(quoting([column], person.details),
                                   sa.or_(lead.is_(None), lead.not_in(person.ids)))
        )  # fmt: skip
        for row in rows:
            if quotes(getattr(row, column.key), person.details):
                setattr(row, column.key, redacted(getattr(row, column.key), person.details))
                changed += 1
    db.session.flush()
    return changed


def _scrub_queued_mail(person: Person) -> int:
    """Replace the person's details in mail not sent yet, and the code and organization of
    their inquiries where a mail lists them (the stale-lead reminders)."""
    leads = {code: lead for lead in person.inquiries if (code := text_detail(lead.code))}
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None),
                                       quoting(MAIL_TEXT, [*person.details, *leads]))
    )  # fmt: skip
    changed = 0
    for message in messages:
        details = [*person.details, *_listed_leads(message, leads)]
        before = (message.subject, message.body_text, message.body_html)
        message.subject, message.body_text = redacted([message.subject, message.body_text],
                                                      details)  # fmt: skip
        message.body_html = redacted(message.body_html, details, html=True)
        changed += before != (message.subject, message.body_text, message.body_html)
    db.session.flush()
    return changed


def _scrub_saved_filters(person: Person) -> int:
    """Replace the person's details in the names and searches of staff's saved filters.

    A filter's search is URL-encoded, so SQL cannot look for the details: the filters (a few
    per staff member) are read and decoded here. A name that would repeat another of the same
    member's filter names gets the filter's number.
    """
    changed = 0
    for kept in db.session.scalars(sa.select(SavedFilter).order_by(SavedFilter.id)).all():
        fields = parse_qsl(kept.query, keep_blank_values=True)
        if not quotes([kept.name, *(value for _, value in fields)], person.details):
            continue
        kept.query = urlencode([(key, redacted(value, person.details)) for key, value in fields])
        name = redacted(kept.name, person.details)
        taken = sa.select(SavedFilter.id).where(
            SavedFilter.user_id == kept.user_id, SavedFilter.name == name, SavedFilter.id != kept.id
        )
        kept.name = f"{name} ({kept.id})" if db.session.scalar(taken) else name
        db.session.flush()
        changed += 1
    return changed


def _listed_leads(message: OutboxMessage, leads: dict[Detail, Inquiry]) -> list[Detail]:
    """The codes and organizations of those inquiries whose code the message quotes."""
    text = [message.subject, message.body_text, message.body_html]
    listed = [(code, lead) for code, lead in leads.items() if quotes(text, [code])]
    found = [detail for code, lead in listed for detail in (code, text_detail(lead.organization))]
    return [detail for detail in found if detail is not None]


def _delete_inquiries(ids: list[int], deletion: Deletion) -> None:
    """Delete inquiries with their matches, trail and mail (in the caller's transaction)."""
    for chunk in (ids[start : start + 500] for start in range(0, len(ids), 500)):
        deletion.messages += _bulk_delete(OutboxMessage, OutboxMessage.inquiry_id.in_(chunk))
        deletion.activities += _bulk_delete(Activity, Activity.inquiry_id.in_(chunk))
        deletion.matches += _bulk_delete(Match, Match.inquiry_id.in_(chunk))
        _bulk_delete(Inquiry, Inquiry.id.in_(chunk))
    db.session.expire_all()


def _bulk_delete(model: Any, condition: sa.ColumnElement[bool]) -> int:
    result = db.session.execute(
        sa.delete(model).where(condition).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# Retention -------------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for day in range(moment.day, 0, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError("no valid day")  # pragma: no cover (day 1 always exists)


def _last_touched() -> sa.ColumnElement[datetime]:
    """When a lead was received or last worked on by staff, whichever is later."""
    return sa.case(
        (Inquiry.last_staff_action_at > Inquiry.created_at, Inquiry.last_staff_action_at),
        else_=Inquiry.created_at,
    )


@dataclass(frozen=True)
class Purge:
    cutoff: datetime
    count: int
    applied: bool
    deletion: Deletion | None = None


def purge_stale_inquiries(older_than_months: int, apply: bool = False) -> Purge:
    """Delete the inquiries received and last worked on before the cutoff; a dry run by default.

    Applied (the caller commits), it leaves one non-personal Activity with the counts.
    """
    if older_than_months < 1:
        raise ValueError("older_than_months must be at least 1")
    cutoff = months_before(utcnow(), older_than_months)
    ids = list(db.session.scalars(sa.select(Inquiry.id).where(_last_touched() < cutoff)))
    if not apply:
        return Purge(cutoff=cutoff, count=len(ids), applied=False)
    deletion = Deletion()
    _delete_inquiries(ids, deletion)
    detail = deletion.as_detail() | {"inquiries": len(ids)}  # no codes: the list can be long
    db.session.add(
        Activity(
            kind=ActivityKind.RETENTION_PURGE,
            detail={"older_than_months": older_than_months, "cutoff": cutoff.isoformat()} | detail,
        )
    )
    db.session.flush()
    log.info("Retention purge: deleted %d inquiries last touched before %s", len(ids), cutoff)
    return Purge(cutoff=cutoff, count=len(ids), applied=True, deletion=deletion)
