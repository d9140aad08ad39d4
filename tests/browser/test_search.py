"""Staff search in a real headless Chromium: a search typed in French finds an English lead,
best match first. Screenshot in test-artifacts/."""

from __future__ import annotations

import re
import uuid

import pytest

from matchmaker.extensions import db
from matchmaker.services import accounts
from matchmaker.services.leads import submission
from tests.helpers import (
    DESKTOP,
    INQUIRY_ANSWERS,
    PASSWORD,
    assert_accessible,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

ENGLISH = "We need a bonded warehouse near Liège airport for our spare parts, with cold rooms."
OTHER = "Battery recycling plant for electric buses; we could invest in a local partner."


@pytest.fixture(scope="module")
def english_leads(live_server):
    """A French-speaking staff member and two leads written in English."""
    app, _ = live_server
    with app.test_request_context():
        accounts.create_user("claire@agency.be", "Claire Dubois", PASSWORD)
        for name, interests in (("Dana Smith", ENGLISH), ("Chen Wei", OTHER)):
            submission.submit_inquiry(INQUIRY_ANSWERS | {"name": name, "interests": interests},
                                      lang="en", submission_key=uuid.uuid4().hex)  # fmt: skip
        db.session.commit()


def test_a_search_in_french_finds_the_english_lead(live_server, english_leads, open_page):
    app, base = live_server
    page = open_page(DESKTOP, "fr")
    sign_in(page, app, base, "claire@agency.be", "fr")
    page.goto(base + "/staff/leads")
    page.get_by_role("searchbox", name="Rechercher").fill("entrepôt sous douane à Liège")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url(re.compile(r"[?&]q=entrep"))
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "Dana Smith" in rows.first.inner_text()
    assert "Chen Wei" not in page.content()
    assert page.get_by_text("Pistes, triées par : Pertinence").count() == 1
    screenshot(page, "staff-search-fr-1280")
    assert_accessible(page, "the lead list searched in French")
