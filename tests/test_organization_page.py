"""The staff's page of one organization: its profile, contacts, history, leads, introductions
and acceptance rate; reachable by any staff member from the directory and from a lead."""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

import pytest

from matchmaker.extensions import db
from matchmaker.models import Organization
from matchmaker.services import contacts
from tests import factories
from tests.helpers import BOTH_DATABASES, login


@dataclass
class Setting:
    org_id: int
    name: str
    other_id: int
    codes: dict[str, str]  # lead codes by what happened to the introduction
    lead_id: int


@pytest.fixture
def setting(seeded, make_user) -> Setting:
    """An organization with a contact, matched by five leads: introduced and accepted, declined,
    expired, waiting for an answer, and not introduced; another organization with nothing."""
    ann = make_user("ann@agency.be", name="Ann Peeters")
    with seeded.app_context():
        org, other = factories.organizations(2)
        org.description_fr = "Des vecteurs viraux."
        org.keywords_fr = ("vecteurs",)
        contacts.add_contact(org, db.session.get(type(ann), ann.id), "Claire Dubois", "CEO",
                             "claire@first.example", "fr")  # fmt: skip
        codes, lead_id = {}, 0
        for state in ("accepted", "declined", "expired", "sent", None):
            inquiry = factories.add_inquiry(share_consent=True, scores=(0.7,), match_orgs=[org],
                                            organization=f"Investor {state}")  # fmt: skip
            if state:
                factories.add_introduction(inquiry.matches[0], state,
                                           contact_email="claire@first.example")  # fmt: skip
            codes[str(state)] = inquiry.code
            lead_id = inquiry.id
        db.session.commit()
        return Setting(org.id, org.name, other.id, codes, lead_id)


@pytest.fixture
def ann(client, setting):
    login(client, "ann@agency.be")
    return client


def section(page: str, title_id: str) -> str:
    return page.split(f'id="{title_id}"', 1)[1].split("</section>", 1)[0]


def text_of(html: str) -> str:
    """The visible text of a piece of page, tags stripped and whitespace collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@BOTH_DATABASES
def test_any_staff_member_sees_the_whole_organization(app, ann, setting):
    response = ann.get(f"/staff/organizations/{setting.org_id}")
    assert response.status_code == 200
    page = response.text
    assert f"<h1>{setting.name}" in page
    assert "Des vecteurs viraux." in page and "vecteurs" in page
    assert "Claire Dubois" in section(page, "contacts-title")
    assert "claire@first.example" in section(page, "contacts-title")

    history = text_of(section(page, "history-title"))
    assert "Ann Peeters added the contact Claire Dubois (claire@first.example)." in history
    assert "Walloon Matchmaker added the organization, importing organizations.csv." in history

    leads = section(page, "leads-title")
    assert all(code in leads for code in setting.codes.values())
    introductions = text_of(section(page, "organization-introductions-title"))
    for state, label in (("accepted", "Accepted"), ("declined", "Declined"),
                         ("expired", "Expired without an answer"),
                         ("sent", "Sent, awaiting an answer")):  # fmt: skip
        assert f"{setting.codes[state]} Investor {state} {label}" in introductions
    assert setting.codes["None"] not in introductions

    rate = text_of(section(page, "acceptance-title"))
    assert "50%" in rate
    assert "1 accepted of 2 answered" in rate
    assert "1 expired without an answer, 1 awaiting an answer" in rate


def test_an_organization_with_no_answer_yet_says_so(ann, setting):
    page = ann.get(f"/staff/organizations/{setting.other_id}").text
    assert "No answers yet" in text_of(section(page, "acceptance-title"))
    assert "No lead has matched this organization." in page
    assert "No contact yet" in section(page, "contacts-title")


def test_reachable_from_the_directory_list_and_from_a_lead(ann, setting):
    href = f'href="/staff/organizations/{setting.org_id}"'
    assert href in ann.get("/staff/organizations").text
    assert href in ann.get(f"/staff/leads/{setting.lead_id}").text


def test_reachable_from_the_admin_directory(app, client, setting, make_user):
    login(client, make_user("admin@agency.be", role="admin").email)
    assert f'href="/staff/organizations/{setting.org_id}"' in client.get(
        "/staff/admin/organizations?sort=updated").text


def test_an_unknown_organization_is_not_found_and_visitors_sign_in(client, ann, setting):
    assert ann.get("/staff/organizations/999999").status_code == 404
    anonymous = ann.application.test_client().get(f"/staff/organizations/{setting.org_id}")
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.location


def test_an_inactive_organization_is_shown_as_such(app, ann, setting):
    with app.app_context():
        db.session.get(Organization, setting.org_id).active = False
        db.session.commit()
    page = ann.get(f"/staff/organizations/{setting.org_id}").text
    assert "Inactive: not listed or matched" in page


def test_the_contacts_page_leads_to_the_organization_page(ann, setting):
    page = ann.get(f"/staff/organizations/{setting.org_id}/contacts").text
    assert f'href="/staff/organizations/{setting.org_id}"' in page


def test_history_of_an_admin_edit_names_the_fields(app, client, setting, make_user):
    login(client, make_user("admin@agency.be", role="admin", name="Ada Admin").email)
    with app.app_context():
        org = db.session.get(Organization, setting.org_id)
        slug, changed_at = org.slug, org.updated_at.isoformat()
        record = factories.directory.organization_record(org)
    data = {**record, "sectors": record["sectors"].split(";"),
            "offers": [o for o in record["offers"].split(";") if o],
            "city": "Mons", "changed_at": changed_at}  # fmt: skip
    assert client.post(f"/staff/admin/organizations/{slug}/edit", data=data).status_code == 302
    history = text_of(section(client.get(f"/staff/organizations/{setting.org_id}").text,
                              "history-title"))  # fmt: skip
    assert "Ada Admin changed the profile: City:" in history and "→ Mons" in history
