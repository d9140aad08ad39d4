"""Honest strength through the app: matches store strength, role and bridges; the result page
shows strength labels and stops where the engine cuts; an inquiry with nothing strong is told so
in its language and flagged for staff (lead list, lead page, mail); every reason is true."""

import re

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Match, OutboxMessage
from matchmaker.services import ranking
from matchmaker.services.mail import MAIL_MATCHES
from tests.factories import add_inquiry, organizations
from tests.helpers import (
    STRONG_FR,
    WEAK,
    answers,
    fold,
    login,
    profile_of,
    submission_key,
    text,
)

pytestmark = pytest.mark.usefixtures("seeded")

NO_CLEAR_FIT = "No organization in our directory fits your project clearly yet."
PERSONALLY = "A specialist will look at your inquiry personally and contact you."
FLAG = "No clear match: look personally"


def assert_reasons_are_true(match: Match, inquiry_text: str) -> None:
    """Every quoted word is the investor's and is in the organization's profile (up to an
    ending: "therapies" / "therapy"); a bridge's profile side stands in the profile as quoted."""
    profile = profile_of(match.organization)
    for term in match.explanation.get("terms", []):
        assert term in inquiry_text, term
        for word in re.findall(r"\w+", fold(term)):
            stem = word[: max(4, len(word) - 3)]
            assert re.search(rf"\b{re.escape(stem)}", profile), (match.organization.slug, term)
    for bridge in match.explanation.get("bridges", []):
        assert bridge["wrote"] in inquiry_text, bridge
        assert fold(bridge["profile"]) in profile, (match.organization.slug, bridge)


def submit(client, lang: str, interests: str, **changes):
    data = answers(submission_key=submission_key(client, lang), interests=interests, **changes)
    posted = client.post("/inquiry", data=data, headers={"Accept-Language": lang})
    assert posted.status_code == 303
    return client.get(posted.headers["Location"], headers={"Accept-Language": lang})


def only_inquiry() -> Inquiry:
    return db.session.scalars(sa.select(Inquiry)).one()


def test_a_weak_inquiry_reads_the_honest_message_a_short_list_and_the_lead_is_flagged(
    app, client, make_user
):
    result = submit(client, "en", WEAK, investor_type="other", sectors=None, offers=None)
    page = text(result)
    with app.app_context():
        inquiry = only_inquiry()
        matches = inquiry.matches
        assert matches and all(m.explanation["strength"] != "strong" for m in matches)
        assert len(matches) < ranking.TOP_MATCHES  # the engine's cut, no padding to ten
        assert ranking.has_no_clear_match(inquiry)
        for match in matches:
            assert match.organization.name in page
            assert_reasons_are_true(match, WEAK)
        strengths = [m.explanation["strength"] for m in matches]
        mails = {m.recipient: m for m in db.session.scalars(sa.select(OutboxMessage))}
    assert NO_CLEAR_FIT in page and PERSONALLY in page
    assert "organizations in our directory for what you described" not in page
    assert len(re.findall(r"\b(Strong|Possible|Weak) match\b", page)) == len(matches)
    for strength in set(strengths):
        assert f"{strength.capitalize()} match" in page
    staff_mail = next(m for address, m in mails.items() if address != "aiko@example.jp")
    assert FLAG in staff_mail.body_text and FLAG in staff_mail.body_html
    assert "No organization in our directory fits your project clearly yet." in (
        mails["aiko@example.jp"].body_text
    )

    login(client, make_user().email)
    listing = client.get("/staff/leads").get_data(as_text=True)
    assert 'class="badge badge-warning no-clear-match">No clear match: look personally<' in listing
    lead = text(client.get(f"/staff/leads/{inquiry.id}"))
    assert f"{FLAG}. None of the engine’s matches is strong" in lead
    assert "Weak match" in lead or "Possible match" in lead


def test_a_weak_inquiry_in_french_is_told_in_french(app, client):
    page = text(submit(client, "fr", WEAK.replace("Japan", "Japon"), investor_type="other",
                       sectors=None, offers=None))  # fmt: skip
    assert "Aucune organisation de notre répertoire ne correspond encore clairement" in page
    assert "Un spécialiste examinera personnellement votre demande" in page
    assert re.search(r"Correspondance (faible|possible)", page)
    assert "Correspondance forte" not in page


def test_a_strong_inquiry_shows_strength_labels_and_true_reasons_without_the_warning(
    app, client, staff_client
):
    page = text(submit(client, "fr", STRONG_FR, investor_type="industrial-partner",
                       sectors=["life-sciences"], offers=["contract-manufacturing"]))  # fmt: skip
    with app.app_context():
        inquiry = only_inquiry()
        matches = inquiry.matches
        assert matches[0].explanation["strength"] == "strong"
        assert not ranking.has_no_clear_match(inquiry)
        for match in matches:
            assert_reasons_are_true(match, STRONG_FR)
        bridged = [m for m in matches if m.explanation["bridges"]]
        mail = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient != "aiko@example.jp")
        ).one()
        mailed = len(re.findall(r"^\d+\. ", mail.body_text, flags=re.MULTILINE))
        assert mailed == min(len(matches), MAIL_MATCHES)
    assert "Correspondance forte" in page
    assert "Aucune organisation de notre répertoire ne correspond encore clairement" not in page
    assert "Nous avons trouvé dans notre répertoire" in page
    assert bridged, "the French inquiry meets English profiles through the glossary"
    bridge = bridged[0].explanation["bridges"][0]
    assert f"Vous avez écrit « {bridge['wrote']} » ; son profil dit « {bridge['profile']} »" in (
        page.replace("\xa0", " ")
    )
    assert "Strong match" in mail.body_text and FLAG not in mail.body_text
    listing = staff_client.get("/staff/leads").get_data(as_text=True)
    assert "no-clear-match" not in listing
    lead = text(staff_client.get(f"/staff/leads/{inquiry.id}"))
    assert "Strong match" in lead and FLAG not in lead


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_the_flag_reads_the_stored_strengths_on_both_databases(app):
    with app.app_context():
        strong = add_inquiry(scores=[0.3], match_orgs=organizations(1), email="s@example.jp")
        strong.matches[0].explanation = {"strength": "strong", "terms": []}
        weak = add_inquiry(scores=[0.1], match_orgs=organizations(1), email="w@example.jp")
        weak.matches[0].explanation = {"strength": "weak", "terms": []}
        superseded = add_inquiry(scores=[0.3], match_orgs=organizations(1), email="x@example.jp")
        superseded.matches[0].explanation = {"strength": "strong", "terms": []}
        superseded.matches[0].superseded_at = superseded.created_at
        db.session.flush()
        assert not ranking.has_no_clear_match(strong)
        assert ranking.has_no_clear_match(weak)
        assert ranking.has_no_clear_match(superseded)


def test_old_matches_without_a_strength_never_flag_a_lead(app):
    with app.app_context():
        old = add_inquiry(scores=[0.2], match_orgs=organizations(1))  # stored by tfidf-1
        none = add_inquiry(email="other@example.jp")  # ranked, nothing found
        pending = add_inquiry(email="later@example.jp", needs_ranking=True)
        db.session.flush()
        assert not ranking.has_no_clear_match(old)
        assert ranking.has_no_clear_match(none)
        assert not ranking.has_no_clear_match(pending)  # its own warning says to re-rank
