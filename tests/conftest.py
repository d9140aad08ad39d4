"""Shared fixtures: an app on a fresh database (SQLite, or PostgreSQL when configured), and a
live server with a headless Chromium for the browser tests."""

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.serving import WSGIRequestHandler, make_server

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Inquiry, User, utcnow
from matchmaker.services import accounts, directory
from tests.smtp import SMTPServer

POSTGRES_URL_VARIABLE = "MATCHMAKER_TEST_DATABASE_URL"


def skip_unless_available(available: bool, reason: str) -> None:
    """Skip a test whose real service is missing here; in CI (which provides them all) fail."""
    if available:
        return
    if os.environ.get("MATCHMAKER_TEST_REQUIRE_SERVICES"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


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


def reset_database(url: str) -> None:
    """Drop every table (and the migration stamp) so a test starts from an empty database."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        metadata = sa.MetaData()
        metadata.reflect(connection)
        metadata.drop_all(connection)
    engine.dispose()


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database; parametrize with ["sqlite", "postgresql"] (indirect) to run on both."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_database")
        reset_database(url)
        yield url
        reset_database(url)
    else:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"


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
        directory.apply_import(
            directory.plan_import(directory.parse_csv(directory.shipped_directory()))
        )
        db.session.commit()
    return app


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app: Flask):
    """Create a staff account: make_user("ann@agency.be", role="admin", sectors=("energy",))."""

    def make(email: str = "staff@agency.be", role: str = "staff", **fields) -> User:
        with app.app_context():
            user = accounts.create_user(email, fields.pop("name", ""), PASSWORD, role)
            for name, value in fields.items():
                setattr(user, name, value)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    """Sign in through the real form; returns the response (not followed)."""
    return client.post("/staff/login", data={"email": email, "password": password})


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


def new_inquiry(**fields) -> Inquiry:
    """An unsaved inquiry with plausible answers; fields override them."""
    values = {
        "name": "Aiko Tanaka",
        "email": "aiko@example.jp",
        "organization": "Sakura Bio Partners",
        "country": "JP",
        "investor_type": "investment-fund",
        "sectors": ("life-sciences",),
        "offers": ("equity-investment",),
        "interests": "Cell and gene therapy manufacturing capacity in Europe.",
        "lang": "en",
        "consent_at": utcnow(),
        "consent_version": "2026-01",
    }
    return Inquiry(**(values | fields))


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


# Browser tests ------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """No access log: a failing test shows its own output, not every asset request."""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    """The app with CSRF on and the shipped directory, on a file SQLite database, served by a
    real server thread on a free port: (app, base URL). One per test module."""
    skip_unless_available(os.path.exists(CHROMIUM), f"the browser tests need {CHROMIUM}")
    database = tmp_path_factory.mktemp("browser") / "matchmaker.sqlite3"
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{database}", "WTF_CSRF_ENABLED": True,
         "INQUIRY_RATE_LIMIT": "100 per minute"}
    )  # fmt: skip
    with app.app_context():
        db.create_all()
        directory.apply_import(
            directory.plan_import(directory.parse_csv(directory.shipped_directory()))
        )
        db.session.commit()
    http = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """open_page(viewport, lang) → a page in a fresh context with that Accept-Language."""
    contexts = []

    def open_(viewport: dict, lang: str):
        context = browser.new_context(
            viewport=viewport, locale="fr-BE" if lang == "fr" else "en-GB"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """A full-page screenshot in test-artifacts/, to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def assert_accessible(page, what: str) -> None:
    """axe-core (bundled by axe-playwright-python, injected from disk) finds nothing serious."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    grave = [v for v in violations if v["impact"] in ("serious", "critical")]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in grave
    ]
    assert not grave, f"{what}: " + "; ".join(details)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
