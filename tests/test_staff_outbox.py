"""The back office's outbox pages (read mail, retry failed mail) and the admins' routing page."""

import html
import re
from datetime import timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.models import Activity, OutboxMessage, User, utcnow
from matchmaker.services import outbox, routing
from tests.helpers import new_inquiry


def text(response) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(page).split())


def queue(app, subject="New lead", state="pending", **fields) -> int:
    """One message, in the given state; its id."""
    with app.app_context():
        inquiry = new_inquiry()
        db.session.add(inquiry)
        message = outbox.enqueue(
            fields.get("recipient", "ann@agency.example"),
            subject,
            fields.get("text", "Plain body"),
            fields.get("html", "<p>HTML body</p>"),
            inquiry=inquiry,
        )
        if state == "failed":
            message.attempts, message.failed_at = 8, utcnow()
            message.last_error = "550 No such user here"
        elif state == "sent":
            message.attempts, message.sent_at = 1, utcnow()
        db.session.commit()
        return message.id


def stored(app, message_id: int) -> OutboxMessage:
    with app.app_context():
        return db.session.get(OutboxMessage, message_id)


# Outbox -------------------------------------------------------------------------------------


def test_outbox_needs_a_signed_in_staff_member(client):
    response = client.get("/staff/outbox")
    assert response.status_code == 302 and "/staff/login" in response.location


def test_staff_read_waiting_mail_when_no_smtp_server_is_configured(app, staff_client):
    message_id = queue(app, subject="New lead WM-ABC234: Sakura Bio")
    page = text(staff_client.get("/staff/outbox"))
    assert "No SMTP server is configured, so no mail is sent" in page
    assert "Waiting 1" in page and "Failed 0" in page and "Sent 0" in page
    assert "New lead WM-ABC234: Sakura Bio" in page and "ann@agency.example" in page
    assert "Waiting to be sent" in page
    detail = staff_client.get(f"/staff/outbox/{message_id}")
    assert detail.status_code == 200
    shown = text(detail)
    assert "Plain body" in shown and "this message will not be sent" in shown
    assert stored(app, message_id).message_id in shown


def test_each_state_has_its_tab(app, staff_client):
    queue(app, subject="Still waiting")
    queue(app, subject="Gone out", state="sent")
    queue(app, subject="Bounced", state="failed")
    waiting = text(staff_client.get("/staff/outbox"))
    sent = text(staff_client.get("/staff/outbox?state=sent"))
    failed = text(staff_client.get("/staff/outbox?state=failed"))
    assert "Still waiting" in waiting and "Gone out" not in waiting and "Bounced" not in waiting
    assert "Gone out" in sent and "Still waiting" not in sent
    assert "Bounced" in failed and "550 No such user here" in failed
    assert "Given up" in failed and "after 8 attempts" in failed


def test_a_page_beyond_the_last_says_so_rather_than_that_nothing_was_sent(app, staff_client):
    queue(app, subject="Gone out", state="sent")
    page = text(staff_client.get("/staff/outbox?state=sent&page=3"))
    assert "There is no page 3 for these filters." in page
    assert "No message has been sent yet." not in page


def test_a_retry_scheduled_after_a_failure_says_when(app, staff_client):
    message_id = queue(app)
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        message.attempts, message.last_error = 2, "451 Mailbox busy"
        message.next_attempt_at = utcnow() + timedelta(minutes=4)
        db.session.commit()
    page = text(staff_client.get("/staff/outbox"))
    assert "Attempt 2 failed; next try" in page and "451 Mailbox busy" in page


def test_staff_queue_a_failed_message_again(app, staff_client):
    message_id = queue(app, state="failed")
    response = staff_client.post(f"/staff/outbox/{message_id}/retry", follow_redirects=True)
    assert f"Mail #{message_id} is queued again." in text(response)
    message = stored(app, message_id)
    assert message.failed_at is None and message.attempts == 0 and message.sent_at is None
    with app.app_context():
        assert outbox.counts() == {"pending": 1, "sent": 0, "failed": 0}


def test_a_sent_message_cannot_be_retried(app, staff_client):
    message_id = queue(app, state="sent")
    response = staff_client.post(f"/staff/outbox/{message_id}/retry", follow_redirects=True)
    assert "is not a failed message" in text(response)
    assert stored(app, message_id).sent_at is not None


