"""The outbox and its SMTP relay, against a real SMTP server: delivery, outages, retries,
concurrent relays, crashes, header injection (the commands: test_outbox_commands.py)."""

import logging
import re
import threading
from datetime import timedelta

import pytest

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Activity, utcnow
from matchmaker.services import outbox
from matchmaker.services.outbox import relay as outbox_relay
from tests.helpers import BOTH_DATABASES, app_log, new_inquiry, queue, stored
from tests.smtp import SMTPServer

# Writing messages ---------------------------------------------------------------------------


def test_enqueue_gives_a_stable_message_id_on_the_sender_domain(mail_app):
    with mail_app.app_context():
        first, second = (stored(message_id) for message_id in queue(2))
    assert re.fullmatch(r"<[0-9a-f]{32}@agency\.example>", first.message_id)
    assert first.message_id != second.message_id


def test_message_id_falls_back_to_the_base_url_host(app):
    app.config.update(MAIL_FROM="", BASE_URL="https://matchmaker.example.be/")
    with app.app_context():
        message = stored(queue()[0])
    assert message.message_id.endswith("@matchmaker.example.be>")
    assert outbox.mail_from(app.config) == "Walloon Matchmaker <no-reply@matchmaker.example.be>"


def test_enqueue_neutralises_line_breaks_in_the_subject(app):
    with app.app_context():
        message = stored(queue(subject="Lead from Acme\r\nBcc: victim@example.com\x00")[0])
    assert message.subject == "Lead from Acme Bcc: victim@example.com"


@pytest.mark.parametrize(
    "recipient",
    [
        "ann@agency.example\r\nBcc: victim@example.com",
        "ann@agency.example, victim@example.com",
        "Ann <ann@agency.example>",
        "not-an-address",
        "",
    ],
)
def test_enqueue_refuses_anything_but_one_plain_address(app, recipient):
    with app.app_context(), pytest.raises(outbox.InvalidRecipient):
        outbox.enqueue(recipient, "Subject", "Body")


def test_queued_message_for_an_inquiry_is_in_its_trail(app):
    with app.app_context():
        inquiry = new_inquiry()
        db.session.add(inquiry)
        message = outbox.enqueue("ann@agency.example", "Lead", "Body", inquiry=inquiry)
        db.session.commit()
        kinds = db.session.execute(
            db.select(Activity.kind, Activity.detail).where(Activity.inquiry_id == inquiry.id)
        ).all()
        assert message.inquiry_id == inquiry.id
        assert kinds == [("email_queued", {"outbox_id": message.id})]


def test_rolled_back_change_leaves_no_message(app):
    with app.app_context():
        outbox.enqueue("ann@agency.example", "Lead", "Body")
        db.session.rollback()
        assert outbox.counts() == {"pending": 0, "sent": 0, "failed": 0}


# Delivering ---------------------------------------------------------------------------------


@BOTH_DATABASES
def test_relay_delivers_with_recipients_headers_and_bodies(mail_app, smtp_server):
    with mail_app.app_context():
        inquiry = new_inquiry()
        db.session.add(inquiry)
        message = outbox.enqueue(
            "ann@agency.example",
            "New lead WM-ABC234: Sakura Bio",
            "Plain: 3 matches",
            "<p>HTML: 3 matches</p>",
            inquiry=inquiry,
        )
        db.session.commit()
        report = outbox.deliver_due()
        row = stored(message.id)
        trail = db.session.scalars(
            db.select(Activity.kind).where(Activity.inquiry_id == inquiry.id).order_by(Activity.id)
        ).all()
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [mail] = smtp_server.received
    assert mail.sender == "matchmaker@agency.example"
    assert mail.recipients == ("ann@agency.example",)
    assert mail.message["From"] == "Walloon Matchmaker <matchmaker@agency.example>"
    assert mail.message["To"] == "ann@agency.example"
    assert mail.message["Subject"] == "New lead WM-ABC234: Sakura Bio"
    assert mail.message_id == row.message_id
    assert mail.message["Date"] and mail.message["Auto-Submitted"] == "auto-generated"
    assert mail.body("plain").strip() == "Plain: 3 matches"
    assert mail.body("html").strip() == "<p>HTML: 3 matches</p>"
    assert row.sent_at is not None and row.attempts == 1 and row.claim_token is None
    assert trail == ["email_queued", "email_sent"]


def test_non_ascii_subject_and_body_arrive_intact(mail_app, smtp_server):
    with mail_app.app_context():
        queue(subject="Votre demande à l’agence : Liège", text="Merci, à bientôt — l’équipe")
        outbox.deliver_due()
    [mail] = smtp_server.received
    assert mail.message["Subject"] == "Votre demande à l’agence : Liège"
    assert mail.body().strip() == "Merci, à bientôt — l’équipe"


