"""Mail about a new lead: the staff notification, the investor's confirmation, and the whole
path from the public form to real mailboxes."""

import re

import pytest

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Match, Organization, OutboxMessage
from matchmaker.services import mail, outbox, routing
from matchmaker.services.leads.detail import top_matches
from tests.helpers import new_inquiry, submit

BASE_URL = "https://matchmaker.example.be"


@pytest.fixture
def mail_settings(app):
    app.config.update(BASE_URL=BASE_URL + "/", STAFF_INBOX="leads@agency.example")
    return app


def notify(
    inquiry: Inquiry, ranked: list[tuple[str, float, dict]] = ()
) -> dict[str, OutboxMessage]:
    """Save the inquiry with matches to the named organizations, route, notify, commit; the messages
    by recipient."""
    db.session.add(inquiry)
    for rank, (name, score, explanation) in enumerate(ranked, start=1):
        organization = Organization(
            slug=name.lower().replace(" ", "-"), name=name, kind="cdmo", province="Liège",
            city="Seraing", sectors=("life-sciences",),
        )  # fmt: skip
        inquiry.matches.append(
            Match(organization=organization, rank=rank, score=score, explanation=explanation)
        )
    mail.send_new_lead_mails(inquiry, routing.route(inquiry))
    db.session.commit()
    messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return {message.recipient: message for message in messages}


CELL_THERAPY = {"terms": ["cell therapy", "gmp"], "sectors": ["life-sciences"],
                "offers": ["contract-manufacturing"]}  # fmt: skip


def test_staff_notification_says_who_what_the_matches_and_links_to_the_lead(
    mail_settings, make_user
):
    make_user("bio@agency.be", name="Bruno Lambert", sectors=("life-sciences",))
    with mail_settings.app_context():
        inquiry = new_inquiry(role="Investment director", budget="5m-20m")
        sent = notify(inquiry, [("Vector Works", 0.8312, CELL_THERAPY),
                                ("Meuse Bio", 0.4, {"terms": ["viral vectors"]})])  # fmt: skip
        staff = sent["bio@agency.be"]
        lead = f"{BASE_URL}/staff/leads/{inquiry.id}"
        assert staff.subject == f"New lead {inquiry.code}: Sakura Bio Partners (JP)"
        assert staff.inquiry_id == inquiry.id
    text = staff.body_text
    for expected in (
        "Assigned to Bruno Lambert",
        lead,
        "Name: Aiko Tanaka",
        "Organization: Sakura Bio Partners",
        "Role: Investment director",
        "Country: Japan",
        "Email: aiko@example.jp",
        "Type: Venture capital or private equity fund",
        "Sectors: Life sciences and health",
        "Budget: €5 to 20 million",
        "Cell and gene therapy manufacturing capacity in Europe.",
        "1. Vector Works (score 0.83)",
        "Profile mentions: cell therapy, gmp",
        "Sectors in common: Life sciences and health",
        "Offers what is sought: Contract manufacturing",
        "2. Meuse Bio (score 0.40)",
    ):
        assert expected in text, expected
    assert f'href="{lead}"' in staff.body_html
    assert "Vector Works" in staff.body_html and "Profile mentions: cell therapy" in staff.body_html


def test_investor_gets_a_confirmation_in_their_language(mail_settings):
    with mail_settings.app_context():
        french = notify(new_inquiry(lang="fr", email="claire@example.fr", name="Claire Martin"),
                        [("Vector Works", 0.8, CELL_THERAPY)])["claire@example.fr"]  # fmt: skip
        code = db.session.scalar(db.select(Inquiry.code))
    assert french.subject == f"Votre demande {code} à Walloon Matchmaker"
    assert "Claire Martin" in french.body_text
    assert f"Votre référence est {code}." in french.body_text
    assert "1. Vector Works, Seraing" in french.body_text
    assert 'lang="fr"' in french.body_html and "Votre référence est" in french.body_html


