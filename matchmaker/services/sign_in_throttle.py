"""Sign-in throttling per account and client address: growing delays, shared by every worker.

A few failures are free; then each failure from one address on one account doubles the wait
before that address may try that account again (1 s, 2 s, 4 s, ... up to 15 minutes). Attempts
during the wait are refused without checking the password and do not count. The delay is kept
per (account, address), so an attacker's failures never stop the account's owner signing in
from their own address: no lock anyone can put on an admin. Guessing across accounts from one
address is capped by the per-address rate limit on the sign-in form (LOGIN_RATE_LIMIT), and a
distributed guess at one account by the delays, the common-password check and the second factor.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from matchmaker.extensions import db
from matchmaker.models import SignInThrottle, utcnow

FREE_FAILURES = 3
MAX_DELAY_SECONDS = 15 * 60
FORGET_AFTER = timedelta(hours=24)  # a failure this old no longer counts


def now() -> datetime:
    """The current time (a function, so that tests can move the clock)."""
    return utcnow()


def delay_after(failures: int) -> int:
    """Seconds to wait after this many failures in a row."""
    if failures <= FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_SECONDS)


def wait_seconds(user_id: int, address: str | None) -> int:
    """How long this address must still wait before trying this account (0: go ahead)."""
    row = db.session.get(SignInThrottle, _key(user_id, address))
    if row is None or row.not_before is None:
        return 0
    return max(0, int((row.not_before - now()).total_seconds() + 0.999))


def record_failure(user_id: int, address: str | None) -> None:
    """Count a failure in one statement (concurrent workers all count) and set the next wait
    (no commit)."""
    key, moment = _key(user_id, address), now()
    row = db.session.get(SignInThrottle, key)
    if row is not None and moment - row.last_failure_at > FORGET_AFTER:
        row.failures = 0
        db.session.flush()
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(SignInThrottle).values(key=key, user_id=user_id, failures=1,
                                              last_failure_at=moment)  # fmt: skip
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[SignInThrottle.key],
        set_={"failures": SignInThrottle.failures + 1, "last_failure_at": moment},
    ))  # fmt: skip
    row = db.session.get(SignInThrottle, key, populate_existing=True)
    delay = delay_after(row.failures)
    row.not_before = moment + timedelta(seconds=delay) if delay else None
    db.session.flush()


def forget(user_id: int, address: str | None = None) -> None:
    """Clear the count of this address on this account, or of every address (no commit)."""
    query = sa.delete(SignInThrottle).where(SignInThrottle.user_id == user_id)
    if address is not None:
        query = query.where(SignInThrottle.key == _key(user_id, address))
    db.session.execute(query)


def _key(user_id: int, address: str | None) -> str:
    return hashlib.sha256(f"{user_id}|{address or '-'}".encode()).hexdigest()
