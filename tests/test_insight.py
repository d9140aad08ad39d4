"""Insight pages: the dashboard's numbers equal the database's, demand gaps, match quality."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, Status, User, Verdict, utcnow
from tests import factories


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.fixture
def seeded_leads(seeded, make_user):
    """Twelve leads over the last 60 days, plus two older than the period of the tests."""
    ann = make_user("ann@agency.be", name="Ann Staff", sectors=("life-sciences",))
    bob = make_user("bob@agency.be", name="Bob Staff", sectors=("energy",))
    now = utcnow()
    plan = [  # days ago, country, sectors, investor type, status, assignee
        (2, "JP", ("life-sciences",), "investment-fund", Status.NEW, ann),
        (5, "JP", ("life-sciences", "digital"), "investment-fund", Status.QUALIFIED, ann),
        (9, "DE", ("energy",), "industrial-partner", Status.INTRODUCED, bob),
        (12, "US", ("energy",), "corporate-investor", Status.WON, bob),
        (15, "US", ("digital",), "investment-fund", Status.LOST, None),
        (20, "FR", ("life-sciences",), "site-seeker", Status.SPAM, None),
        (25, "DE", ("agrifood",), "industrial-partner", Status.IN_DISCUSSION, ann),
        (30, "JP", ("agrifood",), "industrial-partner", Status.NEW, None),
        (35, "CA", ("energy",), "investment-fund", Status.NEW, bob),
        (40, "US", ("life-sciences",), "corporate-investor", Status.QUALIFIED, ann),
        (50, "US", ("aerospace",), "research-partner", Status.NOT_RELEVANT, None),
        (58, "GB", ("aerospace",), "investment-fund", Status.NEW, None),
        (200, "JP", ("energy",), "investment-fund", Status.NEW, None),  # outside the period
        (400, "CN", ("digital",), "investment-fund", Status.WON, bob),  # outside the period
    ]
    with seeded.app_context():
        ids = []
        for days, country, sectors, kind, status, assignee in plan:
            inquiry = factories.add_inquiry(
                created_at=now - timedelta(days=days, hours=1), country=country, sectors=sectors,
                investor_type=kind, status=status, assignee_id=assignee.id if assignee else None,
            )  # fmt: skip
            ids.append(inquiry.id)
        # The path through the pipeline: the won lead went new -> qualified -> introduced -> won.
        won = db.session.get(Inquiry, ids[3])
        for step, (before, after) in enumerate([("new", "qualified"), ("qualified", "introduced"),
                                                 ("introduced", "won")], start=1):  # fmt: skip
            factories.add_staff_action(
                won, bob.id, timedelta(hours=2 * step), kind="status_changed", previous=before,
                status=after,
            )  # fmt: skip
        # First staff actions after 4 h and 10 h; a mere view (after 1 h) does not count.
        first = db.session.get(Inquiry, ids[0])
        factories.add_staff_action(first, ann.id, timedelta(hours=1), kind="viewed")
        factories.add_staff_action(first, ann.id, timedelta(hours=4), text="Called.")
        factories.add_staff_action(db.session.get(Inquiry, ids[6]), ann.id, timedelta(hours=10),
                                   kind="assigned")  # fmt: skip
        db.session.commit()
    return ids


def period_args(days: int = 60) -> str:
    today = utcnow().date()
    return f"start={(today - timedelta(days=days)).isoformat()}&end={today.isoformat()}"


def test_insight_pages_are_for_signed_in_staff(client):
    response = client.get("/staff/insight")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_dashboard_numbers_equal_the_database_counts(app, staff_client, seeded_leads):
    args = period_args()
    today = utcnow().date()
    with app.app_context():
        since = utcnow() - timedelta(days=61)
        in_period = sa.select(Inquiry).where(Inquiry.created_at >= since).subquery()
        expected_countries = dict(
            db.session.execute(
                sa.select(in_period.c.country, sa.func.count()).group_by(in_period.c.country)
            ).all()
        )
        expected_types = dict(
            db.session.execute(
                sa.select(in_period.c.investor_type, sa.func.count()).group_by(
                    in_period.c.investor_type
                )
            ).all()
        )
        expected_total = db.session.scalar(sa.select(sa.func.count()).select_from(in_period))
        leads = db.session.scalars(sa.select(Inquiry).where(Inquiry.created_at >= since)).all()
        expected_sectors: dict[str, int] = {}
        for lead in leads:
            for sector in lead.sectors:
                expected_sectors[sector] = expected_sectors.get(sector, 0) + 1
        open_by = dict(db.session.execute(
            sa.select(User.name, sa.func.count()).join(Inquiry, Inquiry.assignee_id == User.id)
            .where(Inquiry.status.in_(["new", "qualified", "introduced", "in_discussion"]))
            .group_by(User.name)).all())  # fmt: skip
    assert expected_total == 12

    countries = rows_of(staff_client.get(f"/staff/insight/countries.csv?{args}"))
    assert {code: int(n) for _label, code, n in countries[1:]} == expected_countries
    types = rows_of(staff_client.get(f"/staff/insight/investor-types.csv?{args}"))
    assert {code: int(n) for _label, code, n in types[1:]} == expected_types
    sectors = rows_of(staff_client.get(f"/staff/insight/sectors.csv?{args}"))
    assert {code: int(n) for _label, code, n in sectors[1:]} == expected_sectors
    over_time = rows_of(staff_client.get(f"/staff/insight/over-time.csv?{args}"))
    assert sum(int(n) for _day, n in over_time[1:]) == expected_total
    assert over_time[-1][0] <= today.isoformat()

    funnel = {code: int(n) for _l, code, n, _m in
              rows_of(staff_client.get(f"/staff/insight/funnel.csv?{args}"))[1:]}  # fmt: skip
    # Reached: every lead was new; qualified or beyond (by status or by history): 5.
    assert funnel["new"] == 12
    assert (funnel["qualified"], funnel["introduced"], funnel["in_discussion"]) == (5, 3, 2)
    assert (funnel["won"], funnel["lost"], funnel["spam"], funnel["not_relevant"]) == (1, 1, 1, 1)

    load = {name: (int(open_), int(stale)) for name, open_, stale, _received in
            rows_of(staff_client.get(f"/staff/insight/load.csv?{args}"))[1:]}  # fmt: skip
    assert {name: load[name][0] for name in open_by} == open_by
    assert load["Ann Staff"][1] == 2  # open for 25 and 40 days (7 is the default for stale)

    page = staff_client.get(f"/staff/insight?{args}").get_data(as_text=True)
    assert "<dt>Leads received</dt><dd>12</dd>" in page
    # First actions after 2 h (the won lead), 4 h and 10 h: a median of 4 h. With the view after
    # 1 h counted as an action, it would be 2 h.
    assert "<dd>4 hours</dd>" in page
    assert "Leads by kind of investor" in page and "<svg" in page and " style=" not in page


def test_the_period_filter_limits_the_leads(staff_client, seeded_leads):
    page = staff_client.get(f"/staff/insight?{period_args(10)}").get_data(as_text=True)
    assert "<dt>Leads received</dt><dd>3</dd>" in page
    everything = staff_client.get(f"/staff/insight?{period_args(500)}").get_data(as_text=True)
    assert "<dt>Leads received</dt><dd>14</dd>" in everything


def test_an_impossible_period_is_explained(staff_client, seeded_leads):
    page = staff_client.get("/staff/insight?start=2026-05-01&end=2026-04-01")
    assert "Choose an end date on or after the start date." in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/staff/insight", "/staff/insight/gaps", "/staff/insight/quality",
                                  "/staff/insight/introductions", "/staff/insight/over-time.csv",
                                  "/staff/insight/introductions-months.csv"])
@pytest.mark.parametrize("query", ["start=0001-01-01&end=0001-01-02", "end=9999-12-31"])
def test_a_far_off_period_is_explained_not_a_crash(staff_client, path, query):
    response = staff_client.get(f"{path}?{query}")
    assert response.status_code == 200
    if not path.endswith(".csv"):
        assert "Enter a date between the years 2000 and 2999." in response.get_data(as_text=True)


# Demand gaps and match quality -------------------------------------------------------------


@pytest.fixture
def ranked(seeded):
    """Leads with engine matches: two strong ones, two weak ones, one with no match at all."""
    with seeded.app_context():
        orgs = factories.organizations(6)
        texts = {
            "strong1": ("life-sciences", "Viral vector manufacturing for gene therapy", 0.6),
            "strong2": ("life-sciences", "Viral vector fill and finish", 0.5),
            "weak1": ("agrifood", "Aquaponics vertical farming of leafy greens", 0.1),
            "weak2": ("agrifood", "Aquaponics for trout and basil", 0.2),
        }
        codes = {}
        for key, (sector, text, score) in texts.items():
            lead = factories.add_inquiry(sectors=(sector,), interests=text,
                                         scores=(score, score / 2, score / 3, score / 4, score / 5,
                                                 score / 6),
                                         match_orgs=orgs)  # fmt: skip
            codes[key] = lead
        nothing = factories.add_inquiry(sectors=("agrifood",), interests="Aquaponics in Namur")
        # Verdicts on the strong leads' top five: 3 relevant of 4 judged for strong1 (one by an
        # introduction), 1 of 2 for strong2; a verdict at rank 6 is outside the top 5.
        first, second = codes["strong1"].matches, codes["strong2"].matches
        first[0].verdict, first[1].verdict = Verdict.RELEVANT, Verdict.RELEVANT
        first[2].introduced_at = utcnow()
        first[3].verdict = Verdict.NOT_RELEVANT
        first[5].verdict = Verdict.NOT_RELEVANT
        second[0].verdict, second[1].verdict = Verdict.RELEVANT, Verdict.NOT_RELEVANT
        db.session.commit()
        return {key: lead.code for key, lead in codes.items()} | {"nothing": nothing.code}


def test_demand_gaps_list_weak_leads_and_what_they_asked_for(staff_client, ranked):
    page = staff_client.get("/staff/insight/gaps").get_data(as_text=True)
    assert "3 of the 5 ranked leads of the period have no match scoring 0.25 or more" in page
    for key in ("weak1", "weak2", "nothing"):
        assert ranked[key] in page
    assert ranked["strong1"] not in page

    sectors = {code: (int(weak), int(total)) for _l, code, weak, total, _s in
               rows_of(staff_client.get("/staff/insight/gap-sectors.csv"))[1:]}  # fmt: skip
    assert sectors == {"agrifood": (3, 3), "life-sciences": (0, 2)}
    terms = rows_of(staff_client.get("/staff/insight/gap-terms.csv"))
    assert terms[1][:3] == ["aquaponics", "3", "0"]
    assert "vector" not in {term for term, *_ in terms[1:]}


def test_match_quality_is_precision_at_5_from_staff_verdicts(staff_client, ranked):
    page = staff_client.get("/staff/insight/quality").get_data(as_text=True)
    assert "67%" in page  # 4 relevant of 6 judged in the top fives
    rows = rows_of(staff_client.get("/staff/insight/quality-sectors.csv"))
    assert rows[1] == ["Life sciences and health", "0.6667", "4", "6", "2"]
    versions = rows_of(staff_client.get("/staff/insight/quality-versions.csv"))
    assert versions[1][0] == "engine test-1, directory 1"


def test_unknown_csv_is_404(staff_client):
    assert staff_client.get("/staff/insight/nothing.csv").status_code == 404


def test_no_activity_is_needed_for_an_empty_dashboard(staff_client):
    page = staff_client.get("/staff/insight").get_data(as_text=True)
    assert "<dt>Leads received</dt><dd>0</dd>" in page
    assert "Nothing to show for this period." in page
    with staff_client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0


def test_csv_cells_that_look_like_formulas_are_defused(app, staff_client, make_user):
    mallory = make_user("mallory@agency.be", name="=HYPERLINK(\"http://evil.example\")")
    with app.app_context():
        factories.add_inquiry(assignee_id=mallory.id)
        db.session.commit()
    names = [row[0] for row in rows_of(staff_client.get("/staff/insight/load.csv"))[1:]]
    assert "'=HYPERLINK(\"http://evil.example\")" in names
