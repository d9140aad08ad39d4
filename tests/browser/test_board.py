"""The pipeline board and the lead page's in-place changes in a real headless Chromium: a card
moved by mouse (drag and drop) and by keyboard (its "Move" menu), a drop on "lost" asking why, a
stale card refused and shown as it is, the board without JavaScript, and a verdict set on the
lead page without a reload. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, Match
from matchmaker.services import accounts
from tests import factories
from tests.helpers import (
    ARTIFACTS,
    DESKTOP,
    PASSWORD,
    assert_accessible,
    focused_key,
    same_page,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def leads(live_server) -> dict[str, dict]:
    """Ann, and one new lead from Japan per test (by name), each with three matches."""
    app, _ = live_server
    with app.test_request_context():
        accounts.create_user("ann@agency.be", "Ann Peeters", PASSWORD)
        orgs = factories.organizations(3)
        rows = {
            name: factories.add_inquiry(name=name, organization=f"{name} Holdings", country="JP",
                                        share_consent=True, scores=(0.8, 0.6, 0.4),
                                        match_orgs=orgs)  # fmt: skip
            for name in ("Dragged", "Keyed", "Lost", "Stale", "Plain", "Judged")
        }
        db.session.commit()
        return {name: {"id": row.id, "code": row.code, "matches": [m.id for m in row.matches]}
                for name, row in rows.items()}  # fmt: skip


def stored(app, lead_id: int) -> Inquiry:
    with app.app_context():
        inquiry = db.session.get(Inquiry, lead_id)
        db.session.expunge(inquiry)
        return inquiry


def moves(app, lead_id: int) -> list[dict]:
    """The lead's status changes on its trail, by Ann."""
    with app.app_context():
        rows = db.session.scalars(sa.select(Activity).where(
            Activity.inquiry_id == lead_id, Activity.kind == "status_changed")).all()
        return [row.detail | {"by": row.user.email} for row in rows]


def open_board(open_page, app, base: str, search: str = ""):
    """Ann's board of the leads from Japan (those found by search: its cards at the top)."""
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, "ann@agency.be")
    page.goto(base + "/staff/leads/board?country=JP" + (f"&q={search}" if search else ""))
    return page


def test_a_card_dragged_to_another_column_moves_the_lead(live_server, leads, open_page):
    app, base = live_server
    lead = leads["Dragged"]
    page = open_board(open_page, app, base, "Dragged")
    with same_page(page):
        page.locator(f"#card-{lead['id']}").drag_to(page.locator("#column-qualified"))
        expect(page.locator(f"#column-qualified #card-{lead['id']}")).to_be_visible()
        expect(page.locator("[data-live]")).to_have_text(f"{lead['code']} moved to Qualified.")
    assert page.locator(f"#column-new #card-{lead['id']}").count() == 0
    assert_accessible(page, "the board")
    assert stored(app, lead["id"]).status == "qualified"
    assert moves(app, lead["id"]) == [
        {"previous": "new", "status": "qualified", "reason": "", "by": "ann@agency.be"}]


def test_a_card_moved_with_the_keyboard(live_server, leads, open_page):
    app, base = live_server
    lead = leads["Keyed"]
    page = open_board(open_page, app, base)
    screenshot(page, "staff-board-en-1280")
    card = page.locator(f"#card-{lead['id']}")
    with same_page(page):
        card.locator("summary").focus()  # its "Move" menu, as Tab reaches it
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert card.get_by_label("Move to").evaluate("field => field === document.activeElement")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        assert card.get_by_label("Move to").input_value() == "introduced"
        page.keyboard.press("Tab")  # the lost reason is not asked: straight to the button
        page.keyboard.press("Enter")
        expect(page.locator(f"#column-introduced #card-{lead['id']}")).to_be_visible()
        expect(page.locator("[data-live]")).to_have_text(f"{lead['code']} moved to Introduced.")
    assert focused_key(page) == f"card-{lead['id']}-move"  # focus stays on the moved card
    assert stored(app, lead["id"]).status == "introduced"
    assert [move["status"] for move in moves(app, lead["id"])] == ["introduced"]


