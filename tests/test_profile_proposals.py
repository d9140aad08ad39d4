"""Self-service profiles: a contact asks for a signed link from the organization's public page,
proposes changes, staff approve or reject them from a field-by-field diff; refused links."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import (
    Organization,
    OrganizationEvent,
    OutboxMessage,
    ProfileProposal,
    utcnow,
)
from matchmaker.services import contacts, directory, signed_links
from tests import factories
from tests.helpers import BOTH_DATABASES, login, text

STAFF_INBOX = "leads@agency.example"
ASKED = ("If this address is one of the contacts of this organization, we have sent it a link "
         "to propose changes to the profile.")  # fmt: skip


@dataclass
class Org:
    id: int
    slug: str
    name: str
    description: str
    description_fr: str
    keywords: tuple[str, ...]
    keywords_fr: tuple[str, ...]
    offers: tuple[str, ...]


@pytest.fixture
def org(seeded, make_user) -> Org:
    """An organization of the shipped directory with one French-speaking contact; Ann (staff)."""
    make_user("ann@agency.be", name="Ann Peeters")
    seeded.config["STAFF_INBOX"] = STAFF_INBOX
    with seeded.app_context():
        [first] = factories.organizations(1)
        contacts.add_contact(first, None, "Claire Dubois", "Business development",
                             "claire@first.example", "fr")  # fmt: skip
        db.session.commit()
        return Org(first.id, first.slug, first.name, first.description, first.description_fr,
                   first.keywords, first.keywords_fr, first.offers)  # fmt: skip


def ask(client, org: Org, email: str):
    return client.post(f"/profiles/ask/{org.slug}", data={"email": email})


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def link(message: OutboxMessage, path: str = "profiles") -> str:
    found = re.search(rf"https?://\S+(/{path}/[\w.\-]+)", message.body_text)
    assert found, message.body_text
    return found.group(1)


def the_link(app, client, org: Org) -> str:
    ask(client, org, "claire@first.example")
    return link(outbox(app)[-1])


def proposal_data(org: Org, **changes) -> dict:
    """What the proposal form posts when nothing is changed; changes override fields."""
    data = {
        "description": org.description, "description_fr": org.description_fr,
        "keywords": "; ".join(org.keywords), "keywords_fr": "; ".join(org.keywords_fr),
        "offers": list(org.offers),
        "contacts-0-name": "Claire Dubois", "contacts-0-role": "Business development",
        "contacts-0-email": "claire@first.example", "contacts-0-lang": "fr",
        "contacts-1-name": "", "contacts-1-role": "", "contacts-1-email": "",
        "contacts-1-lang": "en",
    }  # fmt: skip
    return data | changes


def changes(org: Org) -> dict:
    """A proposal: a new French description, a keyword more, another offer, a role changed and
    a contact added."""
    return proposal_data(
        org, description_fr="Nous fabriquons des vecteurs viraux pour la thérapie génique.",
        keywords="; ".join((*org.keywords, "viral vectors")), offers=["licensing"],
        **{"contacts-0-role": "CEO", "contacts-1-name": "Jan Peeters",
           "contacts-1-email": "jan@first.example", "contacts-1-lang": "en"},
    )  # fmt: skip


def proposals(app) -> list[ProfileProposal]:
    with app.app_context():
        rows = db.session.scalars(sa.select(ProfileProposal).order_by(ProfileProposal.id)).all()
        db.session.expunge_all()
        return list(rows)


def profile(app, org: Org) -> tuple:
    with app.app_context():
        row = db.session.get(Organization, org.id)
        return (row.description_fr, row.keywords, row.offers,
                [(c.name, c.role, c.email) for c in row.contacts])  # fmt: skip


def event_kinds(app, org: Org) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(OrganizationEvent.kind).where(OrganizationEvent.organization_id == org.id)
            .order_by(OrganizationEvent.id)))  # fmt: skip


# Asking for a link ----------------------------------------------------------------------------


def test_the_public_page_offers_contacts_a_link(client, org):
    page = client.get(f"/organizations/{org.slug}").text
    assert "Is this your organization?" in page
    assert f'action="/profiles/ask/{org.slug}"' in page


def test_asking_answers_the_same_whether_or_not_the_address_is_a_contact(app, client, org):
    known = ask(client, org, " Claire@First.example ")
    first_page = text(client.get(known.location))
    unknown = ask(client, org, "nobody@first.example")
    second_page = text(client.get(unknown.location))
    assert known.status_code == unknown.status_code == 303
    assert known.location == unknown.location == f"/organizations/{org.slug}"
    assert ASKED in first_page and ASKED in second_page
    [mail] = outbox(app)  # only the contact's
    assert mail.recipient == "claire@first.example"
    assert mail.subject.startswith("Votre lien pour modifier le profil")  # their language
    assert "/profiles/" in mail.body_text and "48" in mail.body_text


def test_a_contact_of_another_organization_gets_nothing(app, client, org):
    with app.app_context():
        other = factories.organizations(2)[1]
        contacts.add_contact(other, None, "Otto Other", "", "otto@other.example", "en")
        db.session.commit()
    assert ASKED in text(client.get(ask(client, org, "otto@other.example").location))
    assert outbox(app) == []


def test_asking_again_soon_sends_no_second_mail(app, client, org):
    ask(client, org, "claire@first.example")
    ask(client, org, "claire@first.example")
    assert len(outbox(app)) == 1


def test_a_malformed_address_is_refused_next_to_its_field(app, client, org):
    response = ask(client, org, "claire@first.example, boss@first.example")
    assert response.status_code == 422
    assert "Give one email address." in response.text
    assert outbox(app) == []


def test_asking_is_rate_limited_per_client(app, client, org):
    app.config["PROFILE_LINK_RATE_LIMIT"] = "2 per minute"
    assert ask(client, org, "a@x.example").status_code == 303
    assert ask(client, org, "b@x.example").status_code == 303
    assert ask(client, org, "c@x.example").status_code == 429


# Proposing ------------------------------------------------------------------------------------


def test_the_link_opens_the_current_profile_in_the_contacts_language(app, client, org):
    page = client.get(the_link(app, client, org))
    assert page.status_code == 200
    assert "Proposer des modifications" in page.text
    assert org.description in page.text or org.description_fr in page.text
    assert 'value="Claire Dubois"' in page.text
    assert page.headers["Cache-Control"] == "no-store"


@BOTH_DATABASES
def test_a_proposal_waits_for_staff_and_changes_nothing(app, client, org):
    path = the_link(app, client, org)
    before = profile(app, org)
    response = client.post(path, data=changes(org))
    assert response.status_code == 303
    assert "Merci" in client.get(response.location).text
    assert profile(app, org) == before
    [proposal] = proposals(app)
    assert proposal.state == "pending" and proposal.email == "claire@first.example"
    notice = outbox(app)[-1]
    assert notice.recipient == STAFF_INBOX
    assert org.name in notice.subject
    assert f"/staff/organizations/{org.id}/proposals/{proposal.id}" in notice.body_text
    assert event_kinds(app, org)[-1] == "proposal_received"
    replay = client.post(path, data=changes(org))
    assert replay.status_code == 409 and "déjà été utilisé" in replay.text
    assert len(proposals(app)) == 1


def test_bad_proposals_are_refused_with_reasons_and_nothing_is_kept(app, client, org):
    path = the_link(app, client, org)
    cases = [
        ({"contacts-1-name": "Jan", "contacts-1-email": "a@b.example, c@d.example"},
         "Indiquez une seule adresse e-mail."),
        ({"contacts-0-name": "", "contacts-0-role": "", "contacts-0-email": ""},
         "Gardez au moins un contact"),
        ({"description_fr": "x" * 5001}, "5000"),
        ({}, "Vous n'avez rien modifié"),
    ]  # fmt: skip
    for fields, message in cases:
        response = client.post(path, data=proposal_data(org, **fields))
        assert response.status_code == 422, fields
        assert message in text(response), fields
    [proposal] = proposals(app)
    assert proposal.state == "requested", "the link still works"
    assert client.get(path).status_code == 200


def test_used_expired_and_tampered_links_change_nothing_and_are_logged(app, client, org,
                                                                        caplog):  # fmt: skip
    path = the_link(app, client, org)
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        proposal = db.session.scalar(sa.select(ProfileProposal))
        forged = signed_links.make_token("profile-proposal", proposal.id, "guess")
        wrong_purpose = signed_links.make_token("introduction-answer", proposal.id, proposal.nonce)
    with caplog.at_level(logging.WARNING):
        for bad in (token[:-3] + "abc", forged, wrong_purpose):
            response = client.post(f"/profiles/{bad}", data=changes(org))
            assert response.status_code == 404
            assert "Il n’est pas valide" in response.text or "It is not valid" in response.text
        with app.app_context():
            db.session.get(ProfileProposal, proposal.id).expires_at = utcnow() - timedelta(1)
            db.session.commit()
        expired = client.post(path, data=changes(org))
    assert expired.status_code == 410
    assert "Demandez un nouveau lien" in expired.text
    assert caplog.text.count("profile link refused: tampered") == 3
    assert "profile link refused: expired" in caplog.text
    assert proposals(app)[0].state == "requested"


# Staff review ---------------------------------------------------------------------------------


def propose(app, client, org) -> ProfileProposal:
    client.post(the_link(app, client, org), data=changes(org))
    return proposals(app)[-1]


@pytest.fixture
def ann(app, client):
    staff = app.test_client()
    login(staff, "ann@agency.be")
    return staff


def review_url(org: Org, proposal: ProfileProposal) -> str:
    return f"/staff/organizations/{org.id}/proposals/{proposal.id}"


@BOTH_DATABASES
def test_staff_see_a_field_by_field_diff_and_approve(app, client, org, ann):
    proposal = propose(app, client, org)
    home = ann.get("/staff/").text
    assert "Profile changes to review" in home and review_url(org, proposal) in home
    assert review_url(org, proposal) in ann.get(f"/staff/organizations/{org.id}").text

    page = ann.get(review_url(org, proposal)).text
    diff = page.split('id="diff-title"', 1)[1].split("</section>", 1)[0]
    for label in ("Description in French", "Keywords in English", "Ways to work with them",
                  "Contacts"):  # fmt: skip
        assert label in diff
    assert "Description in English" not in diff, "unchanged fields are not listed"
    assert "Nous fabriquons des vecteurs viraux" in diff
    assert "Jan Peeters &lt;jan@first.example&gt;, en" in diff

    with app.app_context():
        version = directory.directory_version()
    response = ann.post(review_url(org, proposal) + "/approve", data={"note": "Checked by phone"})
    assert response.status_code == 302
    assert "The changes proposed by claire@first.example are applied" in ann.get(
        response.location).text
    description_fr, keywords, offers, people = profile(app, org)
    assert description_fr.startswith("Nous fabriquons")
    assert "viral vectors" in keywords and offers == ("licensing",)
    assert people == [("Claire Dubois", "CEO", "claire@first.example"),
                      ("Jan Peeters", "", "jan@first.example")]  # fmt: skip
    with app.app_context():
        assert directory.directory_version() == version + 1
    assert event_kinds(app, org)[-3:] == ["contact_changed", "contact_added", "proposal_approved"]
    history = ann.get(f"/staff/organizations/{org.id}").text
    assert "Ann Peeters approved the changes proposed by claire@first.example:" in history
    assert "Note: Checked by phone" in history
    mail = outbox(app)[-1]
    assert mail.recipient == "claire@first.example"
    assert "appliquées" in mail.subject and "Checked by phone" in mail.body_text

    again = ann.post(review_url(org, proposal) + "/reject", data={"note": "Oops"})
    assert "This proposal was already approved" in ann.get(again.location).text
    assert proposals(app)[-1].state == "approved"


@BOTH_DATABASES
def test_rejecting_needs_a_note_and_changes_nothing(app, client, org, ann):
    proposal = propose(app, client, org)
    before = profile(app, org)
    with app.app_context():
        version = directory.directory_version()
    refused = ann.post(review_url(org, proposal) + "/reject", data={"note": " "})
    assert refused.status_code == 422 and "Say why" in refused.text
    assert proposals(app)[-1].state == "pending"
    response = ann.post(review_url(org, proposal) + "/reject",
                        data={"note": "Our sources say otherwise."})  # fmt: skip
    assert response.status_code == 302
    assert "nothing was changed" in ann.get(response.location).text
    assert profile(app, org) == before
    with app.app_context():
        assert directory.directory_version() == version
    assert proposals(app)[-1].state == "rejected"
    assert event_kinds(app, org)[-1] == "proposal_rejected"
    mail = outbox(app)[-1]
    assert mail.recipient == "claire@first.example"
    assert "Our sources say otherwise." in mail.body_text


def test_a_proposal_of_another_organization_is_not_found(app, client, org, ann):
    proposal = propose(app, client, org)
    with app.app_context():
        other = factories.organizations(2)[1].id
    assert ann.get(f"/staff/organizations/{other}/proposals/{proposal.id}").status_code == 404
