"""Shared fixtures: an app on a fresh database (SQLite, or PostgreSQL when configured), staff
accounts, a real SMTP server; the postgres marker, and the compiled translations a run needs.
The browser tests' fixtures are in tests/browser/conftest.py, helpers in tests/helpers.py."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.services import accounts
from tests.helpers import (
    PASSWORD,
    empty_database,
    enrol,
    load_shipped_directory,
    login,
    skip_unless_available,
)
from tests.smtp import SMTPServer

TRANSLATIONS = Path(__file__).resolve().parent.parent / "matchmaker" / "translations"
# The suite never reads a developer's .env (the `flask` command and gunicorn.conf.py would):
# the commands and servers it starts get only the settings the tests give them.
os.environ["FLASK_SKIP_DOTENV"] = "1"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the message catalogs that are missing or older than their .po (what
    `make translations` does), so that a bare `pytest` shows the French pages too."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


DATABASE_PARAMETERS = ("database_url", "live_database")  # the fixtures naming a database kind


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs on PostgreSQL `postgres`, so `pytest -m postgres` selects them:
    those parametrized with database_url or live_database (the browser tests' live server)
    ="postgresql", and those using postgres_database."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        on_postgres = "postgresql" in (params.get(name) for name in DATABASE_PARAMETERS)
        if on_postgres or "postgres_database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


POSTGRES_URL_VARIABLE = "MATCHMAKER_TEST_DATABASE_URL"


def postgres_url() -> str:
    """The PostgreSQL server given for tests, or a skip that says how to enable it."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "")
    skip_unless_available(
        url.startswith("postgresql"),
        f"set {POSTGRES_URL_VARIABLE}=postgresql://... to run the PostgreSQL tests",
    )
    return url


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of this test run's own on the PostgreSQL server, so runs never collide."""
    server = sa.engine.make_url(postgres_url())
    name = f"{server.database}_run_{os.getpid()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database; parametrize with ["sqlite", "postgresql"] (indirect) to run on both."""
    yield from empty_database(request, tmp_path / "test.sqlite3")


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def seeded(app: Flask) -> Flask:
    """The app with the shipped directory loaded."""
    with app.app_context():
        load_shipped_directory()
    return app


@pytest.fixture
def make_user(app: Flask):
    """Create a staff account: make_user("ann@agency.be", role="admin", sectors=("energy",)).

    Admins get an authenticator (they must sign in with one: tests.helpers.enrol), unless
    authenticator=False; staff members only with authenticator=True."""

    def make(email: str = "staff@agency.be", role: str = "staff", authenticator: bool | None = None,
             **fields) -> User:  # fmt: skip
        with app.app_context():
            user = accounts.create_user(email, fields.pop("name", ""), PASSWORD, role)
            for name, value in fields.items():
                setattr(user, name, value)
            db.session.commit()
        if role == "admin" if authenticator is None else authenticator:
            enrol(app, email)
        with app.app_context():
            user = accounts.find_user(email)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def staff_client(client: FlaskClient, make_user) -> FlaskClient:
    """A client signed in as a staff member (staff@agency.be)."""
    login(client, make_user().email)
    return client


@pytest.fixture
def admin_client(client: FlaskClient, make_user) -> FlaskClient:
    """A client signed in as an admin (admin@agency.be)."""
    login(client, make_user("admin@agency.be", role="admin").email)
    return client


@pytest.fixture
def audit(app: Flask, tmp_path: Path):
    """The audit lines written so far, parsed: audit() -> list of dicts; audit.path the file."""
    path = tmp_path / "audit.jsonl"
    app.config["AUDIT_LOG"] = str(path)

    def lines() -> list[dict]:
        if not path.exists():
            return []
        text = path.read_text()
        assert text.endswith("\n") or not text
        return [json.loads(line) for line in text.splitlines()]

    lines.path = path
    return lines


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """A real SMTP server on a free loopback port; .stop() and .start() play an outage."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app: Flask, smtp_server: SMTPServer) -> Flask:
    """The app sending mail to smtp_server; deliveries only when a test runs the relay."""
    app.config.update(smtp_server.config, OUTBOX_SEND_AFTER_COMMIT=False)
    return app