def test_a_card_dropped_on_lost_asks_why_first(live_server, leads, open_page):
    app, base = live_server
    lead = leads["Lost"]
    page = open_board(open_page, app, base, "Lost")
    card = page.locator(f"#card-{lead['id']}")
    with same_page(page):
        page.locator("#column-lost").scroll_into_view_if_needed()  # its middle was below the fold
        card.drag_to(page.locator("#column-lost"))
        reason = card.get_by_label("Why was it lost?")
        expect(reason).to_be_focused()
        expect(page.locator("[data-live]")).to_have_text(
            f"Why was {lead['code']} lost? Choose a reason, then Move.")
        assert stored(app, lead["id"]).status == "new"  # nothing sent yet
        card.get_by_role("button", name="Move").click()  # no reason: the server asks again
        expect(page.locator("[data-live]")).to_have_text("Say why the lead was lost.")
        expect(page.locator(f"#card-{lead['id']}").get_by_label("In a few words")).to_be_focused()
        assert stored(app, lead["id"]).status == "new"
        card = page.locator(f"#card-{lead['id']}")
        card.get_by_label("Why was it lost?").select_option(label="No budget or funding")
        card.get_by_role("button", name="Move").click()
        expect(page.locator(f"#column-lost #card-{lead['id']}")).to_be_visible()
    after = stored(app, lead["id"])
    assert (after.status, after.lost_reason_code) == ("lost", "no_budget")


def test_a_stale_card_is_refused_and_shown_as_it_is_now(live_server, leads, open_page):
    app, base = live_server
    lead = leads["Stale"]
    page = open_board(open_page, app, base, "Stale")
    with app.app_context():  # someone else wins the lead while the board is open
        db.session.get(Inquiry, lead["id"]).status = "won"
        db.session.commit()
    with same_page(page):
        page.locator(f"#card-{lead['id']}").drag_to(page.locator("#column-qualified"))
        expect(page.locator("[data-live]")).to_contain_text(
            "This lead was changed by someone else while you were editing.")
        expect(page.locator(f"#column-won #card-{lead['id']}")).to_be_visible()
    assert page.locator(f"#column-new #card-{lead['id']}").count() == 0
    assert page.locator(f"#column-qualified #card-{lead['id']}").count() == 0
    assert stored(app, lead["id"]).status == "won" and moves(app, lead["id"]) == []


def test_without_javascript_each_card_moves_with_its_form(live_server, leads, browser):
    app, base = live_server
    lead = leads["Plain"]
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, app, base, "ann@agency.be")
        page.goto(base + "/staff/leads/board?country=JP")
        card = page.locator(f"#card-{lead['id']}")
        card.locator("summary").click()
        card.get_by_label("Move to").select_option(label="In discussion")
        card.get_by_role("button", name="Move").click()
        page.wait_for_url(re.compile(rf"/staff/leads/board\?country=JP#card-{lead['id']}$"))
        expect(page.get_by_text(f"{lead['code']} moved to In discussion.")).to_be_visible()
        expect(page.locator(f"#column-in_discussion #card-{lead['id']}")).to_be_visible()
    finally:
        context.close()
    assert stored(app, lead["id"]).status == "in_discussion"


def test_a_verdict_is_set_on_the_lead_page_without_a_reload(live_server, leads, open_page):
    app, base = live_server
    lead = leads["Judged"]
    first = lead["matches"][0]
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, "ann@agency.be")
    page.goto(f"{base}/staff/leads/{lead['id']}")
    relevant = page.locator(f"#match-{first}").get_by_role("button", name=re.compile("^Relevant"))
    with same_page(page):
        relevant.click()
        expect(page.locator(f"#match-{first}").get_by_role(
            "button", name=re.compile("^Relevant"))).to_have_attribute("aria-pressed", "true")
        expect(page.locator("[data-live]")).to_have_text(re.compile(r"marked relevant\.$"))
    assert focused_key(page) == f"relevant-{first}"
    page.screenshot(path=str(ARTIFACTS / "staff-lead-verdict-in-place-en-1280.png"))  # the viewport
    assert "Ann Peeters marked" in page.locator("#trail").inner_text()
    with app.app_context():
        assert db.session.get(Match, first).verdict == "relevant"
    # The page's other forms carry the lead's new version: a change from them is not refused.
    with same_page(page):
        page.locator(f"#match-{lead['matches'][2]}").get_by_role(
            "button", name=re.compile("^Pin")).click()
        expect(page.locator("#match-list > li").first).to_have_id(f"match-{lead['matches'][2]}")
    page.get_by_label("Status", exact=True).select_option(label="Qualified")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Status changed to Qualified.")).to_be_visible()
    assert_accessible(page, "the lead page after in-place changes")
