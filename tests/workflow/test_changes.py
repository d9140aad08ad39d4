"""Status, assignment, notes and matches of a lead, and the conflict when someone else changed
it meanwhile."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Match, Organization, utcnow
from matchmaker.services import accounts
from matchmaker.services.leads import changes, detail
from tests import factories
from tests.helpers import BOTH_DATABASES, login
from tests.workflow.shared import CONFLICT, activities, follow, outbox, post, state

# Status, assignment, notes ------------------------------------------------------------------


@BOTH_DATABASES
def test_status_change_is_saved_trailed_and_confirmed(app, ann, lead):
    before = state(app, lead)
    response = post(ann, app, lead, "status", status="qualified")
    assert response.headers["Location"] == f"/staff/leads/{lead.id}#workflow"
    page = follow(ann, response)
    assert "Status changed to Qualified." in page
    assert "Ann Peeters changed the status from New to Qualified." in page
    after = state(app, lead)
    assert after.status == "qualified"
    assert after.version == before.version + 1
    assert after.last_staff_action_at is not None
    [change] = activities(app, lead, "status_changed")
    assert change.user.email == "ann@agency.be"
    assert change.detail == {"previous": "new", "status": "qualified", "reason": ""}


def test_lost_needs_a_reason(app, ann, lead):
    response = post(ann, app, lead, "status", status="lost", lost_reason="  ")
    assert response.status_code == 422
    assert '<a href="#lost_reason">Say why the lead was lost.</a>' in response.text
    assert state(app, lead).status == "new" and not activities(app, lead, "status_changed")

    page = follow(ann, post(ann, app, lead, "status", status="lost",
                            lost_reason="Chose a site in Spain"))  # fmt: skip
    assert "Reason: Chose a site in Spain" in page
    after = state(app, lead)
    assert (after.status, after.lost_reason) == ("lost", "Chose a site in Spain")
    follow(ann, post(ann, app, lead, "status", status="in_discussion", lost_reason="ignored"))
    assert state(app, lead).lost_reason == ""


def test_the_same_status_again_changes_nothing(app, ann, lead):
    page = follow(ann, post(ann, app, lead, "status", status="new"))
    assert "Nothing changed: the lead was already in that state." in page
    assert state(app, lead).last_staff_action_at is None
    assert not activities(app, lead, "status_changed")


def test_assignment(app, ann, lead):
    bob = state(app, lead).assignee_id + 1
    page = follow(ann, post(ann, app, lead, "assignee", assignee=str(bob)))
    assert "Lead assigned to Bob Martin." in page
    assert "Ann Peeters assigned the lead to Bob Martin." in page
    assert state(app, lead).assignee.name == "Bob Martin"
    page = follow(ann, post(ann, app, lead, "assignee", assignee=""))
    assert "The lead is now unassigned." in page and "Ann Peeters unassigned the lead." in page
    assert state(app, lead).assignee_id is None
    assert [a.detail["assignee"] for a in activities(app, lead, "assigned")] == ["Bob Martin", ""]


def test_assigning_to_a_deactivated_account_is_refused(app, ann, lead):
    with app.app_context():
        accounts.deactivate(accounts.find_user("bob@agency.be"))
        bob = accounts.find_user("bob@agency.be").id
        db.session.commit()
    page = ann.get(f"/staff/leads/{lead.id}").text
    assert f'<option value="{bob}">' not in page  # not offered
    page = follow(ann, post(ann, app, lead, "assignee", assignee=str(bob)))
    assert "Choose an active staff member." in page
    assert state(app, lead).assignee.name == "Ann Peeters"


def test_a_lead_of_a_deactivated_account_shows_who_has_it_not_nobody(app, client, lead):
    with app.app_context():
        ann_id = accounts.find_user("ann@agency.be").id
        accounts.deactivate(accounts.find_user("ann@agency.be"))
        db.session.commit()
    login(client, "bob@agency.be")
    page = client.get(f"/staff/leads/{lead.id}").text
    assert f'<option selected value="{ann_id}">Ann Peeters (inactive)</option>' in page


def test_notes_are_added_to_the_trail_escaped(app, ann, lead):
    page = follow(ann, post(ann, app, lead, "notes", text="Called them: <b>keen</b> on Liège."))
    assert "Note added." in page
    assert "Called them: &lt;b&gt;keen&lt;/b&gt; on Liège." in page
    [note] = activities(app, lead, "note")
    assert note.detail == {"text": "Called them: <b>keen</b> on Liège."}
    assert state(app, lead).last_staff_action_at is not None
    empty = ann.post(f"/staff/leads/{lead.id}/notes", data={"text": "   "})
    assert empty.status_code == 422 and '<a href="#text">Write the note first.</a>' in empty.text


# Matches --------------------------------------------------------------------------------------


def test_verdicts(app, ann, lead):
    first = lead.matches[0]
    page = follow(ann, post(ann, app, lead, f"matches/{first}/verdict", verdict="relevant"))
    assert f"{lead.orgs[0]} marked relevant." in page
    assert re.search(r'value="" aria-pressed="true">.*?Relevant', page)  # pressed: a click clears
    assert state(app, lead).matches[0].verdict == "relevant"
    follow(ann, post(ann, app, lead, f"matches/{first}/verdict", verdict="not_relevant"))
    assert state(app, lead).matches[0].verdict == "not_relevant"
    page = follow(ann, post(ann, app, lead, f"matches/{first}/verdict", verdict=""))
    assert f"Verdict on {lead.orgs[0]} cleared." in page
    assert state(app, lead).matches[0].verdict is None
    assert [a.detail["verdict"] for a in activities(app, lead, "match_judged")] == [
        "relevant", "not_relevant", None]  # fmt: skip
    bogus = post(ann, app, lead, f"matches/{first}/verdict", verdict="maybe")
    assert bogus.status_code == 400


def test_pinned_matches_come_first(app, ann, lead):
    last = lead.matches[2]
    page = follow(ann, post(ann, app, lead, f"matches/{last}/pin", pinned="true"))
    assert f"{lead.orgs[2]} pinned" in page
    current = page[page.index('class="lead-matches"') :]
    assert current.index(lead.orgs[2]) < current.index(lead.orgs[0])
    follow(ann, post(ann, app, lead, f"matches/{last}/pin", pinned="false"))
    assert not state(app, lead).matches[2].pinned
    assert [a.kind for a in activities(app, lead) if a.kind.startswith("match_")] == [
        "match_pinned", "match_unpinned"]  # fmt: skip


def test_removing_a_match(app, ann, lead):
    page = follow(ann, post(ann, app, lead, f"matches/{lead.matches[1]}/remove"))
    assert f"{lead.orgs[1]} removed from the matches." in page
    assert [m.id for m in state(app, lead).matches] == [lead.matches[0], lead.matches[2]]
    [removed] = activities(app, lead, "match_removed")
    assert removed.detail["organization"] == lead.orgs[1] and removed.detail["score"] == 0.6


def test_an_introduced_match_cannot_be_removed(app, ann, lead):
    with app.app_context():
        db.session.get(Match, lead.matches[0]).introduced_at = utcnow()
        db.session.commit()
    page = follow(ann, post(ann, app, lead, f"matches/{lead.matches[0]}/remove"))
    assert "was already introduced to the investor: the match stays on the lead." in page
    assert len(state(app, lead).matches) == 3


def test_adding_an_organization_found_in_the_directory(app, ann, lead):
    with app.app_context():
        target = db.session.scalar(sa.select(Organization).order_by(Organization.slug.desc()))
        target_id, target_name = target.id, target.name
    page = ann.get(f"/staff/leads/{lead.id}", query_string={"org_q": target_name}).text
    found = page[page.index('class="found"') :]
    assert target_name in found
    page = ann.get(f"/staff/leads/{lead.id}", query_string={"org_q": lead.orgs[0]}).text
    assert "No other active organization matches" in page  # already a match: not offered

    page = follow(ann, post(ann, app, lead, "matches", organization_id=target_id))
    assert f"{target_name} added to the matches." in page and "Added by staff" in page
    added = state(app, lead).matches[-1]
    assert (added.organization_id, added.source, added.rank) == (target_id, "staff", 4)
    page = follow(ann, post(ann, app, lead, "matches", organization_id=target_id))
    assert f"{target_name} is already among the matches." in page


@BOTH_DATABASES
def test_re_ranking_keeps_the_old_ranking_and_what_staff_chose(app, ann, lead):
    with app.app_context():
        inquiry = db.session.get(Inquiry, lead.id)
        inquiry.needs_ranking = True
        inquiry.matches[1].pinned = True
        staff_pick = factories.organizations(10)[-1]
        inquiry.matches.append(Match(organization=staff_pick, rank=4, score=0, source="staff"))
        db.session.commit()
    page = follow(ann, post(ann, app, lead, "rerank"))
    assert re.search(r"Re-ranked with the current directory: \d+ new match", page)
    after = state(app, lead)
    superseded = [m for m in after.matches if m.superseded_at]
    current = [m for m in after.matches if not m.superseded_at]
    assert {m.id for m in superseded} == {lead.matches[0], lead.matches[2]}
    assert lead.matches[1] in {m.id for m in current}
    assert any(m.source == "staff" for m in current)
    engine = [m for m in current if m.source == "engine" and not m.pinned]
    assert engine and all(m.engine_version.startswith("tfidf") for m in engine)
    assert all("life-sciences" in m.organization.sectors for m in engine[:3])
    assert after.needs_ranking is False
    assert "Previous ranking (1)" in page
    [reranked] = activities(app, lead, "reranked")
    assert reranked.detail["superseded"] == 2 and reranked.detail["kept"] == 2


# Conflicts ------------------------------------------------------------------------------------


CHANGES = {
    "status": lambda lead: ("status", {"status": "spam"}),
    "assignee": lambda lead: ("assignee", {"assignee": ""}),
    "verdict": lambda lead: (f"matches/{lead.matches[0]}/verdict", {"verdict": "relevant"}),
    "pin": lambda lead: (f"matches/{lead.matches[0]}/pin", {"pinned": "true"}),
    "remove": lambda lead: (f"matches/{lead.matches[0]}/remove", {}),
    "rerank": lambda lead: ("rerank", {}),
    "introduce": lambda lead: ("introduce", {"matches": [lead.matches[0]]}),
}


@BOTH_DATABASES
@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_a_lead_someone_else_changed_meanwhile_is_refused(app, ann, lead, change):
    seen = state(app, lead).version  # Ann's page shows this version
    bob = app.test_client()
    login(bob, "bob@agency.be")
    follow(bob, post(bob, app, lead, "status", status="qualified"))  # Bob acts first
    before = state(app, lead)
    trail, mail = len(activities(app, lead)), len(outbox(app))

    path, data = CHANGES[change](lead)
    page = follow(ann, post(ann, app, lead, path, version=seen, **data))
    assert CONFLICT in page and "Review the current state and try again." in page
    after = state(app, lead)
    assert (after.version, after.status, after.assignee_id) == (
        before.version, "qualified", before.assignee_id)  # fmt: skip
    assert [
        (m.id, m.verdict, m.pinned, m.superseded_at, m.introduced_at) for m in after.matches
    ] == [(m.id, m.verdict, m.pinned, m.superseded_at, m.introduced_at) for m in before.matches]
    assert len(activities(app, lead)) == trail + 1  # Ann's page view only
    assert len(outbox(app)) == mail


def test_a_note_never_conflicts(app, ann, lead):
    seen = state(app, lead).version
    bob = app.test_client()
    login(bob, "bob@agency.be")
    follow(bob, post(bob, app, lead, "status", status="qualified"))
    page = follow(ann, post(ann, app, lead, "notes", version=seen, text="Still valid"))
    assert "Note added." in page


@BOTH_DATABASES
def test_two_changes_racing_to_commit_the_second_is_refused(app, lead):
    """Both read version 1; the other commits between this one's read and its write."""
    with app.app_context():
        inquiry = detail.get_lead(lead.id)
        ann = accounts.find_user("ann@agency.be")
        version = inquiry.version
        with db.engine.begin() as other:
            other.execute(sa.update(Inquiry).where(Inquiry.id == lead.id)
                          .values(status="won", version=Inquiry.version + 1))  # fmt: skip
        with pytest.raises(changes.Conflict):
            changes.set_status(inquiry, ann, version, "spam")
    assert state(app, lead).status == "won"
    assert not activities(app, lead, "status_changed")
