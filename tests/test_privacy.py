"""GDPR tools: export and erasure of an address, the retention purge, the versioned notice."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    Inquiry,
    NextStep,
    OutboxMessage,
    SavedFilter,
    User,
    utcnow,
)
from matchmaker.services import privacy
from tests import factories
from tests.helpers import BOTH_DATABASES, submit

ADDRESS = "aiko.tanaka@sakura-bio.example"


def admin_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == "admin@agency.be"))


@pytest.fixture
def held(seeded, make_user):
    """Two inquiries from ADDRESS (one typed in capitals) with matches, notes and mail; another
    person's inquiry whose note quotes ADDRESS; a message elsewhere that quotes it."""
    staff = make_user("ann@agency.be", name="Ann Staff")
    with seeded.app_context():
        orgs = factories.organizations(3)
        first = factories.add_inquiry(email=ADDRESS, scores=(0.5, 0.2), match_orgs=orgs[:2])
        second = factories.add_inquiry(email=ADDRESS.upper(), name="Aiko T.", scores=(0.4,),
                                       match_orgs=orgs[2:])  # fmt: skip
        other = factories.add_inquiry(email="someone@else.example", name="Someone Else")
        factories.add_staff_action(first, staff.id, timedelta(hours=2), text="Called her.")
        factories.add_staff_action(other, staff.id, timedelta(hours=1),
                                   text=f"Same fund as {ADDRESS}, check.")  # fmt: skip
        factories.add_outbox_message(first, ADDRESS, "Your inquiry is registered.")
        factories.add_outbox_message(second, "ann@agency.be", f"New lead from {ADDRESS}")
        factories.add_outbox_message(None, "boss@agency.be", f"FYI: {ADDRESS.title()} called")
        factories.add_outbox_message(other, "someone@else.example", "Your inquiry is registered.")
        db.session.commit()
        return {"first": first.code, "second": second.code, "other": other.id}


def every_value(app) -> list[tuple[str, str, str]]:
    """(table, column, value as lower-case text) for every column of every row of every table."""
    found = []
    with app.app_context():
        metadata = sa.MetaData()
        metadata.reflect(db.engine)
        with db.engine.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(sa.select(table)).mappings():
                    for column, value in row.items():
                        found.append((table.name, column, str(value).lower()))
    return found


def traces(app, address: str) -> list[tuple[str, str]]:
    return [(table, column) for table, column, value in every_value(app) if address in value]


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        metadata = sa.MetaData()
        metadata.reflect(db.engine)
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in metadata.sorted_tables
        }


# Access and erasure from the back office ---------------------------------------------------


def test_staff_members_cannot_use_the_privacy_tools(staff_client):
    assert staff_client.get("/staff/admin/privacy").status_code == 403
    assert staff_client.post("/staff/admin/privacy/export",
                             data={"email": ADDRESS}).status_code == 403  # fmt: skip


def test_lookup_shows_what_is_held(admin_client, held):
    page = admin_client.post("/staff/admin/privacy", data={"email": f" {ADDRESS.upper()} "})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 inquiries" in text and held["first"] in text and held["second"] in text
    assert "3 messages in the outbox" in text


def test_export_has_everything_about_the_address_and_is_audited(app, admin_client, held):
    response = admin_client.post("/staff/admin/privacy/export", data={"email": ADDRESS})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=personal-data")
    data = json.loads(response.get_data(as_text=True))
    assert [inquiry["code"] for inquiry in data["inquiries"]] == [held["first"], held["second"]]
    first = data["inquiries"][0]
    assert [match["rank"] for match in first["matches"]] == [1, 2]
    assert first["consent"]["privacy_notice_version"] == "2026-01"
    assert "Called her." in [entry["detail"].get("text") for entry in first["activity"]]
    assert sorted(message["to"] for message in data["messages"]) == sorted(
        [ADDRESS, "ann@agency.be", "boss@agency.be"])  # fmt: skip
    assert [entry["detail"]["text"] for entry in data["activity_elsewhere"]] == [
        f"Same fund as {ADDRESS}, check."]  # fmt: skip
    with app.app_context():
        audit = db.session.scalars(
            sa.select(Activity).where(Activity.kind == "personal_data_exported")).all()  # fmt: skip
        assert {entry.user_id for entry in audit} == {admin_id(app)}
        assert len(audit) == 3  # the request, and one on each inquiry's trail
    log = admin_client.get("/staff/admin/privacy").get_data(as_text=True)
    assert "Export" in log and held["first"] in log


