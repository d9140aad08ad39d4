"""The insight, privacy and API token pages in a real headless Chromium: accessible (axe-core),
usable at 375 px in French, charts with names and numbers (the introductions' too), a CSV
download, a token that works.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from matchmaker.extensions import db
from matchmaker.models import IntroductionState, Status, Verdict, utcnow
from matchmaker.services import accounts
from tests import factories
from tests.helpers import (
    DESKTOP,
    PASSWORD,
    PHONE,
    assert_accessible,
    enrol,
    no_horizontal_scroll,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

ADMIN = "ada@agency.be"

PAGES = ["/staff/insight", "/staff/insight/gaps", "/staff/insight/quality",
         "/staff/insight/introductions", "/staff/admin/privacy",
         "/staff/admin/api-tokens"]  # fmt: skip

# Introductions of the first leads (whose sectors cycle through life sciences, agrifood, energy):
# lead, state, sent (hours ago), answered (hours ago). Lead 3 waits for a contact (not sent).
INTRODUCTIONS = [
    (0, IntroductionState.ACCEPTED, 20, 14),  # life sciences, answered in 6 hours
    (1, IntroductionState.DECLINED, 48, 24),  # agrifood, in 24 hours
    (4, IntroductionState.SENT, 48, None),  # agrifood, awaiting an answer
    (8, IntroductionState.EXPIRED, 16 * 24, None),  # energy
    (3, IntroductionState.NEEDS_CONTACT, None, None),
]


@pytest.fixture(scope="module")
def office(live_server):
    """An admin, and a month of leads with matches, verdicts, staff actions and introductions."""
    app, _ = live_server
    now = utcnow()
    with app.app_context():
        admin = accounts.create_user(ADMIN, "Ada Admin", PASSWORD, "admin")
        db.session.flush()
        orgs = factories.organizations(5)
        leads = []
        for number in range(12):
            lead = factories.add_inquiry(
                created_at=now - timedelta(days=2 * number + 1),
                email=f"lead{number}@example.com",
                country=("JP", "DE", "US")[number % 3],
                sectors=(("life-sciences",), ("agrifood",), ("energy",))[number % 3],
                status=(Status.NEW, Status.QUALIFIED, Status.WON, Status.LOST)[number % 4],
                lost_reason="Budget" if number % 4 == 3 else "",
                assignee_id=admin.id if number % 2 else None,
                scores=(0.1 + 0.05 * number, 0.05),
                match_orgs=orgs[number % 3 : number % 3 + 2],
                interests=("Aquaponics farms" if number % 3 == 1 else "Viral vector CDMO"),
            )
            lead.matches[0].verdict = Verdict.RELEVANT if number % 2 else Verdict.NOT_RELEVANT
            factories.add_staff_action(lead, admin.id, timedelta(hours=number + 1), text="Called")
            leads.append(lead)
        for number, state, sent, answered in INTRODUCTIONS:
            match = factories.add_match(leads[number], orgs[4], rank=3, score=0.05)
            factories.add_introduction(
                match, state, created_at=leads[number].created_at,
                sent_at=sent and now - timedelta(hours=sent),
                answered_at=answered and now - timedelta(hours=answered),
            )  # fmt: skip
        db.session.commit()
    enrol(app, ADMIN)


def test_insight_pages_are_accessible_and_fit_a_phone_in_french(live_server, office, open_page):
    app, base = live_server
    for viewport, lang in ((DESKTOP, "en"), (PHONE, "fr")):
        page = open_page(viewport, lang)
        sign_in(page, app, base, ADMIN, lang)
        for path in PAGES:
            page.goto(base + path)
            name = f"insight-{lang}-{path.strip('/').replace('/', '-')}"
            screenshot(page, name)
            assert_accessible(page, name)
            assert no_horizontal_scroll(page), name


def test_charts_have_a_name_their_numbers_and_a_csv(live_server, office, open_page):
    app, base = live_server
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, ADMIN)
    page.goto(base + "/staff/insight")
    chart = page.get_by_role("img", name=re.compile("^Leads by country"))
    assert chart.count() == 1
    drawn = chart.text_content()
    assert "Japan" in drawn and "4" in drawn
    numbers = page.locator("details", has_text="The numbers").nth(2)
    numbers.locator("summary").focus()
    page.keyboard.press("Enter")
    assert numbers.get_by_role("row", name=re.compile("Japan")).inner_text().split() == [
        "Japan", "JP", "4"]  # fmt: skip
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"CSV.*Leads by country")).click()
    assert download.value.suggested_filename.startswith("countries-")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert content[0] == "country,code,leads" and "Japan,JP,4" in content


def test_the_introductions_chart_has_a_name_and_its_numbers(live_server, office, open_page):
    app, base = live_server
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, ADMIN)
    page.goto(base + "/staff/insight/introductions")
    median = page.locator(".key-figures div", has_text="Median time to an answer")
    assert median.locator("dd").inner_text() == "15 hours"  # 6 and 24; not the expired one
    chart = page.get_by_role("img", name=re.compile("^Introductions sent by sector"))
    assert chart.count() == 1
    drawn = chart.text_content()
    assert "Agrifood" in drawn and "2 sent" in drawn and "1 declined" in drawn
    section = page.locator("section", has=chart)
    section.locator("summary").click()
    assert section.get_by_role("row", name=re.compile("^Agrifood")).inner_text().split() == [
        "Agrifood", "agrifood", "2", "0", "1", "0", "1"]  # fmt: skip
    assert section.get_by_role("row", name=re.compile("^Energy")).inner_text().split() == [
        "Energy", "energy", "1", "0", "0", "1", "0"]  # fmt: skip
    with page.expect_download() as download:
        section.get_by_role("link", name=re.compile("CSV")).click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert content[0] == "sector,code,sent,accepted,declined,expired,awaiting an answer"
    assert "Life sciences and health,life-sciences,1,1,0,0,0" in content


def test_an_admin_issues_a_token_that_the_api_accepts(live_server, office, open_page):
    app, base = live_server
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, ADMIN)
    page.goto(base + "/staff/admin/api-tokens")
    page.get_by_label("What the token is for").fill("Reporting")
    page.get_by_label("Read leads and organizations").check()
    page.get_by_role("button", name="Issue the token").click()
    secret = page.get_by_label("Token").input_value()
    assert secret.startswith("wm_")
    leads = page.request.get(base + "/api/v1/leads?per_page=5",
                             headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    assert leads.status == 200 and leads.json()["total"] == 12
    page.goto(base + "/staff/admin/api-tokens")
    assert secret not in page.content()
