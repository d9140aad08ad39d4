"""The result page in a real headless Chromium, in English and French, on a desktop and a phone:
strength labels in words, a short honest list for a weak inquiry, and reasons that are true of
the profiles they are attached to; checked with axe-core; screenshots go to test-artifacts/."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.services.leads import submission
from matchmaker.services.ranking import TOP_MATCHES, has_no_clear_match
from tests.helpers import (
    DESKTOP,
    STRONG_FR,
    WEAK,
    assert_accessible,
    fold,
    no_horizontal_scroll,
    profile_of,
    screenshot,
)

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
STRONG_EN = (
    "We are looking for a CDMO for GMP manufacturing of viral vectors for our cell and gene "
    "therapy programmes."
)
QUOTED = {"en": r"“([^”]+)”", "fr": r"«\s*([^»]+?)\s*»"}
MENTIONS = {"en": "Their profile mentions:", "fr": "Son profil mentionne"}


def saved_inquiry(app, interests: str, lang: str, investor_type: str, sectors=(), offers=()):
    """An inquiry submitted through the service (ranked, flagged, mailed), committed: its
    reference and, per organization name, the profile text and the inquiry's words."""
    answers = {
        "name": "Aiko Tanaka", "email": "aiko@example.jp", "organization": "Sakura Bio Partners",
        "role": "", "country": "JP", "website": "", "phone": "", "investor_type": investor_type,
        "sectors": tuple(sectors), "offers": tuple(offers), "interests": interests, "budget": "",
        "horizon": "", "share_consent": False,
    }  # fmt: skip
    with app.app_context():
        inquiry = submission.submit_inquiry(answers, lang=lang, submission_key=uuid.uuid4().hex)
        db.session.commit()
        profiles = {m.organization.name: profile_of(m.organization) for m in inquiry.matches}
        strengths = [m.explanation["strength"] for m in inquiry.matches]
        return inquiry.reference, profiles, strengths, has_no_clear_match(inquiry)


def assert_shown_reasons_are_true(page, profiles: dict[str, str], interests: str, lang: str):
    """Every word the page quotes as being in a profile is in that profile, and is the
    investor's; a bridge's first quote is the investor's, its second the profile's."""
    items = page.locator("ol.matches > li")
    for index in range(items.count()):
        item = items.nth(index)
        profile = profiles[item.locator("h3").inner_text().strip()]
        for reason in item.locator(".why li").all_inner_texts():
            quoted = re.findall(QUOTED[lang], reason)
            if reason.startswith(MENTIONS[lang]):
                for term in quoted:
                    assert term in interests, term
                    for word in re.findall(r"\w+", fold(term)):
                        assert re.search(rf"\b{re.escape(word[: max(4, len(word) - 3)])}", profile)
            elif quoted:  # "You wrote X; their profile says Y"
                wrote, said = quoted
                assert wrote in interests and fold(said) in profile, reason


def test_a_strong_inquiry_in_english_on_a_desktop_shows_strength_labels(live_server, open_page):
    app, base = live_server
    reference, profiles, strengths, unclear = saved_inquiry(
        app, STRONG_EN, "en", "industrial-partner", ("life-sciences",)
    )
    assert strengths[0] == "strong" and not unclear
    page = open_page(DESKTOP, "en")
    page.goto(f"{base}/inquiry/{reference}")
    items = page.locator("ol.matches > li")
    assert items.count() == len(strengths) <= TOP_MATCHES
    labels = items.locator(".strength").all_inner_texts()
    expected = {"strong": "Strong match", "possible": "Possible match", "weak": "Weak match"}
    assert [label.split(" ", 1)[1] for label in labels] == [expected[s] for s in strengths]
    expect(page.get_by_text("Strong match").first).to_be_visible()
    assert page.get_by_text("fits your project clearly yet").count() == 0
    assert_shown_reasons_are_true(page, profiles, STRONG_EN, "en")
    assert_accessible(page, "the result page with strong matches")
    screenshot(page, "result-strong-en-1280")


def test_a_weak_inquiry_in_french_on_a_desktop_is_told_honestly(live_server, open_page):
    app, base = live_server
    interests = WEAK.replace("Japan", "Japon")
    reference, profiles, strengths, unclear = saved_inquiry(app, interests, "fr", "other")
    assert strengths and "strong" not in strengths and unclear
    page = open_page(DESKTOP, "fr")
    page.goto(f"{base}/inquiry/{reference}")
    notice = page.locator(".notice-personal")
    expect(notice).to_be_visible()
    assert "Aucune organisation de notre répertoire ne correspond encore clairement" in (
        notice.inner_text()
    )
    assert "Un spécialiste examinera personnellement votre demande" in notice.inner_text()
    items = page.locator("ol.matches > li")
    assert items.count() == len(strengths) < TOP_MATCHES
    for label in items.locator(".strength").all_inner_texts():
        assert re.search(r"Correspondance (possible|faible)$", label)
    assert_shown_reasons_are_true(page, profiles, interests, "fr")
    assert_accessible(page, "the result page with nothing strong")
    screenshot(page, "result-weak-fr-1280")


@pytest.mark.parametrize(("lang", "interests", "kind"), [("fr", STRONG_FR, "industrial-partner"),
                                                         ("en", WEAK, "other")])  # fmt: skip
def test_the_result_page_on_a_phone(live_server, open_page, lang, interests, kind):
    app, base = live_server
    reference, profiles, strengths, unclear = saved_inquiry(app, interests, lang, kind)
    page = open_page(PHONE_390, lang)
    page.goto(f"{base}/inquiry/{reference}")
    first = page.locator("ol.matches > li .strength").first
    first.scroll_into_view_if_needed()
    expect(first).to_be_visible()
    assert page.locator(".notice-personal").count() == (1 if unclear else 0)
    if not unclear:
        assert "Correspondance forte" in first.inner_text()
    else:
        expect(page.get_by_text("fits your project clearly yet")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_shown_reasons_are_true(page, profiles, interests, lang)
    screenshot(page, f"result-{'weak' if unclear else 'strong'}-{lang}-390")
