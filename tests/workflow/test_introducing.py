"""Introducing the investor from the lead page, and what every change needs (the page's CSRF
token, an account to assign to)."""

from __future__ import annotations

import re

from matchmaker.extensions import db
from matchmaker.models import Inquiry, User
from tests.helpers import BOTH_DATABASES
from tests.workflow.shared import activities, follow, outbox, post, state

# Introductions --------------------------------------------------------------------------------


@BOTH_DATABASES
def test_introductions_go_to_each_contact_and_wait_without_one(app, ann, lead):
    """The organization's contact gets a request to answer; one without a contact waits; the
    investor is told nothing until an organization accepts (tests/test_introductions.py)."""
    app.config["BASE_URL"] = "https://matchmaker.example.be"
    response = post(ann, app, lead, "introduce", matches=lead.matches[:2],
                    message="They make <GMP> vectors")  # fmt: skip
    page = follow(ann, response)
    assert f"Introduction sent to {lead.orgs[0]}: they can accept or decline it." in page
    assert f"No contact yet at {lead.orgs[1]}: the introduction waits" in page

    [to_org] = outbox(app)
    assert to_org.recipient == "bd@first.example"
    assert to_org.subject.startswith(
        "Demande de mise en relation : Sakura Bio Partners (Japon) souhaite rencontrer")
    assert "They make <GMP> vectors" in to_org.body_text
    assert "They make &lt;GMP&gt; vectors" in to_org.body_html
    assert "<GMP>" not in to_org.body_html
    assert "aiko@example.jp" not in to_org.body_text  # only once they accept
    assert "https://matchmaker.example.be/introductions/answer/" in to_org.body_text
    assert "/staff/leads/" not in to_org.body_text  # the back office is for staff only
    assert to_org.inquiry_id == lead.id

    after = state(app, lead)
    assert [m.introduced_at is not None for m in after.matches] == [True, True, False]
    assert after.status == "introduced"
    kinds = [a.kind for a in activities(app, lead) if a.kind != "viewed"]
    assert kinds == ["submitted", "email_queued", "introduction_sent", "introduced",
                     "status_changed"]  # fmt: skip
    [introduced] = activities(app, lead, "introduced")
    assert [o["state"] for o in introduced.detail["organizations"]] == ["sent", "needs_contact"]
    assert introduced.detail["message"] == "They make <GMP> vectors"
    assert f"Ann Peeters introduced the investor to {lead.orgs[0]}, {lead.orgs[1]}." in page
    assert f"{lead.orgs[1]} has no contact yet: the introduction waits." in page
    assert "Introduced " in page  # the badge on the two matches


def test_only_new_and_qualified_leads_move_to_introduced(app, ann, lead):
    with app.app_context():
        db.session.get(Inquiry, lead.id).status = "in_discussion"
        db.session.commit()
    follow(ann, post(ann, app, lead, "introduce", matches=[lead.matches[2]]))
    assert state(app, lead).status == "in_discussion"
    assert outbox(app) == []  # no contact: nothing is mailed, to staff or the investor


def test_no_introduction_without_the_investors_consent_to_share(app, ann, lead):
    with app.app_context():
        db.session.get(Inquiry, lead.id).share_consent = False
        db.session.commit()
    page = ann.get(f"/staff/leads/{lead.id}").text
    assert "The investor has not allowed us to share their details" in page
    assert "Send the introductions" not in page
    page = follow(ann, post(ann, app, lead, "introduce", matches=lead.matches[:1]))
    assert "The investor has not allowed us to share their details" in page
    assert outbox(app) == []
    assert all(m.introduced_at is None for m in state(app, lead).matches)
    assert not activities(app, lead, "introduced")


def test_introducing_needs_a_choice_and_never_twice(app, ann, lead):
    response = post(ann, app, lead, "introduce")
    assert response.status_code == 422
    assert "Choose at least one organization to introduce." in response.text
    follow(ann, post(ann, app, lead, "introduce", matches=[lead.matches[0]]))
    page = ann.get(f"/staff/leads/{lead.id}").text
    assert f'name="matches" value="{lead.matches[0]}"' not in page
    page = follow(ann, post(ann, app, lead, "introduce", matches=[lead.matches[0]]))
    assert f"Already introduced: {lead.orgs[0]}." in page
    assert len(outbox(app)) == 1  # the first introduction's request to the organization


# CSRF -------------------------------------------------------------------------------------------


def test_changes_need_the_csrf_token_of_the_page(app, client, lead):
    app.config["WTF_CSRF_ENABLED"] = True
    login_page = client.get("/staff/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/staff/login", data={"email": "ann@agency.be",
                                      "password": "correct horse battery staple",
                                      "csrf_token": token})  # fmt: skip
    forged = post(client, app, lead, "status", status="spam")
    assert forged.status_code == 400 and state(app, lead).status == "new"
    page = client.get(f"/staff/leads/{lead.id}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    follow(client, post(client, app, lead, "status", status="spam", csrf_token=token))
    assert state(app, lead).status == "spam"


def test_users_without_an_account_row_cannot_be_assigned(app, ann, lead):
    page = follow(ann, post(ann, app, lead, "assignee", assignee="9999"))
    assert "Choose an active staff member." in page
    with app.app_context():
        assert db.session.get(User, 9999) is None
