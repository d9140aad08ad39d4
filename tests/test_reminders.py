"""Stale leads: which leads are stale, and the daily reminder mail to their assignees."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, OutboxMessage, Status, utcnow
from matchmaker.services import reminders
from tests import factories


@pytest.fixture
def leads(app, make_user):
    """Leads of Ann (one stale), of a deactivated colleague (stale) and of nobody (stale)."""
    ann = make_user("ann@agency.be", name="Ann Staff")
    gone = make_user("gone@agency.be", name="Gone Staff", active=False)
    now = utcnow()
    with app.app_context():

        def lead(organization, days, **fields):
            return factories.add_inquiry(created_at=now - timedelta(days=days),
                                         organization=organization, **fields).id  # fmt: skip

        ids = {
            "stale": lead("Stale Fund", 10, assignee_id=ann.id),
            "fresh": lead("Fresh Fund", 2, assignee_id=ann.id),
            "closed": lead("Closed Fund", 30, assignee_id=ann.id, status=Status.WON),
            "touched": lead("Touched Fund", 30, assignee_id=ann.id,
                            last_staff_action_at=now - timedelta(days=1)),
            "unassigned": lead("Orphan Fund", 8),
            "orphaned": lead("Left Behind Fund", 9, assignee_id=gone.id),
        }  # fmt: skip
        db.session.commit()
    return ids


def mails(app) -> list[OutboxMessage]:
    with app.app_context():
        messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(messages)


def test_a_lead_is_stale_when_open_and_untouched_for_the_configured_days(app, leads):
    with app.test_request_context():
        stale = db.session.scalars(sa.select(Inquiry.id).where(reminders.stale_condition())).all()
        assert sorted(stale) == sorted([leads["stale"], leads["unassigned"], leads["orphaned"]])
        assert reminders.is_stale(db.session.get(Inquiry, leads["stale"]))
        assert not reminders.is_stale(db.session.get(Inquiry, leads["touched"]))
        app.config["STALE_AFTER_DAYS"] = 1
        assert reminders.is_stale(db.session.get(Inquiry, leads["fresh"]))


def test_reminders_go_to_each_assignee_and_the_inbox_once_a_day(app, runner, leads):
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "Queued 2 reminders about 3 stale leads." in result.output

    ann, inbox = mails(app)
    assert ann.recipient == "ann@agency.be"
    assert ann.subject == "1 lead waits for you: no action for 7 days or more"
    assert "Stale Fund" in ann.body_text and "10 days without action" in ann.body_text
    assert f"/staff/leads/{leads['stale']}" in ann.body_text
    assert "Fresh Fund" not in ann.body_text and "Touched Fund" not in ann.body_text
    assert inbox.recipient == app.config["STAFF_INBOX"]
    assert inbox.subject.startswith("Unassigned: 2 leads wait")
    assert "Orphan Fund" in inbox.body_text and "Left Behind Fund" in inbox.body_text

    again = runner.invoke(args=["reminders", "send"])
    assert "Queued 0 reminders about 0 stale leads; 3 already reminded today." in again.output
    assert len(mails(app)) == 2
    with app.app_context():
        reminded = sa.select(Activity.inquiry_id).where(Activity.kind == "stale_reminder")
        trail = db.session.scalars(reminded).all()
        assert sorted(trail) == sorted([leads["stale"], leads["unassigned"], leads["orphaned"]])


def test_the_next_day_reminds_again_until_someone_acts(app, leads):
    with app.app_context():
        reminders.send_reminders()
        report = reminders.send_reminders(now=utcnow() + timedelta(days=1))
        assert (report.mails, report.leads) == (2, 3)
        db.session.get(Inquiry, leads["stale"]).last_staff_action_at = utcnow()
        db.session.commit()
        report = reminders.send_reminders(now=utcnow() + timedelta(days=2))
        assert report.leads == 2


def test_the_lead_list_marks_stale_leads(staff_client, leads):
    page = staff_client.get("/staff/leads?status=open").get_data(as_text=True)
    rows = {row.split("</tr>")[0] for row in page.split("<tr")[1:]}
    stale_row = next(row for row in rows if "Stale Fund" in row)
    assert "Stale: 10 days without action" in stale_row
    assert not any("Stale:" in row for row in rows if "Fresh Fund" in row or "Touched Fund" in row)
    assert sum("Stale:" in row for row in rows) == 3
