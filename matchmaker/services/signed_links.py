"""Signed, expiring, single-purpose links (itsdangerous) in mail (no account): an introduction's,
a profile proposal's, a consent request's. A link names its record and the record's nonce (or
code), signed for one purpose; each service then decides whether the record still takes it."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkRefused(Exception):
    """A link that cannot be used: `reason` is tampered, expired or used; `record` the row it
    names, when known."""

    def __init__(self, reason: str, record: object | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.record = record


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make_token(purpose: str, record_id: int, nonce: str) -> str:
    """The token of a link for this purpose to the record with this id and nonce."""
    return _serializer(purpose).dumps([record_id, nonce])


def read_token(token: str, purpose: str, max_age_seconds: int) -> tuple[int, str]:
    """(record id, nonce) of a token signed for this purpose within max_age_seconds, else
    LinkRefused: expired, or tampered (bad signature, other purpose, malformed)."""
    try:
        record_id, nonce = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise LinkRefused("expired") from None
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused("tampered") from None
    if not isinstance(record_id, int) or not isinstance(nonce, str):
        raise LinkRefused("tampered")
    return record_id, nonce
