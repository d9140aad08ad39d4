"""Introductions in a period: how many were sent and where they stand now (accepted, declined,
expired, awaiting an answer), per month and per sector of the lead; the median time to an answer.

An introduction belongs to the period, and to a month, by the day it was sent to the
organization (in the back office's time zone). One still waiting for a contact was never sent:
it counts only among those waiting. A lead in several sectors counts its introductions in each.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Introduction, IntroductionState
from matchmaker.services.insight.period import Period, zone
from matchmaker.services.leads.introductions import ANSWERED

NO_SECTOR = ""  # the code of the leads that chose no sector


@dataclass
class Outcomes:
    """Introductions sent, by where each stands now."""

    sent: int = 0
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    awaiting: int = 0  # sent, not answered, not expired

    def add(self, state: str) -> None:
        self.sent += 1
        if state == IntroductionState.ACCEPTED:
            self.accepted += 1
        elif state == IntroductionState.DECLINED:
            self.declined += 1
        elif state == IntroductionState.EXPIRED:
            self.expired += 1
        else:
            self.awaiting += 1


@dataclass(frozen=True)
class IntroductionFigures:
    period: Period
    total: Outcomes
    by_month: list[tuple[date, Outcomes]]  # every month the period touches, by its first day
    by_sector: list[tuple[str, Outcomes]]  # most sent first; NO_SECTOR last
    answer_hours: float | None  # median from sent to accepted or declined
    answered: int  # the introductions that median is over
    needs_contact: int  # proposed in the period and still waiting for a contact


def introduction_figures(period: Period) -> IntroductionFigures:
    """The introductions sent in the period, counted by month, by the lead's sectors and in all;
    the median hours from sending to an answer, over those accepted or declined."""
    start, end = period.bounds()
    sent = db.session.execute(
        sa.select(Introduction.state, Introduction.sent_at, Introduction.answered_at,
                  Inquiry.sectors)
        .join(Inquiry, Introduction.inquiry_id == Inquiry.id)
        .where(Introduction.sent_at >= start, Introduction.sent_at < end)
    ).all()  # fmt: skip
    local = zone()
    total = Outcomes()
    months = {month: Outcomes() for month in period.months()}
    sectors: dict[str, Outcomes] = defaultdict(Outcomes)
    waits = []
    for state, sent_at, answered_at, lead_sectors in sent:
        total.add(state)
        months[sent_at.astimezone(local).date().replace(day=1)].add(state)
        for sector in lead_sectors or (NO_SECTOR,):
            sectors[sector].add(state)
        if state in ANSWERED and answered_at is not None:
            waits.append((answered_at - sent_at).total_seconds() / 3600)
    return IntroductionFigures(
        period=period,
        total=total,
        by_month=list(months.items()),
        by_sector=sorted(sectors.items(),
                         key=lambda item: (item[0] == NO_SECTOR, -item[1].sent, item[0])),
        answer_hours=statistics.median(waits) if waits else None,
        answered=len(waits),
        needs_contact=_waiting_for_a_contact(period),
    )  # fmt: skip


def _waiting_for_a_contact(period: Period) -> int:
    """Introductions proposed in the period that still wait for their organization's contact."""
    start, end = period.bounds()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Introduction).where(
            Introduction.state == IntroductionState.NEEDS_CONTACT,
            Introduction.created_at >= start, Introduction.created_at < end,
        )
    )  # fmt: skip
