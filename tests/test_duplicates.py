"""Possible duplicates: flagged with every reason that holds on the lead page, the lead list and
the new lead's trail and notification; free-mail domains and other companies are not."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, ActivityKind, Inquiry, OutboxMessage, utcnow
from tests import factories
from tests.helpers import BOTH_DATABASES, submit, text

SAME_EMAIL = "same e-mail"
SAME_COMPANY = "same company domain and similar company name"
SAME_PERSON = "similar name, same country"


def flag(code: str, *reasons: str) -> str:
    return f"Possible duplicate of {code} ({'; '.join(reasons)})"


def add(app, **fields) -> str:
    """A saved lead received a day ago; its code."""
    with app.app_context():
        inquiry = factories.add_inquiry(created_at=utcnow() - timedelta(days=1), **fields)
        db.session.commit()
        return inquiry.code


def lead_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Inquiry.id).where(Inquiry.code == code))


def duplicates_section(staff_client, app, code: str) -> str:
    page = staff_client.get(f"/staff/leads/{lead_id(app, code)}")
    assert page.status_code == 200
    html = page.text
    return text(html[html.index('id="duplicates"'):html.index('id="trail"')])


HELIX = dict(name="Kenji Sato", email="kenji.sato@helixbridge.example",
             organization="Helix Bridge Capital", country="JP")  # fmt: skip


@BOTH_DATABASES
def test_the_same_investor_writing_again_is_flagged_with_every_reason(app, staff_client):
    """The issue's example: other capitals in the address, "LLC" after the company's name."""
    first = add(app, **HELIX)
    again = add(app, name="KENJI SATO", email="Kenji.Sato@HelixBridge.example",
                organization="Helix Bridge Capital LLC", country="JP")  # fmt: skip
    expected = flag(first, SAME_EMAIL, SAME_COMPANY, SAME_PERSON)
    assert expected in duplicates_section(staff_client, app, again)
    assert flag(again, SAME_EMAIL, SAME_COMPANY, SAME_PERSON) in duplicates_section(
        staff_client, app, first)


@BOTH_DATABASES
def test_an_address_differing_only_by_accents_and_case_is_the_same_email(app, staff_client):
    first = add(app, name="Zoé Lefèvre", email="zoé.lefèvre@gmail.com", organization="Atelier Z",
                country="FR")  # fmt: skip
    again = add(app, name="Zoe", email="ZOE.LEFEVRE@GMAIL.COM", organization="Other Studio",
                country="BE")  # fmt: skip
    assert flag(first, SAME_EMAIL) in duplicates_section(staff_client, app, again)


@BOTH_DATABASES
def test_a_colleague_from_the_same_company_is_flagged_by_domain_and_company(app, staff_client):
    first = add(app, **HELIX)
    colleague = add(app, name="Mei Watanabe", email="mei@helixbridge.example",
                    organization="Helix Bridge Capital, Inc.", country="SG")  # fmt: skip
    assert flag(first, SAME_COMPANY) in duplicates_section(staff_client, app, colleague)


@BOTH_DATABASES
def test_the_same_person_from_another_address_is_flagged_by_name_and_country(app, staff_client):
    first = add(app, **HELIX)
    again = add(app, name="Satō Kenji", email="ksato@yahoo.co.jp", organization="",
                country="JP")  # fmt: skip
    assert flag(first, SAME_PERSON) in duplicates_section(staff_client, app, again)


def test_a_shared_free_mail_domain_alone_is_no_duplicate(app, staff_client):
    add(app, name="Ana Souza", email="ana.souza@gmail.com", organization="Sakura Bio Partners",
        country="BR")  # fmt: skip
    other = add(app, name="Kenji Sato", email="kenji.sato@gmail.com",
                organization="Sakura Bio Partners", country="JP")  # fmt: skip
    section = duplicates_section(staff_client, app, other)
    assert "Possible duplicate of" not in section
    assert "No other lead seems to come from the same investor." in section


def test_another_company_on_the_same_domain_is_no_duplicate(app, staff_client):
    add(app, **HELIX)
    other = add(app, name="Mei Watanabe", email="mei@helixbridge.example",
                organization="Helix Bridge Ventures", country="SG")  # fmt: skip
    assert "Possible duplicate of" not in duplicates_section(staff_client, app, other)


def test_the_same_name_in_another_country_or_a_lone_first_name_is_no_duplicate(app, staff_client):
    add(app, **HELIX)
    add(app, name="Kenji", email="kenji@other.example", organization="Other", country="JP")
    other = add(app, name="Kenji Sato", email="k.sato@another.example", organization="Kumo",
                country="US")  # fmt: skip
    assert "Possible duplicate of" not in duplicates_section(staff_client, app, other)


def test_the_lead_list_shows_the_flag_with_its_reason(app, staff_client):
    first = add(app, **HELIX)
    again = add(app, name="Kenji Sato", email="KENJI.SATO@helixbridge.example",
                organization="Kumo Labs", country="US")  # fmt: skip
    lone = add(app, name="Bruno Costa", email="bruno@aero.pt", organization="Lisbon Aero",
               country="PT")  # fmt: skip
    page = text(staff_client.get("/staff/leads"))
    assert flag(first, SAME_EMAIL) in page and flag(again, SAME_EMAIL) in page
    row = page[page.index(lone):]
    assert "Possible duplicate of" not in row[: row.index("Lisbon Aero")]


@pytest.fixture
def seeded_staff(seeded, staff_client):
    return staff_client


@BOTH_DATABASES
def test_a_submission_is_checked_on_arrival_trail_and_notification(app, seeded_staff):
    first = add(app, **HELIX)
    response = submit(seeded_staff, name="Kenji Sato", email="Kenji.Sato@HelixBridge.example",
                      organization="Helix Bridge Capital LLC", country="JP")  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        new = db.session.scalars(sa.select(Inquiry).order_by(Inquiry.id.desc())).first()
        entry = db.session.scalar(sa.select(Activity).where(
            Activity.inquiry_id == new.id, Activity.kind == ActivityKind.DUPLICATE_SUSPECTED))
        assert entry.detail["leads"] == [{
            "id": lead_id(app, first), "code": first,
            "reasons": ["same_email", "same_company", "same_person"]}]  # fmt: skip
        notification = db.session.scalar(sa.select(OutboxMessage).where(
            OutboxMessage.inquiry_id == new.id, OutboxMessage.subject.contains("New lead")))
        new_id, new_code = new.id, new.code
    expected = flag(first, SAME_EMAIL, SAME_COMPANY, SAME_PERSON)
    assert expected in notification.body_text and expected in text(notification.body_html)
    trail = text(seeded_staff.get(f"/staff/leads/{new_id}"))
    assert f"On arrival: {expected}" in trail
    assert flag(new_code, SAME_EMAIL, SAME_COMPANY, SAME_PERSON) in duplicates_section(
        seeded_staff, app, first)


def test_a_submission_without_duplicates_records_none(app, seeded_staff):
    submit(seeded_staff)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
            Activity.kind == ActivityKind.DUPLICATE_SUSPECTED)) == 0  # fmt: skip
