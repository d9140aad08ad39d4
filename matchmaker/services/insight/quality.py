"""Match quality: the engine's precision at 5 by the staff's own verdicts, overall and per
sector, month and engine and directory version."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Match, MatchSource, Verdict
from matchmaker.services.insight.period import Period, received_in, zone

TOP_K = 5


@dataclass
class Precision:
    """Precision@5 from staff judgements: relevant / judged among the engine's top 5."""

    relevant: int = 0
    judged: int = 0
    leads: int = 0  # leads with at least one judged match in their top 5

    @property
    def value(self) -> float | None:
        return self.relevant / self.judged if self.judged else None

    def add(self, relevant: int, judged: int) -> None:
        self.relevant += relevant
        self.judged += judged
        self.leads += 1


@dataclass(frozen=True)
class MatchQuality:
    period: Period
    overall: Precision
    by_sector: list[tuple[str, Precision]]
    by_month: list[tuple[str, Precision]]  # "2026-11"
    by_version: list[tuple[tuple[str, int], Precision]]  # (engine version, directory version)
    matches: int  # engine matches in a top 5 of a lead received in the period
    judged: int


def is_relevant(match: Match) -> bool:
    return match.verdict == Verdict.RELEVANT or match.introduced_at is not None


def is_judged(match: Match) -> bool:
    return (
        match.verdict in (Verdict.RELEVANT, Verdict.NOT_RELEVANT) or match.introduced_at is not None
    )


def match_quality(period: Period) -> MatchQuality:
    """Precision@5 of the engine over the leads received in the period: per sector, per month
    of reception, per engine and directory version. A match the investor was introduced to
    counts as relevant; matches nobody judged are left out (the counts say how many were)."""
    local = zone()
    found = db.session.execute(
        sa.select(Match, Inquiry.created_at, Inquiry.sectors)
        .join(Inquiry, Match.inquiry_id == Inquiry.id)
        .where(received_in(period), Match.source == MatchSource.ENGINE, Match.rank <= TOP_K)
        .order_by(Match.inquiry_id, Match.rank, Match.id)
    ).all()
    # One ranking = a lead's engine matches superseded together (or still current).
    rankings: dict[tuple[int, datetime | None], list[Match]] = defaultdict(list)
    context: dict[int, tuple[datetime, tuple[str, ...]]] = {}
    for match, received, sectors in found:
        rankings[(match.inquiry_id, match.superseded_at)].append(match)
        context[match.inquiry_id] = (received, sectors)
    overall = Precision()
    sectors_p: dict[str, Precision] = defaultdict(Precision)
    months: dict[str, Precision] = defaultdict(Precision)
    versions: dict[tuple[str, int], Precision] = defaultdict(Precision)
    judged_total = 0
    for (inquiry_id, _), ranking in rankings.items():
        matches = ranking[:TOP_K]
        judged = [match for match in matches if is_judged(match)]
        if not judged:
            continue
        relevant = sum(1 for match in judged if is_relevant(match))
        judged_total += len(judged)
        received, sectors = context[inquiry_id]
        overall.add(relevant, len(judged))
        for sector in sectors:
            sectors_p[sector].add(relevant, len(judged))
        months[received.astimezone(local).strftime("%Y-%m")].add(relevant, len(judged))
        first = matches[0]
        versions[(first.engine_version, first.directory_version)].add(relevant, len(judged))
    return MatchQuality(
        period=period,
        overall=overall,
        by_sector=sorted(sectors_p.items()),
        by_month=sorted(months.items()),
        by_version=sorted(versions.items()),
        matches=len(found),
        judged=judged_total,
    )
