"""The lead list's CSV export (the list's filters, defused cells) and its bulk changes."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, OutboxMessage
from tests import factories
from tests.helpers import login


@pytest.fixture
def leads(app, make_user):
    """Ann (signed in), Bob, and four leads: two from Japan, one from the US with a formula in
    its organization, one already won."""
    ann = make_user("ann@agency.be", name="Ann Peeters")
    bob = make_user("bob@agency.be", name="Bob Martin")
    with app.app_context():
        rows = [
            factories.add_inquiry(name="Aiko Tanaka", country="JP", organization="Sakura Bio"),
            factories.add_inquiry(name="Kenji Sato", country="JP", organization="Fuji Labs"),
            factories.add_inquiry(name="Mary Smith", country="US",
                                  organization="=HYPERLINK(\"http://evil\")"),
            factories.add_inquiry(name="Won Lee", country="KR", status="won"),
        ]
        db.session.commit()
        ids = [row.id for row in rows]
    return {"ann": ann, "bob": bob, "ids": ids}


def _csv(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_export_follows_the_list_filters(app, client, leads):
    login(client, "ann@agency.be")
    page = client.get("/staff/leads?country=JP&sort=name").text
    assert 'href="/staff/leads/export.csv?country=JP&amp;sort=name"' in page
    response = client.get("/staff/leads/export.csv?country=JP&sort=name")
    assert response.mimetype == "text/csv"
    assert "attachment; filename=walloon-leads-" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert [row["name"] for row in rows] == ["Aiko Tanaka", "Kenji Sato"]
    assert rows[0]["country"] == "JP" and rows[0]["status"] == "new"
    assert rows[0]["received"].endswith(("+01:00", "+02:00"))  # the agency's zone, machine-readable


def test_export_defuses_formulas(app, client, leads):
    login(client, "ann@agency.be")
    [row] = _csv(client.get("/staff/leads/export.csv?country=US"))
    assert row["organization"] == "'=HYPERLINK(\"http://evil\")"


def test_export_takes_every_page_not_only_the_first(app, client, leads):
    login(client, "ann@agency.be")
    with app.app_context():
        for number in range(60):
            factories.add_inquiry(name=f"Bulk {number}", country="BE")
        db.session.commit()
    assert len(_csv(client.get("/staff/leads/export.csv?country=BE"))) == 60


def test_export_needs_a_signed_in_staff_member(client, leads):
    response = client.get("/staff/leads/export.csv")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_bulk_assign_changes_each_lead_trails_it_and_mails_the_assignee(app, client, leads):
    login(client, "ann@agency.be")
    first, second = leads["ids"][:2]
    page = client.get("/staff/leads?country=JP").text
    assert f'name="ids" value="{first}"' in page
    response = client.post("/staff/leads/bulk", data={
        "ids": [first, second], "assignee": str(leads["bob"].id), "action": "assign",
        "back": "country=JP&evil=1"})
    assert response.headers["Location"] == "/staff/leads?country=JP"
    assert "2 leads reassigned." in client.get(response.headers["Location"]).text
    with app.app_context():
        owners = db.session.scalars(sa.select(Inquiry.assignee_id).where(
            Inquiry.id.in_([first, second]))).all()
        assert owners == [leads["bob"].id] * 2
        assert db.session.get(Inquiry, leads["ids"][2]).assignee_id is None
        trail = db.session.scalars(sa.select(Activity).where(Activity.kind == "assigned")).all()
        assert sorted(a.inquiry_id for a in trail) == [first, second]
        mails = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
        assert mails == ["bob@agency.be", "bob@agency.be"]


def test_bulk_status(app, client, leads):
    login(client, "ann@agency.be")
    first, second, third, won = leads["ids"]
    response = client.post("/staff/leads/bulk", data={
        "ids": [first, won], "status": "qualified", "action": "status"})
    assert "2 leads moved to Qualified." in client.get(response.headers["Location"]).text
    with app.app_context():
        statuses = {i.id: i.status for i in db.session.scalars(sa.select(Inquiry))}
    assert statuses == {first: "qualified", second: "new", third: "new", won: "qualified"}


def test_bulk_lost_is_refused_and_nothing_changes(app, client, leads):
    login(client, "ann@agency.be")
    response = client.post("/staff/leads/bulk", data={
        "ids": leads["ids"][:2], "status": "lost", "action": "status"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Inquiry.status == "lost")) == 0


def test_bulk_without_a_selection_says_so(app, client, leads):
    login(client, "ann@agency.be")
    response = client.post("/staff/leads/bulk", data={"status": "qualified", "action": "status"})
    assert "Select at least one lead first." in client.get(response.headers["Location"]).text


def test_bulk_assign_to_a_deactivated_account_changes_nothing(app, client, leads, make_user):
    gone = make_user("gone@agency.be", name="Gone", active=False)
    login(client, "ann@agency.be")
    response = client.post("/staff/leads/bulk", data={
        "ids": leads["ids"][:2], "assignee": str(gone.id), "action": "assign"})
    assert "Choose an active staff member." in client.get(response.headers["Location"]).text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(
            Inquiry.assignee_id.is_not(None))) == 0
