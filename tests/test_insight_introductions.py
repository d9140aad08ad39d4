"""The insight page on introductions: every figure against a hand count, on SQLite and
PostgreSQL; the dashboard's funnel step of accepted introductions; empty and French pages."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Introduction, IntroductionState, User
from matchmaker.services import contacts
from matchmaker.services.leads import introductions
from tests import factories
from tests.helpers import BOTH_DATABASES

SENT, ACCEPTED, DECLINED, EXPIRED, NEEDS_CONTACT = (
    IntroductionState.SENT, IntroductionState.ACCEPTED, IntroductionState.DECLINED,
    IntroductionState.EXPIRED, IntroductionState.NEEDS_CONTACT,
)  # fmt: skip
PERIOD = "start=2026-01-01&end=2026-03-31"  # days in Brussels: UTC+1 until 29 March, then +2


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.fixture
def introduced(seeded):
    """Four leads and their introductions, hand-counted for January to March 2026 (Brussels).

    In the period by the day sent: a, b, d, e, f, i, k, l (8). Accepted a, e, k, l; declined b, i;
    expired d; f awaits an answer. Outside: g (sent on 31 December, Brussels), h (sent on 1 April,
    Brussels); c and j were never sent (waiting for a contact; c was proposed in the period).
    Hours to an answer: a 24, b 48, e 6, i 36, k 30, l 12: a median of 27 over 6.
    """
    with seeded.app_context():
        orgs = factories.organizations(12)
        several = factories.add_inquiry(created_at=utc("2026-01-05 10:00"),
                                        sectors=("life-sciences", "digital"))  # fmt: skip
        energy = factories.add_inquiry(created_at=utc("2025-12-20 10:00"), sectors=("energy",))
        no_sector = factories.add_inquiry(created_at=utc("2026-02-15 10:00"), sectors=())
        agrifood = factories.add_inquiry(created_at=utc("2026-03-10 10:00"), sectors=("agrifood",))
        plan = [  # lead, state, proposed, sent, answered
            (several, ACCEPTED, "2026-01-10 09:00", "2026-01-10 09:00", "2026-01-11 09:00"),  # a
            (several, DECLINED, "2026-01-31 23:30", "2026-01-31 23:30", "2026-02-02 23:30"),  # b
            (several, NEEDS_CONTACT, "2026-01-15 12:00", None, None),  # c
            (energy, EXPIRED, "2026-02-10 10:00", "2026-02-10 10:00", None),  # d
            (energy, ACCEPTED, "2026-02-25 10:00", "2026-03-05 10:00", "2026-03-05 16:00"),  # e
            (energy, SENT, "2025-12-25 10:00", "2026-03-20 10:00", None),  # f
            (energy, ACCEPTED, "2025-12-31 22:30", "2025-12-31 22:30", "2026-01-01 00:30"),  # g
            (no_sector, DECLINED, "2026-03-31 22:30", "2026-03-31 22:30", "2026-03-31 23:30"),  # h
            (no_sector, DECLINED, "2026-02-20 12:00", "2026-02-20 12:00", "2026-02-22 00:00"),  # i
            (energy, NEEDS_CONTACT, "2026-04-05 12:00", None, None),  # j
            (agrifood, ACCEPTED, "2026-03-11 08:00", "2026-03-11 08:00", "2026-03-12 14:00"),  # k
            (agrifood, ACCEPTED, "2026-03-11 08:00", "2026-03-11 08:00", "2026-03-11 20:00"),  # l
        ]
        for org, (lead, state, proposed, sent, answered) in zip(orgs, plan, strict=True):
            match = factories.add_match(lead, org, rank=len(lead.matches) + 1, score=0.5)
            factories.add_introduction(
                match, state, created_at=utc(proposed), sent_at=sent and utc(sent),
                answered_at=answered and utc(answered),
            )  # fmt: skip
        db.session.commit()


@BOTH_DATABASES
def test_introductions_per_month_and_sector_equal_the_hand_count(staff_client, introduced):
    months = rows_of(staff_client.get(f"/staff/insight/introductions-months.csv?{PERIOD}"))
    assert months == [
        ["month", "code", "sent", "accepted", "declined", "expired", "awaiting an answer"],
        ["Jan 2026", "2026-01", "1", "1", "0", "0", "0"],
        ["Feb 2026", "2026-02", "3", "0", "2", "1", "0"],  # b: 1 February in Brussels
        ["Mar 2026", "2026-03", "4", "3", "0", "0", "1"],  # f: proposed in December, sent now
    ]
    sectors = rows_of(staff_client.get(f"/staff/insight/introductions-sectors.csv?{PERIOD}"))
    assert sectors[0] == ["sector", "code", "sent", "accepted", "declined", "expired",
                          "awaiting an answer"]  # fmt: skip
    # The lead in two sectors counts in both; the one that named none under "no sector".
    assert sectors[1:] == [
        ["Energy", "energy", "3", "1", "0", "1", "1"],
        ["Agrifood", "agrifood", "2", "2", "0", "0", "0"],
        ["Digital", "digital", "2", "1", "1", "0", "0"],
        ["Life sciences and health", "life-sciences", "2", "1", "1", "0", "0"],
        ["No sector chosen", "", "1", "0", "1", "0", "0"],
    ]


@BOTH_DATABASES
def test_the_page_shows_the_totals_and_the_median_time_to_an_answer(staff_client, introduced):
    page = staff_client.get(f"/staff/insight/introductions?{PERIOD}").get_data(as_text=True)
    assert "Counted by the day each introduction was sent" in page
    for label, value in [("Introductions sent", 8), ("Of which accepted", 4),
                         ("Of which declined", 2), ("Of which expired", 1),
                         ("Of which awaiting an answer", 1)]:  # fmt: skip
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
    # With the expired one (14 days), it would be 30 hours; with g (2 hours), 24 hours.
    assert "<dt>Median time to an answer</dt><dd>27 hours</dd>" in page
    assert "The median is over the 6 introductions accepted or declined" in page
    assert "<dt>Proposed, waiting for a contact (not sent)</dt><dd>1</dd>" in page
    assert 'role="img" aria-labelledby="chart-introductions-months-title' in page


@BOTH_DATABASES
def test_the_funnel_counts_the_leads_with_an_accepted_introduction(staff_client, introduced):
    funnel = rows_of(staff_client.get(f"/staff/insight/funnel.csv?{PERIOD}"))
    codes = [row[1] for row in funnel[1:]]
    assert codes.index("introduction_accepted") == codes.index("introduced") + 1
    # Leads received in the period: three; two of them had an introduction accepted (the
    # agrifood lead twice, counted once). The energy lead's acceptance in March does not count:
    # it was received in December.
    accepted = funnel[1:][codes.index("introduction_accepted")]
    assert accepted == ["Introduction accepted", "introduction_accepted", "2", "at least one"]
    assert funnel[1][2] == "3"


def test_a_period_without_introductions_says_so(staff_client, introduced):
    page = staff_client.get("/staff/insight/introductions?start=2026-06-01&end=2026-06-30")
    text = page.get_data(as_text=True)
    assert text.count("No introductions sent in this period.") == 2  # both charts
    assert "<dt>Median time to an answer</dt><dd>–</dd>" in text
    csv_rows = rows_of(staff_client.get(
        "/staff/insight/introductions-months.csv?start=2026-06-01&end=2026-06-30"))  # fmt: skip
    assert csv_rows == [["month", "code", "sent", "accepted", "declined", "expired",
                         "awaiting an answer"]]  # fmt: skip


def test_the_page_in_french(staff_client, introduced):
    staff_client.set_cookie("lang", "fr")
    page = staff_client.get(f"/staff/insight/introductions?{PERIOD}").get_data(as_text=True)
    assert "Comptées au jour de l’envoi de chaque mise en relation" in page
    assert "<dd>27 heures</dd>" in page
    assert "3 envoyées" in page and "1 expirée" in page
    empty = staff_client.get("/staff/insight/introductions?start=2026-06-01&end=2026-06-30")
    assert "Aucune mise en relation envoyée sur cette période." in empty.get_data(as_text=True)


def test_the_figures_follow_the_real_flow(app, staff_client, seeded):
    """Introduced through the service: one sent then declined, one sent then expired by the
    sweep, one waiting for a contact."""
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        orgs = factories.organizations(3)
        for org in orgs[:2]:
            contacts.add_contact(org, None, "Claire Dubois", "", f"claire@{org.slug}.example", "fr")
        lead = factories.add_inquiry(share_consent=True, scores=(0.8, 0.6, 0.4), match_orgs=orgs)
        declined, expired, waiting = introductions.introduce(
            lead, user, None, [match.id for match in lead.matches]
        )
        introductions.decline(declined, "no_capacity", "")
        introductions.sweep(now=expired.sent_at + timedelta(days=15))
        db.session.commit()
        states = db.session.scalars(sa.select(Introduction.state).order_by(Introduction.id)).all()
        assert states == [DECLINED, EXPIRED, NEEDS_CONTACT] and waiting.sent_at is None
    page = staff_client.get("/staff/insight/introductions").get_data(as_text=True)
    for label, value in [("Introductions sent", 2), ("Of which declined", 1),
                         ("Of which expired", 1),
                         ("Proposed, waiting for a contact (not sent)", 1)]:  # fmt: skip
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
    assert "The median is over the 1 introduction accepted or declined" in page
