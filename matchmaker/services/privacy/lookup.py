"""Finding what is held about a person, from the address they wrote from: their inquiries, mail
about them, their conversation with staff (unmatched mail included), and trail entries
elsewhere quoting them; the access export, and the log of requests."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    ActivityKind,
    Inquiry,
    LeadMessage,
    Match,
    OutboxMessage,
    User,
    email_key,
    utcnow,
)
from matchmaker.services.privacy.mentions import Detail, phone_detail, quotes, quoting, text_detail
from matchmaker.services.privacy.notice import notice_url

log = logging.getLogger(__name__)

MAIL_TEXT = (OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html)


def inquiries_from(email: str) -> list[Inquiry]:
    """The inquiries sent from an address (in any case), oldest first."""
    return list(
        db.session.scalars(
            sa.select(Inquiry)
            .where(Inquiry.email_normalized == email_key(email))
            .options(selectinload(Inquiry.matches).joinedload(Match.organization))
            .order_by(Inquiry.created_at, Inquiry.id)
        )
    )


@dataclass(frozen=True)
class Person:
    """Whom a request is about: an address, and the inquiries sent from it."""

    email: str  # email_key of the address
    inquiries: list[Inquiry]

    @property
    def ids(self) -> list[int]:
        return [inquiry.id for inquiry in self.inquiries]

    @cached_property
    def address(self) -> list[Detail]:
        return [detail for detail in [text_detail(self.email)] if detail]

    @cached_property
    def details(self) -> list[Detail]:
        """The address, and each name and phone number the person gave."""
        found = [*self.address, *(text_detail(inquiry.name) for inquiry in self.inquiries),
                 *(phone_detail(inquiry.phone) for inquiry in self.inquiries)]  # fmt: skip
        return list({d.pattern.pattern.casefold(): d for d in found if d is not None}.values())


def find_person(email: str) -> Person:
    return Person(email_key(email), inquiries_from(email))


def mail_about(person: Person) -> list[OutboxMessage]:
    """Mail about the person's inquiries, to their address, or quoting it; oldest first."""
    candidates = db.session.scalars(
        sa.select(OutboxMessage)
        .where(sa.or_(OutboxMessage.inquiry_id.in_(person.ids),
                      quoting([OutboxMessage.recipient, *MAIL_TEXT], person.address)))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )  # fmt: skip
    return [
        message
        for message in candidates
        if message.inquiry_id in person.ids
        or email_key(message.recipient) == person.email
        or quotes([message.subject, message.body_text], person.address)
        or quotes(message.body_html, person.address, html=True)
    ]


def conversation_of(person: Person) -> list[LeadMessage]:
    """The messages of the person's leads, and any other message from or to their address (the
    unmatched mail included); oldest first."""
    candidates = db.session.scalars(
        sa.select(LeadMessage)
        .where(sa.or_(LeadMessage.inquiry_id.in_(person.ids),
                      quoting([LeadMessage.sender, LeadMessage.recipient], person.address)))
        .options(selectinload(LeadMessage.attachments))
        .order_by(LeadMessage.created_at, LeadMessage.id)
    )  # fmt: skip
    return [
        message
        for message in candidates
        if message.inquiry_id in person.ids
        or person.email in (email_key(message.sender), email_key(message.recipient))
    ]


def trail_elsewhere(person: Person) -> list[Activity]:
    """Trail entries not on the person's inquiries that quote their address, name or phone."""
    candidates = db.session.scalars(
        sa.select(Activity)
        .where(quoting([Activity.detail], person.details),
               sa.or_(Activity.inquiry_id.is_(None), Activity.inquiry_id.not_in(person.ids)))
        .order_by(Activity.created_at, Activity.id)
    )  # fmt: skip
    return [entry for entry in candidates if quotes(entry.detail, person.details)]


def own_trail(person: Person) -> list[Activity]:
    return list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.inquiry_id.in_(person.ids))
            .order_by(Activity.created_at, Activity.id)
        )
    )


@dataclass(frozen=True)
class Holdings:
    """A summary of what is held about an address, for the admin page (no export yet)."""

    inquiries: list[Inquiry]
    messages: int
    activities: int
    conversation: int

    @property
    def empty(self) -> bool:
        return not (self.inquiries or self.messages or self.activities or self.conversation)


def holdings(email: str) -> Holdings:
    person = find_person(email)
    activities = len(own_trail(person)) + len(trail_elsewhere(person))
    return Holdings(person.inquiries, len(mail_about(person)), activities,
                    len(conversation_of(person)))  # fmt: skip


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


def _conversation_record(message: LeadMessage) -> dict[str, Any]:
    return {
        "inquiry": message.inquiry.code if message.inquiry else None,
        "direction": message.direction,
        "at": _time(message.created_at),
        "from": message.sender,
        "to": message.recipient,
        "subject": message.subject,
        "text": message.body_text,
        "attachments": [
            {"name": attachment.filename, "type": attachment.content_type, "size": attachment.size}
            for attachment in message.attachments
        ],
    }


def export_personal_data(email: str, by: User) -> dict[str, Any]:
    """Everything held about an address, as JSON-ready data; the access is audited. Flushes."""
    person = find_person(email)
    messages, trail = mail_about(person), own_trail(person)
    data = {
        "email": person.email,
        "exported_at": _time(utcnow()),
        "controller": "Wallonia's export and investment agency (Walloon Matchmaker)",
        "inquiries": [_inquiry_record(inquiry, trail) for inquiry in person.inquiries],
        "activity_elsewhere": [
            {"at": _time(activity.created_at), "kind": activity.kind, "detail": activity.detail}
            for activity in trail_elsewhere(person)
        ],
        "messages": [_message_record(message) for message in messages],
        "conversation": [_conversation_record(message) for message in conversation_of(person)],
    }
    _audit(ActivityKind.PERSONAL_DATA_EXPORTED, by, person.inquiries, messages=len(messages))
    db.session.flush()
    return data


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


# The log of requests ---------------------------------------------------------------------------

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
