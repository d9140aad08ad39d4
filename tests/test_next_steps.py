"""Next steps on a lead and "My day"; lost reasons from a vocabulary on the dashboard; the mail
to a staff member when someone else assigns them a lead."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, NextStep, OutboxMessage, User, utcnow
from matchmaker.services.leads import next_steps
from tests import factories
from tests.helpers import login


@pytest.fixture
def people(make_user):
    ann = make_user("ann@agency.be", name="Ann Peeters")
    bob = make_user("bob@agency.be", name="Bob Martin")
    return ann, bob


@pytest.fixture
def lead_id(app, people) -> int:
    """A new lead assigned to Ann."""
    with app.app_context():
        inquiry = factories.add_inquiry(assignee_id=people[0].id, organization="Helix Capital")
        db.session.commit()
        return inquiry.id


def _version(app, lead_id: int) -> int:
    with app.app_context():
        return db.session.get(Inquiry, lead_id).version


def _steps(app) -> list[NextStep]:
    with app.app_context():
        rows = db.session.scalars(sa.select(NextStep).order_by(NextStep.id)).all()
        _ = [row.owner for row in rows]
        db.session.expunge_all()
        return list(rows)


def _today(app):
    with app.test_request_context():
        return next_steps.today()


def test_a_step_planned_on_the_lead_goes_to_its_assignee(app, client, lead_id, people):
    login(client, "bob@agency.be")
    due = _today(app) + timedelta(days=3)
    response = client.post(f"/staff/leads/{lead_id}/next-steps",
                           data={"kind": "call", "due_on": due.isoformat(),
                                 "note": "Ask about the site visit"})  # fmt: skip
    assert response.headers["Location"] == f"/staff/leads/{lead_id}#next-steps"
    page = client.get(response.headers["Location"]).text
    assert "Call planned for Ann Peeters." in page
    [step] = _steps(app)
    assert (step.kind, step.due_on, step.owner.email, step.note, step.done_at) == (
        "call", due, "ann@agency.be", "Ask about the site visit", None)
    section = page[page.index('id="next-steps"'):page.index('id="duplicates"')]
    assert "Ask about the site visit" in section and f"step-{step.id}" in section
    assert "Bob Martin planned a step for Ann Peeters: Call by" in page
    with app.app_context():
        assert db.session.get(Inquiry, lead_id).last_staff_action_at is not None


def test_a_step_without_a_due_day_is_refused_with_its_error(app, client, lead_id, people):
    login(client, "ann@agency.be")
    response = client.post(f"/staff/leads/{lead_id}/next-steps",
                           data={"kind": "meeting", "due_on": ""})  # fmt: skip
    assert response.status_code == 422
    assert '<a href="#due_on">Give the day it is due by.</a>' in response.text
    assert _steps(app) == []


def test_completing_a_step(app, client, lead_id, people):
    login(client, "ann@agency.be")
    client.post(f"/staff/leads/{lead_id}/next-steps",
                data={"kind": "follow_up", "due_on": _today(app).isoformat()})  # fmt: skip
    [step] = _steps(app)
    page = client.get(f"/staff/leads/{lead_id}").text
    assert "due-today" in page
    response = client.post(f"/staff/leads/{lead_id}/next-steps/{step.id}/done")
    page = client.get(response.headers["Location"]).text
    assert "Step marked done." in page and "1 step done" in page
    assert "No step planned." in page
    [done] = _steps(app)
    assert done.done_at is not None
    with app.app_context():
        kinds = db.session.scalars(sa.select(Activity.kind).where(
            Activity.inquiry_id == lead_id)).all()  # fmt: skip
    assert "next_step_done" in kinds and "next_step_added" in kinds
    again = client.post(f"/staff/leads/{lead_id}/next-steps/{step.id}/done")
    assert "Nothing changed" in client.get(again.headers["Location"]).text


def test_a_step_of_another_lead_cannot_be_completed_here(app, client, lead_id, people):
    login(client, "ann@agency.be")
    with app.app_context():
        other = factories.add_inquiry(assignee_id=people[0].id)
        db.session.commit()
        other_id = other.id
    client.post(f"/staff/leads/{other_id}/next-steps",
                data={"kind": "call", "due_on": _today(app).isoformat()})  # fmt: skip
    [step] = _steps(app)
    response = client.post(f"/staff/leads/{lead_id}/next-steps/{step.id}/done")
    assert "That step is no longer on this lead." in client.get(response.headers["Location"]).text
    assert _steps(app)[0].done_at is None


def test_my_day_lists_overdue_then_today_then_upcoming_and_only_mine(app, client, lead_id,
                                                                      people):  # fmt: skip
    ann, bob = people
    today = _today(app)
    with app.app_context():
        def step(owner: User, days: int, note: str, done: bool = False) -> None:
            db.session.add(NextStep(inquiry_id=lead_id, owner_id=owner.id, kind="call",
                                    due_on=today + timedelta(days=days), note=note,
                                    done_at=utcnow() if done else None))  # fmt: skip
        step(ann, 5, "upcoming-one")
        step(ann, 0, "today-one")
        step(ann, -2, "overdue-one")
        step(ann, -9, "overdue-older")
        step(ann, -1, "done-already", done=True)
        step(bob, 0, "bobs-own")
        db.session.commit()
    login(client, "ann@agency.be")
    page = client.get("/staff/my-day").text
    order = [page.index(note) for note in
             ("overdue-older", "overdue-one", "today-one", "upcoming-one")]  # fmt: skip
    assert order == sorted(order)
    assert page.index("Overdue") < page.index("overdue-older")
    assert "done-already" not in page and "bobs-own" not in page
    assert 'href="/staff/my-day" aria-current="page"' in page


def test_my_day_when_nothing_is_planned(app, client, people):
    login(client, "bob@agency.be")
    assert "No step is planned for you." in client.get("/staff/my-day").text


# Lost reasons ---------------------------------------------------------------------------------


def test_a_lost_reason_from_the_list_needs_no_words(app, client, lead_id, people):
    login(client, "ann@agency.be")
    response = client.post(f"/staff/leads/{lead_id}/status",
                           data={"version": _version(app, lead_id), "status": "lost",
                                 "lost_reason_code": "other_location", "lost_reason": ""})
    page = client.get(response.headers["Location"]).text
    assert "Reason: Chose another region or country" in page
    with app.app_context():
        inquiry = db.session.get(Inquiry, lead_id)
        assert (inquiry.status, inquiry.lost_reason_code) == ("lost", "other_location")


def test_other_needs_words_and_an_unknown_code_is_refused(app, client, lead_id, people):
    login(client, "ann@agency.be")
    data = {"version": _version(app, lead_id), "status": "lost"}
    refused = client.post(f"/staff/leads/{lead_id}/status",
                          data=data | {"lost_reason_code": "other"})  # fmt: skip
    assert refused.status_code == 422 and "Say why the lead was lost." in refused.text
    unknown = client.post(f"/staff/leads/{lead_id}/status",
                          data=data | {"lost_reason_code": "bored", "lost_reason": "x"})
    assert unknown.status_code == 422 and "Not a valid choice" in unknown.text
    with app.app_context():
        assert db.session.get(Inquiry, lead_id).status == "new"


def test_the_dashboard_counts_lost_leads_per_reason(app, client, people):
    with app.app_context():
        for code in ("no_budget", "no_budget", "no_response"):
            factories.add_inquiry(status="lost", lost_reason_code=code)
        factories.add_inquiry(status="lost", lost_reason="Old free text", lost_reason_code="")
        factories.add_inquiry(status="won")
        db.session.commit()
    login(client, "ann@agency.be")
    page = client.get("/staff/insight").text
    section = page[page.index("Why leads were lost"):]
    for label, count in (("No budget or funding", 2), ("No answer from the investor", 1),
                         ("Other reason", 1)):  # fmt: skip
        row = section[section.index(f'<th scope="row">{label}</th>'):]
        assert f"<td>{count}</td>" in row[:row.index("</tr>")]
    csv = client.get("/staff/insight/lost-reasons.csv").get_data(as_text=True)
    assert "no_budget,2" in csv


def test_the_french_dashboard_names_the_reasons_in_french(app, client, people):
    with app.app_context():
        factories.add_inquiry(status="lost", lost_reason_code="no_budget")
        db.session.commit()
    login(client, "ann@agency.be")
    page = client.get("/staff/insight", headers={"Accept-Language": "fr"}).text
    assert "Pourquoi des pistes ont été perdues" in page
    assert "Pas de budget ni de financement" in page


# The mail to a staff member assigned a lead by someone else -------------------------------------


def _mail(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def test_assigning_a_lead_to_someone_else_mails_them(app, client, lead_id, people):
    ann, bob = people
    login(client, "ann@agency.be")
    client.post(f"/staff/leads/{lead_id}/assignee",
                data={"version": _version(app, lead_id), "assignee": str(bob.id)})
    [message] = _mail(app)
    assert message.recipient == "bob@agency.be"
    assert message.subject.startswith("Ann Peeters assigned you the lead WM-")
    assert "Helix Capital" in message.subject
    assert f"http://127.0.0.1:5000/staff/leads/{lead_id}" in message.body_text
    assert message.inquiry_id == lead_id


def test_taking_a_lead_oneself_or_unassigning_mails_nobody(app, client, lead_id, people):
    ann, bob = people
    login(client, "bob@agency.be")
    client.post(f"/staff/leads/{lead_id}/assignee",
                data={"version": _version(app, lead_id), "assignee": str(bob.id)})
    client.post(f"/staff/leads/{lead_id}/assignee",
                data={"version": _version(app, lead_id), "assignee": ""})
    with app.app_context():
        assert db.session.get(Inquiry, lead_id).assignee_id is None
    assert _mail(app) == []
