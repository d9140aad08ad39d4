"""Personal data: the privacy notice investors consent to, and the GDPR tools on what we hold.

An access request gets everything held about an email address as JSON (`export_personal_data`);
an erasure request deletes it (`erase_personal_data`): the inquiries from that address with their
matches, their activity trail (notes included) and their mail, any other mail to or mentioning
the address, and the address wherever the remaining trail quotes it. What stays is one
non-personal Activity saying that an erasure happened, when and by whom. The retention purge
(`purge_stale_inquiries`) deletes the same way every inquiry nobody has worked on for N months.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from matchmaker.extensions import db
from matchmaker.links import absolute_url
from matchmaker.models import (
    Activity,
    ActivityKind,
    Inquiry,
    Match,
    OutboxMessage,
    User,
    utcnow,
)

# Bump when the text of templates/public/privacy.html changes in substance: every inquiry records
# the version its author agreed to (Inquiry.consent_version). Before changing the text, copy the
# current one to templates/public/privacy_notices/<version>.html and add the version to
# ARCHIVED_NOTICES, so that every consent record can still be read as it was given.
PRIVACY_NOTICE_VERSION = "2026-11"
ARCHIVED_NOTICES: tuple[str, ...] = ()

REDACTED = "[erased]"

log = logging.getLogger(__name__)


# The notice ----------------------------------------------------------------------------------


def notice_template(version: str) -> str | None:
    """The template of a version of the privacy notice, or None if there never was one."""
    if version == PRIVACY_NOTICE_VERSION:
        return "public/privacy.html"
    if version in ARCHIVED_NOTICES:
        return f"public/privacy_notices/{version}.html"
    return None


def notice_url(version: str) -> str | None:
    """The address of the notice a consent record refers to (None for an unknown version)."""
    if notice_template(version) is None:
        return None
    return absolute_url("public.privacy_version", version=version)


# Finding what we hold ------------------------------------------------------------------------


def normalize_address(email: str) -> str:
    return email.strip().lower()


def inquiries_from(email: str) -> list[Inquiry]:
    """The inquiries sent from an address (case does not matter), oldest first."""
    return list(
        db.session.scalars(
            sa.select(Inquiry)
            .where(sa.func.lower(Inquiry.email) == normalize_address(email))
            .options(selectinload(Inquiry.matches).joinedload(Match.organization))
            .order_by(Inquiry.created_at, Inquiry.id)
        )
    )


def _mentions(column: Any, email: str) -> sa.ColumnElement[bool]:
    return sa.func.lower(sa.cast(column, sa.Text)).contains(
        normalize_address(email), autoescape=True
    )


def _messages_query(email: str, inquiry_ids: list[int]) -> sa.Select[tuple[OutboxMessage]]:
    """Mail about those inquiries, to the address, or quoting it."""
    return sa.select(OutboxMessage).where(
        sa.or_(
            OutboxMessage.inquiry_id.in_(inquiry_ids),
            sa.func.lower(OutboxMessage.recipient) == normalize_address(email),
            _mentions(OutboxMessage.subject, email),
            _mentions(OutboxMessage.body_text, email),
            _mentions(OutboxMessage.body_html, email),
        )
    )


@dataclass(frozen=True)
class Holdings:
    """A summary of what is held about an address, for the admin page (no export yet)."""

    inquiries: list[Inquiry]
    messages: int
    activities: int

    @property
    def empty(self) -> bool:
        return not self.inquiries and not self.messages and not self.activities


def holdings(email: str) -> Holdings:
    inquiries = inquiries_from(email)
    ids = [inquiry.id for inquiry in inquiries]
    messages = db.session.scalar(
        sa.select(sa.func.count()).select_from(_messages_query(email, ids).subquery())
    )
    activities = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Activity)
        .where(sa.or_(Activity.inquiry_id.in_(ids), _mentions(Activity.detail, email)))
    )
    return Holdings(inquiries, messages or 0, activities or 0)


# Access ----------------------------------------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _inquiry_record(inquiry: Inquiry, activities: list[Activity]) -> dict[str, Any]:
    return {
        "code": inquiry.code,
        "received_at": _time(inquiry.created_at),
        "name": inquiry.name,
        "email": inquiry.email,
        "organization": inquiry.organization,
        "role": inquiry.role,
        "country": inquiry.country,
        "website": inquiry.website,
        "phone": inquiry.phone,
        "investor_type": inquiry.investor_type,
        "sectors": list(inquiry.sectors),
        "offers": list(inquiry.offers),
        "interests": inquiry.interests,
        "budget": inquiry.budget,
        "horizon": inquiry.horizon,
        "language": inquiry.lang,
        "consent": {
            "given_at": _time(inquiry.consent_at),
            "privacy_notice_version": inquiry.consent_version,
            "privacy_notice_url": notice_url(inquiry.consent_version),
            "sharing_with_matched_organizations": inquiry.share_consent,
        },
        "status": inquiry.status,
        "lost_reason": inquiry.lost_reason,
        "assigned_to": inquiry.assignee.name if inquiry.assignee else None,
        "last_staff_action_at": _time(inquiry.last_staff_action_at),
        "matches": [
            {
                "organization": match.organization.name,
                "organization_slug": match.organization.slug,
                "rank": match.rank,
                "score": match.score,
                "reasons": match.explanation,
                "current": match.superseded_at is None,
                "staff_verdict": match.verdict,
                "introduced_at": _time(match.introduced_at),
            }
            for match in sorted(inquiry.matches, key=lambda match: (match.created_at, match.rank))
        ],
        "activity": [
            {
                "at": _time(activity.created_at),
                "kind": activity.kind,
                "by": activity.user.name if activity.user else None,
                "detail": activity.detail,
            }
            for activity in activities
            if activity.inquiry_id == inquiry.id
        ],
    }


def _message_record(message: OutboxMessage) -> dict[str, Any]:
    return {
        "inquiry": message.inquiry.code if message.inquiry else None,
        "to": message.recipient,
        "subject": message.subject,
        "text": message.body_text,
        "queued_at": _time(message.created_at),
        "sent_at": _time(message.sent_at),
        "failed_at": _time(message.failed_at),
    }


def export_personal_data(email: str, by: User) -> dict[str, Any]:
    """Everything held about an address, as JSON-ready data; the access is audited. Commits."""
    inquiries = inquiries_from(email)
    ids = [inquiry.id for inquiry in inquiries]
    activities = list(
        db.session.scalars(
            sa.select(Activity)
            .where(sa.or_(Activity.inquiry_id.in_(ids), _mentions(Activity.detail, email)))
            .order_by(Activity.created_at, Activity.id)
        )
    )
    messages = db.session.scalars(
        _messages_query(email, ids).order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    data = {
        "email": normalize_address(email),
        "exported_at": _time(utcnow()),
        "controller": "Wallonia's export and investment agency (Walloon Matchmaker)",
        "inquiries": [_inquiry_record(inquiry, activities) for inquiry in inquiries],
        "activity_elsewhere": [
            {"at": _time(activity.created_at), "kind": activity.kind, "detail": activity.detail}
            for activity in activities
            if activity.inquiry_id not in ids
        ],
        "messages": [_message_record(message) for message in messages],
    }
    _audit(ActivityKind.PERSONAL_DATA_EXPORTED, by, inquiries, messages=len(messages))
    db.session.flush()
    return data


# Erasure ---------------------------------------------------------------------------------------


@dataclass
class Deletion:
    """What a deletion removed (codes of inquiries; counts of the rest)."""

    inquiries: list[str] = field(default_factory=list)
    matches: int = 0
    activities: int = 0
    messages: int = 0
    redacted: int = 0  # activity entries elsewhere that quoted the address

    def as_detail(self) -> dict[str, Any]:
        return {
            "inquiries": len(self.inquiries),
            **({"codes": self.inquiries} if self.inquiries else {}),
            "matches": self.matches,
            "activities": self.activities,
            "messages": self.messages,
            "redacted": self.redacted,
        }


def erase_personal_data(email: str, by: User) -> Deletion:
    """Delete everything held about an address; keep a non-personal record of it. Commits."""
    inquiries = inquiries_from(email)
    ids = [inquiry.id for inquiry in inquiries]
    deletion = Deletion(inquiries=[inquiry.code for inquiry in inquiries])
    deletion.messages = _delete(_messages_query(email, ids))
    deletion.redacted = _redact_trail(email)
    _delete_inquiries(ids, deletion)
    db.session.add(Activity(user_id=by.id, kind=ActivityKind.PERSONAL_DATA_ERASED,
                            detail=deletion.as_detail()))  # fmt: skip
    db.session.flush()
    log.info("User %s erased the personal data of one address: %s", by.id, deletion.as_detail())
    return deletion


def _delete(query: sa.Select) -> int:
    rows = db.session.scalars(query).all()
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    return len(rows)


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


def _redact_trail(email: str) -> int:
    """Replace the address in the trail of other inquiries and in admin entries."""
    pattern = re.compile(re.escape(normalize_address(email)), re.IGNORECASE)
    entries = db.session.scalars(sa.select(Activity).where(_mentions(Activity.detail, email))).all()
    for entry in entries:
        entry.detail = _redacted(entry.detail, pattern)
    db.session.flush()
    return len(entries)


def _redacted(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, list):
        return [_redacted(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _redacted(item, pattern) for key, item in value.items()}
    return value


def _audit(kind: str, by: User, inquiries: list[Inquiry], **detail: Any) -> None:
    """One entry for the request (the privacy log), and one on each inquiry's trail."""
    codes = [inquiry.code for inquiry in inquiries]
    db.session.add(
        Activity(
            user_id=by.id, kind=kind, detail={"inquiries": len(codes), "codes": codes, **detail}
        )
    )
    for inquiry in inquiries:
        db.session.add(Activity(inquiry_id=inquiry.id, user_id=by.id, kind=kind, detail=detail))
    log.info("User %s: %s for %d inquiries", by.id, kind, len(inquiries))


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


PRIVACY_KINDS = (
    ActivityKind.PERSONAL_DATA_EXPORTED,
    ActivityKind.PERSONAL_DATA_ERASED,
    ActivityKind.RETENTION_PURGE,
)


def privacy_log(limit: int = 20) -> list[Activity]:
    """The latest exports, erasures and purges, one entry per request, newest first."""
    return list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.kind.in_(PRIVACY_KINDS), Activity.inquiry_id.is_(None))
            .options(joinedload(Activity.user))
            .order_by(Activity.created_at.desc(), Activity.id.desc())
            .limit(limit)
        )
    )
