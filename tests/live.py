"""Real servers for tests and benchmarks: gunicorn with several workers on a loopback port."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade

from matchmaker import create_app
from matchmaker.database import MIGRATIONS_DIR
from matchmaker.extensions import db

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "live-server-secret-key-of-enough-length-1234"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(database_url: str) -> None:
    """Bring the database to the current schema and seed the shipped directory."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        result = app.test_cli_runner().invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()


@contextmanager
def gunicorn(
    database_url: str, workers: int = 4, settings: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Serve the app with gunicorn.conf.py; yields the base URL; stops the server after."""
    port = free_port()
    env = os.environ | {
        "MATCHMAKER_DATABASE_URL": database_url,
        "MATCHMAKER_SECRET_KEY": SECRET_KEY,
        "MATCHMAKER_BIND": f"127.0.0.1:{port}",
        "MATCHMAKER_WORKERS": str(workers),
        "MATCHMAKER_SESSION_COOKIE_SECURE": "false",
        **(settings or {}),
    }
    app = "matchmaker:create_app()"
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(base, server, log)
            yield base
        finally:
            server.send_signal(signal.SIGQUIT)  # quick shutdown: the test is over
            server.wait(timeout=30)


def _wait_until_up(base: str, server: subprocess.Popen, log, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError("gunicorn exited:\n" + log.read().decode(errors="replace"))
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {base} within {seconds} s")


class Visitor:
    """One browser-less visitor: keeps its cookies, follows redirects, reports status codes."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        self.base, self.timeout = base, timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: Mapping[str, str | list[str]]) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        """(status, final URL, body text)."""
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode(errors="replace")


def hidden_value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) or re.search(
        rf'type="hidden" name="{name}" value="([^"]*)"', html
    )
    if not found:
        raise AssertionError(f"no hidden field {name} in the page")
    return found.group(1)


def filled_form(visitor: Visitor, number: int) -> dict[str, str | list[str]]:
    """Load the public form as this visitor and fill it in (CSRF token, submission key)."""
    page = visitor.get("/inquiry")[2]
    return {
        "csrf_token": hidden_value(page, "csrf_token"),
        "submission_key": hidden_value(page, "submission_key"),
        "name": f"Load Tester {number}",
        "email": f"load{number}@example.com",
        "organization": f"Load Fund {number}",
        "role": "Partner",
        "country": "US",
        "investor_type": "investment-fund",
        "sectors": ["life-sciences"],
        "offers": ["contract-manufacturing"],
        "interests": "GMP manufacturing of viral vectors for cell and gene therapy in Europe.",
        "consent": "y",
    }


def submit_inquiry(base: str, number: int) -> tuple[int, str]:
    """Fill the public form and send it, as one visitor; (status, final URL)."""
    visitor = Visitor(base)
    status, url, _ = visitor.post("/inquiry", filled_form(visitor, number))
    return status, url