@BOTH_DATABASES
def test_erasure_leaves_no_trace_of_the_address_in_any_table(app, admin_client, held):
    assert len(traces(app, ADDRESS)) > 5
    response = admin_client.post(
        "/staff/admin/privacy/erase", data={"email": ADDRESS, "confirm": "y"}, follow_redirects=True
    )
    assert "Erased: 2 inquiries" in response.get_data(as_text=True)

    assert traces(app, ADDRESS) == []
    with app.app_context():
        assert db.session.scalars(sa.select(Inquiry.id)).all() == [held["other"]]
        note = db.session.scalar(sa.select(Activity).where(Activity.inquiry_id == held["other"],
                                                           Activity.kind == "note"))  # fmt: skip
        assert note.detail["text"] == "Same fund as [erased], check."
        record = db.session.scalar(
            sa.select(Activity).where(Activity.kind == "personal_data_erased")
        )
        assert record.user_id == admin_id(app) and record.inquiry_id is None
        assert record.detail["inquiries"] == 2
        assert sorted(record.detail["codes"]) == sorted([held["first"], held["second"]])
        # The other person's inquiry and mail are untouched.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)
                                 .where(Activity.inquiry_id == held["other"])) == 2  # fmt: skip
    assert "someone@else.example" in {value for _, _, value in every_value(app)}


def test_erasure_needs_the_confirmation(app, admin_client, held):
    before = row_counts(app)
    response = admin_client.post("/staff/admin/privacy/erase", data={"email": ADDRESS})
    assert response.status_code == 422
    assert "Confirm that you checked the request" in response.get_data(as_text=True)
    assert row_counts(app) == before


# Retention ---------------------------------------------------------------------------------


@pytest.fixture
def aged(seeded, make_user):
    """Leads received 40, 37 and 1.5 months ago; the 40-month-old one worked on last week."""
    staff = make_user("ann@agency.be")
    now = utcnow()
    with seeded.app_context():
        orgs = factories.organizations(1)
        ancient = factories.add_inquiry(created_at=now - timedelta(days=1220), email="a@x.example",
                                        scores=(0.3,), match_orgs=orgs)  # fmt: skip
        old = factories.add_inquiry(created_at=now - timedelta(days=1130), email="b@x.example",
                                    scores=(0.3,), match_orgs=orgs)  # fmt: skip
        factories.add_outbox_message(old, "b@x.example", "Registered.")
        factories.add_inquiry(created_at=now - timedelta(days=45), email="c@x.example")
        factories.add_staff_action(ancient, staff.id, timedelta(days=1213), text="Still going")
        db.session.commit()
        return {"ancient": ancient.id, "old": old.id}


def test_purge_dry_run_counts_and_changes_nothing(app, runner, aged):
    before = every_value(app)
    result = runner.invoke(args=["privacy", "purge", "--older-than-months", "36"])
    assert result.exit_code == 0, result.output
    assert "Dry run: 1 inquiries" in result.output
    assert every_value(app) == before


def test_purge_applied_deletes_what_nobody_touched_for_n_months(app, runner, aged):
    result = runner.invoke(args=["privacy", "purge", "--older-than-months", "36", "--apply"])
    assert "Deleted 1 inquiries" in result.output
    with app.app_context():
        remaining = db.session.scalars(sa.select(Inquiry.email).order_by(Inquiry.email)).all()
        assert remaining == ["a@x.example", "c@x.example"]
        record = db.session.scalar(sa.select(Activity).where(Activity.kind == "retention_purge"))
        assert (record.detail["inquiries"], record.detail["matches"]) == (1, 1)
        assert record.detail["messages"] == 1 and record.user_id is None
    assert traces(app, "b@x.example") == []


def test_purge_defaults_to_the_configured_retention(app, runner, aged):
    app.config["RETENTION_MONTHS"] = 1
    result = runner.invoke(args=["privacy", "purge"])
    assert "Dry run: 2 inquiries" in result.output  # the old one and the 45-day-old one


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [((2026, 3, 31), 1, (2026, 2, 28)), ((2028, 3, 31), 1, (2028, 2, 29)),
     ((2026, 1, 15), 36, (2023, 1, 15)), ((2026, 12, 1), 12, (2025, 12, 1))],
)  # fmt: skip
def test_months_before_counts_calendar_months(moment, months, expected):
    result = privacy.months_before(datetime(*moment, 9, 30, tzinfo=UTC), months)
    assert (result.year, result.month, result.day, result.hour) == (*expected, 9)


