"""The security and audit stream: one JSON object a line for each security-relevant event.

Each line carries the UTC time, the event's name, the signed-in user's id, the request id and
the client address, then the event's own fields. Passwords, tokens and investors' e-mail
addresses never go in: `email_digest` gives a keyed hash that matches the same address in
other lines without revealing it. JSON escapes CR, LF and every other control character, so a
value cannot start a forged line.

Where it goes: AUDIT_LOG, "-" (the default) for stderr, or a file path (appended to, one write
a line, so several workers can share it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
MAX_VALUE_LENGTH = 300


def init_app(app: Flask) -> None:
    app.config.setdefault("AUDIT_LOG", "-")
    app.before_request(_assign_request_id)
    app.after_request(_send_request_id)
    limiter_logger = logging.getLogger("flask-limiter")
    if not any(isinstance(handler, _LimiterStorageErrors) for handler in limiter_logger.handlers):
        limiter_logger.addHandler(_LimiterStorageErrors())


def event(name: str, **fields: Any) -> None:
    """Write one audit line (a no-op outside an application)."""
    if not has_app_context():
        return
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": name,
        "user": _user_id(),
    }
    if has_request_context():
        record["request_id"] = request_id()
        record["client"] = request.remote_addr
    record.update({key: _clean(value) for key, value in fields.items()})
    _write(json.dumps(record, ensure_ascii=True, default=str))


def email_digest(email: str | None) -> str | None:
    """A keyed hash of an e-mail address (casefolded), to follow it across lines unread."""
    if not email:
        return None
    key = str(current_app.config["SECRET_KEY"]).encode()
    normalized = email.strip().casefold().encode("utf-8", "surrogatepass")
    return "sha256:" + hmac.new(key, normalized, hashlib.sha256).hexdigest()[:32]


def request_id() -> str:
    if "request_id" not in g:
        _assign_request_id()
    return g.request_id


def _assign_request_id() -> None:
    """The proxy's X-Request-ID when it is plain, else a new one."""
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _send_request_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers.setdefault("X-Request-ID", g.request_id)
    return response


def _user_id() -> int | None:
    if not has_request_context():
        return None
    from flask_login import current_user

    try:
        return current_user.id if current_user.is_authenticated else None
    except Exception:  # the database is down: the event still gets written  # noqa: BLE001
        return None


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_VALUE_LENGTH]
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value][:50]
    return value


def _write(line: str) -> None:
    destination = str(current_app.config.get("AUDIT_LOG") or "-")
    if destination == "-":
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
        return
    with open(destination, "a", encoding="ascii") as stream:
        stream.write(line + "\n")


class _LimiterStorageErrors(logging.Handler):
    """Flask-Limiter's warnings (its storage, Redis, is unreachable: requests go through
    unlimited) become audit events."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            error = record.exc_info[1] if record.exc_info else None
            event("rate_limiter.storage_error", message=record.getMessage()[:200],
                  error=type(error).__name__ if error else None)  # fmt: skip
        except Exception:  # noqa: BLE001  (logging must never break a request)
            self.handleError(record)