def test_injected_headers_in_a_subject_do_not_reach_the_server(mail_app, smtp_server):
    with mail_app.app_context():
        queue(subject="Hello\r\nBcc: victim@example.com\r\nX-Evil: 1")
        outbox.deliver_due()
    [mail] = smtp_server.received
    assert mail.recipients == ("ann+0@agency.example",)
    assert mail.message["Bcc"] is None and mail.message["X-Evil"] is None
    assert mail.message["Subject"] == "Hello Bcc: victim@example.com X-Evil: 1"


def test_a_row_tampered_with_in_the_database_is_not_sent(mail_app, smtp_server):
    with mail_app.app_context():
        [message_id] = queue()
        stored(message_id).recipient = "ann@agency.example\r\nBcc: victim@example.com"
        db.session.commit()
        report = outbox.deliver_due()
        row = stored(message_id)
    assert smtp_server.received == []
    assert report.failed == 1 and row.failed_at is not None


@BOTH_DATABASES
def test_server_down_messages_wait_then_each_is_delivered_once(mail_app, smtp_server):
    smtp_server.stop()
    with mail_app.app_context():
        ids = queue(3)
        report = outbox.deliver_due()
        assert report.error and report.attempted == 0
        assert [stored(message_id).attempts for message_id in ids] == [0, 0, 0]
        assert outbox.counts()["pending"] == 3
        smtp_server.start()
        assert outbox.deliver_due().sent == 3
        assert outbox.deliver_due().sent == 0
        assert outbox.counts() == {"pending": 0, "sent": 3, "failed": 0}
    assert sorted(recipient for mail in smtp_server.received for recipient in mail.recipients) == [
        "ann+0@agency.example",
        "ann+1@agency.example",
        "ann+2@agency.example",
    ]


def test_temporary_refusals_back_off_exponentially_then_the_message_is_flagged(
    mail_app, smtp_server
):
    mail_app.config.update(OUTBOX_MAX_ATTEMPTS=3, OUTBOX_BACKOFF_SECONDS=60)
    smtp_server.data_reply = "451 Mailbox busy, try later"
    with mail_app.app_context():
        inquiry = new_inquiry()
        db.session.add(inquiry)
        message_id = outbox.enqueue("ann@agency.example", "Lead", "Body", inquiry=inquiry).id
        db.session.commit()
        start = utcnow()

        assert outbox.deliver_due(now=start).retrying == 1
        first = stored(message_id)
        assert first.attempts == 1 and "451 Mailbox busy" in first.last_error
        assert timedelta(seconds=59) < first.next_attempt_at - start < timedelta(seconds=62)
        assert outbox.deliver_due(now=start + timedelta(seconds=30)).attempted == 0

        later = start + timedelta(seconds=61)
        assert outbox.deliver_due(now=later).retrying == 1
        second = stored(message_id)
        assert timedelta(seconds=119) < second.next_attempt_at - later < timedelta(seconds=122)

        report = outbox.deliver_due(now=later + timedelta(seconds=121))
        flagged = stored(message_id)
        assert report.failed == 1 and flagged.failed_at is not None and flagged.attempts == 3
        assert outbox.deliver_due(now=later + timedelta(days=1)).attempted == 0
        assert outbox.counts() == {"pending": 0, "sent": 0, "failed": 1}
        assert "email_failed" in db.session.scalars(db.select(Activity.kind)).all()

        smtp_server.data_reply = ""
        outbox.retry(flagged)
        db.session.commit()
        assert outbox.deliver_due().sent == 1
    assert len(smtp_server.received) == 1


def test_permanent_refusal_is_flagged_at_once_and_the_batch_goes_on(mail_app, smtp_server):
    smtp_server.refuse_recipients["gone@agency.example"] = "550 No such user here"
    with mail_app.app_context():
        [refused] = queue(recipient="gone@agency.example")
        [accepted] = queue(recipient="ann@agency.example")
        report = outbox.deliver_due()
        refused_row, accepted_row = stored(refused), stored(accepted)
    assert (report.sent, report.failed) == (1, 1)
    assert refused_row.failed_at is not None and "550 No such user" in refused_row.last_error
    assert accepted_row.sent_at is not None
    assert [mail.recipients for mail in smtp_server.received] == [("ann@agency.example",)]


