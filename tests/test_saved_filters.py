"""Saved filters: a staff member names the lead list's or the board's filters, finds them on
both pages, applies and deletes them; nobody else sees or deletes them."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import SavedFilter
from tests import factories
from tests.helpers import BOTH_DATABASES, login


@pytest.fixture
def people(app, make_user):
    """Ann and Bob, and one lead so that the list is not empty."""
    make_user("ann@agency.be", name="Ann Peeters")
    make_user("bob@agency.be", name="Bob Martin")
    with app.app_context():
        factories.add_inquiry(country="JP")
        db.session.commit()


def saved(app) -> list[tuple[str, str, str]]:
    """Every saved filter as (owner's email, name, query), by id."""
    with app.app_context():
        return [(row.user.email, row.name, row.query)
                for row in db.session.scalars(sa.select(SavedFilter).order_by(SavedFilter.id))]


def save(client, name: str, query: str, view: str = "list"):
    return client.post(f"/staff/leads/saved-filters?{query}", data={"name": name, "view": view})


@BOTH_DATABASES
def test_a_staff_member_saves_the_current_filters_and_applies_them(app, client, people):
    login(client, "ann@agency.be")
    page = client.get("/staff/leads?country=JP&sort=name").text
    assert 'action="/staff/leads/saved-filters?country=JP&amp;sort=name"' in page
    response = save(client, "Japan by name", "country=JP&sort=name&page=3&evil=1")
    assert response.headers["Location"] == "/staff/leads?country=JP&sort=name"
    page = client.get(response.headers["Location"]).text
    assert "Filters saved as “Japan by name”." in page
    assert saved(app) == [("ann@agency.be", "Japan by name", "country=JP&sort=name")]
    link = '<a href="/staff/leads?country=JP&amp;sort=name" aria-current="true">Japan by name</a>'
    assert link in page  # the filters shown are the saved ones
    board = client.get("/staff/leads/board").text
    assert '<a href="/staff/leads/board?country=JP&amp;sort=name">Japan by name</a>' in board


def test_saving_from_the_board_goes_back_to_the_board(app, client, people):
    login(client, "ann@agency.be")
    response = save(client, "Open", "status=open", view="board")
    assert response.headers["Location"] == "/staff/leads/board?status=open"


def test_the_same_name_again_replaces_its_filters(app, client, people):
    login(client, "ann@agency.be")
    save(client, "Mine", "country=JP")
    page = client.get(save(client, "Mine", "country=US").headers["Location"]).text
    assert "“Mine” now keeps these filters." in page
    assert saved(app) == [("ann@agency.be", "Mine", "country=US")]


def test_a_name_is_needed(app, client, people):
    login(client, "ann@agency.be")
    response = save(client, "  ", "country=JP")
    assert response.status_code == 422
    assert "Name these filters to save them." in response.text
    assert 'aria-invalid="true"' in response.text
    assert saved(app) == []


def test_only_the_owner_sees_and_deletes_their_filters(app, client, people):
    login(client, "ann@agency.be")
    save(client, "Ann's Japan", "country=JP")
    with app.app_context():
        ann_filter = db.session.scalar(sa.select(SavedFilter.id))
    client.post("/staff/logout")

    login(client, "bob@agency.be")
    assert "Ann's Japan" not in client.get("/staff/leads").text
    assert "Ann&#39;s Japan" not in client.get("/staff/leads/board").text
    refused = client.post(f"/staff/leads/saved-filters/{ann_filter}/delete", data={"view": "list"})
    assert refused.status_code == 404
    assert len(saved(app)) == 1
    client.post("/staff/logout")

    login(client, "ann@agency.be")
    response = client.post(f"/staff/leads/saved-filters/{ann_filter}/delete?country=JP",
                           data={"view": "board"})  # fmt: skip
    assert response.headers["Location"] == "/staff/leads/board?country=JP"
    assert "Saved filters “Ann&#39;s Japan” deleted." in client.get(
        response.headers["Location"]).text
    assert saved(app) == []


def test_each_page_lists_its_owners_filters_by_name(app, client, people):
    login(client, "ann@agency.be")
    for name, query in (("Zulu", "country=US"), ("alpha", "status=open")):
        save(client, name, query)
    page = client.get("/staff/leads").text
    names = re.findall(r'<a href="/staff/leads\?[^"]*"(?: aria-current="true")?>([^<]+)</a>',
                       page)  # fmt: skip
    assert names == ["alpha", "Zulu"]
