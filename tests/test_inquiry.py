"""The public inquiry flow: the form, validation, what a submission writes, the result page
(when ranking or mail fails: test_inquiry_failures.py)."""

import html as htmllib
import re

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.matching import ENGINE_VERSION
from matchmaker.models import Activity, Inquiry, OutboxMessage
from matchmaker.models import base as model_base
from matchmaker.services import directory
from matchmaker.services.leads import submission
from matchmaker.services.privacy import PRIVACY_NOTICE_VERSION
from tests.helpers import (
    BOTH_DATABASES,
    INTERESTS,
    NOTHING,
    answers,
    count,
    counts,
    ranked,
    saved,
    submission_key,
    submit,
    text,
)

pytestmark = pytest.mark.usefixtures("seeded")


def field_error(response, field: str) -> str:
    match = re.search(rf'id="{field}-error">(.*?)</p>', response.get_data(as_text=True))
    return htmllib.unescape(match.group(1)) if match else ""


def test_home_page_calls_to_the_form(client):
    home = client.get("/").get_data(as_text=True)
    assert re.search(
        r'<a class="button button-primary" href="/inquiry">Describe your project', home
    )
    assert '<a href="/inquiry">Describe your project</a>' in home  # the navigation


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Full name", "Belgium", "South Korea", "Venture capital or private equity fund",
                "License a technology", "Life sciences and health", "€5 to 20 million"]),
        ("fr", ["Nom complet", "Belgique", "Corée du Sud",
                "Fonds de capital-risque ou de capital-investissement",
                "Acquérir une licence de technologie", "Sciences du vivant et santé",
                "De 5 à 20 millions €"]),
    ],
)  # fmt: skip
def test_form_asks_everything_in_the_visitors_language(client, lang, expected):
    response = client.get("/inquiry", headers={"Accept-Language": lang})
    assert response.status_code == 200
    page = text(response)
    for words in expected:
        assert words in page
    html = response.get_data(as_text=True)
    assert html.count("<option value=") > 249  # every ISO 3166 country, plus the other lists
    assert '<label for="interests">' in html and '<label for="consent">' in html


@BOTH_DATABASES
def test_valid_submission_writes_the_inquiry_its_matches_trail_and_mail(app, client):
    response = submit(client)
    assert response.status_code == 303
    assert saved(app) == {
        "Inquiry": 1,
        "Match": ranked(app),
        "OutboxMessage": 2,
    }
    with app.app_context():
        inquiry = db.session.scalars(sa.select(Inquiry)).one()
        assert response.headers["Location"] == f"/inquiry/{inquiry.reference}"
        assert len(inquiry.reference) >= 32 and re.fullmatch(r"WM-[A-Z2-9]{6}", inquiry.code)
        assert (inquiry.name, inquiry.email, inquiry.country) == (
            "Aiko Tanaka",
            "aiko@example.jp",
            "JP",
        )
        assert inquiry.website == "https://www.sakura-bio.example"
        assert inquiry.sectors == ("life-sciences",)
        assert inquiry.offers == ("contract-manufacturing", "equity-investment")
        assert (inquiry.budget, inquiry.horizon, inquiry.lang) == ("5m-20m", "3-12-months", "en")
        assert inquiry.consent_version == PRIVACY_NOTICE_VERSION and inquiry.consent_at is not None
        assert inquiry.share_consent is True and inquiry.needs_ranking is False
        matches = inquiry.matches
        assert [m.rank for m in matches] == list(range(1, len(matches) + 1))
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
        assert all(m.engine_version == ENGINE_VERSION and m.directory_version == 1 for m in matches)
        assert matches[0].explanation["sectors"] == ["life-sciences"]
        assert "viral vectors" in matches[0].explanation["terms"]
        kinds = [a.kind for a in db.session.scalars(sa.select(Activity))]
        assert kinds.count("submitted") == 1
        recipients = sorted(m.recipient for m in db.session.scalars(sa.select(OutboxMessage)))
        assert "aiko@example.jp" in recipients and len(recipients) == 2


def test_result_page_shows_the_reference_matches_reasons_and_next_steps(app, client):
    result = client.get(submit(client).headers["Location"])
    assert result.status_code == 200
    with app.app_context():
        inquiry = db.session.scalars(sa.select(Inquiry)).one()
        first = inquiry.matches[0].organization.name
    page = text(result)
    assert inquiry.code in page
    assert first in page
    assert "Why it matches" in page
    assert "Their profile mentions: “viral vectors”" in page
    assert "Active in Life sciences and health, the sector you chose." in page
    assert "Where your inquiry stands" in page
    assert "As you allowed it, we may propose you to the organizations" in page
    assert "each one receives your details only if it accepts" in page
    assert result.headers["Cache-Control"] == "no-store"
    assert result.headers["Referrer-Policy"] == "no-referrer"