def test_a_failing_relay_logs_the_message_and_the_reason_never_the_address(
    mail_app, smtp_server, caplog
):
    """Issue 13, defect 8: giving up or retrying, the relay's log and its command's output (the
    service's log under --watch) name the message and the reason, not the investor."""
    gone, busy = "Aiko.Tanaka@sakura-bio.example", "kenji@sakura-bio.example"
    smtp_server.refuse_recipients[gone] = f"550 5.1.1 <{gone}>: Recipient address rejected"
    smtp_server.refuse_recipients[busy] = f"450 4.2.1 <{busy}>: Mailbox busy, try later"
    with mail_app.app_context():
        [refused] = queue(recipient=gone)
        [delayed] = queue(recipient=busy)
    caplog.set_level(logging.DEBUG, logger="matchmaker")
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert "Sent 0, 1 to retry later, 1 given up." in result.output
    logged = app_log(caplog) + result.output
    assert "sakura-bio" not in logged.lower(), logged
    reason = "550 5.1.1 <address>: Recipient address rejected"
    assert f"gave up on message {refused}: {reason}" in logged
    assert f"#{refused}: 550" in result.output and f"#{delayed}: 450" in result.output
    with mail_app.app_context():
        assert gone in stored(refused).last_error  # staff still see whom it was for


def test_backoff_is_capped(app):
    app.config.update(OUTBOX_BACKOFF_SECONDS=60, OUTBOX_BACKOFF_MAX_SECONDS=3600)
    delays = [outbox.backoff(attempt, app.config).total_seconds() for attempt in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


@BOTH_DATABASES
def test_two_relays_at_once_send_each_of_fifty_messages_once(mail_app, smtp_server, database_url):
    smtp_server.delay = 0.005  # let the relays interleave
    with mail_app.app_context():
        queue(50)
    relays = [create_app({"TESTING": True, "DATABASE_URL": database_url}) for _ in range(2)]
    for relay in relays:
        relay.config.update(smtp_server.config)
    start = threading.Barrier(2)
    reports: list[outbox.DeliveryReport] = []

    def run(relay):
        with relay.app_context():
            start.wait()
            reports.append(outbox.deliver_due())
            db.engine.dispose()

    threads = [threading.Thread(target=run, args=(relay,)) for relay in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    received = smtp_server.received
    assert len(received) == 50
    assert len({mail.message_id for mail in received}) == 50
    assert sum(report.sent for report in reports) == 50
    with mail_app.app_context():
        assert outbox.counts() == {"pending": 0, "sent": 50, "failed": 0}


@BOTH_DATABASES
def test_crash_after_the_server_accepted_resends_once_with_the_same_message_id(
    mail_app, smtp_server, monkeypatch
):
    with mail_app.app_context():
        [message_id] = queue()
        with monkeypatch.context() as patch:
            patch.setattr(outbox_relay, "mark_sent", crash)
            with pytest.raises(SimulatedCrash):
                outbox.deliver_due()
        assert stored(message_id).sent_at is None
        assert outbox.deliver_due().attempted == 0  # the dead relay's lease still holds
        lease_over = utcnow() + timedelta(seconds=mail_app.config["OUTBOX_CLAIM_SECONDS"] + 1)
        assert outbox.deliver_due(now=lease_over).sent == 1
        assert outbox.deliver_due(now=lease_over + timedelta(hours=1)).attempted == 0
        row = stored(message_id)
    assert row.sent_at is not None and row.attempts == 2
    assert [mail.message_id for mail in smtp_server.received] == [row.message_id] * 2


class SimulatedCrash(BaseException):
    """The relay process dying (not an error the relay would catch)."""


def crash(*_args):
    raise SimulatedCrash


def test_relay_signs_in_when_the_server_asks(app):
    server = SMTPServer(credentials=("relay", "s3cret"))
    server.start()
    try:
        app.config.update(server.config, OUTBOX_SEND_AFTER_COMMIT=False)
        with app.app_context():
            queue()
            assert outbox.deliver_due().sent == 1
            queue()
            app.config["SMTP_PASSWORD"] = "wrong"
            report = outbox.deliver_due()
            assert "535" in report.error and outbox.counts()["pending"] == 1
    finally:
        server.stop()
    assert len(server.received) == 1


def test_without_smtp_the_relay_refuses_and_messages_stay(app):
    with app.app_context():
        queue()
        with pytest.raises(outbox.MailNotConfigured):
            outbox.deliver_due()
        assert outbox.counts()["pending"] == 1


# Immediate delivery after a request ---------------------------------------------------------


def test_a_request_that_commits_mail_triggers_a_delivery_in_the_background(mail_app, smtp_server):
    mail_app.config["OUTBOX_SEND_AFTER_COMMIT"] = True
    with mail_app.test_request_context("/"):
        [message_id] = queue()
    [mail] = smtp_server.wait_for(1)
    outbox.kicker(mail_app).join(10)
    with mail_app.app_context():
        assert stored(message_id).sent_at is not None
    assert mail.recipients == ("ann+0@agency.example",)