def test_staff_queue_every_failed_message_again(app, staff_client):
    for _ in range(3):
        queue(app, state="failed")
    queue(app, state="sent")
    response = staff_client.post("/staff/outbox/retry-failed", follow_redirects=True)
    assert "3 failed messages are queued again." in text(response)
    with app.app_context():
        assert outbox.counts() == {"pending": 3, "sent": 1, "failed": 0}


def test_mail_content_is_shown_as_text_and_the_html_version_is_sandboxed(app, staff_client):
    message_id = queue(
        app,
        subject='Lead from <script>alert("s")</script>',
        text="<img src=x onerror=alert(1)>",
        html="<p>Dear <b>investor</b></p>",
    )
    detail = staff_client.get(f"/staff/outbox/{message_id}").get_data(as_text=True)
    assert "<script>alert" not in detail and "<img src=x" not in detail
    assert "&lt;img src=x onerror=alert(1)&gt;" in detail
    preview = staff_client.get(f"/staff/outbox/{message_id}/html")
    assert preview.get_data(as_text=True) == "<p>Dear <b>investor</b></p>"
    policy = preview.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy


# Lead routing -------------------------------------------------------------------------------


def test_routing_page_is_for_admins_only(staff_client):
    assert staff_client.get("/staff/admin/routing").status_code == 403
    assert staff_client.post("/staff/admin/routing/1", data={}).status_code == 403


def test_routing_page_explains_the_rules_and_shows_gaps(app, admin_client, make_user):
    app.config["STAFF_INBOX"] = "leads@agency.example"
    make_user("bruno@agency.be", name="Bruno Lambert", sectors=("life-sciences",),
              countries=("JP",))  # fmt: skip
    page = text(admin_client.get("/staff/admin/routing"))
    assert "leads are taken in turn" in page
    assert "its notification goes to the default inbox, leads@agency.example" in page
    assert "Life sciences and health Bruno Lambert (JP)" in page
    assert "Aerospace Nobody: leads go to the default inbox" in page
    assert "Bruno Lambert bruno@agency.be Life sciences and health Japan never" in page


def test_admin_sets_what_a_staff_member_covers_and_new_leads_follow(app, admin_client, make_user):
    eva = make_user("eva@agency.be", name="Eva Dubois", sectors=("energy",))
    form = admin_client.get(f"/staff/admin/routing/{eva.id}")
    ticked = re.findall(r'<input checked id="sectors-\d" [^>]*value="(\w+)"', form.get_data(True))
    assert ticked == ["energy"]
    response = admin_client.post(
        f"/staff/admin/routing/{eva.id}",
        data={"sectors": ["aerospace", "digital"], "countries": "jp, kr"},
        follow_redirects=True,
    )
    assert "What Eva Dubois covers is saved." in text(response)
    with app.app_context():
        user = db.session.get(User, eva.id)
        assert user.sectors == ("aerospace", "digital") and user.countries == ("JP", "KR")
        change = db.session.scalar(db.select(Activity).where(Activity.kind == "coverage_changed"))
        assert change.detail["after"] == {"sectors": ["aerospace", "digital"],
                                          "countries": ["JP", "KR"]}  # fmt: skip
        assert change.user.email == "admin@agency.be"
        inquiry = new_inquiry(sectors=("aerospace",), country="KR")
        db.session.add(inquiry)
        assert routing.route(inquiry).email == "eva@agency.be"


@pytest.mark.parametrize("countries", ["XX", "JP, Japan"])
def test_unknown_country_codes_are_refused_with_a_clear_message(admin_client, make_user, countries):
    eva = make_user("eva@agency.be", name="Eva Dubois", sectors=("energy",))
    response = admin_client.post(
        f"/staff/admin/routing/{eva.id}", data={"sectors": ["energy"], "countries": countries}
    )
    assert response.status_code == 422
    assert "Unknown country codes" in text(response) and 'href="#countries"' in (
        response.get_data(as_text=True)
    )


def test_saving_unchanged_coverage_says_so(admin_client, make_user):
    eva = make_user("eva@agency.be", name="Eva Dubois", sectors=("energy",))
    response = admin_client.post(
        f"/staff/admin/routing/{eva.id}", data={"sectors": ["energy"], "countries": ""},
        follow_redirects=True,
    )  # fmt: skip
    assert "Nothing changed for Eva Dubois." in text(response)
