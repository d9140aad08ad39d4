"""The lead list and the lead page: who may see them, filters, search, sort, pages, counts,
the number of SQL statements, and what the lead page shows and records."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, Match, User, utcnow
from matchmaker.services import accounts
from matchmaker.services.leads import listing
from tests import factories
from tests.helpers import BOTH_DATABASES, PASSWORD, counted_statements, login

NOW = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def codes_in(html: str) -> list[str]:
    """The lead codes in the lead table, top to bottom."""
    return re.findall(r'<span class="code">(WM-[A-Z0-9]{6})</span>', html)


@pytest.fixture
def leads(app, make_user):
    """Six leads with distinct answers, received one day apart (newest: Fatima)."""
    ann = make_user("ann@agency.be", name="Ann Peeters")
    with app.app_context():
        specs = [
            dict(name="Aiko Tanaka", organization="Sakura Bio Partners", email="aiko@example.jp",
                 country="JP", sectors=("life-sciences",), status="new",
                 interests="Cell therapy manufacturing in Europe"),
            dict(name="Bruno Costa", organization="Lisbon Aero", email="bruno@aero.pt",
                 country="PT", sectors=("aerospace",), status="qualified", assignee_id=ann.id,
                 interests="Satellite components and 100% recycled alloys"),
            dict(name="Chen Wei", organization="Shenzhen Batteries", email="chen@batt.cn",
                 country="CN", sectors=("energy", "cleantech"), status="won",
                 interests="Battery recycling plant"),
            dict(name="Dana Smith", organization="Boston Logistics", email="dana@bl.us",
                 country="US", sectors=("logistics",), status="lost", lost_reason="Chose Spain",
                 interests="A warehouse near Liège airport", needs_ranking=True),
            dict(name="Émile Durand", organization="Lyon Agro", email="emile@agro.fr",
                 country="FR", sectors=("agrifood",), status="spam", lang="fr",
                 interests="Transformation de légumes surgelés"),
            dict(name="Fatima Zahra", organization="Casablanca Digital", email="fz@cd.ma",
                 country="MA", sectors=("digital",), status="new", assignee_id=ann.id,
                 interests="AI start-ups for a corporate venture fund"),
        ]  # fmt: skip
        codes = {}
        for days, spec in enumerate(reversed(specs)):
            inquiry = factories.add_inquiry(created_at=NOW - timedelta(days=days), **spec)
            codes[spec["name"].split()[0]] = inquiry.code
        db.session.commit()
    return codes


# Who may see leads ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/staff/leads", "/staff/leads/1", "/staff/leads?status=new"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=/staff/leads")


@pytest.mark.parametrize(
    "path", ["status", "assignee", "notes", "rerank", "introduce", "matches",
             "matches/1/verdict", "matches/1/pin", "matches/1/remove"],
)  # fmt: skip
def test_anonymous_changes_are_refused_and_write_nothing(app, client, path):
    with app.app_context():
        inquiry_id = factories.add_inquiry().id
        db.session.commit()
    response = client.post(f"/staff/leads/{inquiry_id}/{path}",
                           data={"version": 1, "status": "spam", "text": "x"})  # fmt: skip
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    with app.app_context():
        assert db.session.get(Inquiry, inquiry_id).status == "new"
        assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 1  # "submitted"


def test_staff_and_admins_both_work_leads(app, client, make_user, leads):
    make_user("admin@agency.be", role="admin")
    for email in ("ann@agency.be", "admin@agency.be"):
        login(client, email)
        response = client.get("/staff/leads")
        assert response.status_code == 200 and "Fatima Zahra" in response.text
        assert response.headers["Cache-Control"] == "no-store"
        client.post("/staff/logout")


def test_deactivated_users_old_cookie_no_longer_opens_leads(app, client, leads):
    login(client, "ann@agency.be")
    assert client.get("/staff/leads").status_code == 200
    with app.app_context():
        accounts.deactivate(accounts.find_user("ann@agency.be"))
        db.session.commit()
    response = client.get("/staff/leads")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


# The list -------------------------------------------------------------------------------------


@BOTH_DATABASES
def test_the_list_shows_every_lead_newest_first_with_counts_per_status(staff_client, leads):
    html = staff_client.get("/staff/leads").text
    assert codes_in(html) == [leads[name] for name in
                              ("Fatima", "Émile", "Dana", "Chen", "Bruno", "Aiko")]  # fmt: skip
    assert "6 leads" in html
    counts = dict(re.findall(r'>([A-Za-z ]+) <span class="count">(\d+)</span>', html))
    assert counts == {"All": "6", "Open": "3", "New": "2", "Qualified": "1", "Introduced": "0",
                      "In discussion": "0", "Won": "1", "Lost": "1", "Not relevant": "0",
                      "Spam": "1"}  # fmt: skip


@BOTH_DATABASES
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "new"}, ["Fatima", "Aiko"]),
        ({"status": "open"}, ["Fatima", "Bruno", "Aiko"]),
        ({"sector": "cleantech"}, ["Chen"]),
        ({"country": "US"}, ["Dana"]),
        ({"assignee": "none", "status": "open"}, ["Aiko"]),
        ({"needs_ranking": "y"}, ["Dana"]),
        ({"q": "lisbon"}, ["Bruno"]),  # organization, any case
        ({"q": "@CD.MA"}, ["Fatima"]),  # email
        ({"q": "surgelés"}, ["Émile"]),  # interests, with an accent
        ({"q": "Chen Wei"}, ["Chen"]),  # name
        ({"q": "100%"}, ["Bruno"]),  # a literal percent sign, not a wildcard
        ({"q": "_"}, []),  # a literal underscore
        ({"received_from": (NOW - timedelta(days=3)).date().isoformat(),
          "received_to": (NOW - timedelta(days=1)).date().isoformat()}, ["Émile", "Dana", "Chen"]),
        ({"sort": "oldest", "status": "open"}, ["Aiko", "Bruno", "Fatima"]),
        ({"sort": "name", "status": "open"}, ["Aiko", "Bruno", "Fatima"]),
        ({"sort": "organization"}, ["Dana", "Fatima", "Bruno", "Émile", "Aiko", "Chen"]),
        ({"sort": "status"}, ["Fatima", "Aiko", "Bruno", "Chen", "Dana", "Émile"]),
    ],
)  # fmt: skip
def test_filters_search_and_sort(staff_client, leads, query, expected):
    html = staff_client.get("/staff/leads", query_string=query).text
    assert codes_in(html) == [leads[name] for name in expected]


def test_search_by_code_finds_that_lead(staff_client, leads):
    html = staff_client.get("/staff/leads", query_string={"q": leads["Chen"].lower()}).text
    assert codes_in(html) == [leads["Chen"]]


def test_assignee_filter_me_and_counts_follow_the_other_filters(app, staff_client, leads):
    ann = user_id(app, "ann@agency.be")
    html = staff_client.get("/staff/leads", query_string={"assignee": ann}).text
    assert codes_in(html) == [leads["Fatima"], leads["Bruno"]]
    assert re.search(r'New <span class="count">1</span>', html)  # the counts obey the filter
    assert re.search(r'Qualified <span class="count">1</span>', html)
    login(staff_client, "ann@agency.be")
    mine = staff_client.get("/staff/leads", query_string={"assignee": ann}).text
    assert f'<option selected value="{ann}">Me</option>' in mine


def test_the_status_tabs_keep_the_other_filters(staff_client, leads):
    html = staff_client.get("/staff/leads", query_string={"q": "a", "page": 2}).text
    assert 'href="/staff/leads?q=a&amp;status=won"' in html  # page dropped, search kept


def test_a_wrong_date_is_explained_and_the_other_filters_still_apply(staff_client, leads):
    html = staff_client.get(
        "/staff/leads", query_string={"received_from": "31/02/2026", "country": "JP"}
    ).text
    assert "Not a valid date value." in html
    assert codes_in(html) == [leads["Aiko"]]
    backwards = staff_client.get(
        "/staff/leads", query_string={"received_from": "2026-05-02", "received_to": "2026-05-01"}
    ).text
    assert "The end date must be on or after the start date." in backwards


def test_leads_needing_re_ranking_are_highlighted(staff_client, leads):
    html = staff_client.get("/staff/leads").text
    row = re.search(r'<tr class="needs-ranking">.*?</tr>', html, re.S).group(0)
    assert leads["Dana"] in row and "Needs re-ranking" in row
    assert html.count("Needs re-ranking") == 1


@BOTH_DATABASES
def test_pages_of_fifty(app, staff_client):
    with app.app_context():
        for number in range(listing.LEADS_PER_PAGE + 3):
            factories.add_inquiry(created_at=NOW - timedelta(minutes=number),
                                  name=f"Investor {number:03d}")  # fmt: skip
        db.session.commit()
    first = staff_client.get("/staff/leads").text
    assert "53 leads" in first and "Page 1 of 2" in first
    assert len(codes_in(first)) == 50 and "Investor 000" in first
    second = staff_client.get("/staff/leads?page=2").text
    assert len(codes_in(second)) == 3 and "Investor 052" in second
    beyond = staff_client.get("/staff/leads?page=9").text
    assert "There is no page 9 for these filters." in beyond


def test_empty_states(app, staff_client):
    assert "No leads yet." in staff_client.get("/staff/leads").text
    with app.app_context():
        factories.add_inquiry()
        db.session.commit()
    html = staff_client.get("/staff/leads?q=nothing+like+this").text
    assert "No lead matches these filters." in html and "0 leads" in html


@BOTH_DATABASES
def test_the_list_takes_the_same_number_of_statements_for_5_or_50_leads(app, staff_client):
    """No query per row: assignees are loaded with the page, counts in one GROUP BY."""

    def add(count: int) -> None:
        with app.app_context():
            users = [accounts.create_user(f"s{n}-{count}@agency.be", f"Staff {n}", PASSWORD)
                     for n in range(count)]  # fmt: skip
            db.session.flush()
            for n in range(count):
                factories.add_inquiry(assignee_id=users[n].id, status="new")
            db.session.commit()

    add(5)
    with counted_statements(app) as few:
        assert staff_client.get("/staff/leads").status_code == 200
    add(45)
    with counted_statements(app) as many:
        html = staff_client.get("/staff/leads").text
    assert len(codes_in(html)) == listing.LEADS_PER_PAGE and "Staff 44" in html
    # The signed-in user, countries, the filter's staff, the counts, the page's ids, its leads,
    # one's saved filters, their possible duplicates, the bulk form's staff: never per lead.
    assert len(many) == len(few) <= 9, many


def test_the_home_page_counts_and_lists_my_open_leads(app, client, leads):
    login(client, "ann@agency.be")
    html = client.get("/staff/").text
    assert re.search(r'<span class="count">3</span> Open', html)
    assert "Fatima Zahra, Casablanca Digital" in html and "Bruno Costa, Lisbon Aero" in html
    assert "Aiko Tanaka" not in html  # not mine
    assert "1 open lead has nobody assigned." in html


# One lead -------------------------------------------------------------------------------------


@pytest.fixture
def lead(seeded, make_user):
    """A lead with three engine matches, a superseded ranking and a duplicate."""
    make_user("ann@agency.be", name="Ann Peeters")
    with seeded.app_context():
        orgs = factories.organizations(4)
        inquiry = factories.add_inquiry(share_consent=True, role="Partner",
                                        phone="+81 3 1234 5678")  # fmt: skip
        for rank, (org, score) in enumerate(zip(orgs[:3], (0.81, 0.62, 0.4), strict=True), start=1):
            factories.add_match(inquiry, org, rank=rank, score=score,
                                terms=("cell therapy",) if rank == 1 else ())  # fmt: skip
        factories.add_match(inquiry, orgs[3], rank=1, score=0.5,
                            superseded_at=NOW - timedelta(days=1))  # fmt: skip
        other = factories.add_inquiry(created_at=NOW - timedelta(days=30))
        unrelated = factories.add_inquiry(email="x@y.z", organization="Other Org",
                                          name="Bruno Costa", country="PT")  # fmt: skip
        db.session.commit()
        return {"id": inquiry.id, "code": inquiry.code, "duplicate": other.code,
                "unrelated": unrelated.code}  # fmt: skip


@BOTH_DATABASES
def test_the_lead_page_shows_profile_consent_matches_and_reasons(staff_client, lead):
    html = staff_client.get(f"/staff/leads/{lead['id']}").text
    for expected in (
        "Aiko Tanaka",
        "Sakura Bio Partners",
        "Partner",
        "Japan",
        'href="mailto:aiko@example.jp"',
        "+81 3 1234 5678",
        "Cell and gene therapy manufacturing capacity in Europe.",
        "Privacy notice version",
        "2026-01",
        "Allowed",
        "#1 · score 0.81",
        "#2 · score 0.62",
        "Profile mentions: cell therapy",
    ):
        assert expected in html, expected  # fmt: skip
    current = html[html.index('id="matches"') : html.index('class="previous-rankings"')]
    assert current.index("#1 · score") < current.index("#2 · score") < current.index("#3 ·")
    assert "Previous ranking (1)" in html and "score 0.50" in html


def test_the_lead_page_in_french_writes_scores_the_french_way(staff_client, lead):
    html = staff_client.get(f"/staff/leads/{lead['id']}", headers={"Accept-Language": "fr"}).text
    assert "score 0,81" in html and "score 0,62" in html and "score 0,50" in html
    assert "score 0.81" not in html


def test_possible_duplicates_are_linked(staff_client, lead):
    html = staff_client.get(f"/staff/leads/{lead['id']}").text
    section = html[html.index('id="duplicates"') : html.index('id="trail"')]
    assert f"Possible duplicate of {lead['duplicate']} (same e-mail" in section
    assert lead["unrelated"] not in section


@BOTH_DATABASES
def test_opening_a_lead_is_recorded_once_an_hour_per_person(app, client, lead):
    login(client, "ann@agency.be")
    client.get(f"/staff/leads/{lead['id']}")
    client.get(f"/staff/leads/{lead['id']}")
    with app.app_context():
        views = db.session.scalars(sa.select(Activity).where(Activity.kind == "viewed")).all()
        assert [(v.inquiry_id, v.user.email) for v in views] == [(lead["id"], "ann@agency.be")]
        views[0].created_at = utcnow() - timedelta(minutes=61)
        inquiry = db.session.get(Inquiry, lead["id"])
        version, last_action = inquiry.version, inquiry.last_staff_action_at
        db.session.commit()
    html = client.get(f"/staff/leads/{lead['id']}").text
    assert html.count("Ann Peeters opened the lead and saw the investor's personal data.") == 2
    with app.app_context():
        inquiry = db.session.get(Inquiry, lead["id"])  # a view is not a change
        assert (inquiry.version, inquiry.last_staff_action_at) == (version, last_action)


def test_mail_on_the_trail_links_to_the_outbox(app, staff_client, lead):
    with app.app_context():
        message = factories.add_outbox_message(db.session.get(Inquiry, lead["id"]), "a@b.c", "Hi")
        db.session.flush()
        db.session.add(Activity(inquiry_id=lead["id"], kind="email_queued",
                                detail={"outbox_id": message.id}))  # fmt: skip
        db.session.commit()
        message_id = message.id
    html = staff_client.get(f"/staff/leads/{lead['id']}").text
    assert (
        f'<a href="/staff/outbox/{message_id}">Mail #{message_id} queued in the outbox.</a>' in html
    )


def test_an_unknown_lead_is_a_404(staff_client):
    assert staff_client.get("/staff/leads/999").status_code == 404


def test_the_lead_page_takes_a_fixed_number_of_statements(app, staff_client, lead):
    staff_client.get(f"/staff/leads/{lead['id']}")  # the view is recorded: later ones are not
    with counted_statements(app) as few:
        staff_client.get(f"/staff/leads/{lead['id']}")
    with app.app_context():
        inquiry = db.session.get(Inquiry, lead["id"])
        for org in factories.organizations(12)[4:]:
            factories.add_match(inquiry, org, rank=9, score=0.1)
        for _ in range(10):
            db.session.add(Activity(inquiry_id=inquiry.id, kind="note", detail={"text": "x"},
                                    user_id=user_id(app, "ann@agency.be")))  # fmt: skip
        db.session.commit()
        assert len(db.session.scalars(sa.select(Match)).all()) > 10
    with counted_statements(app) as many:
        staff_client.get(f"/staff/leads/{lead['id']}")
    assert len(many) == len(few), many


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_far_off_dates_are_refused_not_a_crash(staff_client, day):
    response = staff_client.get("/staff/leads", query_string={"received_from": day,
                                                               "received_to": day})  # fmt: skip
    assert response.status_code == 200
    assert "Enter a date between the years 2000 and 2999." in response.text


@pytest.mark.parametrize("path", ["/staff/leads", "/staff/outbox", "/staff/admin/organizations"])
def test_a_huge_page_number_shows_the_list_not_a_crash(admin_client, path):
    response = admin_client.get(path, query_string={"page": "99999999999999999999"})
    assert response.status_code == 200
    assert "Something went wrong" not in response.text
