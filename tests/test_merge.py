"""Merging two leads: the confirmation page says what moves; the survivor keeps its own data and
receives the other's trail, matches, introductions, next steps, mail and messages; the merged
lead is linked both ways, out of the list and the figures, closed to changes, and its investor's
page still works; a stale page changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    ActivityKind,
    Inquiry,
    Introduction,
    LeadMessage,
    Match,
    MessageAttachment,
    NextStep,
    OutboxMessage,
    utcnow,
)
from tests import factories
from tests.helpers import BOTH_DATABASES, events, login, text

NOW = utcnow()


@pytest.fixture
def pair(seeded, make_user) -> dict:
    """Kept (older) and Other (newer), one investor; a third lead merged into Other before.

    Kept: matches A (rank 1), B; a note; a next step; a mail.
    Other: matches B (already on Kept), C, D (introduced); superseded E; a note; a next step;
    two mails (one of a conversation message); a received reply with an attachment.
    """
    ann = make_user("ann@agency.be", name="Ann Peeters")
    with seeded.app_context():
        a, b, c, d, e = factories.organizations(5)
        kept = factories.add_inquiry(created_at=NOW - timedelta(days=20), status="qualified",
                                     assignee_id=ann.id, organization="Helix Bridge Capital",
                                     email="kenji.sato@helixbridge.example", name="Kenji Sato",
                                     share_consent=True, match_orgs=(a, b),
                                     scores=(0.8, 0.6))  # fmt: skip
        other = factories.add_inquiry(created_at=NOW - timedelta(days=2), status="new",
                                      organization="Helix Bridge Capital LLC",
                                      email="Kenji.Sato@HelixBridge.example", name="KENJI SATO",
                                      match_orgs=(b, c, d), scores=(0.7, 0.5, 0.4))  # fmt: skip
        factories.add_match(other, e, rank=1, score=0.9, superseded_at=NOW - timedelta(days=1))
        earlier = factories.add_inquiry(created_at=NOW - timedelta(days=30), name="K. Sato",
                                        email="ks@helixbridge.example")  # fmt: skip
        db.session.flush()
        earlier.merged_into_id, earlier.merged_at = other.id, NOW - timedelta(days=1)
        introduced = next(m for m in other.matches if m.organization_id == d.id)
        factories.add_introduction(introduced, "sent", contact_email="bd@d.example", sent_at=NOW,
                                   expires_at=NOW + timedelta(days=14))  # fmt: skip
        for lead, words in ((kept, "Called Kenji"), (other, "Kenji wrote again")):
            factories.add_staff_action(lead, ann.id, timedelta(hours=1), text=words)
            db.session.add(NextStep(inquiry_id=lead.id, owner_id=ann.id, due_on=date(2027, 1, 5),
                                    note=f"Follow up {lead.code}"))  # fmt: skip
        factories.add_outbox_message(kept, kept.email, "Welcome", subject="Kept's mail")
        sent = factories.add_outbox_message(other, other.email, "Hello", subject="Other's mail")
        db.session.flush()
        db.session.add_all([
            LeadMessage(inquiry_id=other.id, direction="out", outbox_id=sent.id,
                        subject="Your second inquiry", body_text="Hello"),
            LeadMessage(inquiry_id=other.id, direction="in", sender=other.email,
                        subject="Re: Your second inquiry", body_text="Thursday suits me.",
                        attachments=[MessageAttachment(filename="deck.pdf", size=3,
                                                       content_type="application/pdf",
                                                       content=b"pdf")]),
        ])  # fmt: skip
        factories.add_outbox_message(other, "ann@agency.be", "New lead", subject="New lead")
        db.session.commit()
        return {"kept": kept.id, "other": other.id, "earlier": earlier.id,
                "kept_code": kept.code, "other_code": other.code, "earlier_code": earlier.code,
                "other_reference": other.reference, "orgs": [o.name for o in (a, b, c, d, e)]}


def versions(app, *ids: int) -> list[int]:
    with app.app_context():
        return [db.session.get(Inquiry, lead_id).version for lead_id in ids]


def merge(client, app, pair, **changes):
    keep_version, merge_version = versions(app, pair["kept"], pair["other"])
    data = {"keep": pair["kept"], "merge": pair["other"], "keep_version": keep_version,
            "merge_version": merge_version} | changes  # fmt: skip
    return client.post("/staff/leads/merge", data=data)


def holdings(app, lead_id: int) -> dict:
    """What the database holds on a lead."""
    with app.app_context():
        def count(model, *where):
            return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

        matches = db.session.execute(
            sa.select(Match.superseded_at.is_(None), Match.organization_id, Match.introduced_at)
            .where(Match.inquiry_id == lead_id)).all()  # fmt: skip
        return {
            "current matches": sorted(org for current, org, _ in matches if current),
            "superseded": sum(1 for current, _org, _i in matches if not current),
            "activities": count(Activity, Activity.inquiry_id == lead_id),
            "introductions": count(Introduction, Introduction.inquiry_id == lead_id),
            "next steps": count(NextStep, NextStep.inquiry_id == lead_id),
            "mails": count(OutboxMessage, OutboxMessage.inquiry_id == lead_id),
            "messages": count(LeadMessage, LeadMessage.inquiry_id == lead_id),
        }


def test_the_confirmation_page_says_what_moves_and_changes_nothing(app, staff_client, pair):
    before = holdings(app, pair["kept"]), holdings(app, pair["other"])
    page = staff_client.get(f"/staff/leads/merge?keep={pair['kept']}&merge={pair['other']}")
    assert page.status_code == 200
    words = text(page)
    a, b, c, d, _e = pair["orgs"]
    kept, other = pair["kept_code"], pair["other_code"]
    for expected in (
        f"Merge {other} into {kept}",
        f"{kept} keeps its own profile, status and assignee.",
        "2 trail entries", f"2 matches: {c}, {d}", f"Already on {kept}, kept there once: {b}",
        "1 introduction", "1 next step", "2 mails", "2 conversation messages",
        f"1 lead merged into {other} earlier ({pair['earlier_code']})",
        f"Keep {other} instead",
    ):
        assert expected in words, expected
    assert (holdings(app, pair["kept"]), holdings(app, pair["other"])) == before


@BOTH_DATABASES
def test_a_merge_moves_everything_to_the_survivor(app, staff_client, pair, audit):
    with app.app_context():
        org_ids = {o.name: o.id for o in factories.organizations(5)}
    a, b, c, d, _e = (org_ids[name] for name in pair["orgs"])
    response = merge(staff_client, app, pair)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/leads/{pair['kept']}"
    kept = holdings(app, pair["kept"])
    assert kept == {
        "current matches": sorted([a, b, c, d]), "superseded": 0,
        # 2 submitted + 2 notes, then "merged from" on the survivor
        "activities": 5, "introductions": 1, "next steps": 2, "mails": 3, "messages": 2,
    }  # fmt: skip
    other = holdings(app, pair["other"])
    assert other == {"current matches": [b], "superseded": 1, "activities": 1,
                     "introductions": 0, "next steps": 0, "mails": 0, "messages": 0}  # fmt: skip
    with app.app_context():
        survivor = db.session.get(Inquiry, pair["kept"])
        merged = db.session.get(Inquiry, pair["other"])
        earlier = db.session.get(Inquiry, pair["earlier"])
        assert merged.merged_into_id == earlier.merged_into_id == survivor.id
        assert merged.merged_at is not None and survivor.merged_into_id is None
        # The survivor keeps its own data.
        assert (survivor.status, survivor.organization, survivor.email) == (
            "qualified", "Helix Bridge Capital", "kenji.sato@helixbridge.example")
        introduction = db.session.scalar(sa.select(Introduction))
        assert introduction.match.inquiry_id == survivor.id
        attachment = db.session.scalar(sa.select(MessageAttachment))
        assert attachment.message.inquiry_id == survivor.id
        on_survivor = db.session.scalar(sa.select(Activity).where(
            Activity.inquiry_id == survivor.id, Activity.kind == ActivityKind.MERGED_FROM))
        on_merged = db.session.scalar(sa.select(Activity).where(
            Activity.inquiry_id == merged.id, Activity.kind == ActivityKind.MERGED_INTO))
        assert on_survivor.detail["code"] == pair["other_code"]
        assert on_merged.detail["code"] == pair["kept_code"]
        assert on_survivor.user_id == on_merged.user_id is not None
    [line] = events(audit(), "lead.merged")
    assert (line["survivor"], line["merged"]) == (pair["kept_code"], pair["other_code"])


def test_an_introduction_lands_on_the_survivors_own_match_of_that_organization(
    app, staff_client, pair
):
    """Other's introduction to B, which Kept matches too: Kept keeps one match of B, introduced,
    so that B is not offered for an introduction again."""
    with app.app_context():
        other = db.session.get(Inquiry, pair["other"])
        b_match = next(m for m in other.matches if m.organization.name == pair["orgs"][1])
        factories.add_introduction(b_match, "accepted", contact_email="bd@b.example")
        db.session.commit()
    page = text(staff_client.get(f"/staff/leads/merge?keep={pair['kept']}&merge={pair['other']}"))
    assert "2 introductions" in page
    merge(staff_client, app, pair)
    with app.app_context():
        survivor = db.session.get(Inquiry, pair["kept"])
        current = [m for m in survivor.matches if m.superseded_at is None]
        b_matches = [m for m in current if m.organization.name == pair["orgs"][1]]
        assert len(b_matches) == 1 and b_matches[0].introduced_at is not None
        assert {i.match_id for i in survivor.introductions} <= {m.id for m in current}
        assert len(survivor.introductions) == 2
    lead_page = text(staff_client.get(f"/staff/leads/{pair['kept']}"))
    introduce = lead_page[lead_page.index("Introduce the investor"):]
    assert pair["orgs"][1] not in introduce[:introduce.index("Send the introductions")]


def test_the_pages_link_both_ways_and_say_where_the_moved_entries_come_from(app, client, pair):
    login(client, "ann@agency.be")
    merge(client, app, pair)
    kept, other = pair["kept_code"], pair["other_code"]
    survivor = client.get(f"/staff/leads/{pair['kept']}")
    assert f"{other} merged into {kept}" in text(survivor)  # the flash
    assert f'href="/staff/leads/{pair["other"]}"' in survivor.text
    trail = text(survivor.text[survivor.text.index('id="trail"'):])
    assert f"Ann Peeters merged {other} into this lead" in trail
    assert f"Kenji wrote again (from {other})" in trail and "Called Kenji" in trail
    merged = client.get(f"/staff/leads/{pair['other']}")
    assert f"This lead was merged into {kept}" in text(merged)
    assert f'href="/staff/leads/{pair["kept"]}"' in merged.text
    assert "Change status" not in merged.text  # no actions on a merged lead
    assert f"Ann Peeters merged this lead into {kept}" in text(merged)


def test_merged_leads_leave_the_list_and_the_counts(app, staff_client, pair):
    assert "2 leads" in text(staff_client.get("/staff/leads"))  # the earlier one is merged
    staff_client.get(merge(staff_client, app, pair).headers["Location"])
    page = staff_client.get("/staff/leads").text
    assert pair["other_code"] not in page and pair["earlier_code"] not in page
    assert "1 lead" in text(page) and "Possible duplicate of" not in page
    merged_only = text(staff_client.get("/staff/leads?merged=y"))
    assert "2 leads" in merged_only and f"Merged into {pair['kept_code']}" in merged_only
    found = text(staff_client.get(f"/staff/leads?q={pair['other_code']}"))
    assert "1 lead" in found and f"Merged into {pair['kept_code']}" in found
    home = staff_client.get("/staff/").text
    assert '<span class="count">1</span> Open' in home


def test_the_figures_count_a_merged_lead_once(app, staff_client, pair):
    merge(staff_client, app, pair)
    page = staff_client.get("/staff/insight").text
    assert "<dt>Leads received</dt><dd>1</dd>" in page
    load = staff_client.get("/staff/insight/load.csv").text
    assert "Ann Peeters,1," in load


@BOTH_DATABASES
def test_a_stale_page_changes_nothing(app, client, pair):
    login(client, "ann@agency.be")
    keep_version, merge_version = versions(app, pair["kept"], pair["other"])
    client.post(f"/staff/leads/{pair['other']}/notes", data={"text": "Another note"})
    before = holdings(app, pair["kept"]), holdings(app, pair["other"])
    response = merge(client, app, pair, keep_version=keep_version, merge_version=merge_version)
    assert response.headers["Location"] == (
        f"/staff/leads/merge?keep={pair['kept']}&merge={pair['other']}")
    page = client.get(response.headers["Location"])
    assert "This lead was changed by someone else while you were editing." in text(page)
    assert (holdings(app, pair["kept"]), holdings(app, pair["other"])) == before
    with app.app_context():
        assert db.session.get(Inquiry, pair["other"]).merged_into_id is None
    stale_survivor = merge(client, app, pair, keep_version=keep_version - 1)
    assert "changed by someone else" in text(client.get(stale_survivor.headers["Location"]))
    assert (holdings(app, pair["kept"]), holdings(app, pair["other"])) == before


def test_a_merged_lead_takes_no_more_changes_or_merges(app, staff_client, pair):
    merge(staff_client, app, pair)
    [version] = versions(app, pair["other"])
    response = staff_client.post(f"/staff/leads/{pair['other']}/status",
                                 data={"version": version, "status": "won"})  # fmt: skip
    page = text(staff_client.get(response.headers["Location"]))
    assert f"This lead was merged into {pair['kept_code']}: work on that one." in page
    again = merge(staff_client, app, pair)
    assert f"was merged into {pair['kept_code']}" in text(
        staff_client.get(again.headers["Location"], follow_redirects=True))
    with app.app_context():
        assert db.session.get(Inquiry, pair["other"]).status == "new"


def test_a_lead_cannot_be_merged_into_itself(app, staff_client, pair):
    response = merge(staff_client, app, pair, merge=pair["kept"])
    assert response.status_code == 400


def test_the_investors_page_of_the_merged_lead_shows_the_survivors_progress(
    app, client, staff_client, pair
):
    merge(staff_client, app, pair)
    page = client.get(f"/inquiry/{pair['other_reference']}")
    assert page.status_code == 200
    words = text(page)
    assert (f"We have combined this inquiry ({pair['other_code']}) with your inquiry "
            f"{pair['kept_code']}") in words  # fmt: skip
    assert f"Your reference {pair['kept_code']}" in words
    assert "Reviewed by Ann Peeters" in words
    assert "Introduction proposed to" in words and pair["orgs"][3] in words
