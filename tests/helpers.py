"""What tests share besides fixtures: markers, emptying a database, signing in, a plausible
inquiry, the public form's answers, counting SQL statements, and the browser tests' checks."""

from __future__ import annotations

import html as htmllib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from matchmaker.extensions import db
from matchmaker.models import Inquiry, utcnow
from matchmaker.services import directory

BOTH_DATABASES = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
POSTGRES_ONLY = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

PASSWORD = "correct horse battery staple"


def skip_unless_available(available: bool, reason: str) -> None:
    """Skip a test whose real service is missing here; in CI (which provides them all) fail."""
    if available:
        return
    if os.environ.get("MATCHMAKER_TEST_REQUIRE_SERVICES"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def reset_database(url: str) -> None:
    """Drop every table (and the migration stamp) so that the database is empty again."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        metadata = sa.MetaData()
        metadata.reflect(connection)
        metadata.drop_all(connection)
    engine.dispose()


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    """Sign in through the real form; returns the response (not followed)."""
    return client.post("/staff/login", data={"email": email, "password": password})


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


def load_shipped_directory() -> None:
    """Import the shipped directory into the app's database and commit (in an app context)."""
    directory.apply_import(
        directory.plan_import(directory.parse_csv(directory.shipped_directory()))
    )
    db.session.commit()


# The public form -------------------------------------------------------------------------------

INTERESTS = (
    "We are looking for a CDMO in Europe for GMP manufacturing of viral vectors for our "
    "cell and gene therapy programmes, and are open to investing in a manufacturing partner."
)


def answers(**changes) -> dict:
    """A complete, valid inquiry as the browser posts it; changes override fields."""
    data = {
        "name": "Aiko Tanaka",
        "email": "aiko@example.jp",
        "organization": "Sakura Bio Partners",
        "role": "Investment director",
        "country": "JP",
        "website": "www.sakura-bio.example",
        "phone": "+81 3 1234 5678",
        "investor_type": "investment-fund",
        "sectors": ["life-sciences"],
        "offers": ["contract-manufacturing", "equity-investment"],
        "interests": INTERESTS,
        "budget": "5m-20m",
        "horizon": "3-12-months",
        "consent": "y",
        "share_consent": "y",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def submission_key(client, lang: str = "en") -> str:
    page = client.get("/inquiry", headers={"Accept-Language": lang}).get_data(as_text=True)
    return re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)


def submit(client, lang: str = "en", **changes):
    data = answers(submission_key=submission_key(client, lang), **changes)
    return client.post("/inquiry", data=data, headers={"Accept-Language": lang})


def text(response) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(htmllib.unescape(page).split())


@contextmanager
def counted_statements(app) -> Iterator[list[str]]:
    """Count the SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


# Browser tests ---------------------------------------------------------------------------------

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


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
