"""The after-commit kick: a commit that queued mail wakes a background thread of the process to
deliver it at once (the relay command remains the safety net)."""

from __future__ import annotations

import logging
import threading
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, has_request_context
from sqlalchemy.orm import Session

from matchmaker.models import OutboxMessage
from matchmaker.services.outbox.queue import smtp_configured
from matchmaker.services.outbox.relay import deliver_due

log = logging.getLogger(__name__)

_KICK_FLAG = "outbox_enqueued"


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


def _remember_enqueued(_mapper: Any, _connection: Any, target: OutboxMessage) -> None:
    session = sa.orm.object_session(target)
    if session is not None:
        session.info[_KICK_FLAG] = True


def _kick_after_commit(session: Session) -> None:
    if session.info.pop(_KICK_FLAG, False) and has_request_context() and has_app_context():
        kick(current_app._get_current_object())  # type: ignore[attr-defined]


def _forget_enqueued(session: Session) -> None:
    session.info.pop(_KICK_FLAG, None)


_HOOKS = (
    (OutboxMessage, "after_insert", _remember_enqueued),
    (Session, "after_commit", _kick_after_commit),
    (Session, "after_rollback", _forget_enqueued),
)


def init_app(app: Flask) -> None:
    """Deliver right after a commit that queued mail (hooks every SQLAlchemy session, once)."""
    for target, name, hook in _HOOKS:
        if not sa.event.contains(target, name, hook):
            sa.event.listen(target, name, hook)