def test_french_submission_is_french_from_the_result_to_the_confirmation(app, client):
    result = client.post(
        "/inquiry",
        data=answers(
            submission_key=submission_key(client, "fr"),
            interests="Nous cherchons un entrepôt logistique près de l'aéroport de Liège "
            "pour distribuer nos produits en Europe.",
            sectors=["logistics"],
            offers=["site-location"],
            share_consent=None,
        ),
        headers={"Accept-Language": "fr"},
        follow_redirects=True,
    )
    page = text(result)
    assert "Merci, votre demande est enregistrée" in page
    assert "Pourquoi cette organisation" in page
    assert "Liege Airport" in page
    assert "qu'après vous l'avoir demandé" in page  # no sharing consent: we ask first
    with app.app_context():
        inquiry = db.session.scalars(sa.select(Inquiry)).one()
        assert inquiry.lang == "fr" and inquiry.share_consent is False
        confirmation = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == inquiry.email)
        ).one()
        assert inquiry.code in confirmation.subject  # its wording: tests of notifications
        assert f"/inquiry/{inquiry.reference}" in confirmation.body_text


INVALID = [
    # field, change, English message, French message
    ("name", {"name": "  "}, "Enter your name.", "Indiquez votre nom."),
    ("email", {"email": "aiko@"}, "Enter an email address like name@example.com.",
     "Indiquez une adresse e-mail comme nom@exemple.com."),
    ("organization", {"organization": ""}, "Enter the name of your organization.",
     "Indiquez le nom de votre organisation."),
    ("role", {"role": "x" * 201}, "Use at most 200 characters.", "200 caractères au maximum."),
    ("country", {"country": ""}, "Choose your country.", "Choisissez votre pays."),
    ("country", {"country": "XX"}, "Choose a country from the list.",
     "Choisissez un pays dans la liste."),
    ("website", {"website": "http://"}, "Enter a web address like https://www.example.com.",
     "Indiquez une adresse web comme https://www.exemple.be."),
    ("phone", {"phone": "call me"}, "Enter a phone number with digits only, like +32 81 33 28 50.",
     "Indiquez un numéro de téléphone en chiffres, comme +32 81 33 28 50."),
    ("investor_type", {"investor_type": ""}, "Choose what best describes you.",
     "Choisissez ce qui vous décrit le mieux."),
    ("sectors", {"sectors": ["crypto"]}, "Choose only from the options shown.",
     "Choisissez uniquement parmi les options proposées."),
    ("offers", {"offers": ["bribes"]}, "Choose only from the options shown.",
     "Choisissez uniquement parmi les options proposées."),
    ("interests", {"interests": "Too short to match."},
     "Write at least 30 characters, so that we can match it.",
     "Écrivez au moins 30 caractères, pour que nous puissions la mettre en relation."),
    ("interests", {"interests": "y" * 5001}, "Use at most 5000 characters (you wrote 5001).",
     "5000 caractères au maximum (vous en avez écrit 5001)."),
    ("budget", {"budget": "priceless"}, "Choose an option from the list.",
     "Choisissez une option dans la liste."),
    ("horizon", {"horizon": "yesterday"}, "Choose an option from the list.",
     "Choisissez une option dans la liste."),
    ("consent", {"consent": None}, "Agree to the privacy notice to send your inquiry.",
     "Acceptez la déclaration de confidentialité pour envoyer votre demande."),
]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(("field", "change", "english", "french"), INVALID)
def test_each_invalid_answer_writes_nothing_and_says_why_beside_the_field(
    app, client, lang, field, change, english, french
):
    response = submit(client, lang, **change)
    assert response.status_code == 200
    message = english if lang == "en" else french
    assert field_error(response, field) == message
    summary = response.get_data(as_text=True).split('class="error-summary"')[1].split("</div>")[0]
    anchor = f"{field}-0" if field in ("sectors", "offers") else field
    assert f'<a href="#{anchor}">{htmllib.escape(message, quote=False)}</a>' in summary
    page = response.get_data(as_text=True)
    if field != "organization":  # what the visitor typed is kept
        assert 'value="Sakura Bio Partners"' in page
    if field != "interests":
        assert "viral vectors for our" in page
    assert counts(app) == NOTHING


def test_a_resubmitted_form_keeps_its_submission_key(client):
    key = submission_key(client)
    page = client.post("/inquiry", data=answers(submission_key=key, name="")).get_data(as_text=True)
    assert f'name="submission_key" type="hidden" value="{key}"' in page


def test_the_hidden_field_discards_a_bot_quietly(app, client):
    response = submit(client, notes="http://spam.example")
    assert response.status_code == 303
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    assert "Thank you, your inquiry is registered" in text(thanks)
    assert counts(app) == NOTHING


