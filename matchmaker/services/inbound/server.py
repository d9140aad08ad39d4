"""The inbound SMTP receiver (aiosmtpd) that `flask inbound serve` runs: it accepts mail for the
inbound address and its "+" tags only, refuses mail over the size cap, stores each message (a
unit of work: one commit per message) and answers 451 when it cannot, so that the sending
server tries again later."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask

from matchmaker.config import ConfigError
from matchmaker.extensions import db
from matchmaker.services import outbox
from matchmaker.services.inbound.addresses import accepts, inbound_address
from matchmaker.services.inbound.receiving import receive

log = logging.getLogger(__name__)


class _Handler:
    def __init__(self, app: Flask, inbound: str) -> None:
        self.app = app
        self.inbound = inbound

    async def handle_RCPT(self, _server: Any, _session: Any, envelope: Any, address: str,
                          _options: Any) -> str:  # fmt: skip
        if not accepts(address, self.inbound):
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        raw, recipients = bytes(envelope.content), list(envelope.rcpt_tos)
        try:
            await asyncio.get_running_loop().run_in_executor(None, self.store, raw, recipients)
        except Exception:
            log.exception("inbound: a mail could not be stored; its sender's server will retry")
            return "451 4.3.0 The message could not be stored; try again later"
        return "250 2.0.0 Message accepted"

    def store(self, raw: bytes, recipients: Sequence[str]) -> None:
        with self.app.app_context():
            try:
                receive(raw, recipients)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
        outbox.kick(self.app)  # the assignee's notification, at once when SMTP is configured


class Receiver:
    """The receiver of app's inbound address on host:port, serving in a thread of its own."""

    def __init__(self, app: Flask, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._controller: Controller | None = None

    @property
    def inbound(self) -> str:
        with self.app.app_context():
            return inbound_address()

    def start(self) -> None:
        inbound = self.inbound
        if "@" not in inbound:
            raise ConfigError("Set MATCHMAKER_INBOUND_ADDRESS (e.g. leads@agency.example): the "
                              "address whose mail the receiver accepts.")  # fmt: skip
        self._controller = Controller(
            _Handler(self.app, inbound), hostname=self.host, port=self.port,
            server_hostname=inbound.partition("@")[2], ident="Walloon Matchmaker inbound",
            data_size_limit=int(self.app.config["INBOUND_MAX_MESSAGE_BYTES"]),
        )  # fmt: skip
        self._controller.start()
        log.info("inbound: receiving mail for %s on %s:%s", inbound, self.host, self.port)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
