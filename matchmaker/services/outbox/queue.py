"""The outbox queue: a message written in the caller's transaction, its headers, and the
queries that read the outbox."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from matchmaker.extensions import db
from matchmaker.models import Activity, ActivityKind, Inquiry, OutboxMessage, utcnow

log = logging.getLogger(__name__)

SENDER_NAME = "Walloon Matchmaker"
SUBJECT_MAX_LENGTH = 300
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_ADDRESS = re.compile(r"^[^@\s\"(),:;<>\[\]\\]+@[^@\s\"(),:;<>\[\]\\]+$")


class MailNotConfigured(RuntimeError):
    """No SMTP server is configured: messages stay in the outbox."""


class InvalidRecipient(ValueError):
    """The recipient is not one plain email address."""


# Writing messages ---------------------------------------------------------------------------


def header_value(value: str, max_length: int = SUBJECT_MAX_LENGTH) -> str:
    """value on one line, safe in a mail header: control characters (CR, LF…) become spaces."""
    text = " ".join(_CONTROL_CHARACTERS.sub(" ", value).split())
    if len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def checked_address(recipient: str) -> str:
    """recipient if it is one plain address (no name, no list, no header tricks), else raise."""
    address = recipient.strip()
    if not _ADDRESS.match(address) or parseaddr(address)[1] != address or len(address) > 254:
        raise InvalidRecipient(f"not a single email address: {recipient!r}")
    return address


def is_single_address(value: str) -> bool:
    """Whether value is one plain address that mail can go to (what checked_address accepts)."""
    try:
        checked_address(value)
    except InvalidRecipient:
        return False
    return True


def enqueue(
    recipient: str,
    subject: str,
    text: str,
    html: str = "",
    inquiry: Inquiry | None = None,
    reply_to: str = "",
    calendar: str = "",
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction (the caller commits).

    reply_to: one plain address answers go to; calendar: an iCalendar invitation to attach.
    """
    message = OutboxMessage(
        recipient=checked_address(recipient),
        subject=header_value(subject),
        body_text=text,
        body_html=html,
        reply_to=checked_address(reply_to) if reply_to else "",
        calendar=calendar,
        message_id=new_message_id(current_app.config),
        next_attempt_at=utcnow(),
    )
    if inquiry is not None:
        if inquiry.id is None:
            db.session.flush()
        message.inquiry_id = inquiry.id
    db.session.add(message)
    if inquiry is not None:
        db.session.flush()
        db.session.add(
            Activity(inquiry_id=inquiry.id, kind=ActivityKind.EMAIL_QUEUED,
                     detail={"outbox_id": message.id})  # fmt: skip
        )
    return message


def new_message_id(config: dict[str, Any]) -> str:
    """A globally unique Message-ID, on the domain mail is sent from."""
    return f"<{uuid.uuid4().hex}@{mail_domain(config)}>"


def mail_domain(config: dict[str, Any]) -> str:
    """The domain of MAIL_FROM, else the host of BASE_URL."""
    address = parseaddr(str(config.get("MAIL_FROM") or ""))[1]
    domain = address.rpartition("@")[2]
    return domain or urlsplit(str(config["BASE_URL"])).hostname or "localhost"


def mail_from(config: dict[str, Any]) -> str:
    """The From header: MAIL_FROM, else the service's name at no-reply@ the BASE_URL host."""
    return str(config.get("MAIL_FROM") or "") or formataddr(
        (SENDER_NAME, f"no-reply@{mail_domain(config)}")
    )


def build_email(message: OutboxMessage, config: dict[str, Any]) -> EmailMessage:
    """The RFC 5322 message for an outbox row; the same row always gives the same headers."""
    email = EmailMessage(policy=policy.SMTP)
    email["From"] = mail_from(config)
    email["To"] = checked_address(message.recipient)
    email["Subject"] = header_value(message.subject)
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    if message.reply_to:
        email["Reply-To"] = checked_address(message.reply_to)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    if message.calendar:
        email.add_attachment(
            message.calendar.encode(), maintype="text", subtype="calendar",
            filename="invitation.ics", params={"method": "REQUEST"},
        )  # fmt: skip
    return email


# Reading the outbox -------------------------------------------------------------------------


def pending_condition() -> sa.ColumnElement[bool]:
    return sa.and_(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))


def due_query(now: datetime) -> sa.Select[tuple[OutboxMessage]]:
    """Messages to send now: not sent, not given up, due, and not leased by a live relay."""
    return (
        db.select(OutboxMessage)
        .where(
            pending_condition(),
            OutboxMessage.next_attempt_at <= now,
            sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    )


def status_query(status: str) -> sa.Select[tuple[OutboxMessage]]:
    """Messages that are pending, failed (given up on) or sent, newest first."""
    condition = {
        "pending": pending_condition(),
        "failed": sa.and_(OutboxMessage.failed_at.is_not(None), OutboxMessage.sent_at.is_(None)),
        "sent": OutboxMessage.sent_at.is_not(None),
    }[status]
    return (
        db.select(OutboxMessage)
        .where(condition)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )


def counts() -> dict[str, int]:
    """How many messages are pending, sent and failed."""
    state = sa.case(
        (OutboxMessage.sent_at.is_not(None), "sent"),
        (OutboxMessage.failed_at.is_not(None), "failed"),
        else_="pending",
    )
    rows = db.session.execute(sa.select(state, sa.func.count()).group_by(state)).all()
    return {"pending": 0, "sent": 0, "failed": 0} | {name: number for name, number in rows}


def smtp_configured(config: dict[str, Any]) -> bool:
    return bool(config.get("SMTP_HOST"))


