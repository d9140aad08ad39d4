"""Received mail: onto the thread of the lead its recipient's token names, or of the lead that
one was merged into (the assignee is told by mail), or, when it names none, into the unmatched
list, from which staff attach it to a lead or discard it. Services flush; the receiver or the
request commits."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    ActivityKind,
    Inquiry,
    LeadMessage,
    MessageAttachment,
    MessageDirection,
    UnmatchedReason,
    User,
    email_key,
)
from matchmaker.services import mail
from matchmaker.services.inbound import addresses
from matchmaker.services.inbound.parsing import ReceivedMail, parse
from matchmaker.services.leads import merging
from matchmaker.services.leads.changes import WorkflowError, change, record
from matchmaker.services.leads.listing import unmerged

log = logging.getLogger(__name__)

# When recipients disagree, the reason shown is the most telling one.
_REASON_ORDER = (UnmatchedReason.INVALID, UnmatchedReason.UNKNOWN_LEAD, UnmatchedReason.NO_TOKEN)


def receive(raw: bytes, recipients: Sequence[str]) -> list[LeadMessage]:
    """Store a mail received for recipients (addresses of the inbound mailbox): on each lead a
    genuine token names (once per lead, however often it is delivered), else unmatched."""
    received = parse(raw, int(current_app.config["INBOUND_MAX_ATTACHMENT_BYTES"]))
    leads: dict[int, tuple[Inquiry, str]] = {}
    reasons = []
    for recipient in recipients:
        addressee = addresses.read(recipient)
        inquiry = _lead(addressee.code) if addressee.code else None
        if inquiry is not None:
            leads.setdefault(inquiry.id, (inquiry, recipient))
        else:
            reasons.append(addressee.reason or UnmatchedReason.UNKNOWN_LEAD)
    if not leads:
        reason = min(reasons, key=_REASON_ORDER.index)
        log.info("inbound: mail %s matches no lead (%s)", received.message_id, reason)
        return [_store(received, None, recipients[0], reason)]
    stored = []
    for inquiry, recipient in leads.values():
        if _already_on(inquiry, received.message_id):
            continue
        message = _store(received, inquiry, recipient)
        db.session.add(Activity(inquiry_id=inquiry.id, kind=ActivityKind.MESSAGE_RECEIVED,
                                detail=_detail(message)))  # fmt: skip
        mail.send_reply_notification(message)
        stored.append(message)
    return stored


def _lead(code: str) -> Inquiry | None:
    """The lead with that code, or the lead it was merged into (where its replies belong)."""
    inquiry = db.session.scalar(sa.select(Inquiry).where(Inquiry.code == code))
    return merging.survivor(inquiry) if inquiry is not None else None


def _already_on(inquiry: Inquiry, message_id: str) -> bool:
    if not message_id:
        return False
    return db.session.scalar(sa.select(LeadMessage.id).where(
        LeadMessage.inquiry_id == inquiry.id, LeadMessage.header_message_id == message_id
    ).limit(1)) is not None  # fmt: skip


def _store(
    received: ReceivedMail, inquiry: Inquiry | None, recipient: str, reason: str = ""
) -> LeadMessage:
    message = LeadMessage(
        inquiry=inquiry, direction=MessageDirection.INBOUND, sender=received.sender,
        sender_name=received.sender_name, recipient=recipient.strip().lower()[:254],
        subject=received.subject, body_text=received.text, body_html=received.html,
        header_message_id=received.message_id, size=received.size, unmatched_reason=reason,
        attachments=[MessageAttachment(filename=item.filename, content_type=item.content_type,
                                       size=item.size, content=item.content)
                     for item in received.attachments],
    )  # fmt: skip
    db.session.add(message)
    db.session.flush()
    return message


def _detail(message: LeadMessage) -> dict[str, object]:
    return {"message_id": message.id, "sender": message.sender,
            "sender_name": message.sender_name, "subject": message.subject}  # fmt: skip


# The unmatched list ---------------------------------------------------------------------------


def unmatched_query() -> sa.Select[tuple[LeadMessage]]:
    """Received mail on no lead, newest first."""
    return (
        sa.select(LeadMessage)
        .where(LeadMessage.inquiry_id.is_(None), LeadMessage.direction == MessageDirection.INBOUND)
        .order_by(LeadMessage.created_at.desc(), LeadMessage.id.desc())
    )


def unmatched_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(unmatched_query().subquery()))


def unmatched(message_id: int) -> LeadMessage | None:
    """One mail of the unmatched list, or None (attached, discarded, or never there)."""
    return db.session.scalar(unmatched_query().where(LeadMessage.id == message_id))


def leads_from(address: str, limit: int = 5) -> list[Inquiry]:
    """The newest leads written from address: where an unmatched mail likely belongs."""
    if not address:
        return []
    return list(db.session.scalars(
        sa.select(Inquiry).where(Inquiry.email_normalized == email_key(address), unmerged())
        .order_by(Inquiry.created_at.desc()).limit(limit)
    ))  # fmt: skip


def lead_by_code(code: str) -> Inquiry | None:
    return _lead(code.strip().upper())


@change
def attach(inquiry: Inquiry, user: User, message: LeadMessage) -> LeadMessage:
    """Put an unmatched mail on the lead's thread; its assignee is told when someone else did."""
    if message.inquiry_id is not None:
        raise WorkflowError(_("That mail is already on a lead."))
    message.inquiry = inquiry
    message.unmatched_reason = ""
    db.session.flush()
    record(inquiry, user, ActivityKind.MESSAGE_ATTACHED, **_detail(message))
    if inquiry.assignee is not None and inquiry.assignee_id != user.id:
        mail.send_reply_notification(message)
    return message


def discard(message: LeadMessage, user: User) -> None:
    """Delete an unmatched mail and its attachments."""
    if message.inquiry_id is not None:
        raise WorkflowError(_("That mail is on a lead: it cannot be discarded."))
    log.info("inbound: unmatched mail %s discarded by user %s", message.id, user.id)
    db.session.delete(message)
    db.session.flush()
