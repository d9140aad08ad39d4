"""The lead page and the day's pages on a 375 px phone in Chromium: the actions come first and
nothing scrolls sideways."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import NextStep
from matchmaker.services import accounts
from matchmaker.services.leads import next_steps, submission
from tests.helpers import (
    DESKTOP,
    INQUIRY_ANSWERS,
    PASSWORD,
    PHONE,
    assert_accessible,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

LONG = "Ultra-long-unbroken-organization-name-" * 4
SCROLL_WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture(scope="module")
def lead(live_server):
    """A lead with ten matches, a long unbroken organization name and a next step, for Ann."""
    app, _ = live_server
    with app.test_request_context():
        ann = accounts.create_user("ann@agency.be", "Ann Peeters", PASSWORD)
        inquiry = submission.submit_inquiry(
            INQUIRY_ANSWERS | {
                "email": "aiko.tanaka.with.a.long.address@example.jp", "organization": LONG,
                "interests": "GMP manufacturing of viral vectors for cell and gene therapy " * 5,
            },
            lang="en", submission_key=uuid.uuid4().hex,
        )  # fmt: skip
        inquiry.assignee = ann
        db.session.add(NextStep(inquiry_id=inquiry.id, owner_id=ann.id, kind="call",
                                due_on=next_steps.today(), note="Call about the site visit"))
        db.session.commit()
        assert len(inquiry.matches) >= 5
        return inquiry.id


def _top(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def test_on_a_phone_the_actions_come_first_and_nothing_scrolls_sideways(
    live_server, lead, open_page
):
    app, base = live_server
    page = open_page(PHONE, "en")
    sign_in(page, app, base, "ann@agency.be")
    page.goto(f"{base}/staff/leads/{lead}")
    assert page.evaluate("window.innerWidth") == 375
    assert page.evaluate(SCROLL_WIDTH) <= 375
    status = _top(page, "#workflow")
    assert status < _top(page, "#next-steps") < _top(page, "#profile") < _top(page, "#matches")
    assert _top(page, "#matches") < _top(page, "#trail")
    assert status < 800  # on the first screens, not below ten match cards
    expect(page.get_by_role("button", name="Change status")).to_be_visible()
    assert_accessible(page, "the lead page on a phone")
    screenshot(page, "staff-lead-detail-phone-actions-first-375")

    for path in ("/staff/", "/staff/leads", "/staff/my-day"):
        page.goto(base + path)
        assert page.evaluate(SCROLL_WIDTH) <= 375, path
    expect(page.get_by_text("Call about the site visit")).to_be_visible()
    assert_accessible(page, "My day on a phone")


def test_on_a_desktop_the_actions_stay_in_the_side_column(live_server, lead, open_page):
    app, base = live_server
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, "ann@agency.be")
    page.goto(f"{base}/staff/leads/{lead}")
    side = page.locator("#workflow").bounding_box()
    main = page.locator("#profile").bounding_box()
    assert side["x"] > main["x"] + main["width"] - 1  # to the right of the profile
    assert page.evaluate(SCROLL_WIDTH) <= page.evaluate("window.innerWidth")
