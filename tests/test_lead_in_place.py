"""Verdicts and pins in place: the lead page's script posts the same CSRF-protected forms and
reads JSON (the message, the lead's new version, the parts of the page to show again); without
the script the same forms post and redirect."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, Match
from matchmaker.services import accounts
from tests import factories
from tests.helpers import BOTH_DATABASES, PASSWORD, load_shipped_directory, login

CONFLICT = "This lead was changed by someone else while you were editing."
JSON = {"Accept": "application/json"}


@pytest.fixture
def lead(seeded, make_user) -> dict:
    """A lead with three engine matches, shared with consent; Ann is signed in by `ann`."""
    make_user("ann@agency.be", name="Ann Peeters")
    with seeded.app_context():
        orgs = factories.organizations(3)
        inquiry = factories.add_inquiry(scores=(0.8, 0.6, 0.4), match_orgs=orgs,
                                        share_consent=True)  # fmt: skip
        db.session.commit()
        return {"id": inquiry.id, "matches": [m.id for m in inquiry.matches],
                "orgs": [o.name for o in orgs]}  # fmt: skip


@pytest.fixture
def ann(client, lead):
    login(client, "ann@agency.be")
    return client


def stored(app, lead) -> tuple[int, list[tuple[str | None, bool]]]:
    """The lead's version and its matches' (verdict, pinned), best first."""
    with app.app_context():
        inquiry = db.session.get(Inquiry, lead["id"])
        matches = db.session.scalars(sa.select(Match).where(Match.inquiry_id == lead["id"])
                                     .order_by(Match.rank)).all()  # fmt: skip
        return inquiry.version, [(m.verdict, m.pinned) for m in matches]


def post(client, app, lead, path: str, version: int | None = None, headers=None, **data):
    version = stored(app, lead)[0] if version is None else version
    return client.post(f"/staff/leads/{lead['id']}/{path}", data={"version": version, **data},
                       headers=headers or {})  # fmt: skip


@BOTH_DATABASES
def test_a_verdict_asked_for_as_json_answers_with_the_new_state(app, ann, lead):
    version, _ = stored(app, lead)
    first = lead["matches"][0]
    response = post(ann, app, lead, f"matches/{first}/verdict", verdict="relevant", headers=JSON)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["message"] == f"{lead['orgs'][0]} marked relevant."
    assert body["version"] == version + 1
    notes = {f"verdict-note-{match}" for match in lead["matches"]}
    assert set(body["regions"]) == {"match-list", "trail-list"} | notes
    matches = body["regions"]["match-list"]
    assert matches.startswith('<ol class="lead-matches" id="match-list"')
    assert re.search(rf'id="match-{first}".*?value="" aria-pressed="true"', matches, re.S)
    assert f'name="version" value="{version + 1}"' in matches
    assert f"Ann Peeters marked {lead['orgs'][0]} relevant." in body["regions"]["trail-list"]
    assert stored(app, lead) == (version + 1, [("relevant", False), (None, False), (None, False)])


def test_a_verdict_marked_not_relevant_shows_in_the_introduction_form(app, ann, lead):
    first = lead["matches"][0]
    page = ann.get(f"/staff/leads/{lead['id']}").text
    assert f'<span id="verdict-note-{first}"></span>' in page  # only this note changes there
    body = post(ann, app, lead, f"matches/{first}/verdict", verdict="not_relevant",
                headers=JSON).get_json()  # fmt: skip
    assert body["regions"][f"verdict-note-{first}"] == (
        f'<span id="verdict-note-{first}"> · marked not relevant</span>')


def test_a_pin_as_json_puts_the_match_first(app, ann, lead):
    third = lead["matches"][2]
    body = post(ann, app, lead, f"matches/{third}/pin", pinned="true", headers=JSON).get_json()
    assert body["message"].startswith(f"{lead['orgs'][2]} pinned")
    ids = re.findall(r'<li class="lead-match[^"]*" id="match-(\d+)"', body["regions"]["match-list"])
    assert [int(i) for i in ids] == [third, *lead["matches"][:2]]
    assert stored(app, lead)[1][2] == (None, True)


def test_without_the_script_the_same_forms_post_and_redirect(app, ann, lead):
    first = lead["matches"][0]
    response = post(ann, app, lead, f"matches/{first}/verdict", verdict="relevant")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/leads/{lead['id']}#match-{first}"
    assert f"{lead['orgs'][0]} marked relevant." in ann.get(response.headers["Location"]).text
    response = post(ann, app, lead, f"matches/{first}/pin", pinned="true")
    assert response.status_code == 302
    assert stored(app, lead)[1][0] == ("relevant", True)


def test_a_stale_verdict_as_json_is_a_409_asking_for_the_page_again(app, ann, lead):
    version, _ = stored(app, lead)
    first, second = lead["matches"][:2]
    post(ann, app, lead, f"matches/{second}/pin", pinned="true")  # a change from another tab
    response = post(ann, app, lead, f"matches/{first}/verdict", version=version,
                    verdict="relevant", headers=JSON)  # fmt: skip
    assert response.status_code == 409
    body = response.get_json()
    assert body["message"].startswith(CONFLICT)
    assert body["reload"] is True and body["regions"] == {}  # the whole page may be out of date
    assert stored(app, lead)[1][:2] == [(None, False), (None, True)]
    page = ann.get(f"/staff/leads/{lead['id']}").text  # shown again, with the message
    assert CONFLICT in page


def test_a_verdict_on_a_match_gone_meanwhile_is_a_404(app, ann, lead):
    response = post(ann, app, lead, "matches/999999/verdict", verdict="relevant", headers=JSON)
    assert response.status_code == 404


def test_nothing_changed_is_said_as_json_too(app, ann, lead):
    first = lead["matches"][0]
    response = post(ann, app, lead, f"matches/{first}/verdict", verdict="", headers=JSON)
    assert response.get_json()["message"] == "Nothing changed: the lead was already in that state."
    with app.app_context():
        assert not db.session.scalars(sa.select(Activity).where(
            Activity.kind == "match_judged")).all()


# With CSRF on, as in production ----------------------------------------------------------------


@pytest.fixture
def csrf_app(database_url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        load_shipped_directory()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_json_answer_needs_the_pages_csrf_token(csrf_app):
    with csrf_app.app_context():
        accounts.create_user("ann@agency.be", "Ann Peeters", PASSWORD)
        inquiry = factories.add_inquiry(scores=(0.8,), match_orgs=factories.organizations(1))
        db.session.commit()
        lead = {"id": inquiry.id, "matches": [m.id for m in inquiry.matches]}
    client = csrf_app.test_client()
    page = client.get("/staff/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/staff/login", data={"email": "ann@agency.be", "password": PASSWORD,
                                      "csrf_token": token})  # fmt: skip
    path = f"matches/{lead['matches'][0]}/verdict"
    forged = post(client, csrf_app, lead, path, verdict="relevant", headers=JSON)
    assert forged.status_code == 400
    assert stored(csrf_app, lead)[1] == [(None, False)]
    page = client.get(f"/staff/leads/{lead['id']}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = post(client, csrf_app, lead, path, verdict="relevant", csrf_token=token,
                    headers=JSON)  # fmt: skip
    assert response.status_code == 200
    assert stored(csrf_app, lead)[1] == [("relevant", False)]
