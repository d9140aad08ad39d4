"""A submission when ranking or mail fails: the inquiry is saved all the same (ranked later),
its matches and its assignment kept."""

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry
from matchmaker.services.leads import submission
from tests.helpers import BOTH_DATABASES, ranked, saved, submit, text

pytestmark = pytest.mark.usefixtures("seeded")


def test_ranking_failure_saves_the_inquiry_for_reranking(app, client, monkeypatch, runner):
    def broken(inquiry, top=10):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(submission, "rank_inquiry", broken)
    result = client.get(submit(client).headers["Location"])
    assert "Your inquiry is safely saved, but we could not prepare your matches" in text(result)
    assert saved(app) == {"Inquiry": 1, "Match": 0, "OutboxMessage": 2}
    with app.app_context():
        assert db.session.scalars(sa.select(Inquiry)).one().needs_ranking is True

    monkeypatch.undo()
    outcome = runner.invoke(args=["inquiries", "rerank-pending"])
    assert outcome.exit_code == 0, outcome.output
    assert "Ranked 1 pending inquiries; 0 failed again." in outcome.output
    with app.app_context():
        inquiry = db.session.scalars(sa.select(Inquiry)).one()
        assert inquiry.needs_ranking is False and len(inquiry.matches) == ranked(app)
    assert "Why it matches" in text(client.get(result.request.path))


@BOTH_DATABASES
def test_mail_failure_still_saves_the_inquiry_and_its_matches(app, client, monkeypatch):
    def broken(inquiry, assignee, duplicates=()):
        raise RuntimeError("template missing")

    monkeypatch.setattr(submission, "send_new_lead_mails", broken)
    assert submit(client).status_code == 303
    assert saved(app) == {"Inquiry": 1, "Match": ranked(app), "OutboxMessage": 0}
    with app.app_context():
        kinds = {a.kind for a in db.session.scalars(sa.select(Activity))}
        assert {"submitted", "notification_failed"} <= kinds


@BOTH_DATABASES
def test_mail_failure_keeps_the_lead_assigned(app, client, monkeypatch, make_user):
    make_user("bio@agency.be", sectors=("life-sciences",))

    def broken(inquiry, assignee, duplicates=()):
        raise RuntimeError("template missing")

    monkeypatch.setattr(submission, "send_new_lead_mails", broken)
    assert submit(client).status_code == 303
    with app.app_context():
        inquiry = db.session.scalars(sa.select(Inquiry)).one()
        trail = db.session.scalars(
            sa.select(Activity.kind).where(Activity.inquiry_id == inquiry.id).order_by(Activity.id)
        ).all()
        assert trail == ["submitted", "assigned", "notification_failed"]
        assert inquiry.assignee.email == "bio@agency.be"
