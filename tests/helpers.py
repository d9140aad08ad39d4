"""What tests share besides fixtures: markers, emptying a database, signing in, a plausible
inquiry, the public form's answers, counting SQL statements, checking the engine's reasons
against the profiles, and the browser tests' sign-in and checks."""

from __future__ import annotations

import html as htmllib
import os
import re
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, Match, Organization, OutboxMessage, utcnow
from matchmaker.services import accounts, directory, outbox, ranking, two_factor

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


def empty_database(request: pytest.FixtureRequest, sqlite_file: Path) -> Iterator[str]:
    """The URL of an empty database of the kind request.param names: a new SQLite file, or this
    run's PostgreSQL database (postgres_database) emptied before and after its user."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_database")
        reset_database(url)
        yield url
        reset_database(url)
    else:
        yield f"sqlite:///{sqlite_file}"


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    """Sign in through the real forms: the password, then, when the account has a second factor,
    the code its authenticator shows (authenticator_code). Returns the last response (not
    followed)."""
    response = client.post("/staff/login", data={"email": email, "password": password})
    if response.status_code == 302 and response.location.startswith(CODE_STEP):
        code = authenticator_code(client.application, email)
        return client.post(CODE_STEP, data={"code": code})
    return response


# Two-factor sign-in ----------------------------------------------------------------------------

CODE_STEP = "/staff/login/code"


def enrol(app: Flask, email: str) -> str:
    """Give the account a confirmed authenticator, as its owner does on the set-up page (without
    recovery codes, and without using up a time step); returns its secret."""
    with app.app_context():
        user = accounts.find_user(email)
        secret = two_factor.start_enrolment(user)
        two_factor.authenticator(user).confirmed_at = utcnow()
        db.session.commit()
        return secret


def authenticator_code(app: Flask, email: str) -> str:
    """The code the account's authenticator app shows, for the earliest time step the server
    still takes (within its drift, after the last step used), so the same account can sign in
    three times within 30 seconds; a fourth waits for the next step, as a person would."""
    with app.app_context():
        user = accounts.find_user(email)
        last_step = two_factor.authenticator(user).last_step
        secret = two_factor.secret_of(user)
    current = int(two_factor.now() // two_factor.STEP_SECONDS)
    step = current - two_factor.DRIFT_STEPS
    if last_step is not None:
        step = max(step, last_step + 1)
    if step > current + two_factor.DRIFT_STEPS:
        time.sleep((current + 1) * two_factor.STEP_SECONDS - two_factor.now() + 0.1)
    return pyotp.TOTP(secret).generate_otp(step)


def events(lines: list[dict], name: str) -> list[dict]:
    """The audit lines (the `audit` fixture's) of one event."""
    return [line for line in lines if line["event"] == name]


def app_log(caplog: pytest.LogCaptureFixture) -> str:
    """What the app's own loggers (matchmaker.*) wrote, tracebacks included."""
    return "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records
                     if record.name.startswith("matchmaker"))  # fmt: skip


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
        directory.plan_import(directory.parse_csv(directory.shipped_directory())),
        file="organizations.csv",
    )
    db.session.commit()


# The public form -------------------------------------------------------------------------------

INTERESTS = (
    "We are looking for a CDMO in Europe for GMP manufacturing of viral vectors for our "
    "cell and gene therapy programmes, and are open to investing in a manufacturing partner."
)


# A complete inquiry as submission.submit_inquiry takes it from the public form.
INQUIRY_ANSWERS = {
    "name": "Aiko Tanaka",
    "email": "aiko@example.jp",
    "organization": "Sakura Bio Partners",
    "role": "Investment director",
    "country": "JP",
    "website": "",
    "phone": "",
    "investor_type": "investment-fund",
    "sectors": ("life-sciences",),
    "offers": ("contract-manufacturing",),
    "interests": "A CDMO in Europe for GMP manufacturing of viral vectors for cell and gene "
    "therapy; we could invest in a manufacturing partner.",
    "budget": "5m-20m",
    "horizon": "3-12-months",
    "share_consent": True,
}


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
    """The page's (or an HTML string's) visible text, tags stripped and whitespace collapsed."""
    html = response if isinstance(response, str) else response.get_data(as_text=True)
    page = re.sub(r"<[^>]+>", " ", html)
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