def test_the_hidden_field_is_out_of_sight_and_of_the_tab_order(client):
    page = client.get("/inquiry").get_data(as_text=True)
    honeypot = page.split('<div class="hp">')[1].split("</div>")[0]
    assert 'name="notes"' in honeypot and 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot


@BOTH_DATABASES
def test_double_submit_makes_one_inquiry_and_shows_it_again(app, client):
    data = answers(submission_key=submission_key(client))
    first = client.post("/inquiry", data=data)
    second = client.post("/inquiry", data=data)
    edited = client.post("/inquiry", data=data | {"interests": INTERESTS + " Also biologics."})
    assert first.status_code == second.status_code == edited.status_code == 303
    assert first.headers["Location"] == second.headers["Location"] == edited.headers["Location"]
    assert count(app, Inquiry) == 1 and count(app, OutboxMessage) == 2
    submit(client)  # a new rendering of the form is a new inquiry
    assert count(app, Inquiry) == 2


@BOTH_DATABASES
def test_a_taken_random_code_is_drawn_again(app, client, monkeypatch):
    first = client.get(submit(client).headers["Location"]).get_data(as_text=True)
    taken = re.search(r"WM-[A-Z2-9]{6}", first).group(0)
    draws = iter(taken[3:])
    real_choice = model_base.secrets.choice
    monkeypatch.setattr(model_base.secrets, "choice",
                        lambda seq: next(draws, None) or real_choice(seq))  # fmt: skip
    second = client.get(submit(client).headers["Location"]).get_data(as_text=True)
    assert count(app, Inquiry) == 2
    assert re.search(r"WM-[A-Z2-9]{6}", second).group(0) != taken


@BOTH_DATABASES
def test_a_post_larger_than_the_cap_is_refused(app, client):
    app.config["INQUIRY_MAX_BYTES"] = 2000
    response = submit(client, interests="z " * 1500)
    assert response.status_code == 413
    assert "What you sent is too large." in text(response)
    assert counts(app) == NOTHING


def test_unknown_result_page_is_not_found(client):
    assert client.get("/inquiry/not-a-reference").status_code == 404


def test_privacy_notice_is_a_page_with_its_version(client):
    page = text(client.get("/privacy"))
    assert "Privacy notice" in page and f"Version {PRIVACY_NOTICE_VERSION}" in page
    french = text(client.get("/privacy", headers={"Accept-Language": "fr"}))
    assert "Déclaration de confidentialité" in french
    form = client.get("/inquiry").get_data(as_text=True)
    assert f'href="/privacy">Read the privacy notice (version {PRIVACY_NOTICE_VERSION})' in form


@BOTH_DATABASES
def test_two_requests_racing_with_one_key_make_one_inquiry(app, client, monkeypatch):
    data = answers(submission_key=submission_key(client))
    first = client.post("/inquiry", data=data).headers["Location"]
    # The second request looked for the key before the first committed: the unique constraint
    # stops it, and it shows the first one's result.
    monkeypatch.setattr(submission, "inquiry_by_submission_key", _found_only_after_the_first_look())
    second = client.post("/inquiry", data=data)
    assert second.status_code == 303 and second.headers["Location"] == first
    assert saved(app) == {"Inquiry": 1, "Match": ranked(app), "OutboxMessage": 2}


def _found_only_after_the_first_look():
    looks = []
    real = submission.inquiry_by_submission_key

    def lookup(key):
        looks.append(key)
        return None if len(looks) == 1 else real(key)

    return lookup


@BOTH_DATABASES
def test_invisible_control_characters_pasted_in_answers_are_dropped_not_a_crash(app, client):
    response = submit(
        client, name="Aiko\x00 Tanaka", role="Director\x1b", interests=INTERESTS + "\x00"
    )
    assert response.status_code == 303
    with app.app_context():
        inquiry = db.session.scalars(sa.select(Inquiry)).one()
        assert (inquiry.name, inquiry.role) == ("Aiko Tanaka", "Director")
        assert inquiry.interests == INTERESTS


def test_result_page_leaves_out_an_organization_withdrawn_from_the_directory(app, client):
    shown = ranked(app)
    location = submit(client).headers["Location"]
    with app.app_context():
        withdrawn = db.session.scalars(sa.select(Inquiry)).one().matches[0].organization
        name, slug = withdrawn.name, withdrawn.slug
        directory.set_active(withdrawn, False)
        db.session.commit()
    page = client.get(location).get_data(as_text=True)
    assert f'href="/organizations/{slug}"' not in page, "its page is gone: the link would 404"
    assert name not in page
    assert f"We found {shown - 1} organizations" in page
