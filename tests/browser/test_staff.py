"""A staff member works a lead in a real headless Chromium: sign in, open the newest lead, judge
a match, introduce the investor, move the lead on, sign out; on a phone in French too.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, Match, OutboxMessage, utcnow
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


@pytest.fixture(scope="module")
def leads_in_office(live_server):
    """Two staff members, an older lead and the newest one, submitted like the public form does."""
    app, _ = live_server
    with app.test_request_context():
        for email, name in (("ann@agency.be", "Ann Peeters"), ("bob@agency.be", "Bob Martin")):
            accounts.create_user(email, name, PASSWORD)
        older = submission.submit_inquiry(
            INQUIRY_ANSWERS
            | {"name": "Old Lead", "email": "old@example.com", "organization": "Old Co"},
            lang="en",
            submission_key=uuid.uuid4().hex,
        )
        older.created_at = utcnow() - timedelta(days=3)
        newest = submission.submit_inquiry(INQUIRY_ANSWERS, lang="en",
                                           submission_key=uuid.uuid4().hex)  # fmt: skip
        first = min(newest.matches, key=lambda match: match.rank)
        first.organization.contact_email = "partnerships@first.example"
        db.session.commit()
        return {"id": newest.id, "code": newest.code, "first": first.organization.name}


def test_a_staff_member_works_the_newest_lead_from_sign_in_to_sign_out(
    live_server, leads_in_office, open_page
):
    app, base = live_server
    lead = leads_in_office
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, "ann@agency.be")
    expect(page.get_by_role("heading", name="Leads by status")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Leads").click()
    page.wait_for_url(base + "/staff/leads")
    rows = page.locator("table.lead-table tbody tr")
    assert rows.count() == 2
    assert lead["code"] in rows.first.inner_text()  # newest first
    assert_accessible(page, "the lead list")
    screenshot(page, "staff-lead-list-en-1280")

    rows.first.get_by_role("link", name="Aiko Tanaka").click()
    page.wait_for_url(f"{base}/staff/leads/{lead['id']}")
    expect(page.get_by_role("heading", name="Aiko Tanaka")).to_be_visible()
    first_match = page.locator("ol.lead-matches > li").first
    assert lead["first"] in first_match.inner_text()
    assert "Profile mentions:" in first_match.inner_text()
    assert "opened the lead and saw the investor's personal data" in page.inner_text("#trail")
    assert_accessible(page, "the lead page")

    first_match.get_by_role("button", name=re.compile("^Relevant")).click()  # in place
    expect(page.get_by_text(f"{lead['first']} marked relevant.")).to_be_visible()
    first_match = page.locator("ol.lead-matches > li").first
    button = first_match.get_by_role("button", name=re.compile("^Relevant"))
    assert button.get_attribute("aria-pressed") == "true"

    introduce = page.locator("#introduce")
    introduce.get_by_label(lead["first"]).check()
    introduce.get_by_label("A word for the organizations (optional)").fill(
        "Their viral vector platform fits your programme."
    )
    introduce.get_by_role("button", name="Send the introductions").click()
    expect(page.get_by_text(
        f"Introduction sent to {lead['first']}: they can accept or decline it."
    )).to_be_visible()
    assert page.locator(".lead-summary .status-badge").inner_text() == "Introduced"

    status = page.get_by_label("Status", exact=True)
    status.select_option(label="Lost")
    assert page.get_by_label("Why was it lost?").is_visible()  # asked only for a lost lead
    status.select_option(label="In discussion")
    assert not page.get_by_label("Why was it lost?").is_visible()
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Status changed to In discussion.")).to_be_visible()
    assert "changed the status from Introduced to In discussion" in page.inner_text("#trail")
    screenshot(page, "staff-lead-detail-en-1280")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(f"{base}/staff/leads/{lead['id']}")
    assert "/staff/login" in page.url

    with app.app_context():
        inquiry = db.session.get(Inquiry, lead["id"])
        assert inquiry.status == "in_discussion"
        judged = [m for m in inquiry.matches if m.verdict]
        assert [(m.organization.name, m.verdict, m.introduced_at is not None) for m in judged] == [
            (lead["first"], "relevant", True)
        ]
        recipients = db.session.scalars(
            sa.select(OutboxMessage.recipient).where(OutboxMessage.inquiry_id == lead["id"])
        ).all()
        assert "partnerships@first.example" in recipients
        # The investor had only the confirmation: an introduction reaches them once accepted.
        assert recipients.count("aiko@example.jp") == 1
        kinds = db.session.scalars(
            sa.select(Activity.kind).where(Activity.inquiry_id == lead["id"], Activity.user_id)
        ).all()
        assert {"viewed", "match_judged", "introduced", "status_changed"} <= set(kinds)


def test_a_conflicting_change_is_explained_not_applied(live_server, leads_in_office, open_page):
    app, base = live_server
    lead = leads_in_office
    ann, bob = open_page(DESKTOP, "en"), open_page(DESKTOP, "en")
    for page, email in ((ann, "ann@agency.be"), (bob, "bob@agency.be")):
        sign_in(page, app, base, email)
        page.goto(f"{base}/staff/leads/{lead['id']}")
    bob.get_by_label("Assigned to", exact=True).select_option(label="Bob Martin")
    bob.get_by_role("button", name="Assign").click()
    expect(bob.get_by_text("Lead assigned to Bob Martin.")).to_be_visible()

    last = ann.locator("ol.lead-matches > li").last
    name = last.locator("h3").inner_text()
    last.get_by_role("button", name=re.compile("^Not relevant")).click()
    message = "This lead was changed by someone else while you were editing."
    expect(ann.get_by_text(message)).to_be_visible()  # the page, shown again as it is now
    assert "Assigned to Bob Martin" in ann.inner_text(".lead-summary")  # the current state
    screenshot(ann, "staff-lead-conflict-en-1280")
    with app.app_context():
        match = db.session.scalars(
            sa.select(Match).join(Match.organization).where(Match.inquiry_id == lead["id"])
        ).all()
        assert not [m for m in match if m.organization.name == name and m.verdict]


def test_the_back_office_on_a_phone_in_french(live_server, leads_in_office, open_page):
    app, base = live_server
    lead = leads_in_office
    page = open_page(PHONE, "fr")
    sign_in(page, app, base, "ann@agency.be", "fr")
    page.get_by_role("link", name="Pistes", exact=True).first.click()
    expect(page.get_by_role("heading", name="Pistes")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page, "la liste des pistes")
    screenshot(page, "staff-lead-list-fr-375")
    page.locator("table.lead-table tbody tr").first.get_by_role("link").first.click()
    page.wait_for_url(f"{base}/staff/leads/{lead['id']}")
    expect(page.get_by_role("heading", name="Correspondances")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page, "la page d'une piste")
    screenshot(page, "staff-lead-detail-fr-375")
