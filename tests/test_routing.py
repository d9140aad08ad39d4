"""Lead routing: the covering team, country specialists, round-robin, the default inbox."""

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, User, utcnow
from matchmaker.services import routing
from tests.helpers import BOTH_DATABASES, new_inquiry


def route(**fields) -> tuple[Inquiry, User | None]:
    inquiry = new_inquiry(**fields)
    db.session.add(inquiry)
    assignee = routing.route(inquiry)
    db.session.commit()
    return inquiry, assignee


def trail(inquiry: Inquiry) -> list[tuple[str, dict]]:
    activities = db.session.scalars(
        db.select(Activity).where(Activity.inquiry_id == inquiry.id).order_by(Activity.id)
    )
    return [(activity.kind, activity.detail) for activity in activities]


@BOTH_DATABASES
def test_lead_goes_to_the_staff_member_covering_its_sector(app, make_user):
    make_user("energy@agency.be", name="Eva", sectors=("energy",))
    bio = make_user("bio@agency.be", name="Bruno", sectors=("life-sciences", "agrifood"))
    with app.app_context():
        inquiry, assignee = route(sectors=("life-sciences",))
        assert assignee is not None and assignee.email == "bio@agency.be"
        stored = db.session.get(Inquiry, inquiry.id)
        assert stored.assignee_id == bio.id
        assert trail(inquiry) == [
            ("assigned", {"assignee_id": bio.id, "assignee": "Bruno", "by": "routing"})
        ]


def test_lead_in_an_uncovered_sector_stays_unassigned(app, make_user):
    make_user("energy@agency.be", sectors=("energy",))
    make_user("gone@agency.be", sectors=("aerospace",), active=False)
    with app.app_context():
        inquiry, assignee = route(sectors=("aerospace",))
        assert assignee is None
        assert db.session.get(Inquiry, inquiry.id).assignee_id is None
        assert trail(inquiry) == [("unrouted", {"by": "routing"})]


def test_lead_without_sectors_stays_unassigned(app, make_user):
    make_user("energy@agency.be", sectors=("energy",))
    with app.app_context():
        _, assignee = route(sectors=())
        assert assignee is None


@BOTH_DATABASES
def test_team_takes_leads_in_turn(app, make_user):
    for email in ("a@agency.be", "b@agency.be", "c@agency.be"):
        make_user(email, sectors=("digital",))
    make_user("other@agency.be", sectors=("energy",))
    with app.app_context():
        order = [route(sectors=("digital",))[1].email for _ in range(5)]
    assert order == ["a@agency.be", "b@agency.be", "c@agency.be", "a@agency.be", "b@agency.be"]


def test_any_of_the_inquiry_sectors_brings_a_member_into_the_team(app, make_user):
    make_user("energy@agency.be", sectors=("energy",))
    make_user("clean@agency.be", sectors=("cleantech",))
    with app.app_context():
        assignees = {route(sectors=("cleantech", "energy"))[1].email for _ in range(2)}
    assert assignees == {"energy@agency.be", "clean@agency.be"}


def test_country_specialists_come_first_and_cover_only_their_countries(app, make_user):
    make_user("japan@agency.be", sectors=("life-sciences",), countries=("JP", "KR"))
    make_user("world@agency.be", sectors=("life-sciences",))
    with app.app_context():
        from_japan = [route(country="JP")[1].email for _ in range(2)]
        from_brazil = [route(country="BR")[1].email for _ in range(2)]
    assert from_japan == ["japan@agency.be", "japan@agency.be"]
    assert from_brazil == ["world@agency.be", "world@agency.be"]


def test_country_specialist_alone_does_not_cover_other_countries(app, make_user):
    make_user("japan@agency.be", sectors=("life-sciences",), countries=("JP",))
    with app.app_context():
        assert route(country="US")[1] is None


def test_turn_taken_by_a_concurrent_submission_passes_to_the_next_member(
    app, make_user, monkeypatch
):
    first = make_user("a@agency.be", sectors=("digital",))
    make_user("b@agency.be", sectors=("digital",))
    with app.app_context():
        inquiry = new_inquiry(sectors=("digital",))
        db.session.add(inquiry)
        stale_team = routing.team(inquiry)
        # Another submission assigns a@ between this one reading the team and taking the turn.
        db.session.execute(
            sa.update(User).where(User.id == first.id).values(last_assigned_at=utcnow()),
            execution_options={"synchronize_session": False},
        )
        monkeypatch.setattr(routing, "team", lambda _inquiry: stale_team)
        assert routing.route(inquiry).email == "b@agency.be"
