"""The outbox: mail written with the change that causes it, and the relay that sends it by SMTP.

A message is a row written in the caller's transaction (`enqueue`), so it exists exactly when the
change that caused it was committed. The relay (`deliver_due`) claims one row at a time with a
conditional UPDATE (a lease: claim_token and claimed_until), sends it, and marks it sent only
after the server accepted it. A relay that dies between the two leaves a lease that expires: the
message is sent again, with the same Message-ID so that mail clients show it once. Two relays
never hold the same lease, on SQLite as on PostgreSQL.

The package: `queue` (enqueue and the queries), `relay` (deliver_due, the `outbox send` worker:
a unit of work that commits each claim and outcome) and `kick` (delivery right after a commit,
hooked into SQLAlchemy's sessions by `init_app`, never at import).
"""

from matchmaker.services.outbox.kick import init_app, kick, kicker
from matchmaker.services.outbox.queue import (
    InvalidRecipient,
    MailNotConfigured,
    build_email,
    checked_address,
    counts,
    due_query,
    enqueue,
    header_value,
    is_single_address,
    mail_domain,
    mail_from,
    new_message_id,
    pending_condition,
    smtp_configured,
    status_query,
)
from matchmaker.services.outbox.relay import (
    DEFAULT_BATCH,
    DeliveryReport,
    backoff,
    claim,
    deliver_due,
    mark_sent,
    record_failure,
    retry,
    retry_failed,
)

__all__ = [
    "DEFAULT_BATCH", "DeliveryReport", "InvalidRecipient", "MailNotConfigured", "backoff",
    "build_email", "checked_address", "claim", "counts", "deliver_due", "due_query", "enqueue",
    "header_value", "init_app", "is_single_address", "kick", "kicker", "mail_domain",
    "mail_from", "mark_sent", "new_message_id", "pending_condition", "record_failure", "retry",
    "retry_failed", "smtp_configured", "status_query",
]  # fmt: skip
