"""The inquiry flow in a real headless Chromium: filled in by its labels, in English and French,
on a desktop and a phone, checked with axe-core; screenshots go to test-artifacts/."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Inquiry, OutboxMessage
from tests.helpers import DESKTOP, PHONE, assert_accessible, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser


ENGLISH = {
    "Full name": "Aiko Tanaka",
    "Email address": "aiko@example.jp",
    "Organization": "Sakura Bio Partners",
    "Your role": "Investment director",
    "Phone (optional)": "+81 3 1234 5678",
}
FRENCH = {
    "Nom complet": "Camille Dubois",
    "Adresse e-mail": "camille@exemple.fr",
    "Organisation": "Lumière Logistique SAS",
    "Votre fonction": "Directrice du développement",
    "Site web (facultatif)": "www.lumiere-logistique.example",
}


def test_an_investor_goes_from_the_home_page_to_ranked_matches_in_english_on_a_desktop(
    live_server, open_page
):
    app, base = live_server
    page = open_page(DESKTOP, "en")
    page.goto(base + "/")
    page.get_by_role("main").get_by_role("link", name="Describe your project").click()
    page.wait_for_url(base + "/inquiry")
    for label, value in ENGLISH.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country", exact=True).select_option(label="Japan")
    page.get_by_label("You are", exact=True).select_option(
        label="Venture capital or private equity fund"
    )
    page.get_by_label("Life sciences and health").check()
    page.get_by_label("Contract manufacturing").check()
    page.get_by_label("Invest in the company").check()
    page.get_by_label("Describe your project", exact=True).fill(
        "We are looking for a CDMO in Europe for GMP manufacturing of viral vectors for our "
        "cell and gene therapy programmes, and could invest in a manufacturing partner."
    )
    page.get_by_label("Budget (optional)").select_option(label="€5 to 20 million")
    page.get_by_label("I agree to the processing of my data").check()
    expect(page.get_by_text("characters left")).to_be_visible()
    assert_accessible(page, "the form")
    screenshot(page, "inquiry-form-en-1280")

    page.get_by_role("button", name="Send and see my matches").click()
    page.wait_for_url(re.compile(r"/inquiry/[A-Za-z0-9_-]{32}$"))
    heading = page.get_by_role("heading", name="Thank you, your inquiry is registered")
    expect(heading).to_be_visible()
    code = page.locator(".reference-code").inner_text()
    assert re.fullmatch(r"WM-[A-Z2-9]{6}", code)
    matches = page.locator("ol.matches > li")
    shown = matches.count()
    assert 3 <= shown <= 10, "the list stops where quality drops, at three or more"
    assert "Why it matches" in matches.first.inner_text()
    assert "viral vectors" in matches.first.inner_text()
    expect(page.get_by_role("heading", name="Where your inquiry stands")).to_be_visible()
    assert_accessible(page, "the result page")
    screenshot(page, "inquiry-result-en-1280")

    with app.app_context():
        inquiry = db.session.scalars(sa.select(Inquiry).filter_by(code=code)).one()
        assert inquiry.lang == "en" and inquiry.country == "JP" and len(inquiry.matches) == shown
        recipients = db.session.scalars(
            sa.select(OutboxMessage.recipient).filter_by(inquiry_id=inquiry.id)
        ).all()
        assert "aiko@example.jp" in recipients and len(recipients) == 2


def test_a_partner_does_the_same_in_french_on_a_phone(live_server, open_page):
    app, base = live_server
    page = open_page(PHONE, "fr")
    page.goto(base + "/")
    page.get_by_role("main").get_by_role("link", name="Décrivez votre projet").click()
    page.wait_for_url(base + "/inquiry")
    assert no_horizontal_scroll(page)
    for label, value in FRENCH.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Pays", exact=True).select_option(label="France")
    page.get_by_label("Vous êtes", exact=True).select_option(
        label="Entreprise qui cherche un site en Wallonie"
    )
    page.get_by_label("Logistique").check()
    page.get_by_label("Décrivez votre projet", exact=True).fill(
        "Nous cherchons un site logistique et un entrepôt près de l'aéroport de Liège pour "
        "distribuer nos produits frais dans le Benelux et en Allemagne."
    )
    page.get_by_label("Échéance (facultatif)").select_option(label="Dans 3 à 12 mois")
    page.get_by_label("J'accepte le traitement de mes données").check()
    page.get_by_label("Vous pouvez transmettre ma demande").check()
    assert_accessible(page, "le formulaire")
    screenshot(page, "inquiry-form-fr-375")

    page.get_by_role("button", name="Envoyer et voir mes correspondances").click()
    page.wait_for_url(re.compile(r"/inquiry/[A-Za-z0-9_-]{32}$"))
    expect(page.get_by_role("heading", name="Merci, votre demande est enregistrée")).to_be_visible()
    assert page.locator("ol.matches > li").count() > 0
    assert "Liege Airport" in page.locator("ol.matches").inner_text()
    assert "Pourquoi cette organisation" in page.locator("ol.matches").inner_text()
    assert no_horizontal_scroll(page)
    assert_accessible(page, "la page de résultat")
    screenshot(page, "inquiry-result-fr-375")
    code = page.locator(".reference-code").inner_text()
    with app.app_context():
        inquiry = db.session.scalars(sa.select(Inquiry).filter_by(code=code)).one()
        assert inquiry.lang == "fr" and inquiry.share_consent is True


def test_problems_are_summarised_at_the_top_and_reachable_by_keyboard(live_server, open_page):
    _, base = live_server
    page = open_page(PHONE, "en")
    page.goto(base + "/inquiry")
    page.get_by_label("Email address", exact=True).fill("aiko@")
    page.get_by_role("button", name="Send and see my matches").press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()  # the summary is announced and focused (once the page loads)
    assert "Enter an email address like name@example.com." in summary.inner_text()
    assert page.get_by_label("Email address", exact=True).input_value() == "aiko@"  # kept
    assert_accessible(page, "the form with errors")
    screenshot(page, "inquiry-errors-en-375")

    page.keyboard.press("Tab")  # the first problem's link
    assert page.evaluate("document.activeElement.textContent") == "Enter your name."
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "name"
    page.keyboard.type("Aiko Tanaka")
    assert page.get_by_label("Full name", exact=True).input_value() == "Aiko Tanaka"
