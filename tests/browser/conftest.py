"""The browser tests' fixtures: the app served by a real server thread, a headless Chromium,
and fresh pages in it."""

import os
import threading
from collections.abc import Iterable, Iterator
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from matchmaker import create_app
from matchmaker.extensions import db
from tests.helpers import empty_database, load_shipped_directory, skip_unless_available

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


RESPONSE_KEY = "tests.response"  # where closing_on_drop keeps a request's response


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """No access log: a failing test shows its own output, not every asset request."""

    def connection_dropped(self, error: BaseException, environ: dict | None = None) -> None:
        """A browser that leaves a page while an asset downloads drops the connection, and
        werkzeug's server then skips closing the response (a static file stays open, and its
        ResourceWarning fails a later test): close it here."""
        response = (environ or {}).get(RESPONSE_KEY)
        if hasattr(response, "close"):
            response.close()


def closing_on_drop(app: Flask) -> WSGIApplication:
    """The app, keeping each response in its request's environ for QuietHandler."""

    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ[RESPONSE_KEY] = response = app(environ, start_response)
        return response

    return serve


@pytest.fixture(scope="module", params=["sqlite"])
def live_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The live server's empty database: a SQLite file. A module whose tests must also pass on
    PostgreSQL parametrizes it with ["sqlite", "postgresql"] (indirect, scope="module"): its
    tests then run once per database, against this run's PostgreSQL database (emptied before
    and after), and skip without MATCHMAKER_TEST_DATABASE_URL (fail in CI)."""
    yield from empty_database(request, tmp_path_factory.mktemp("browser") / "matchmaker.sqlite3")


@pytest.fixture(scope="module")
def live_server(live_database: str) -> Iterator[tuple[Flask, str]]:
    """The app with CSRF on and the shipped directory, on live_database, served by a real server
    thread on a free port: (app, base URL). One per test module (and database)."""
    skip_unless_available(os.path.exists(CHROMIUM), f"the browser tests need {CHROMIUM}")
    app = create_app(
        {"TESTING": True, "DATABASE_URL": live_database, "WTF_CSRF_ENABLED": True,
         "INQUIRY_RATE_LIMIT": "100 per minute"}
    )  # fmt: skip
    with app.app_context():
        db.create_all()
        load_shipped_directory()
    http = make_server("127.0.0.1", 0, closing_on_drop(app), threaded=True,
                       request_handler=QuietHandler)  # fmt: skip
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
