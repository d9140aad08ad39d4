"""The pipeline board: the leads by status as columns under the list's filters, each card's
plain form to move it (no JavaScript needed), the JSON answer the board's script reads, the lost
reason asked for in the move, and a stale card refused and shown as it is now."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, utcnow
from matchmaker.security import CONTENT_SECURITY_POLICY
from tests import factories
from tests.helpers import BOTH_DATABASES, login

CONFLICT = "This lead was changed by someone else while you were editing."
JSON = {"Accept": "application/json"}


@pytest.fixture
def leads(app, make_user) -> dict[str, int]:
    """Ann (signed in) and four leads: two new from Japan (one assigned to Ann, received 3 days
    ago), one qualified from the US, one won from Korea. Their ids by first name."""
    ann = make_user("ann@agency.be", name="Ann Peeters")
    with app.app_context():
        now = utcnow()
        rows = {
            "Aiko": factories.add_inquiry(name="Aiko Tanaka", organization="Sakura Bio",
                                          country="JP", assignee_id=ann.id,
                                          sectors=("life-sciences", "digital"),
                                          created_at=now - timedelta(days=3)),
            "Kenji": factories.add_inquiry(name="Kenji Sato", organization="Fuji Labs",
                                           country="JP", created_at=now - timedelta(hours=2)),
            "Mary": factories.add_inquiry(name="Mary Smith", organization="Boston Aero",
                                          country="US", status="qualified"),
            "Won": factories.add_inquiry(name="Won Lee", organization="Seoul Foods",
                                         country="KR", status="won"),
        }  # fmt: skip
        db.session.commit()
        return {name: row.id for name, row in rows.items()}


@pytest.fixture
def ann(client, leads):
    login(client, "ann@agency.be")
    return client


def lead(app, lead_id: int) -> Inquiry:
    with app.app_context():
        inquiry = db.session.get(Inquiry, lead_id)
        db.session.expunge(inquiry)
        return inquiry


def column(page: str, status: str) -> str:
    """One column of the board's HTML."""
    match = re.search(rf'<section[^>]* id="column-{status}".*?</section>', page, re.S)
    assert match, f"no {status} column"
    return match.group(0)


def cards(page: str, status: str) -> list[int]:
    """The lead ids of the cards in a column, top to bottom."""
    return [int(n) for n in re.findall(r'<li [^>]*id="card-(\d+)"', column(page, status))]


def move(client, app, lead_id: int, status: str, query: str = "", version=None, headers=None,
         **data):
    """Post a card's move form as the board renders it (the card's version, its column)."""
    current = lead(app, lead_id)
    form = {"version": current.version if version is None else version, "status": status,
            "column": current.status, **data}  # fmt: skip
    return client.post(f"/staff/leads/{lead_id}/move" + (f"?{query}" if query else ""),
                       data=form, headers=headers or {})  # fmt: skip


# The board ------------------------------------------------------------------------------------


@BOTH_DATABASES
def test_the_board_shows_a_column_per_status_with_its_cards(app, ann, leads):
    page = ann.get("/staff/leads/board").text
    assert cards(page, "new") == [leads["Kenji"], leads["Aiko"]]  # newest first, as the list
    assert cards(page, "qualified") == [leads["Mary"]]
    assert cards(page, "won") == [leads["Won"]]
    assert cards(page, "lost") == [] and cards(page, "spam") == []
    new = text_of(column(page, "new"))
    assert "New 2" in new
    aiko = lead(app, leads["Aiko"])
    assert f"{aiko.code} Sakura Bio" in new
    assert "Japan" in new and "Digital, Life sciences and health" in new
    assert "Ann Peeters" in new and "3 days" in new
    assert "Nobody" in new and "today" in new  # Kenji: unassigned, received 2 hours ago


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_board_takes_the_lists_filters(app, ann, leads):
    page = ann.get("/staff/leads/board?country=JP&assignee=none").text
    assert cards(page, "new") == [leads["Kenji"]]
    assert cards(page, "qualified") == []
    open_only = ann.get("/staff/leads/board?status=open").text
    assert 'id="column-qualified"' in open_only and 'id="column-won"' not in open_only
    assert 'href="/staff/leads?status=open"' in open_only  # the same filters as a list
    listed = ann.get("/staff/leads?country=JP").text
    assert 'href="/staff/leads/board?country=JP"' in listed


def test_a_column_shows_its_first_cards_and_links_to_all_of_them(app, ann, leads, monkeypatch):
    monkeypatch.setattr("matchmaker.services.leads.board.CARDS_PER_COLUMN", 1)
    page = ann.get("/staff/leads/board?country=JP").text
    new = column(page, "new")
    assert cards(page, "new") == [leads["Kenji"]]
    assert "The first 1 of 2" in text_of(new)
    assert 'href="/staff/leads?status=new&amp;country=JP"' in new


def test_the_board_has_no_inline_script_and_keeps_the_csp(app, ann, leads):
    response = ann.get("/staff/leads/board")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    page = response.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "an inline script"
    assert not re.search(r"\son[a-z]+=", page), "an inline event handler"
    assert 'src="/static/js/board.js"' in page


def test_the_board_needs_a_signed_in_staff_member(client, leads):
    response = client.get("/staff/leads/board")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


# Moving a card without JavaScript ------------------------------------------------------------