# The notice --------------------------------------------------------------------------------


def test_each_notice_version_has_its_own_address(client):
    current = client.get(f"/privacy/{privacy.PRIVACY_NOTICE_VERSION}")
    assert current.status_code == 200
    assert privacy.PRIVACY_NOTICE_VERSION in current.get_data(as_text=True)
    assert client.get("/privacy/1999-01").status_code == 404


def test_the_lead_page_links_the_consent_to_its_notice_version(app, staff_client):
    with app.app_context():
        current = factories.add_inquiry(consent_version=privacy.PRIVACY_NOTICE_VERSION)
        unknown = factories.add_inquiry(consent_version="1999-01")
        db.session.commit()
        current_id, unknown_id = current.id, unknown.id
    page = staff_client.get(f"/staff/leads/{current_id}").get_data(as_text=True)
    version = privacy.PRIVACY_NOTICE_VERSION
    assert f'href="{app.config["BASE_URL"]}/privacy/{version}">{version}</a>' in page
    other = staff_client.get(f"/staff/leads/{unknown_id}").get_data(as_text=True)
    assert "1999-01" in other and "/privacy/1999-01" not in other


# Addresses in any case, and the person's details quoted elsewhere (issue 13, defect 2) ---------

FOREIGN = "ÜBER.Team@Example.com"
NAME, PHONE, ORGANIZATION = "Jürgen D'Almeida-Groß", "+49 30 1234 5678", "Über & Söhne Ventures"


@pytest.fixture
def foreign(seeded, make_user, runner):
    """An inquiry from FOREIGN, stale like another person's, both in one queued reminder; that
    other lead's note and next step quote the person's name, address and phone; a queued mail
    elsewhere quotes the name and phone."""
    ann = make_user("ann@agency.be", name="Ann Staff")
    now = utcnow()
    with seeded.app_context():
        person = factories.add_inquiry(
            email=FOREIGN, name=NAME, phone=PHONE, organization=ORGANIZATION, assignee_id=ann.id,
            created_at=now - timedelta(days=10), scores=(0.5,),
            match_orgs=factories.organizations(1))  # fmt: skip
        other = factories.add_inquiry(email="other@fund.example", name="Olga Other",
                                      organization="Other Fund", assignee_id=ann.id,
                                      created_at=now - timedelta(days=9))  # fmt: skip
        db.session.add(Activity(inquiry_id=other.id, user_id=ann.id, kind="note", detail={
            "text": "Jürgen d'almeida-groß (über.team@example.com, +49 (30) 12345678) knows them."
        }))  # fmt: skip
        db.session.add(NextStep(inquiry_id=other.id, owner_id=ann.id, due_on=date(2026, 12, 24),
                                note="Ask JÜRGEN D'ALMEIDA-GROß for an intro"))  # fmt: skip
        factories.add_outbox_message(None, "boss@agency.be", f"Phone {PHONE}.",
                                     subject=f"Lunch with {NAME}",
                                     body_html="<p>Jürgen D&#39;Almeida-Groß</p>")  # fmt: skip
        db.session.commit()
        codes = {"person": person.code, "other": other.code, "other_id": other.id}
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    return codes


def erase(admin_client, address: str) -> str:
    response = admin_client.post("/staff/admin/privacy/erase",
                                 data={"email": address, "confirm": "y"}, follow_redirects=True)
    return response.get_data(as_text=True)


def test_erasure_scrubs_the_person_from_staffs_saved_filters(app, admin_client, foreign):
    with app.app_context():
        ann = db.session.scalar(sa.select(User).where(User.email == "ann@agency.be"))
        for name, query in [("Jürgen d'Almeida-Groß leads", "q=%C3%BCber.team%40example.com"),
                            ("jürgen d'almeida-groß leads", "q=J%C3%BCrgen+d%27Almeida-Gro%C3%9F"
                                                            "&status=new"),
                            ("Hydrogen", "q=hydrogen&status=qualified")]:  # fmt: skip
            db.session.add(SavedFilter(user_id=ann.id, name=name, query=query))
        db.session.commit()
    page = erase(admin_client, "über.team@example.com")
    assert "2 saved filters of staff quoted the person" in page
    with app.app_context():
        kept = db.session.execute(sa.select(SavedFilter.name, SavedFilter.query)
                                  .order_by(SavedFilter.id)).all()  # fmt: skip
        first_id = db.session.scalar(sa.select(sa.func.min(SavedFilter.id)))
    assert kept == [
        ("[erased] leads", "q=%5Berased%5D"),
        (f"[erased] leads ({first_id + 1})", "q=%5Berased%5D&status=new"),
        ("Hydrogen", "q=hydrogen&status=qualified"),
    ]


