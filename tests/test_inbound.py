"""Replies come in through the real inbound SMTP receiver (aiosmtpd, on a free port, fed by
smtplib): onto the lead named by the signed token of its reply address, with text, sanitized
HTML and capped attachments, the assignee told; anything else to the unmatched list."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    Inquiry,
    LeadMessage,
    MessageAttachment,
    User,
    utcnow,
)
from matchmaker.services import inbound, outbox, privacy
from tests import factories
from tests.helpers import BOTH_DATABASES, login, text
from tests.live import ROOT, SECRET_KEY, free_port, prepare_database

INBOUND = "leads@agency.example"
CAP = 2000  # bytes an attachment may have to be kept, in these tests


@pytest.fixture
def receiver(mail_app) -> Iterator[inbound.Receiver]:
    """The app's inbound SMTP receiver, serving on a free loopback port."""
    mail_app.config.update(INBOUND_ADDRESS=INBOUND, INBOUND_MAX_ATTACHMENT_BYTES=CAP,
                           INBOUND_MAX_MESSAGE_BYTES=200_000)  # fmt: skip
    server = inbound.Receiver(mail_app, "127.0.0.1", free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def lead(mail_app, make_user) -> dict:
    ann = make_user("ann@agency.be", name="Ann Peeters")
    mail_app.config["INBOUND_ADDRESS"] = INBOUND
    with mail_app.app_context():
        inquiry = factories.add_inquiry(assignee_id=ann.id, name="Aiko Tanaka",
                                        email="aiko@example.jp")  # fmt: skip
        db.session.commit()
        return {"id": inquiry.id, "code": inquiry.code, "address": inbound.reply_address(inquiry)}


def reply(to: str, *, sender: str = "Aiko Tanaka <aiko@example.jp>", subject: str = "Re: Your "
          "project", text_body: str | None = "Thursday suits me.", html: str | None = None,
          attachments: tuple[tuple[str, str, bytes], ...] = (), message_id: str | None = None,
          ) -> EmailMessage:  # fmt: skip
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    if message_id:
        message["Message-ID"] = message_id
    if text_body is not None:
        message.set_content(text_body)
    if html is not None:
        if text_body is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, kind, content in attachments:
        maintype, subtype = kind.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message


def deliver(receiver: inbound.Receiver, message: EmailMessage, to: list[str] | None = None):
    with smtplib.SMTP(receiver.host, receiver.port, timeout=10) as client:
        return client.send_message(message, to_addrs=to)


def messages(app, **where) -> list[LeadMessage]:
    with app.app_context():
        query = sa.select(LeadMessage).filter_by(**where).order_by(LeadMessage.id)
        rows = db.session.scalars(query).all()
        _ = [row.attachments for row in rows]
        db.session.expunge_all()
        return list(rows)


@BOTH_DATABASES
def test_a_reply_lands_on_the_leads_thread_and_the_assignee_is_told(
    mail_app, receiver, lead, smtp_server, client
):
    html = ('<p onclick="steal()">Thursday <b>suits</b> me.</p><script>alert(1)</script>'
            '<img src="https://tracker.example/pixel.gif"><a href="javascript:x()">x</a>')
    deliver(receiver, reply(lead["address"], html=html, attachments=(
        ("agenda.pdf", "application/pdf", b"%PDF-1.4 " + b"a" * 500),
        ("site-plan.png", "image/png", b"\x89PNG" + b"b" * (CAP + 1)),
    )))  # fmt: skip

    [message] = messages(mail_app, inquiry_id=lead["id"])
    assert (message.direction, message.sender, message.sender_name) == (
        "in", "aiko@example.jp", "Aiko Tanaka")
    assert message.subject == "Re: Your project"
    assert message.body_text.strip() == "Thursday suits me."
    assert "<b>suits</b>" in message.body_html
    for dangerous in ("onclick", "<script", "alert(1)", "tracker.example", "javascript:"):
        assert dangerous not in message.body_html
    small, large = sorted(message.attachments, key=lambda item: item.filename)
    assert (small.filename, small.content_type, small.size) == ("agenda.pdf", "application/pdf",
                                                                509)  # fmt: skip
    assert small.content.startswith(b"%PDF-1.4")
    assert (large.filename, large.content_type, large.size) == ("site-plan.png", "image/png",
                                                                CAP + 5)  # fmt: skip
    assert large.content is None  # over the cap: listed, not kept

    with mail_app.app_context():
        outbox.deliver_due()
        kinds = db.session.scalars(sa.select(Activity.kind)
                                   .where(Activity.inquiry_id == lead["id"])).all()  # fmt: skip
        assert "message_received" in kinds
    [notice] = smtp_server.messages_to("ann@agency.be")
    assert notice.message["Subject"] == f"Aiko Tanaka replied on lead {lead['code']}"
    assert "Thursday suits me." in notice.body()
    assert f"/staff/leads/{lead['id']}" in notice.body()

    login(client, "ann@agency.be")
    page = text(client.get(f"/staff/leads/{lead['id']}"))
    assert "Aiko Tanaka (aiko@example.jp) wrote: Re: Your project" in page
    assert "Thursday suits me." in page
    assert "agenda.pdf (application/pdf, 509 bytes)" in page
    assert "site-plan.png (image/png, 2.0 kB): not kept, over the size limit" in page


def test_the_html_and_attachments_are_served_apart_from_the_back_office(
    mail_app, receiver, lead, client
):
    deliver(receiver, reply(lead["address"], html="<p>Hello <i>there</i></p>",
                            attachments=(("notes.html", "text/html", b"<script>x</script>"),)))
    [message] = messages(mail_app, inquiry_id=lead["id"])
    login(client, "ann@agency.be")
    shown = client.get(f"/staff/messages/{message.id}/html")
    assert "<i>there</i>" in shown.text
    assert shown.headers["Content-Security-Policy"].startswith("sandbox")
    [attachment] = message.attachments
    download = client.get(f"/staff/messages/{message.id}/attachments/{attachment.id}")
    assert download.data == b"<script>x</script>"
    assert download.mimetype == "application/octet-stream"
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_an_html_only_reply_is_kept_as_text_too(mail_app, receiver, lead):
    deliver(receiver, reply(lead["address"], text_body=None,
                            html="<div>Yes,<br>Thursday.</div><p>Aiko</p><style>p{}</style>"))
    [message] = messages(mail_app, inquiry_id=lead["id"])
    assert message.body_text.split() == ["Yes,", "Thursday.", "Aiko"]
    assert "Yes," in message.body_text.splitlines()[0]


@BOTH_DATABASES
def test_a_badly_made_mail_is_still_kept(mail_app, receiver, lead):
    raw = (b"From: =?utf-8?q?broken <aiko@example.jp>\r\nSubject: =?x-unknown?b?AAAA?=\r\n"
           b"Message-ID: <odd\x00id@example.jp>\r\n"
           b"Content-Type: text/plain; charset=x-unknown\r\n\r\nNul\x00byte and \xff\xfe bytes\r\n")
    with smtplib.SMTP(receiver.host, receiver.port, timeout=10) as client:
        client.sendmail("aiko@example.jp", [lead["address"]], raw)
    [message] = messages(mail_app, inquiry_id=lead["id"])
    assert message.body_text.startswith("Nulbyte and ")
    assert "\x00" not in message.header_message_id


@pytest.mark.parametrize("case", ["forged", "no token", "lead gone"])
def test_mail_that_names_no_lead_goes_to_the_unmatched_list(mail_app, receiver, lead, case):
    address = lead["address"]
    if case == "forged":
        local, domain = address.split("@")
        address = local[:-1] + ("0" if local[-1] != "0" else "1") + "@" + domain  # one digit off
    elif case == "no token":
        address = INBOUND
    else:
        with mail_app.app_context():
            db.session.delete(db.session.get(Inquiry, lead["id"]))
            db.session.commit()
    deliver(receiver, reply(address))
    [message] = messages(mail_app)
    assert message.inquiry_id is None
    assert message.unmatched_reason == {"forged": "invalid", "no token": "no_token",
                                        "lead gone": "unknown_lead"}[case]  # fmt: skip
    assert message.recipient == address


def test_a_forged_token_never_reaches_a_lead(mail_app, receiver, lead):
    local, domain = lead["address"].split("@")
    code = lead["code"].lower()
    forged = f"leads+{code}-{'0' * 20}@{domain}"
    assert forged != lead["address"]
    deliver(receiver, reply(forged))
    assert messages(mail_app, inquiry_id=lead["id"]) == []
    assert [m.unmatched_reason for m in messages(mail_app)] == ["invalid"]


def test_other_recipients_are_refused_and_nothing_is_stored(mail_app, receiver, lead):
    for address in ("someone@agency.example", "leads@elsewhere.example"):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            deliver(receiver, reply(address))
        [(code, _reason)] = refused.value.recipients.values()
        assert code == 550
    assert messages(mail_app) == []


def test_a_message_over_the_size_cap_is_refused(mail_app, receiver, lead):
    big = reply(lead["address"], attachments=(("big.bin", "application/octet-stream",
                                               os.urandom(300_000)),))  # fmt: skip
    with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as refused:
        deliver(receiver, big)
    assert refused.value.smtp_code == 552
    assert messages(mail_app) == []


def test_a_message_delivered_twice_is_kept_once(mail_app, receiver, lead):
    message = reply(lead["address"], message_id="<once@example.jp>")
    deliver(receiver, message)
    deliver(receiver, message)
    assert len(messages(mail_app, inquiry_id=lead["id"])) == 1


@BOTH_DATABASES
def test_staff_attach_an_unmatched_mail_to_a_lead_or_discard_it(mail_app, receiver, lead, client):
    deliver(receiver, reply(INBOUND, subject="About my inquiry",
                            attachments=(("cv.txt", "text/plain", b"hello"),)))
    deliver(receiver, reply(INBOUND, sender="spam@example.net", subject="Cheap pills"))
    first, spam = messages(mail_app)
    login(client, "ann@agency.be")
    home = text(client.get("/staff/"))
    assert "2 received mails match no lead." in home
    page = client.get("/staff/mail/unmatched")
    shown = text(page)
    assert "About my inquiry" in shown and "Cheap pills" in shown
    assert "sent to the agency's address without a lead's reply token" in shown
    assert f"{lead['code']}: Aiko Tanaka" in shown  # a lead from the same address, suggested

    wrong = client.post(f"/staff/mail/unmatched/{first.id}/attach", data={"code": "WM-ZZZZZZ"})
    assert wrong.status_code == 422
    assert "No lead has the code WM-ZZZZZZ." in text(wrong)
    attached = client.post(f"/staff/mail/unmatched/{first.id}/attach",
                           data={"code": lead["code"].lower()})
    assert attached.headers["Location"] == f"/staff/leads/{lead['id']}#conversation"
    page = text(client.get(attached.headers["Location"]))
    assert "Ann Peeters attached a mail from aiko@example.jp to this lead." in page
    assert "cv.txt" in page
    discarded = client.post(f"/staff/mail/unmatched/{spam.id}/discard")
    assert "The mail from spam@example.net was deleted." in text(client.get(
        discarded.headers["Location"]))  # fmt: skip
    assert [(m.id, m.inquiry_id) for m in messages(mail_app)] == [(first.id, lead["id"])]
    with mail_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageAttachment)) == 1
    again = client.post(f"/staff/mail/unmatched/{first.id}/discard")
    assert again.status_code == 404  # on a lead now: not unmatched mail any more


