"""A real SMTP server for tests (aiosmtpd on a free loopback port) that keeps what it receives."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.live import free_port


@dataclass(frozen=True)
class Received:
    """One accepted message: the SMTP envelope and the parsed mail."""

    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def body(self, subtype: str = "plain") -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""


class _Handler:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_RCPT(self, _server: Any, _session: Any, envelope: Any, address: str, _options):
        refusal = self.server.refuse_recipients.get(address)
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        if self.server.data_reply:
            return self.server.data_reply
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.server.lock:
            self.server.received.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), message)  # type: ignore[arg-type]
            )
        return "250 Message accepted for delivery"


class SMTPServer:
    """Start, stop (to play "the server is down") and restart on the same port."""

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.credentials = credentials
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.delay = 0.0  # seconds to wait before answering DATA
        self.data_reply = ""  # e.g. "451 Try later": refuse every message with this reply
        self.refuse_recipients: dict[str, str] = {}  # address -> reply such as "550 No such user"
        self._controller: Controller | None = None

    @property
    def config(self) -> dict[str, Any]:
        """App settings that send mail here."""
        settings: dict[str, Any] = {
            "SMTP_HOST": self.host,
            "SMTP_PORT": self.port,
            "SMTP_STARTTLS": False,
            "SMTP_TIMEOUT": 5,
            "MAIL_FROM": "Walloon Matchmaker <matchmaker@agency.example>",
        }
        if self.credentials:
            settings["SMTP_USERNAME"], settings["SMTP_PASSWORD"] = self.credentials
        return settings

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.credentials:
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, **options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages_to(self, address: str) -> list[Received]:
        with self.lock:
            return [item for item in self.received if address in item.recipients]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The received messages once there are at least count of them (or after timeout)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        with self.lock:
            return list(self.received)

    def _authenticate(self, _server: Any, _session: Any, _envelope: Any, mechanism: str, data):
        valid = (
            isinstance(data, LoginPassword)
            and (data.login.decode(), data.password.decode()) == self.credentials
        )
        return AuthResult(success=valid, handled=False)

