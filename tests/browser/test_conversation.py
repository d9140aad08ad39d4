"""The conversation with the investor in a real headless Chromium: a staff member writes from
the lead page, the mail goes out through a real SMTP server with the lead's reply address, the
investor's reply is delivered to that address through the real inbound receiver, and it shows
on the lead's thread. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import smtplib
import uuid
from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.services import accounts, inbound, outbox
from matchmaker.services.leads import submission
from tests.helpers import (
    DESKTOP,
    INQUIRY_ANSWERS,
    PASSWORD,
    assert_accessible,
    screenshot,
    sign_in,
)
from tests.live import free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def conversation(live_server, smtp_server):
    """A fresh lead assigned to Ann; the app mails through smtp_server and receives replies
    for leads@agency.example on its inbound receiver."""
    app, base = live_server
    app.config.update(smtp_server.config, OUTBOX_SEND_AFTER_COMMIT=False, BASE_URL=base,
                      INBOUND_ADDRESS="leads@agency.example")  # fmt: skip
    receiver = inbound.Receiver(app, "127.0.0.1", free_port())
    receiver.start()
    investor = f"aiko-{uuid.uuid4().hex[:6]}@example.jp"
    with app.test_request_context():
        ann = accounts.find_user("ann@agency.be") or accounts.create_user(
            "ann@agency.be", "Ann Peeters", PASSWORD)
        inquiry = submission.submit_inquiry(INQUIRY_ANSWERS | {"email": investor}, lang="en",
                                            submission_key=uuid.uuid4().hex)  # fmt: skip
        inquiry.assignee = ann
        db.session.commit()
        outbox.deliver_due()
        lead = {"id": inquiry.id, "investor": investor}
    smtp_server.received.clear()
    yield lead | {"receiver": receiver}
    receiver.stop()


def test_staff_write_and_the_investors_reply_appears_on_the_thread(
    live_server, conversation, smtp_server, open_page
):
    app, base = live_server
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, "ann@agency.be")
    page.goto(f"{base}/staff/leads/{conversation['id']}")
    page.get_by_text("Write to the investor").click()
    compose = page.locator("#compose")
    compose.get_by_label("Template").select_option(label="Request for information")
    compose.get_by_role("button", name="Use this template").click()
    compose = page.locator("#compose")
    assert compose.get_by_label("Subject").input_value().startswith("A few questions")
    compose.get_by_label("Message").fill("Dear Aiko Tanaka,\n\nWhen would you visit Liège?")
    compose.get_by_role("button", name="Send to the investor").click()
    sent = f"Your message to {conversation['investor']} is in the outbox"
    expect(page.get_by_text(sent)).to_be_visible()

    with app.app_context():
        outbox.deliver_due()
    [sent] = smtp_server.messages_to(conversation["investor"])
    assert "When would you visit Liège?" in sent.body()
    answer = EmailMessage()
    answer["From"] = f"Aiko Tanaka <{conversation['investor']}>"
    answer["To"] = sent.message["Reply-To"]
    answer["Subject"] = "Re: " + str(sent.message["Subject"])
    answer["In-Reply-To"] = sent.message_id
    answer.set_content("Next Tuesday, if that suits you.\n\n> When would you visit Liège?")
    answer.add_attachment(b"%PDF-1.4 agenda", maintype="application", subtype="pdf",
                          filename="agenda.pdf")  # fmt: skip
    receiver = conversation["receiver"]
    with smtplib.SMTP(receiver.host, receiver.port, timeout=10) as client:
        client.send_message(answer)

    page.reload()
    thread = page.locator("#conversation")
    expect(thread.get_by_text("Next Tuesday, if that suits you.")).to_be_visible()
    expect(thread.get_by_text("agenda.pdf")).to_be_visible()
    assert "When would you visit Liège?" in thread.inner_text()
    assert "Aiko Tanaka replied" in page.inner_text("#trail")
    assert_accessible(page, "the lead page with its conversation")
    screenshot(page, "lead-conversation-en-1280")
    with app.app_context():
        outbox.deliver_due()
    assert smtp_server.messages_to("ann@agency.be")  # the assignee is told


def test_staff_attach_an_unmatched_mail_to_its_lead(
    live_server, conversation, smtp_server, open_page
):
    app, base = live_server
    lost = EmailMessage()
    lost["From"] = f"Aiko Tanaka <{conversation['investor']}>"
    lost["To"] = "leads@agency.example"  # the plain address: no lead's token
    lost["Subject"] = "Our site visit"
    lost.set_content("We could come to Wallonia in March.")
    receiver = conversation["receiver"]
    with smtplib.SMTP(receiver.host, receiver.port, timeout=10) as client:
        client.send_message(lost)

    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, "ann@agency.be")
    expect(page.get_by_role("link", name=re.compile("match(es)? no lead"))).to_be_visible()
    page.goto(f"{base}/staff/mail/unmatched")
    mail = page.locator(".unmatched-list > li", has_text="Our site visit")
    assert "without a lead's reply token" in mail.inner_text()
    assert_accessible(page, "the unmatched mail page")
    screenshot(page, "unmatched-mail-en-1280")
    mail.get_by_role("button", name=re.compile(r"^Attach to WM-")).first.click()
    attached = f"The mail from {conversation['investor']} is now on this lead."
    expect(page.get_by_text(attached)).to_be_visible()
    assert page.url.endswith(f"/staff/leads/{conversation['id']}#conversation")
    thread = page.locator("#conversation")
    expect(thread.get_by_text("We could come to Wallonia in March.")).to_be_visible()