def test_english_confirmation_links_to_the_result_page(mail_settings):
    with mail_settings.app_context():
        inquiry = new_inquiry()
        confirmation = notify(inquiry, [("Vector Works", 0.8, CELL_THERAPY)])["aiko@example.jp"]
        result_page = f"{BASE_URL}/inquiry/{inquiry.reference}"
    assert confirmation.subject.startswith("Your inquiry WM-")
    assert "Dear Aiko Tanaka," in confirmation.body_text
    assert (
        result_page in confirmation.body_text and f'href="{result_page}"' in confirmation.body_html
    )


def test_a_lead_nobody_covers_goes_to_the_default_inbox(mail_settings, make_user):
    make_user("energy@agency.be", sectors=("energy",))
    with mail_settings.app_context():
        sent = notify(new_inquiry(sectors=("aerospace",)))
    assert set(sent) == {"leads@agency.example", "aiko@example.jp"}
    assert "Nobody covers these sectors" in sent["leads@agency.example"].body_text


def test_when_ranking_failed_both_messages_still_go_and_say_so(mail_settings):
    with mail_settings.app_context():
        sent = notify(new_inquiry(needs_ranking=True))
    assert "Ranking failed" in sent["leads@agency.example"].body_text
    assert "Ranking failed" in sent["leads@agency.example"].body_html
    assert "still preparing your list" in sent["aiko@example.jp"].body_text


def test_investor_text_is_escaped_in_html_mail_and_kept_out_of_headers(mail_settings):
    with mail_settings.app_context():
        sent = notify(new_inquiry(
            name='<script>alert("x")</script>',
            organization="Evil Corp\r\nBcc: victim@example.com",
            interests="<img src=x onerror=alert(1)>",
        ))  # fmt: skip
    staff, investor = sent["leads@agency.example"], sent["aiko@example.jp"]
    for html in (staff.body_html, investor.body_html):
        assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in staff.body_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in staff.body_html
    assert "\r" not in staff.subject and "\n" not in staff.subject
    assert "Evil Corp Bcc: victim@example.com" in staff.subject


# From the public form to the mailboxes -----------------------------------------------------


@pytest.mark.usefixtures("seeded")
def test_submitted_inquiry_reaches_the_covering_staff_and_the_investor(
    mail_app, smtp_server, client, make_user
):
    make_user("bio@agency.be", name="Bruno Lambert", sectors=("life-sciences",))
    make_user("energy@agency.be", sectors=("energy",))
    assert submit(client).status_code == 303
    with mail_app.app_context():
        inquiry = db.session.scalar(db.select(Inquiry))
        best = top_matches(inquiry, mail.MAIL_MATCHES)[0].organization.name
        code, lead = inquiry.code, f"/staff/leads/{inquiry.id}"
        assert outbox.deliver_due().sent == 2
    staff = smtp_server.messages_to("bio@agency.be")
    investor = smtp_server.messages_to("aiko@example.jp")
    assert len(staff) == 1 and len(investor) == 1 and len(smtp_server.received) == 2
    assert staff[0].message["Subject"] == f"New lead {code}: Sakura Bio Partners (JP)"
    assert re.search(rf"1\. {re.escape(best)} \((Strong|Possible|Weak) match, score \d\.\d\d\)",
                     staff[0].body())  # fmt: skip
    assert lead in staff[0].body("html")
    assert investor[0].message["Subject"] == f"Your inquiry {code} to Walloon Matchmaker"
    assert best in investor[0].body()


@pytest.mark.usefixtures("seeded")
def test_with_the_server_down_the_inquiry_is_saved_and_its_mail_waits(
    mail_app, smtp_server, client
):
    smtp_server.stop()
    mail_app.config["OUTBOX_SEND_AFTER_COMMIT"] = True  # the background attempt fails quietly
    assert submit(client).status_code == 303
    outbox.kicker(mail_app).join(10)
    with mail_app.app_context():
        assert db.session.scalar(db.select(Inquiry.code))
        assert outbox.counts() == {"pending": 2, "sent": 0, "failed": 0}
        smtp_server.start()
        assert outbox.deliver_due().sent == 2
        assert outbox.deliver_due().attempted == 0
    assert len(smtp_server.received) == 2
