"""Signed links sent by mail (no account): a payload signed with SECRET_KEY for one purpose,
with a lifetime; `LinkRefused` says why one cannot be used (tampered, expired or used)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkRefused(Exception):
    """A link that cannot be used: `reason` is tampered, expired or used; `record` is what it
    names, when known."""

    def __init__(self, reason: str, record: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.record = record


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def sign(purpose: str, payload: Any) -> str:
    """A URL-safe token carrying payload, good for purpose only."""
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age_seconds: int) -> Any:
    """The payload of a token signed for purpose at most max_age_seconds ago, else
    LinkRefused("expired") or LinkRefused("tampered")."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise LinkRefused("expired") from None
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused("tampered") from None
