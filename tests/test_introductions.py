"""Introductions as records: staff propose, the organization's contact accepts or declines from
a signed link, the investor picks a meeting time; reminders and expiry; refused links."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    Contact,
    Inquiry,
    Introduction,
    OutboxMessage,
    utcnow,
)
from matchmaker.services import contacts, signed_links
from matchmaker.services.leads import introductions
from tests import factories
from tests.helpers import BOTH_DATABASES, login, text


@dataclass
class Lead:
    id: int
    matches: list[int]
    orgs: list[str]
    org_ids: list[int]


@pytest.fixture
def lead(seeded, make_user) -> Lead:
    """A lead assigned to Ann with three matches: the first organization has a French-speaking
    contact person, the other two no contact at all."""
    ann = make_user("ann@agency.be", name="Ann Peeters")
    with seeded.app_context():
        orgs = factories.organizations(3)
        for org in orgs:
            org.contact_email = ""
        contacts.add_contact(orgs[0], None, "Claire Dubois", "Business development",
                             "claire@first.example", "fr")  # fmt: skip
        inquiry = factories.add_inquiry(share_consent=True, assignee_id=ann.id,
                                        scores=(0.8, 0.6, 0.4), match_orgs=orgs)  # fmt: skip
        inquiry.matches[0].explanation = {"terms": ["vectors"], "sectors": ["life-sciences"],
                                          "offers": []}  # fmt: skip
        db.session.commit()
        return Lead(inquiry.id, [m.id for m in inquiry.matches], [o.name for o in orgs],
                    [o.id for o in orgs])  # fmt: skip


@pytest.fixture
def ann(client, lead):
    login(client, "ann@agency.be")
    return client


def version(app, lead) -> int:
    with app.app_context():
        return db.session.get(Inquiry, lead.id).version


def introduce(client, app, lead, matches, message=""):
    return client.post(f"/staff/leads/{lead.id}/introduce",
                       data={"version": version(app, lead), "matches": matches,
                             "message": message})  # fmt: skip


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def the_introductions(app, lead) -> list[Introduction]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Introduction).where(Introduction.inquiry_id == lead.id)
            .order_by(Introduction.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def kinds(app, lead) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(Activity.kind).where(Activity.inquiry_id == lead.id).order_by(Activity.id)
        ))  # fmt: skip


def link(message: OutboxMessage, kind: str) -> str:
    found = re.search(rf"https?://\S+(/introductions/{kind}/[\w.\-]+)", message.body_text)
    assert found, message.body_text
    return found.group(1)


def test_staff_introduce_an_organization_with_a_contact_and_one_without(app, ann, lead):
    app.config["BASE_URL"] = "https://matchmaker.example.be"
    response = introduce(ann, app, lead, lead.matches[:2], message="They make vectors")
    page = ann.get(response.headers["Location"]).text
    assert f"Introduction sent to {lead.orgs[0]}: they can accept or decline it." in page
    assert f"No contact yet at {lead.orgs[1]}: the introduction waits" in page

    [request] = outbox(app)  # the investor is told nothing yet, and nothing goes to staff
    assert request.recipient == "claire@first.example"
    assert request.subject.startswith("Demande de mise en relation")
    assert "Bonjour Claire Dubois" in request.body_text or "Claire Dubois" in request.body_text
    assert "They make vectors" in request.body_text
    assert "aiko@example.jp" not in request.body_text  # contact details only after acceptance
    assert "https://matchmaker.example.be/introductions/answer/" in request.body_text

    sent, waiting = the_introductions(app, lead)
    assert (sent.state, waiting.state) == ("sent", "needs_contact")
    assert sent.expires_at - sent.sent_at == timedelta(days=14)
    assert "introduction_sent" in kinds(app, lead)
    home = ann.get("/staff/").text
    assert "Introductions waiting for a contact" in home and lead.orgs[1] in home


def test_consent_refusal_still_blocks(app, ann, lead):
    with app.app_context():
        db.session.get(Inquiry, lead.id).share_consent = False
        db.session.commit()
    introduce(ann, app, lead, lead.matches[:1])
    assert the_introductions(app, lead) == [] and outbox(app) == []


@BOTH_DATABASES
def test_the_organization_accepts_with_slots_and_the_investor_picks_one(app, ann, lead, client):
    introduce(ann, app, lead, lead.matches[:1])
    answer = link(outbox(app)[0], "answer")
    page = client.get(answer)
    assert page.status_code == 200
    assert "Sakura Bio Partners" in page.text and "aiko@example.jp" not in page.text
    assert "Pourquoi nous pensons" in page.text  # the contact's language
    brussels = (utcnow() + timedelta(days=5)).astimezone(ZoneInfo("Europe/Brussels"))
    slot = brussels.strftime("%Y-%m-%dT10:00")
    later = (brussels + timedelta(days=1)).strftime("%Y-%m-%dT14:30")
    response = client.post(answer + "/accept", data={"message": "Happy to talk <soon>",
                                                      "slot_1": slot, "slot_2": later})  # fmt: skip
    assert response.status_code == 303
    [intro] = the_introductions(app, lead)
    assert intro.state == "accepted" and len(intro.slots) == 2
    _, to_investor, to_org, to_staff = outbox(app)
    assert to_investor.recipient == "aiko@example.jp"
    assert to_investor.reply_to == "claire@first.example"
    assert "claire@first.example" in to_investor.body_text
    assert "Happy to talk <soon>" in to_investor.body_text
    assert "Happy to talk &lt;soon&gt;" in to_investor.body_html
    assert to_org.recipient == "claire@first.example" and to_org.reply_to == "aiko@example.jp"
    assert "aiko@example.jp" in to_org.body_text
    assert to_staff.recipient == "ann@agency.be"
    assert "accepted the introduction" in to_staff.subject

    # The answer link is used up: replaying it changes nothing.
    assert client.post(answer + "/decline", data={"reason": "other"}).status_code == 409
    assert the_introductions(app, lead)[0].state == "accepted"

    meeting = link(to_investor, "meeting")
    page = client.get(meeting).text
    assert "10:00" in page and "14:30" in page
    first = intro.slot_times[0].isoformat()
    assert client.post(meeting, data={"slot": first}).status_code == 303
    invitations = outbox(app)[4:]
    assert {m.recipient for m in invitations} == {"aiko@example.jp", "claire@first.example"}
    assert all("BEGIN:VEVENT" in m.calendar and "METHOD:REQUEST" in m.calendar
               for m in invitations)  # fmt: skip
    assert client.post(meeting, data={"slot": first}).status_code == 409  # used
    assert "meeting_chosen" in kinds(app, lead)
    trail = ann.get(f"/staff/leads/{lead.id}").text
    assert f"{lead.orgs[0]} accepted the introduction and proposed 2 meeting times." in trail
    assert f"The investor chose a meeting time with {lead.orgs[0]}." in trail

    with app.app_context():
        reference = db.session.get(Inquiry, lead.id).reference
    result = client.get(f"/inquiry/{reference}").text
    assert f"{lead.orgs[0]} agreed to meet you and received your contact details" in result
    assert "Meeting on" in result and "Ann Peeters" in result


def test_times_are_read_and_shown_in_the_configured_zone(app, ann, lead, client):
    app.config["TIMEZONE"] = "America/New_York"
    introduce(ann, app, lead, lead.matches[:1])
    answer = link(outbox(app)[0], "answer")
    assert "(facultatif, heure de New York)" in text(client.get(answer))  # their language
    day = (utcnow() + timedelta(days=5)).astimezone(ZoneInfo("America/New_York")).date()
    client.post(answer + "/accept", data={"slot_1": f"{day}T10:00"})
    [intro] = the_introductions(app, lead)
    assert intro.slot_times[0].astimezone(ZoneInfo("America/New_York")).hour == 10
    to_investor = outbox(app)[1]
    assert ", 10:00 (New York time)" in to_investor.body_text
    assert "Brussels" not in to_investor.body_text + to_investor.body_html
    page = text(client.get(link(to_investor, "meeting")))
    assert "proposed these times (New York time)" in page and ", 10:00" in page


def test_the_organization_declines_with_a_reason(app, ann, lead, client):
    introduce(ann, app, lead, lead.matches[:1])
    answer = link(outbox(app)[0], "answer")
    response = client.post(answer + "/decline", data={"reason": "no_capacity",
                                                       "text": "Full until spring"})  # fmt: skip
    assert response.status_code == 303
    [intro] = the_introductions(app, lead)
    assert (intro.state, intro.decline_reason) == ("declined", "no_capacity")
    [_, to_staff] = outbox(app)  # the investor gets no details and no mail
    assert to_staff.recipient == "ann@agency.be"
    assert "No capacity at the moment" in to_staff.body_text
    assert client.get(answer).status_code == 409
    with app.app_context():
        reference = db.session.get(Inquiry, lead.id).reference
    result = client.get(f"/inquiry/{reference}").text
    assert "will not follow up this time" in result
    assert "received your contact details" not in result


def test_a_reminder_before_expiry_then_the_introduction_expires(app, ann, lead, client, runner):
    introduce(ann, app, lead, lead.matches[:1])
    answer = link(outbox(app)[0], "answer")
    with app.app_context():
        intro = db.session.scalar(sa.select(Introduction))
        sent_at = intro.sent_at
        report = introductions.sweep(now=sent_at + timedelta(days=12))
        assert (report.reminded, report.expired) == (1, 0)
        assert introductions.sweep(now=sent_at + timedelta(days=13)).reminded == 0  # once
        db.session.commit()
    reminder = outbox(app)[-1]
    assert reminder.subject.startswith("Rappel")
    reminded = link(reminder, "answer")
    assert client.get(reminded).status_code == 200  # a fresh link to the same answer
    with app.app_context():
        report = introductions.sweep(now=sent_at + timedelta(days=14, minutes=1))
        db.session.commit()
    assert report.expired == 1
    assert the_introductions(app, lead)[0].state == "expired"
    assert "expired" in outbox(app)[-1].subject
    assert client.post(answer + "/accept", data={}).status_code == 410
    assert client.post(reminded + "/accept", data={}).status_code == 410
    assert the_introductions(app, lead)[0].state == "expired"
    result = runner.invoke(args=["reminders", "send"])
    assert "Introductions: 0 reminded, 0 expired." in result.output


def test_an_expired_link_changes_nothing_even_before_the_sweep(app, ann, lead, client, caplog):
    introduce(ann, app, lead, lead.matches[:1])
    answer = link(outbox(app)[0], "answer")
    with app.app_context():
        db.session.scalar(sa.select(Introduction)).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    with caplog.at_level(logging.WARNING):
        response = client.post(answer + "/accept", data={"message": "hi"})
    assert response.status_code == 410 and "Il a expiré" in response.text  # their language
    assert the_introductions(app, lead)[0].state == "sent"
    assert "introduction link refused: expired" in caplog.text


def test_forged_and_tampered_links_change_nothing_and_are_logged(app, ann, lead, client, caplog):
    introduce(ann, app, lead, lead.matches[:1])
    answer = link(outbox(app)[0], "answer")
    with app.app_context():
        intro = db.session.scalar(sa.select(Introduction))
        forged = signed_links.make_token(introductions.ANSWER, intro.id, "guess")
        meeting_purpose = introductions.link_token(intro, introductions.MEETING)
    with caplog.at_level(logging.WARNING):
        for path in (answer[:-3] + "abc", f"/introductions/answer/{forged}",
                     f"/introductions/answer/{meeting_purpose}"):  # fmt: skip
            response = client.post(path + "/accept", data={"message": "x"})
            assert response.status_code == 404, path
            assert "It is not valid" in response.text
    assert caplog.text.count("introduction link refused: tampered") == 3
    assert the_introductions(app, lead)[0].state == "sent"
    assert len(outbox(app)) == 1


def test_a_waiting_introduction_is_sent_once_a_contact_is_added(app, ann, lead):
    introduce(ann, app, lead, lead.matches[1:2])
    [waiting] = the_introductions(app, lead)
    page = ann.get(f"/staff/leads/{lead.id}").text
    assert f"Add a contact to {lead.orgs[1]}" in page
    response = ann.post(f"/staff/organizations/{lead.org_ids[1]}/contacts",
                        data={"name": "Jan Peeters", "role": "CEO",
                              "email": "jan@second.example", "lang": "en"})  # fmt: skip
    assert response.status_code == 302
    response = ann.post(f"/staff/leads/{lead.id}/introductions/send",
                        data={"version": version(app, lead), "introduction": waiting.id})
    page = ann.get(response.headers["Location"]).text
    assert f"Introduction sent to {lead.orgs[1]} (jan@second.example)." in page
    assert the_introductions(app, lead)[0].state == "sent"
    assert outbox(app)[-1].recipient == "jan@second.example"


# Contacts -----------------------------------------------------------------------------------


def test_any_staff_member_keeps_contacts_on_the_organizations_history(app, ann, lead):
    org_id = lead.org_ids[2]
    base = f"/staff/organizations/{org_id}/contacts"
    bad = ann.post(base, data={"name": "X", "email": "a@b.example, c@d.example", "lang": "en"})
    assert bad.status_code == 422 and "Give one email address." in bad.text
    ann.post(base, data={"name": "Marie Lambert", "role": "CTO", "email": "marie@third.example",
                         "lang": "fr"})  # fmt: skip
    with app.app_context():
        contact = db.session.scalar(sa.select(Contact).where(Contact.organization_id == org_id))
        contact_id = contact.id
    ann.post(f"{base}/{contact_id}", data={f"c{contact_id}-name": "Marie Lambert",
                                           f"c{contact_id}-role": "CEO",
                                           f"c{contact_id}-email": "marie@third.example",
                                           f"c{contact_id}-lang": "fr"})  # fmt: skip
    page = ann.get(f"/staff/organizations/{org_id}").text
    assert "Ann Peeters added the contact Marie Lambert (marie@third.example)." in page
    assert "Ann Peeters changed the contact Marie Lambert:" in page and "role: CTO → CEO" in page
    ann.post(f"{base}/{contact_id}/remove")
    page = ann.get(f"/staff/organizations/{org_id}").text
    assert "Ann Peeters removed the contact Marie Lambert" in page


def test_the_directory_filter_no_contact_yet(app, ann, lead):
    missing = ann.get("/staff/organizations?missing=y").text
    assert lead.orgs[0] not in missing and lead.orgs[1] in missing
    assert lead.orgs[0] in ann.get("/staff/organizations").text


def test_shipped_organizations_have_no_contacts(seeded):
    with seeded.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0