@BOTH_DATABASES
def test_a_reply_to_a_merged_leads_address_lands_on_its_survivor(mail_app, receiver, lead, client):
    with mail_app.app_context():
        survivor = factories.add_inquiry(name="Aiko Tanaka", email="AIKO@example.jp",
                                         created_at=utcnow() - timedelta(days=9))  # fmt: skip
        db.session.commit()
        survivor_id, survivor_code = survivor.id, survivor.code
        versions = [db.session.get(Inquiry, i).version for i in (survivor_id, lead["id"])]
    login(client, "ann@agency.be")
    merged = client.post("/staff/leads/merge", data={
        "keep": survivor_id, "merge": lead["id"], "keep_version": versions[0],
        "merge_version": versions[1]})  # fmt: skip
    assert merged.headers["Location"] == f"/staff/leads/{survivor_id}"

    deliver(receiver, reply(lead["address"]))
    [message] = messages(mail_app)
    assert message.inquiry_id == survivor_id and message.recipient == lead["address"]
    page = text(client.get(f"/staff/leads/{survivor_id}"))
    assert "Aiko Tanaka (aiko@example.jp) wrote: Re: Your project" in page
    assert f"This lead was merged into {survivor_code}" in text(
        client.get(f"/staff/leads/{lead['id']}"))


