"""The outbox: mail written with the change that causes it, and the relay that sends it by SMTP.

A message is a row written in the caller's transaction (`enqueue`), so it exists exactly when the
change that caused it was committed. The relay (`deliver_due`) claims one row at a time with a
conditional UPDATE (a lease: claim_token and claimed_until), sends it, and marks it sent only
after the server accepted it. A relay that dies between the two leaves a lease that expires: the
message is sent again, with the same Message-ID so that mail clients show it once. Two relays
never hold the same lease, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, has_request_context
from sqlalchemy.orm import Session

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, OutboxMessage, utcnow

log = logging.getLogger(__name__)

SENDER_NAME = "Walloon Matchmaker"
SUBJECT_MAX_LENGTH = 300
ERROR_MAX_LENGTH = 2000
DEFAULT_BATCH = 100
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_ADDRESS = re.compile(r"^[^@\s\"(),:;<>\[\]\\]+@[^@\s\"(),:;<>\[\]\\]+$")
_KICK_FLAG = "outbox_enqueued"


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


def enqueue(
    recipient: str, subject: str, text: str, html: str = "", inquiry: Inquiry | None = None
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction (the caller commits)."""
    message = OutboxMessage(
        recipient=checked_address(recipient),
        subject=header_value(subject),
        body_text=text,
        body_html=html,
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
            Activity(inquiry_id=inquiry.id, kind="email_queued", detail={"outbox_id": message.id})
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
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
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


# Delivering ---------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one pass of the relay did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another relay first
    error: str = ""  # the server could not be reached: nothing was attempted
    failures: list[str] = field(default_factory=list)

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
    recipient = message.recipient
    try:
        connection.send(build_email(message, current_app.config), recipient)
    except (smtplib.SMTPException, OSError, ValueError) as error:
        permanent = _is_permanent(error)
        gave_up = record_failure(message_id, token, _describe(error), permanent, clock())
        if gave_up:
            report.failed += 1
        else:
            report.retrying += 1
        report.failures.append(f"#{message_id} to {recipient}: {_describe(error)}")
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
        _log_activity(message_id, "email_sent")
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
        _log_activity(message_id, "email_failed")
        log.error("outbox: gave up on message %s: %s", message_id, error)
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


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


# Immediate delivery after a request commits -------------------------------------------------


class _Kicker:
    """One background thread per process that delivers right after a commit, coalescing kicks."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None

    def kick(self) -> None:
        with self.lock:
            self.wake.set()
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="outbox-kick", daemon=True)
                self.thread.start()

    def join(self, timeout: float | None = None) -> None:
        thread = self.thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self.lock:
                if not self.wake.is_set():
                    self.thread = None
                    return
                self.wake.clear()
            with self.app.app_context():
                try:
                    deliver_due()
                except Exception:  # the relay will retry; never let the thread die noisily
                    log.exception("outbox: immediate delivery failed")


def kicker(app: Flask) -> _Kicker:
    """The process's background deliverer for app (created on first use, after any fork)."""
    with _KICKERS_LOCK:
        if "outbox_kicker" not in app.extensions:
            app.extensions["outbox_kicker"] = _Kicker(app)
        return app.extensions["outbox_kicker"]


_KICKERS_LOCK = threading.Lock()


def kick(app: Flask) -> None:
    """Try to deliver now, in the background, if SMTP is configured and the app allows it."""
    if app.config["OUTBOX_SEND_AFTER_COMMIT"] and smtp_configured(app.config):
        kicker(app).kick()


@sa.event.listens_for(OutboxMessage, "after_insert")
def _remember_enqueued(_mapper: Any, _connection: Any, target: OutboxMessage) -> None:
    session = sa.orm.object_session(target)
    if session is not None:
        session.info[_KICK_FLAG] = True


@sa.event.listens_for(Session, "after_commit")
def _kick_after_commit(session: Session) -> None:
    if session.info.pop(_KICK_FLAG, False) and has_request_context() and has_app_context():
        kick(current_app._get_current_object())  # type: ignore[attr-defined]


@sa.event.listens_for(Session, "after_rollback")
def _forget_enqueued(session: Session) -> None:
    session.info.pop(_KICK_FLAG, None)
