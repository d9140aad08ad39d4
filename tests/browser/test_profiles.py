"""Self-service profiles and the staff's organization page in a real headless Chromium, through
a real SMTP server, with the link read out of the delivered mail: a contact asks for a link on
the public page, proposes changes, staff compare and approve them, the public page shows them.
Screenshots go to test-artifacts/ (and docs/img/ with MATCHMAKER_DOCS_SCREENSHOTS=1)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Organization
from matchmaker.services import accounts, contacts, outbox
from tests import factories
from tests.browser.test_introductions import deliver, keep_for_docs
from tests.helpers import (
    DESKTOP,
    PASSWORD,
    PHONE,
    assert_accessible,
    no_horizontal_scroll,
    sign_in,
)
from tests.helpers import screenshot as take_screenshot

pytestmark = pytest.mark.browser

ADDED = "It now also tests satellite components for other makers."
# A made-up organization, so that the README's screenshots say nothing untrue of a real one.
SAMPLE = dict(
    slug="sample-satellites", name="Sample Satellites (a made-up example)", kind="company",
    sectors=("aerospace",), offers=("rd-collaboration",), city="Mont-Saint-Guibert",
    province="Walloon Brabant",
    description="A made-up satellite maker that shows how a contact proposes changes to a profile.",
    description_fr="Un fabricant de satellites imaginaire, pour montrer comment un contact propose "
    "des changements à un profil.",
    keywords=("small satellites",), keywords_fr=("petits satellites",),
)  # fmt: skip


@pytest.fixture
def contact_of(live_server, smtp_server):
    """An organization with one English-speaking contact; staff inbox and mail on smtp_server."""
    app, base = live_server
    app.config.update(smtp_server.config, OUTBOX_SEND_AFTER_COMMIT=False, BASE_URL=base,
                      STAFF_INBOX="leads@agency.example")  # fmt: skip
    email = f"claire-{uuid.uuid4().hex[:6]}@first.example"
    with app.test_request_context():
        if accounts.find_user("ann@agency.be") is None:
            accounts.create_user("ann@agency.be", "Ann Peeters", PASSWORD)
        org = factories.organization(SAMPLE["slug"])
        if org is None:
            org = Organization(**SAMPLE)
            db.session.add(org)
        org.contacts.clear()
        contacts.add_contact(org, None, "Claire Dubois", "Partnerships", email, "en")
        db.session.commit()
        outbox.deliver_due()
        smtp_server.received.clear()
        return {"id": org.id, "slug": org.slug, "name": org.name, "email": email}


def shot(page, name: str) -> None:
    take_screenshot(page, name)
    keep_for_docs(name)


def ask_for_a_link(app, page, base, org, smtp_server, label: str, button: str) -> str:
    """On the public page, a contact asks for a link; the link out of the mail they get."""
    page.goto(f"{base}/organizations/{org['slug']}")
    page.get_by_label(label).fill(org["email"])
    page.get_by_role("button", name=button).click()
    deliver(app)
    [mail] = smtp_server.messages_to(org["email"])
    return next(word for word in mail.body().split() if "/profiles/" in word)


def test_a_contact_proposes_changes_and_staff_approve_them(live_server, contact_of, smtp_server,
                                                           open_page):  # fmt: skip
    app, base = live_server
    org = contact_of
    visitor = open_page(DESKTOP, "en")
    link = ask_for_a_link(app, visitor, base, org, smtp_server, "Your email address",
                          "Send me a link")  # fmt: skip
    expect(visitor.get_by_text("If this address is one of the contacts")).to_be_visible()
    visitor.goto(link)
    assert visitor.get_by_role("heading", name=f"Propose changes to the profile of {org['name']}")
    assert_accessible(visitor, "the proposal form")
    shot(visitor, "profile-proposal-en-1280")
    description = visitor.get_by_label("Description in English")
    description.fill(description.input_value() + " " + ADDED)
    visitor.locator("#contacts-1-name").fill("Jan Peeters")
    visitor.locator("#contacts-1-email").fill("jan@first.example")
    visitor.get_by_role("button", name="Send my proposal").click()
    expect(visitor.get_by_role("heading", name="Thank you")).to_be_visible()
    visitor.goto(link)  # used: a clear page, nothing changed
    expect(visitor.get_by_text("It was already used")).to_be_visible()

    deliver(app)
    [notice] = smtp_server.messages_to("leads@agency.example")
    review = next(word for word in notice.body().split() if "/proposals/" in word)
    staff = open_page(DESKTOP, "en")
    sign_in(staff, app, base, "ann@agency.be")
    staff.goto(review)
    diff = staff.locator("table.diff").inner_text()
    assert "Description in English" in diff and ADDED in diff
    assert "Jan Peeters <jan@first.example>, en" in diff
    assert_accessible(staff, "the proposal's review")
    shot(staff, "profile-review-en-1280")
    staff.get_by_label("Note for the history and the contact").fill("Checked on their site.")
    staff.get_by_role("button", name="Approve the changes").click()
    expect(staff.get_by_text(f"are applied to {org['name']}")).to_be_visible()
    history = staff.locator("#history").inner_text()
    assert f"Ann Peeters approved the changes proposed by {org['email']}" in history
    assert "Ann Peeters added the contact Jan Peeters (jan@first.example)." in history
    expect(staff.get_by_role("heading", name="Acceptance rate")).to_be_visible()
    assert_accessible(staff, "the organization page")
    shot(staff, "organization-page-en-1280")

    deliver(app)
    assert "applied" in smtp_server.messages_to(org["email"])[-1].message["Subject"]
    visitor.goto(f"{base}/organizations/{org['slug']}")
    expect(visitor.get_by_text(ADDED)).to_be_visible()
    with app.app_context():
        assert [c.email for c in db.session.get(Organization, org["id"]).contacts] == [
            org["email"], "jan@first.example"]


def test_the_proposal_form_and_the_organization_page_fit_a_phone(
    live_server, contact_of, smtp_server, open_page
):
    app, base = live_server
    org = contact_of
    phone = open_page(PHONE, "fr")
    phone.goto(ask_for_a_link(app, phone, base, org, smtp_server, "Votre adresse e-mail",
                              "M'envoyer un lien"))  # fmt: skip
    expect(phone.get_by_role("heading", name="Propose changes to the profile")).to_be_visible()
    assert no_horizontal_scroll(phone), "the contact speaks English: the page is in English"
    staff = open_page(PHONE, "fr")
    sign_in(staff, app, base, "ann@agency.be", "fr")
    staff.goto(f"{base}/staff/organizations/{org['id']}")
    expect(staff.get_by_role("heading", name="Taux d'acceptation")).to_be_visible()
    assert no_horizontal_scroll(staff)
    assert_accessible(staff, "la page de l'organisation")
    take_screenshot(staff, "organization-page-fr-375")