@BOTH_DATABASES
def test_erasing_an_investors_data_deletes_their_leads_conversation(mail_app, receiver, lead):
    deliver(receiver, reply(lead["address"], attachments=(("cv.txt", "text/plain", b"cv"),)))
    with mail_app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.email == "ann@agency.be"))
        privacy.erase_personal_data("aiko@example.jp", staff)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LeadMessage)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageAttachment)) == 0


@BOTH_DATABASES
def test_erasure_also_deletes_the_persons_unmatched_mail(mail_app, receiver, lead):
    deliver(receiver, reply(INBOUND, sender="Aiko Tanaka <AIKO@Example.jp>"))  # no lead's token
    deliver(receiver, reply(INBOUND, sender="Ben Osei <ben@example.gh>"))
    with mail_app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.email == "ann@agency.be"))
        deletion = privacy.erase_personal_data("aiko@example.jp", staff)
        db.session.commit()
        assert deletion.conversation == 1
    assert [message.sender for message in messages(mail_app)] == ["ben@example.gh"]


def test_the_export_and_the_lookup_include_the_conversation(mail_app, receiver, lead, make_user):
    deliver(receiver, reply(lead["address"], attachments=(("cv.txt", "text/plain", b"cv"),)))
    deliver(receiver, reply(INBOUND, subject="Lost reply"))  # unmatched, from the same person
    with mail_app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.email == "ann@agency.be"))
        assert privacy.holdings("Aiko@example.jp").conversation == 2
        data = privacy.export_personal_data("Aiko@example.jp", staff)
    on_lead, unmatched = data["conversation"]
    assert on_lead["inquiry"] == lead["code"] and on_lead["from"] == "aiko@example.jp"
    assert on_lead["text"].strip() == "Thursday suits me."
    assert on_lead["attachments"] == [{"name": "cv.txt", "type": "text/plain", "size": 2}]
    assert unmatched["inquiry"] is None and unmatched["subject"] == "Lost reply"
    make_user("ada@agency.be", role="admin")
    admin = mail_app.test_client()
    login(admin, "ada@agency.be")
    page = text(admin.post("/staff/admin/privacy", data={"email": "aiko@example.jp"}))
    assert "2 messages of conversations with staff (unmatched mail included)" in page


def test_the_inbound_serve_command_receives_mail(tmp_path: Path):
    """`flask inbound serve` as production runs it: its own process, a migrated database."""
    database = f"sqlite:///{tmp_path / 'inbound.sqlite3'}"
    prepare_database(database)
    port = free_port()
    env = os.environ | {"MATCHMAKER_DATABASE_URL": database, "MATCHMAKER_SECRET_KEY": SECRET_KEY,
                        "MATCHMAKER_INBOUND_ADDRESS": INBOUND, "MATCHMAKER_INBOUND_PORT": str(port)}
    command = [sys.executable, "-m", "flask", "--app", "matchmaker", "inbound", "serve"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
                    client.send_message(reply(INBOUND, subject="Hello from outside"))
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the receiver did not start"
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert f"Receiving mail for {INBOUND} on 127.0.0.1:{port}" in output
    engine = sa.create_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT subject, inquiry_id FROM lead_message")).all()
    engine.dispose()
    assert rows == [("Hello from outside", None)]


def test_serve_refuses_to_start_without_an_inbound_address(runner):
    result = runner.invoke(args=["inbound", "serve"])
    assert result.exit_code != 0
    assert "Set MATCHMAKER_INBOUND_ADDRESS" in result.output
