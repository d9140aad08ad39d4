"""Faults: a locked or unreachable database, a killed import, Redis down. Nothing half-written."""

import csv
import io
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing, suppress

import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Inquiry, Organization
from matchmaker.services import directory
from tests.factories import SHIPPED
from tests.helpers import POSTGRES_ONLY, answers, submission_key
from tests.live import ROOT, SECRET_KEY, free_port, prepare_database

RETRY_MESSAGE = "We could not save your inquiry just now"


def inquiries(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Inquiry.id)))


def fault_app(database_url: str, **settings):
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "DATABASE_URL": database_url,
                       "RATELIMIT_ENABLED": False, **settings})  # fmt: skip


def test_locked_database_gives_a_retryable_error_and_writes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'locked.sqlite3'}"
    prepare_database(url)
    app = fault_app(url, SQLITE_BUSY_TIMEOUT_SECONDS=0.3)
    client = app.test_client()
    data = answers(submission_key=submission_key(client))
    with closing(sqlite3.connect(tmp_path / "locked.sqlite3", isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        response = client.post("/inquiry", data=data)
        other.execute("ROLLBACK")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert RETRY_MESSAGE in response.text
    assert "Sakura Bio Partners" in response.text, "what the investor typed is kept"
    assert inquiries(app) == 0
    again = client.post("/inquiry", data=data)
    assert again.status_code == 303
    assert inquiries(app) == 1


class TcpProxy:
    """A loopback TCP relay that can be cut and restored, standing for a network outage."""

    def __init__(self, target_port: int) -> None:
        self.target_port, self.port = target_port, free_port()
        self.connections: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        for connection in [self.listener, *self.connections]:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self.connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()


@POSTGRES_ONLY
def test_unreachable_database_gives_a_retryable_error_then_recovers(database_url):
    prepare_database(database_url)
    target = sa.engine.make_url(database_url)
    proxy = TcpProxy(target.port or 5432)
    proxy.start()
    app = fault_app(target.set(port=proxy.port).render_as_string(hide_password=False))
    client = app.test_client()
    data = answers(submission_key=submission_key(client))
    proxy.cut()
    response = client.post("/inquiry", data=data)
    assert response.status_code == 503 and RETRY_MESSAGE in response.text
    proxy.start()
    assert client.post("/inquiry", data=data).status_code == 303
    assert inquiries(app) == 1
    proxy.cut()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def big_directory_csv(rows: int) -> bytes:
    """The shipped directory, repeated under new slugs, as many rows as asked."""
    shipped = list(csv.DictReader(io.StringIO(directory.shipped_directory().decode("utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(shipped[0]))
    writer.writeheader()
    for number in range(rows):
        row = dict(shipped[number % len(shipped)])
        writer.writerow(row | {"slug": f"{row['slug']}-{number}"})
    return out.getvalue().encode("utf-8")


@POSTGRES_ONLY
def test_killed_import_applies_nothing(database_url, tmp_path):
    """The import writes its rows, then waits for the directory version row, which this test
    holds locked; the import is killed right there, in the middle of its transaction."""
    prepare_database(database_url)
    path = tmp_path / "big.csv"
    path.write_bytes(big_directory_csv(2000))  # about 4 MB, under the import limit
    env = os.environ | {"MATCHMAKER_DATABASE_URL": database_url,
                        "MATCHMAKER_SECRET_KEY": SECRET_KEY}  # fmt: skip
    command = [sys.executable, "-m", "flask", "--app", "matchmaker", "directory", "import", path]
    engine = sa.create_engine(database_url)
    with engine.connect() as holder, engine.connect() as observer:
        holder.execute(sa.text("SELECT version FROM directory_state WHERE id = 1 FOR UPDATE"))
        with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) as worker:  # fmt: skip
            wait_until_blocked_on_a_lock(observer)
            worker.send_signal(signal.SIGKILL)
        holder.rollback()
    engine.dispose()
    assert worker.returncode == -signal.SIGKILL
    app = fault_app(database_url)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == SHIPPED
        assert directory.directory_version() == 1
        db.session.remove()
        db.engine.dispose()


def wait_until_blocked_on_a_lock(observer, seconds: float = 120) -> None:
    waiting = sa.text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if observer.execute(waiting).scalar_one():
            return
        observer.rollback()
        time.sleep(0.1)
    raise AssertionError("the import never reached the locked row")


def test_redis_down_the_limiter_lets_submissions_through_and_warns(tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'redis.sqlite3'}"
    prepare_database(url)
    app = fault_app(url, RATELIMIT_ENABLED=True,
                    RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")  # fmt: skip
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        response = client.post("/inquiry", data=answers(submission_key=submission_key(client)))
    assert response.status_code == 303
    assert inquiries(app) == 1
    assert any("rate limit" in record.getMessage().lower() for record in caplog.records)
