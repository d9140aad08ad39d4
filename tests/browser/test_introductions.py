"""The whole introduction loop in a real headless Chromium, through a real SMTP server, with
the links read out of the delivered mails: staff introduce, the organization accepts with
meeting slots (or declines), the investor picks a slot, both receive the .ics invitation, the
investor's page shows it; the whole loop again in French on a 375 px phone; decline and
expiry; used and forged links change nothing; an investor's consent refusal blocks it. Each
test runs on SQLite and on PostgreSQL (a live server per database, see live_database).
Screenshots go to test-artifacts/, and with MATCHMAKER_DOCS_SCREENSHOTS=1 to docs/img/ for the
README."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Introduction, utcnow
from matchmaker.services import accounts, contacts, outbox
from matchmaker.services.leads import submission
from tests.helpers import (
    ARTIFACTS,
    DESKTOP,
    INQUIRY_ANSWERS,
    PASSWORD,
    PHONE,
    assert_accessible,
    no_horizontal_scroll,
    screenshot,
    sign_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("live_database", ["sqlite", "postgresql"], indirect=True,
                            scope="module"),
]  # fmt: skip

DOCS_IMG = ARTIFACTS.parent / "docs" / "img"
FRENCH_SIGN_IN = ("Adresse e-mail", "Mot de passe", "Se connecter")


def start_loop(live_server, smtp_server, lang: str, consent: bool = True) -> dict:
    """A fresh lead in lang (with the investor's consent to share, or not) assigned to Ann,
    whose best match has a contact speaking lang; the app mails through smtp_server, and links
    in mail point at the live server."""
    app, base = live_server
    app.config.update(smtp_server.config, OUTBOX_SEND_AFTER_COMMIT=False, BASE_URL=base)
    suffix = uuid.uuid4().hex[:6]
    with app.test_request_context():
        ann = accounts.find_user("ann@agency.be")
        if ann is None:
            ann = accounts.create_user("ann@agency.be", "Ann Peeters", PASSWORD)
        investor = f"aiko-{suffix}@example.jp"
        answers = INQUIRY_ANSWERS | {"email": investor, "share_consent": consent}
        inquiry = submission.submit_inquiry(answers, lang=lang, submission_key=uuid.uuid4().hex)
        inquiry.assignee = ann
        first = min(inquiry.matches, key=lambda match: match.rank).organization
        first.contact_email = ""
        first.contacts.clear()  # an earlier test's contact
        contact = f"claire-{suffix}@first.example"
        contacts.add_contact(first, ann, "Claire Dubois", "Business development", contact, lang)
        db.session.commit()
        outbox.deliver_due()
        lead = {"id": inquiry.id, "reference": inquiry.reference, "first": first.name,
                "investor": investor, "contact": contact}  # fmt: skip
    smtp_server.received.clear()
    return lead


@pytest.fixture
def loop(live_server, smtp_server):
    return start_loop(live_server, smtp_server, "en")


@pytest.fixture
def french_loop(live_server, smtp_server):
    return start_loop(live_server, smtp_server, "fr")


def deliver(app) -> None:
    with app.app_context():
        outbox.deliver_due()


def link_in(received, kind: str) -> str:
    found = re.search(rf"https?://\S+/introductions/{kind}/\S+", received.body())
    assert found, received.body()
    return found.group(0)


def introduce(page, app, base, lead, lang: str = "en") -> None:
    """Ann introduces the investor to the lead's first organization, in the back office."""
    sign_in(page, app, base, "ann@agency.be", lang)
    if lang == "fr":
        button = "Envoyer les mises en relation"
        done = (f"Mise en relation envoyée à {lead['first']} : ils peuvent l'accepter ou la "
                "décliner.")
    else:
        button = "Send the introductions"
        done = f"Introduction sent to {lead['first']}: they can accept or decline it."
    page.goto(f"{base}/staff/leads/{lead['id']}")
    introduce = page.locator("#introduce")
    introduce.get_by_label(lead["first"]).check()
    introduce.get_by_role("button", name=button).click()
    expect(page.get_by_text(done)).to_be_visible()


def keep_for_docs(name: str) -> None:
    """Copy a screenshot to docs/img/ for the README, when MATCHMAKER_DOCS_SCREENSHOTS is set
    (so that an ordinary run leaves the tracked images alone)."""
    if not os.environ.get("MATCHMAKER_DOCS_SCREENSHOTS"):
        return
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", DOCS_IMG / f"{name}.png")


def test_accepted_with_slots_the_investor_picks_one_and_both_get_the_invitation(
    live_server, loop, smtp_server, open_page, caplog
):
    app, base = live_server
    staff = open_page(DESKTOP, "en")
    introduce(staff, app, base, loop)
    deliver(app)
    [request] = smtp_server.messages_to(loop["contact"])
    assert loop["investor"] not in request.body()  # details only once they accept
    answer = link_in(request, "answer")

    organization = open_page(DESKTOP, "en")
    organization.goto(answer)
    shared = organization.get_by_role("heading", name="What the investor agreed to share")
    expect(shared).to_be_visible()
    expect(organization.get_by_role("heading", name="Why we think you fit")).to_be_visible()
    assert_accessible(organization, "the organization's answer page")
    screenshot(organization, "introduction-answer-en-1280")
    keep_for_docs("introduction-answer-en-1280")
    day = (utcnow() + timedelta(days=7)).astimezone(ZoneInfo("Europe/Brussels")).date()
    organization.get_by_label("A message for them (optional)").fill("Glad to talk about vectors.")
    organization.get_by_label("First proposed time (optional)").fill(f"{day}T10:00")
    organization.get_by_label("Second proposed time (optional)").fill(f"{day}T15:30")
    organization.get_by_role("button", name="Accept the introduction").click()
    expect(organization.get_by_role("heading", name="Thank you")).to_be_visible()

    deliver(app)
    [mutual] = [m for m in smtp_server.messages_to(loop["investor"])]
    assert mutual.message["Reply-To"] == loop["contact"]
    assert "Glad to talk about vectors." in mutual.body()
    [for_org] = [m for m in smtp_server.messages_to(loop["contact"]) if m is not request]
    assert for_org.message["Reply-To"] == loop["investor"]
    assert loop["investor"] in for_org.body()
    assert smtp_server.messages_to("ann@agency.be")  # staff are told

    investor = open_page(DESKTOP, "en")
    investor.goto(link_in(mutual, "meeting"))
    assert_accessible(investor, "the investor's meeting page")
    screenshot(investor, "introduction-meeting-en-1280")
    keep_for_docs("introduction-meeting-en-1280")
    investor.get_by_label(re.compile("10:00")).check()
    investor.get_by_role("button", name="Confirm this time").click()
    expect(investor.get_by_text("The meeting time is set.")).to_be_visible()

    deliver(app)
    for address in (loop["investor"], loop["contact"]):
        invitation = smtp_server.messages_to(address)[-1]
        [ics] = [part for part in invitation.message.iter_attachments()
                 if part.get_content_type() == "text/calendar"]  # fmt: skip
        calendar = ics.get_content()
        assert "METHOD:REQUEST" in calendar and "BEGIN:VEVENT" in calendar
        assert f"mailto:{loop['investor']}" in calendar and f"mailto:{loop['contact']}" in calendar

    investor.goto(f"{base}/inquiry/{loop['reference']}")
    stands = investor.locator(".result-next").inner_text()
    assert f"{loop['first']} agreed to meet you and received your contact details" in stands
    assert "Meeting on" in stands and "Ann Peeters" in stands
    screenshot(investor, "introduction-investor-page-en-1280")
    keep_for_docs("introduction-investor-page-en-1280")

    # Replayed and forged links: a clear page, nothing changed.
    organization.goto(answer)
    expect(organization.get_by_text("It was already used")).to_be_visible()
    organization.goto(answer[:-4] + "AAAA")
    expect(organization.get_by_text("It is not valid")).to_be_visible()
    with app.app_context():
        intro = db.session.scalar(sa.select(Introduction).where(
            Introduction.inquiry_id == loop["id"]))  # fmt: skip
        assert intro.state == "accepted" and intro.meeting_at is not None
    staff.goto(f"{base}/staff/leads/{loop['id']}")
    trail = staff.inner_text("#trail")
    assert f"{loop['first']} accepted the introduction and proposed 2 meeting times." in trail
    assert f"The investor chose a meeting time with {loop['first']}." in trail


def test_the_whole_loop_in_french_on_a_phone(live_server, french_loop, smtp_server, open_page):
    app, base = live_server
    loop = french_loop
    introduce(open_page(PHONE, "fr"), app, base, loop, lang="fr")
    deliver(app)
    [request] = smtp_server.messages_to(loop["contact"])
    assert request.message["Subject"].startswith("Demande de mise en relation")
    answer = link_in(request, "answer")

    organization = open_page(PHONE, "fr")
    organization.goto(answer)
    shared = "Ce que l'investisseur a accepté de partager"
    expect(organization.get_by_role("heading", name=shared)).to_be_visible()
    expect(organization.get_by_text("heure de Bruxelles")).to_be_visible()
    assert no_horizontal_scroll(organization)
    assert_accessible(organization, "la page de réponse de l'organisation")
    screenshot(organization, "introduction-answer-fr-375")
    day = (utcnow() + timedelta(days=7)).astimezone(ZoneInfo("Europe/Brussels")).date()
    organization.get_by_label("Un message pour eux (facultatif)").fill("Volontiers, parlons-en.")
    organization.get_by_label("Premier créneau proposé (facultatif)").fill(f"{day}T10:00")
    organization.get_by_role("button", name="Accepter la mise en relation").click()
    expect(organization.get_by_role("heading", name="Merci")).to_be_visible()

    deliver(app)
    [mutual] = smtp_server.messages_to(loop["investor"])
    assert "Volontiers, parlons-en." in mutual.body() and "(heure de Bruxelles)" in mutual.body()
    investor = open_page(PHONE, "fr")
    meeting = link_in(mutual, "meeting")
    investor.goto(meeting)
    assert no_horizontal_scroll(investor)
    assert_accessible(investor, "la page de l'investisseur pour choisir un créneau")
    investor.get_by_label(re.compile("10:00")).check()
    investor.get_by_role("button", name="Confirmer ce créneau").click()
    expect(investor.get_by_text("Le créneau est fixé.")).to_be_visible()
    investor.goto(meeting)  # replayed: a clear page, nothing changed
    expect(investor.get_by_text("Il a déjà été utilisé")).to_be_visible()

    deliver(app)
    for address in (loop["investor"], loop["contact"]):
        [ics] = [part for part in smtp_server.messages_to(address)[-1].message.iter_attachments()
                 if part.get_content_type() == "text/calendar"]  # fmt: skip
        assert "METHOD:REQUEST" in ics.get_content()
    investor.goto(f"{base}/inquiry/{loop['reference']}")
    stands = investor.locator(".result-next").inner_text()
    assert f"{loop['first']} a accepté de vous rencontrer et a reçu vos coordonnées" in stands
    assert "Rencontre le" in stands and "(heure de Bruxelles)" in stands
    assert no_horizontal_scroll(investor)
    screenshot(investor, "introduction-investor-page-fr-375")


def test_declined_then_expired_links_change_nothing(
    live_server, loop, smtp_server, open_page
):
    app, base = live_server
    introduce(open_page(DESKTOP, "en"), app, base, loop)
    deliver(app)
    answer = link_in(smtp_server.messages_to(loop["contact"])[0], "answer")
    organization = open_page(DESKTOP, "en")
    organization.goto(answer)
    organization.get_by_label("Why not? (optional)").select_option("no_capacity")
    organization.get_by_role("button", name="Decline the introduction").click()
    expect(organization.get_by_text("You declined the introduction.")).to_be_visible()
    deliver(app)
    assert not smtp_server.messages_to(loop["investor"])  # nothing shared, nothing said
    assert "No capacity" in smtp_server.messages_to("ann@agency.be")[-1].body()
    investor = open_page(DESKTOP, "en")
    investor.goto(f"{base}/inquiry/{loop['reference']}")
    assert "will not follow up this time" in investor.locator(".result-next").inner_text()


def test_an_expired_introduction_link_shows_a_clear_page(
    live_server, loop, smtp_server, open_page
):
    app, base = live_server
    introduce(open_page(DESKTOP, "en"), app, base, loop)
    deliver(app)
    answer = link_in(smtp_server.messages_to(loop["contact"])[0], "answer")
    with app.app_context():
        from matchmaker.services.leads import introductions

        intro = db.session.scalar(sa.select(Introduction).where(
            Introduction.inquiry_id == loop["id"]))  # fmt: skip
        introductions.sweep(now=intro.expires_at + timedelta(minutes=1))
        db.session.commit()
    deliver(app)
    assert "expired" in smtp_server.messages_to("ann@agency.be")[-1].message["Subject"]
    organization = open_page(DESKTOP, "en")
    organization.goto(answer)
    expect(organization.get_by_text("It has expired")).to_be_visible()
    with app.app_context():
        assert db.session.get(Inquiry, loop["id"]).introductions[0].state == "expired"


def test_an_investor_who_refused_consent_cannot_be_introduced(
    live_server, smtp_server, open_page
):
    app, base = live_server
    lead = start_loop(live_server, smtp_server, "en", consent=False)
    staff = open_page(DESKTOP, "en")
    sign_in(staff, app, base, "ann@agency.be")
    staff.goto(f"{base}/staff/leads/{lead['id']}")
    panel = staff.locator("#introduce")
    expect(panel.get_by_text("introductions stay disabled until they do")).to_be_visible()
    expect(panel.get_by_role("link", name="Ask the investor for consent to share")).to_be_visible()
    assert panel.get_by_role("button", name="Send the introductions").count() == 0
    assert_accessible(staff, "a lead whose investor refused consent")
    with app.app_context():
        assert db.session.get(Inquiry, lead["id"]).introductions == []
