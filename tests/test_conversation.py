"""Staff write to the investor from the lead: templates in both languages (the investor's
preselected), sent through the outbox with the lead's own reply address, kept on its thread."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, LeadMessage, OutboxMessage
from matchmaker.services import outbox
from tests import factories
from tests.helpers import BOTH_DATABASES, login, text

INBOUND = "leads@agency.example"
REPLY_ADDRESS = re.compile(r"^leads\+wm-[a-z0-9]{6}-[0-9a-f]{20}@agency\.example$")


@pytest.fixture
def lead_id(app, make_user) -> int:
    """A French-speaking investor's lead, assigned to Ann, without consent to share."""
    ann = make_user("ann@agency.be", name="Ann Peeters")
    app.config["INBOUND_ADDRESS"] = INBOUND
    with app.app_context():
        inquiry = factories.add_inquiry(assignee_id=ann.id, lang="fr", name="Aiko Tanaka",
                                        email="aiko@example.jp", share_consent=False)  # fmt: skip
        db.session.commit()
        return inquiry.id


@pytest.fixture
def ann(client, lead_id):
    login(client, "ann@agency.be")
    return client


def write(client, lead_id: int, **fields):
    data = {"template": "follow_up", "lang": "en", "subject": "Your project in Wallonia",
            "body": "Dear Aiko Tanaka,\n\nCould we talk on Thursday?"} | fields  # fmt: skip
    return client.post(f"/staff/leads/{lead_id}/messages", data=data)


def thread(app, lead_id: int) -> list[LeadMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(LeadMessage).where(LeadMessage.inquiry_id == lead_id)
                                  .order_by(LeadMessage.id)).all()  # fmt: skip
        db.session.expunge_all()
        return list(rows)


def compose_field(page: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    if found is None:
        found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert found, f"no {name} field"
    return html.unescape(found.group(1).removeprefix("\r\n"))  # a textarea's first newline


def test_the_compose_form_starts_in_the_investors_language(ann, lead_id):
    page = ann.get(f"/staff/leads/{lead_id}").text
    assert re.search(r'<option selected value="fr">Français</option>', page)
    assert compose_field(page, "body").startswith("Bonjour Aiko Tanaka,")
    choices = re.findall(r'<option (?:selected )?value="(\w+)">', page.split('id="compose"')[1])
    assert {"blank", "follow_up", "information_request", "consent_request"} <= set(choices)


def test_each_template_in_either_language(ann, lead_id):
    page = ann.get(f"/staff/leads/{lead_id}?template=information_request&lang=en").text
    assert compose_field(page, "subject").startswith("A few questions about your project")
    assert "the timeline you have in mind" in compose_field(page, "body")
    page = ann.get(f"/staff/leads/{lead_id}?template=information_request&lang=fr").text
    assert compose_field(page, "subject").startswith("Quelques questions sur votre projet")
    page = ann.get(f"/staff/leads/{lead_id}?template=nonsense&lang=xx").text
    assert compose_field(page, "body").startswith("Bonjour Aiko Tanaka,")  # the defaults


@BOTH_DATABASES
def test_a_message_goes_through_the_outbox_with_the_leads_reply_address(
    mail_app, ann, lead_id, smtp_server
):
    response = write(ann, lead_id)
    assert response.headers["Location"] == f"/staff/leads/{lead_id}#conversation"
    page = ann.get(response.headers["Location"])
    assert "Your message to aiko@example.jp is in the outbox" in text(page)
    with mail_app.app_context():
        report = outbox.deliver_due()
    assert report.sent == 1
    [received] = smtp_server.messages_to("aiko@example.jp")
    assert received.message["Subject"] == "Your project in Wallonia"
    reply_to = received.message["Reply-To"]
    assert REPLY_ADDRESS.match(reply_to), reply_to
    body = received.body()
    assert "Could we talk on Thursday?" in body and "Ann Peeters" in body

    [message] = thread(mail_app, lead_id)
    assert (message.direction, message.subject, message.recipient) == (
        "out", "Your project in Wallonia", "aiko@example.jp")
    assert message.outbox_id is not None and message.lang == "en"
    page = text(ann.get(f"/staff/leads/{lead_id}"))
    assert f"Replies come back to this lead: they go to {reply_to}." in page
    assert "Ann Peeters wrote to the investor: Your project in Wallonia" in page
    assert "Could we talk on Thursday?" in page and "Sent" in page
    with mail_app.app_context():
        inquiry = db.session.get(Inquiry, lead_id)
        assert inquiry.last_staff_action_at is not None
        kinds = db.session.scalars(sa.select(Activity.kind)
                                   .where(Activity.inquiry_id == lead_id)).all()  # fmt: skip
        assert "message_sent" in kinds


def test_a_message_in_french_is_framed_in_french(app, ann, lead_id):
    write(ann, lead_id, lang="fr", subject="Votre projet", body="Bonjour,\n\nÀ jeudi ?")
    with app.app_context():
        [mail] = db.session.scalars(sa.select(OutboxMessage)
                                    .where(OutboxMessage.recipient == "aiko@example.jp")).all()
        assert mail.subject == "Votre projet"
        assert "À jeudi ?" in mail.body_text
        assert "un service de l'agence wallonne" in mail.body_text.replace("’", "'")


def test_a_message_without_subject_or_text_is_refused_next_to_its_field(app, ann, lead_id):
    response = write(ann, lead_id, subject="  ", body="")
    assert response.status_code == 422
    page = response.text
    assert page.count('class="field-error"') >= 2
    assert "Write a subject." in page and "Write your message." in page
    assert thread(app, lead_id) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_without_an_inbound_address_replies_go_to_the_writer_and_the_page_says_so(
    app, ann, lead_id
):
    app.config["INBOUND_ADDRESS"] = ""
    page = text(ann.get(f"/staff/leads/{lead_id}"))
    assert ("Replies go to your own address (ann@agency.be) and do not appear here: "
            "set MATCHMAKER_INBOUND_ADDRESS to receive them on the lead.") in page
    write(ann, lead_id)
    with app.app_context():
        mail = db.session.scalar(sa.select(OutboxMessage)
                                 .where(OutboxMessage.recipient == "aiko@example.jp"))
        assert mail.reply_to == "ann@agency.be"


def test_a_lead_without_consent_offers_the_consent_request(ann, lead_id):
    page = ann.get(f"/staff/leads/{lead_id}").text
    introduce = page.split('id="introduce"')[1].split("</section>")[0]
    assert "Contact the investor first" not in introduce
    ask = f"/staff/leads/{lead_id}?template=consent_request&amp;lang=fr#compose"
    assert f'href="{ask}"' in introduce
    assert "Ask the investor for consent to share" in introduce


def test_a_lead_with_consent_is_not_offered_the_consent_request(app, ann, lead_id):
    with app.app_context():
        db.session.get(Inquiry, lead_id).share_consent = True
        db.session.commit()
    page = ann.get(f"/staff/leads/{lead_id}").text
    assert 'value="consent_request"' not in page
    response = write(ann, lead_id, template="consent_request")
    assert response.status_code == 422
    assert "The investor already allowed sharing" in text(response)
    assert thread(app, lead_id) == []