@BOTH_DATABASES
def test_an_address_in_other_capitals_is_found_exported_and_erased(app, admin_client, foreign):
    found = admin_client.post("/staff/admin/privacy", data={"email": "über.team@example.com"})
    assert "1 inquiry" in found.text and foreign["person"] in found.text
    export = admin_client.post("/staff/admin/privacy/export",
                               data={"email": "über.team@example.com"}).get_json()
    assert [inquiry["code"] for inquiry in export["inquiries"]] == [foreign["person"]]
    assert [entry["detail"]["text"] for entry in export["activity_elsewhere"]] == [
        "Jürgen d'almeida-groß (über.team@example.com, +49 (30) 12345678) knows them."]
    assert "Erased: 1 inquiry" in erase(admin_client, "über.team@example.com")
    with app.app_context():
        assert db.session.scalars(sa.select(Inquiry.code)).all() == [foreign["other"]]


@BOTH_DATABASES
def test_erasure_scrubs_the_person_from_other_leads_notes_and_queued_mail(app, admin_client,
                                                                         foreign):
    with app.app_context():
        [reminder] = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.body_text.contains(foreign["person"]))
        ).all()
        assert ORGANIZATION in reminder.body_text and "Über &amp; Söhne" in reminder.body_html
        reminder_id = reminder.id
    page = erase(admin_client, "über.team@example.com")
    assert "4 notes, trail entries or unsent mails elsewhere quoted the person" in page
    with app.app_context():
        note = db.session.scalar(sa.select(Activity).where(
            Activity.inquiry_id == foreign["other_id"], Activity.kind == "note"))  # fmt: skip
        assert note.detail["text"] == "[erased] ([erased], [erased]) knows them."
        assert db.session.scalar(sa.select(NextStep.note)) == "Ask [erased] for an intro"
        lunch = db.session.scalar(sa.select(OutboxMessage).where(
            OutboxMessage.recipient == "boss@agency.be"))  # fmt: skip
        assert (lunch.subject, lunch.body_text, lunch.body_html) == (
            "Lunch with [erased]", "Phone [erased].", "<p>[erased]</p>")
        reminder = db.session.get(OutboxMessage, reminder_id)
        assert reminder.sent_at is None and foreign["other"] in reminder.body_text
        assert "Other Fund" in reminder.body_text + reminder.body_html
        for text in (reminder.subject, reminder.body_text, reminder.body_html):
            assert foreign["person"] not in text and "Söhne" not in text
    for trace in ("almeida", "über.team", "1234 5678", "12345678", "söhne"):
        assert traces(app, trace) == [], trace


@BOTH_DATABASES
def test_leads_from_one_address_in_other_capitals_are_possible_duplicates(app, staff_client):
    with app.app_context():
        first = factories.add_inquiry(email=FOREIGN, organization="First Fund")
        second = factories.add_inquiry(email=" über.team@EXAMPLE.com", organization="Second Fund")
        db.session.commit()
        first_code, second_id = first.code, second.id
        assert second.email_normalized == "über.team@example.com"
    html = staff_client.get(f"/staff/leads/{second_id}").get_data(as_text=True)
    section = html[html.index('id="duplicates"') : html.index('id="trail"')]
    assert first_code in section and "same e-mail" in section


def test_every_write_of_the_address_writes_its_normalized_form(seeded, client):
    assert submit(client, email=" ÜBER.Team@Example.com").status_code == 303
    with seeded.app_context():
        inquiry = db.session.scalars(sa.select(Inquiry)).one()
        assert inquiry.email_normalized == "über.team@example.com"
        inquiry.email = "STRASSE@Example.com"
        db.session.commit()
        assert db.session.scalar(sa.select(Inquiry.email_normalized)) == "strasse@example.com"