# The engine's reasons, checked against the profiles ------------------------------------------

# Nothing in a directory of Walloon life sciences, aerospace, logistics, ... fits a bakery chain.
WEAK = "We are looking for a partner to open a chain of bakeries and coffee shops in Japan."
STRONG_FR = (
    "Nous cherchons un façonnier pour produire des vecteurs viraux AAV destinés à nos "
    "programmes de thérapie génique."
)


def fold(words: str) -> str:
    """Lower case, no accents, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", words.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def profile_of(org: Organization) -> str:
    """Everything the organization's own profile says (name, keywords, descriptions)."""
    parts = [org.name, org.description, " ".join(org.keywords)]
    for extra in ("description_fr", "keywords_fr"):  # the bilingual directory, when present
        value = getattr(org, extra, "") or ""
        parts.append(value if isinstance(value, str) else " ".join(value))
    return fold(" ".join(parts))


# Browser tests ---------------------------------------------------------------------------------

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


SIGN_IN_LABELS = {
    "en": ("Email", "Password", "Sign in"),
    "fr": ("Adresse e-mail", "Mot de passe", "Se connecter"),
}


def sign_in(page, app: Flask, base: str, email: str, lang: str = "en") -> None:
    """Sign in in the browser through the real pages, labelled in lang (the page's language):
    the password, then, when the account has a second factor, the code its authenticator shows
    (typed, then Enter)."""
    email_label, password_label, button = SIGN_IN_LABELS[lang]
    page.goto(base + "/staff/")
    page.get_by_label(email_label, exact=True).fill(email)
    page.get_by_label(password_label, exact=True).fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(lambda url: not url.endswith("/staff/login") and "login?" not in url)
    if CODE_STEP in page.url:
        page.locator("#code").fill(authenticator_code(app, email))
        page.locator("#code").press("Enter")
        page.wait_for_url(lambda url: CODE_STEP not in url)


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


@contextmanager
def same_page(page) -> Iterator[None]:
    """Assert that what the block does in page happens in place: no navigation, no reload (a
    mark left on the window before the block is still there after it)."""
    navigations: list = []

    def record(frame) -> None:
        navigations.append(frame)

    page.evaluate("window.sameDocumentMark = true")
    page.on("framenavigated", record)
    try:
        yield
    finally:
        page.remove_listener("framenavigated", record)
    assert navigations == [], f"navigated to {[frame.url for frame in navigations]}"
    assert page.evaluate("window.sameDocumentMark === true"), "the page was loaded again"


def focused_key(page) -> str | None:
    """The data-focus-key of the element that has the focus (in-place changes keep it)."""
    return page.evaluate("document.activeElement.getAttribute('data-focus-key')")


def no_horizontal_scroll(page) -> bool:
    """Whether the page, loaded with its stylesheets, fits the window's width."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# The outbox ------------------------------------------------------------------------------------


def queue(count: int = 1, **fields) -> list[int]:
    """Commit count messages (to ann+N@agency.example unless told) and return their ids."""
    messages = [
        outbox.enqueue(
            fields.get("recipient", f"ann+{number}@agency.example"),
            fields.get("subject", f"Lead {number}"),
            fields.get("text", f"Plain body {number}"),
            fields.get("html", ""),
        )
        for number in range(count)
    ]
    db.session.commit()
    return [message.id for message in messages]


def stored(message_id: int) -> OutboxMessage:
    """The message as the database holds it now."""
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


# What a submission wrote ---------------------------------------------------------------------


def ranked(app) -> int:
    """How many organizations the engine lists for answers() (it stops where quality drops)."""
    with app.app_context():
        inquiry = new_inquiry(
            interests=INTERESTS, investor_type="investment-fund", sectors=("life-sciences",),
            offers=("contract-manufacturing", "equity-investment"),
        )  # fmt: skip
        return len(ranking.rank_inquiry(inquiry))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def counts(app) -> dict[str, int]:
    return {
        model.__name__: count(app, model) for model in (Inquiry, Match, Activity, OutboxMessage)
    }


NOTHING = {"Inquiry": 0, "Match": 0, "Activity": 0, "OutboxMessage": 0}


def saved(app) -> dict[str, int]:
    """Inquiries, matches and mail written (the activity trail has entries of other services)."""
    rows = counts(app)
    del rows["Activity"]
    return rows
