"""The "request consent to share" mail carries a signed link by which the investor allows the
agency to share their details (recorded with the time and the privacy notice's version); a
used, expired or tampered link changes nothing and says so."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, OutboxMessage, utcnow
from matchmaker.services.privacy import PRIVACY_NOTICE_VERSION
from tests import factories
from tests.helpers import BOTH_DATABASES, login, text


@pytest.fixture
def lead_id(app, make_user) -> int:
    ann = make_user("ann@agency.be", name="Ann Peeters")
    with app.app_context():
        inquiry = factories.add_inquiry(assignee_id=ann.id, lang="fr", share_consent=False,
                                        email="aiko@example.jp")  # fmt: skip
        db.session.commit()
        return inquiry.id


@pytest.fixture
def link(app, client, lead_id) -> str:
    """The path of the consent link, as mailed to the investor by Ann's consent request."""
    app.config["BASE_URL"] = "https://matchmaker.example.be"
    login(client, "ann@agency.be")
    response = client.post(f"/staff/leads/{lead_id}/messages", data={
        "template": "consent_request", "lang": "fr", "subject": "Puis-je partager ?",
        "body": "Bonjour,\n\nPouvons-nous partager vos coordonnées ?"})  # fmt: skip
    assert response.status_code == 302
    client.post("/staff/logout")
    with app.app_context():
        mail = db.session.scalar(sa.select(OutboxMessage)
                                 .where(OutboxMessage.recipient == "aiko@example.jp"))
        found = re.search(r"https://matchmaker\.example\.be(/consent/[\w.\-]+)", mail.body_text)
        assert found, mail.body_text
        assert found.group(1) in mail.body_html
        return found.group(1)


def consent(app, lead_id: int) -> tuple:
    with app.app_context():
        inquiry = db.session.get(Inquiry, lead_id)
        return inquiry.share_consent, inquiry.share_consent_at, inquiry.share_consent_version


@BOTH_DATABASES
def test_the_investor_allows_sharing_once_from_the_link(app, client, lead_id, link):
    page = client.get(link)
    assert page.status_code == 200
    assert "Autoriser le partage de vos coordonnées" in text(page)
    assert f"/privacy/{PRIVACY_NOTICE_VERSION}" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert consent(app, lead_id) == (False, None, "")  # opening the link changes nothing

    done = client.post(link)
    assert done.status_code == 303
    assert "Merci" in text(client.get(done.headers["Location"]))
    allowed, at, version = consent(app, lead_id)
    assert allowed and at is not None and version == PRIVACY_NOTICE_VERSION
    with app.app_context():
        [granted] = db.session.scalars(sa.select(Activity).where(
            Activity.inquiry_id == lead_id, Activity.kind == "share_consent_granted")).all()
        assert granted.detail == {"notice_version": PRIVACY_NOTICE_VERSION}

    again = client.post(link)
    assert again.status_code == 409
    assert "déjà" in text(again)
    assert consent(app, lead_id) == (True, at, version)

    login(client, "ann@agency.be")
    staff_page = text(client.get(f"/staff/leads/{lead_id}"))
    assert "The investor allowed sharing their details with matched organizations" in staff_page
    assert "Ask the investor for consent to share" not in staff_page


def test_a_tampered_link_changes_nothing(app, client, lead_id, link):
    for path in (link[:-3] + "abc", "/consent/garbage"):
        assert client.get(path).status_code == 404
        response = client.post(path)
        assert response.status_code == 404
        assert "It is not valid" in text(response)
    assert consent(app, lead_id) == (False, None, "")


def test_an_expired_link_changes_nothing(app, client, lead_id, link, monkeypatch):
    days = app.config["CONSENT_LINK_DAYS"]
    later = time.time() + (days + 1) * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.post(link, headers={"Accept-Language": "fr"})  # the investor's browser
    assert response.status_code == 410
    assert "Il a expiré, et rien n'a été modifié." in text(response)
    assert consent(app, lead_id) == (False, None, "")


def test_the_consent_request_mail_names_the_link_and_the_trail_records_the_request(
    app, client, lead_id, link
):
    with app.app_context():
        mail = db.session.scalar(sa.select(OutboxMessage)
                                 .where(OutboxMessage.recipient == "aiko@example.jp"))
        assert "Pouvons-nous partager vos coordonnées ?" in mail.body_text
        kinds = db.session.scalars(sa.select(Activity.kind)
                                   .where(Activity.inquiry_id == lead_id)).all()  # fmt: skip
        assert "message_sent" in kinds
    login(client, "ann@agency.be")
    page = text(client.get(f"/staff/leads/{lead_id}"))
    assert "Ann Peeters asked the investor for consent to share: Puis-je partager ?" in page


def test_the_link_of_a_lead_merged_since_allows_sharing_on_its_survivor(app, client, lead_id,
                                                                         link):  # fmt: skip
    with app.app_context():
        survivor = factories.add_inquiry(share_consent=False, email="AIKO@example.jp", lang="fr",
                                         created_at=utcnow() - timedelta(days=5))  # fmt: skip
        db.session.commit()
        survivor_id, code = survivor.id, survivor.code
        versions = [db.session.get(Inquiry, i).version for i in (survivor_id, lead_id)]
    login(client, "ann@agency.be")
    client.post("/staff/leads/merge", data={"keep": survivor_id, "merge": lead_id,
                                            "keep_version": versions[0],
                                            "merge_version": versions[1]})  # fmt: skip
    client.post("/staff/logout")
    assert code in text(client.get(link))  # "vous nous avez envoyé la demande WM-…"
    assert client.post(link).status_code == 303
    assert consent(app, survivor_id)[0] is True
    assert consent(app, lead_id)[0] is False
