"""Duplicates and merges in a real headless Chromium: the same investor writes again with other
capitals and "LLC"; staff see the flag on the list and the lead, merge the new lead into the
first from the confirmation page, and follow the links both ways; in French on a phone too.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Inquiry, utcnow
from matchmaker.services import accounts
from matchmaker.services.leads import submission
from tests.helpers import (
    DESKTOP,
    INQUIRY_ANSWERS,
    PASSWORD,
    PHONE,
    assert_accessible,
    no_horizontal_scroll,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser


def submit(**answers) -> Inquiry:
    return submission.submit_inquiry(INQUIRY_ANSWERS | answers, lang="en",
                                     submission_key=uuid.uuid4().hex)  # fmt: skip


@pytest.fixture
def helix(live_server) -> dict:
    """Kenji Sato's first inquiry (ten days old) and the one he sent again."""
    app, _ = live_server
    with app.test_request_context():
        if accounts.find_user("ann@agency.be") is None:
            accounts.create_user("ann@agency.be", "Ann Peeters", PASSWORD)
        first = submit(name="Kenji Sato", email="kenji.sato@helixbridge.example",
                       organization="Helix Bridge Capital", country="JP")  # fmt: skip
        first.created_at = utcnow() - timedelta(days=10)
        again = submit(name="Kenji Sato", email="Kenji.Sato@HelixBridge.example",
                       organization="Helix Bridge Capital LLC", country="JP")  # fmt: skip
        db.session.commit()
        return {"first": first.id, "first_code": first.code, "again": again.id,
                "again_code": again.code}  # fmt: skip


def test_staff_see_the_duplicate_and_merge_the_two_leads(live_server, helix, open_page):
    app, base = live_server
    first, again = helix["first_code"], helix["again_code"]
    reasons = ("same e-mail; same company domain and similar company name; similar name, "
               "same country")
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, "ann@agency.be")

    page.goto(f"{base}/staff/leads")
    row = page.get_by_role("row", name=f"Select {again}, Kenji Sato")
    assert f"Possible duplicate of {first} ({reasons})" in row.inner_text()
    screenshot(page, "staff-duplicate-flag-en-1280")
    row.get_by_role("link", name="Kenji Sato").click()
    page.wait_for_url(f"{base}/staff/leads/{helix['again']}")
    duplicates = page.locator("#duplicates")
    assert f"Possible duplicate of {first} ({reasons})" in duplicates.inner_text()
    assert f"Possible duplicate of {first}" in page.inner_text("#trail")  # noted on arrival

    duplicates.get_by_role("link", name=f"Merge with {first}…").click()
    page.wait_for_url(f"{base}/staff/leads/merge?keep={helix['first']}&merge={helix['again']}")
    expect(page.get_by_role("heading", name=f"Merge {again} into {first}")).to_be_visible()
    assert f"{first} keeps its own profile, status and assignee." in page.inner_text("main")
    assert_accessible(page, "the merge confirmation page")
    screenshot(page, "staff-merge-en-1280")

    page.get_by_role("button", name=f"Merge {again} into {first}").click()
    page.wait_for_url(f"{base}/staff/leads/{helix['first']}")
    expect(page.get_by_text(f"{again} merged into {first}")).to_be_visible()
    trail = page.locator("#trail")
    assert f"Ann Peeters merged {again} into this lead." in trail.inner_text()
    assert f"(from {again})" in trail.inner_text()

    trail.get_by_role("link", name=again).click()
    page.wait_for_url(f"{base}/staff/leads/{helix['again']}")
    expect(page.get_by_text(f"This lead was merged into {first}")).to_be_visible()
    assert page.get_by_role("button", name="Change status").count() == 0
    assert_accessible(page, "a merged lead's page")
    page.get_by_role("link", name=first).first.click()
    page.wait_for_url(f"{base}/staff/leads/{helix['first']}")

    page.goto(f"{base}/staff/leads")
    assert page.get_by_role("row", name=f"Select {again}, Kenji Sato").count() == 0
    with app.app_context():
        assert db.session.get(Inquiry, helix["again"]).merged_into_id == helix["first"]


def test_the_flag_and_the_merge_page_in_french_on_a_phone(live_server, helix, open_page):
    app, base = live_server
    first, again = helix["first_code"], helix["again_code"]
    page = open_page(PHONE, "fr")
    sign_in(page, app, base, "ann@agency.be", lang="fr")
    page.goto(f"{base}/staff/leads")
    row = page.get_by_role("row", name=f"Sélectionner {again}, Kenji Sato")
    assert f"Doublon possible de {first} (même e-mail" in row.inner_text()
    assert no_horizontal_scroll(page)
    page.goto(f"{base}/staff/leads/merge?keep={helix['first']}&merge={helix['again']}")
    expect(page.get_by_role("button", name=f"Fusionner {again} dans {first}")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page, "the merge page on a phone")
    screenshot(page, "staff-merge-fr-375")