@BOTH_DATABASES
def test_a_card_moves_with_its_plain_form_and_the_move_is_on_the_trail(app, ann, leads):
    aiko = lead(app, leads["Aiko"])
    page = ann.get("/staff/leads/board?country=JP").text
    assert f'action="/staff/leads/{aiko.id}/move?country=JP"' in page
    response = move(ann, app, aiko.id, "qualified", query="country=JP")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/leads/board?country=JP#card-{aiko.id}"
    page = ann.get(response.headers["Location"]).text
    assert f"{aiko.code} moved to Qualified." in page
    assert cards(page, "qualified") == [aiko.id] and aiko.id not in cards(page, "new")
    after = lead(app, aiko.id)
    assert (after.status, after.version) == ("qualified", aiko.version + 1)
    with app.app_context():
        [trail] = db.session.scalars(sa.select(Activity).where(
            Activity.inquiry_id == aiko.id, Activity.kind == "status_changed")).all()
        assert trail.detail == {"previous": "new", "status": "qualified", "reason": ""}
        assert trail.user.email == "ann@agency.be"


def test_moving_to_lost_asks_why_and_changes_nothing_without_a_reason(app, ann, leads):
    kenji = lead(app, leads["Kenji"])
    response = move(ann, app, kenji.id, "lost", query="country=JP")
    assert response.status_code == 422
    card = re.search(rf'<li [^>]*id="card-{kenji.id}".*?</li>', response.text, re.S).group(0)
    assert re.search(r"<details[^>]* open", card)  # the card's move form, open
    assert "Say why the lead was lost." in card
    assert 'aria-invalid="true"' in card
    assert lead(app, kenji.id).status == "new"

    response = move(ann, app, kenji.id, "lost", lost_reason_code="no_budget")
    assert response.status_code == 302
    after = lead(app, kenji.id)
    assert (after.status, after.lost_reason_code) == ("lost", "no_budget")
    card = re.search(rf'<li [^>]*id="card-{kenji.id}".*?</li>', ann.get("/staff/leads/board").text,
                     re.S).group(0)  # fmt: skip
    assert '<option value="no_budget" selected>' in card  # its form says why it was lost


def test_the_board_in_french(app, ann, leads):
    page = ann.get("/staff/leads/board", headers={"Accept-Language": "fr"}).text
    assert "Tableau des pistes" in page and "Déplacer vers" in page
    assert "Reçue il y a 3 jours" in text_of(column(page, "new"))


def test_a_stale_card_is_refused_and_nothing_changes(app, ann, leads):
    mary = lead(app, leads["Mary"])
    response = move(ann, app, mary.id, "won", version=mary.version - 1)
    assert response.status_code == 302
    page = ann.get(response.headers["Location"]).text
    assert CONFLICT in page
    assert lead(app, mary.id).status == "qualified"


def test_a_move_to_the_same_status_says_nothing_changed(app, ann, leads):
    response = move(ann, app, leads["Won"], "won")
    assert "Nothing changed: the lead was already in that state." in ann.get(
        response.headers["Location"]).text


def test_a_move_keeps_only_the_lists_own_parameters_on_the_way_back(app, ann, leads):
    response = move(ann, app, leads["Kenji"], "qualified", query="country=JP&next=//evil.example")
    assert response.headers["Location"] == f"/staff/leads/board?country=JP#card-{leads['Kenji']}"


# The board's script: the same endpoint answers JSON --------------------------------------------


@BOTH_DATABASES
def test_a_move_asked_for_as_json_answers_with_both_columns(app, ann, leads):
    aiko = lead(app, leads["Aiko"])
    response = move(ann, app, aiko.id, "introduced", query="country=JP", headers=JSON)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["message"] == f"{aiko.code} moved to Introduced."
    assert set(body["regions"]) == {"column-new", "column-introduced"}
    assert cards(body["regions"]["column-introduced"], "introduced") == [aiko.id]
    assert cards(body["regions"]["column-new"], "new") == [leads["Kenji"]]
    assert "Introduced 1" in text_of(body["regions"]["column-introduced"])
    assert lead(app, aiko.id).status == "introduced"


def test_a_stale_move_as_json_is_a_409_with_the_card_as_it_is_now(app, ann, leads):
    aiko = lead(app, leads["Aiko"])
    with app.app_context():  # someone else qualified it meanwhile
        db.session.get(Inquiry, aiko.id).status = "qualified"
        db.session.commit()
    response = move(ann, app, aiko.id, "won", version=aiko.version, column="new", headers=JSON)
    assert response.status_code == 409
    body = response.get_json()
    assert body["message"].startswith(CONFLICT)
    assert aiko.id not in cards(body["regions"]["column-new"], "new")
    assert aiko.id in cards(body["regions"]["column-qualified"], "qualified")
    assert lead(app, aiko.id).status == "qualified"


def test_lost_without_a_reason_as_json_is_a_422_with_the_question_on_the_card(app, ann, leads):
    response = move(ann, app, leads["Kenji"], "lost", headers=JSON)
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "Say why the lead was lost."
    assert "Say why the lead was lost." in body["regions"]["column-new"]
    assert lead(app, leads["Kenji"]).status == "new"


def test_json_answers_are_not_cached_and_escape_html(app, ann, leads):
    with app.app_context():
        db.session.get(Inquiry, leads["Kenji"]).organization = "<b>Fuji</b>"
        db.session.commit()
    response = move(ann, app, leads["Kenji"], "qualified", headers=JSON)
    assert response.headers["Cache-Control"] == "no-store"
    region = response.get_json()["regions"]["column-qualified"]
    assert "&lt;b&gt;Fuji&lt;/b&gt;" in region and "<b>Fuji" not in region
