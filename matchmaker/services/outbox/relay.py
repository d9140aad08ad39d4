"""The relay: claims due messages one at a time with a lease, sends them over SMTP, and records
the outcome. A unit of work of its own: it commits each claim and each outcome."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

import sqlalchemy as sa
from flask import current_app

from matchmaker.extensions import db
from matchmaker.models import Activity, ActivityKind, OutboxMessage, utcnow
from matchmaker.services.outbox.queue import (
    MailNotConfigured,
    build_email,
    due_query,
    pending_condition,
    smtp_configured,
    status_query,
)

log = logging.getLogger(__name__)

DEFAULT_BATCH = 100
ERROR_MAX_LENGTH = 2000
# An e-mail address, bare or in <>, as SMTP replies quote the recipient.
_ADDRESS = re.compile(r"<?[^\s<>,;:()\[\]\"'@]+@[^\s<>,;:()\[\]\"']+>?")


# Delivering ---------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one pass of the relay did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another relay first
    error: str = ""  # the server could not be reached: nothing was attempted
    failures: list[str] = field(default_factory=list)  # "#id: reason", without addresses

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed


class _Connection:
    """One SMTP session for a batch, opened on first use and reopened after an error."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.smtp is None:
            config = self.config
            smtp = smtplib.SMTP(
                config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=float(config["SMTP_TIMEOUT"])
            )
            try:
                if config["SMTP_STARTTLS"]:
                    smtp.starttls(context=ssl.create_default_context())
                if config["SMTP_USERNAME"]:
                    smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        return self.smtp

    def send(self, email: EmailMessage, recipient: str) -> None:
        sender = parseaddr(str(email["From"]))[1]
        self.open().send_message(email, from_addr=sender, to_addrs=[recipient])

    def reset(self) -> None:
        """After a refused message: start a clean transaction, or drop a broken connection."""
        if self.smtp is None:
            return
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def deliver_due(limit: int = DEFAULT_BATCH, now: datetime | None = None) -> DeliveryReport:
    """Send the messages that are due, each at most once per lease; commits as it goes.

    `now` shifts the relay's clock (tests use it to let backoff and leases run out).
    """
    config = current_app.config
    if not smtp_configured(config):
        raise MailNotConfigured("MATCHMAKER_SMTP_HOST is not set")
    started = utcnow()
    shift = (now - started) if now is not None else timedelta(0)

    def clock() -> datetime:
        return utcnow() + shift

    ids = db.session.scalars(
        due_query(clock()).with_only_columns(OutboxMessage.id).limit(limit)
    ).all()
    db.session.commit()
    report = DeliveryReport()
    if not ids:
        return report
    connection = _Connection(config)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        report.error = _describe(error)
        log.warning("outbox: cannot reach the SMTP server: %s", report.error)
        return report
    try:
        for message_id in ids:
            if not _deliver_one(message_id, connection, clock, report):
                break
    finally:
        connection.close()
    return report


def _deliver_one(
    message_id: int, connection: _Connection, clock: Any, report: DeliveryReport
) -> bool:
    """Claim, send and mark one message; False when the connection broke (stop the batch)."""
    token = claim(message_id, clock())
    if token is None:
        report.skipped += 1
        return True
    message = db.session.get(OutboxMessage, message_id)
    assert message is not None
    try:
        connection.send(build_email(message, current_app.config), message.recipient)
    except (smtplib.SMTPException, OSError, ValueError) as error:
        permanent = _is_permanent(error)
        gave_up = record_failure(message_id, token, _describe(error), permanent, clock())
        if gave_up:
            report.failed += 1
        else:
            report.retrying += 1
        report.failures.append(f"#{message_id}: {without_addresses(_describe(error))}")
        if _connection_lost(error):
            connection.close()
            return False
        connection.reset()
        return True
    mark_sent(message_id, token, clock())
    report.sent += 1
    return True


def claim(message_id: int, now: datetime) -> str | None:
    """Lease a due message to this relay; the token, or None if another relay holds it."""
    token = uuid.uuid4().hex
    lease = timedelta(seconds=float(current_app.config["OUTBOX_CLAIM_SECONDS"]))
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            pending_condition(),
            OutboxMessage.next_attempt_at <= now,
            sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claim_token=token, claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if result.rowcount == 1 else None


def mark_sent(message_id: int, token: str, now: datetime) -> None:
    """Record that the server accepted the message (only the lease holder can)."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
        .values(sent_at=now, claimed_until=None, claim_token=None, last_error="")
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        _log_activity(message_id, ActivityKind.EMAIL_SENT)
    else:
        log.warning("outbox: lease on message %s ran out while it was being sent", message_id)
    db.session.commit()


def record_failure(message_id: int, token: str, error: str, permanent: bool, now: datetime) -> bool:
    """Schedule a retry with exponential backoff, or give up; True when it gave up."""
    config = current_app.config
    attempts = db.session.scalar(
        sa.select(OutboxMessage.attempts).where(OutboxMessage.id == message_id)
    )
    gave_up = permanent or (attempts or 0) >= int(config["OUTBOX_MAX_ATTEMPTS"])
    values: dict[str, Any] = {
        "claimed_until": None,
        "claim_token": None,
        "last_error": error[:ERROR_MAX_LENGTH],
    }
    if gave_up:
        values["failed_at"] = now
    else:
        values["next_attempt_at"] = now + backoff(attempts or 1, config)
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if gave_up and result.rowcount == 1:
        _log_activity(message_id, ActivityKind.EMAIL_FAILED)
        log.error("outbox: gave up on message %s: %s", message_id, without_addresses(error))
    db.session.commit()
    return gave_up


def backoff(attempts: int, config: dict[str, Any]) -> timedelta:
    """The wait before the next try: the base delay doubled per attempt made, capped."""
    seconds = float(config["OUTBOX_BACKOFF_SECONDS"]) * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, float(config["OUTBOX_BACKOFF_MAX_SECONDS"])))


def retry(message: OutboxMessage) -> None:
    """Put a failed message back in the queue with a fresh count of attempts (caller commits)."""
    if message.sent_at is not None:
        raise ValueError("message already sent")
    message.failed_at = None
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_until = None
    message.claim_token = None


def retry_failed() -> int:
    """Put every failed message back in the queue (caller commits); how many there were."""
    messages = db.session.scalars(status_query("failed")).all()
    for message in messages:
        retry(message)
    return len(messages)


def _log_activity(message_id: int, kind: str) -> None:
    inquiry_id = db.session.scalar(
        sa.select(OutboxMessage.inquiry_id).where(OutboxMessage.id == message_id)
    )
    if inquiry_id is not None:
        db.session.add(Activity(inquiry_id=inquiry_id, kind=kind, detail={"outbox_id": message_id}))


def _is_permanent(error: BaseException) -> bool:
    """A 5xx answer about this message: retrying will not help. Auth and network errors will."""
    if isinstance(error, ValueError):  # the row itself cannot be made into a mail
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _connection_lost(error: BaseException) -> bool:
    """The session is gone (network error, disconnect), as opposed to a refused message."""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def without_addresses(text: str) -> str:
    """text for a log: every e-mail address replaced by <address> (the row keeps whom for)."""
    return _ADDRESS.sub("<address>", text)


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):  # a message has one recipient
        return "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


