"""Demand gaps: the period's leads whose best match is weak, their sectors, and the words they
use that leads with a strong match seldom do (what the directory lacks)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from matchmaker.extensions import db
from matchmaker.matching.analysis import analyse_query
from matchmaker.models import Inquiry, Match, MatchSource
from matchmaker.services.insight.period import Period, Row, received_in

MIN_TERM_LENGTH = 3


@dataclass(frozen=True)
class GapTerm:
    term: str  # as investors wrote it (the most frequent spelling)
    weak: int  # weak leads that asked for it
    strong: int  # leads with a strong match that asked for it
    codes: list[str]  # a few weak leads, to read


@dataclass(frozen=True)
class DemandGaps:
    period: Period
    threshold: float
    ranked: int  # leads received in the period that the engine ranked
    weak: list[Inquiry]  # best match below the threshold (or none), weakest first
    best: dict[int, float]  # inquiry id -> best current score (0 with no match)
    by_sector: list[Row]  # extra: {"total": leads in the sector}
    terms: list[GapTerm]


def demand_gaps(period: Period, threshold: float | None = None, term_limit: int = 30) -> DemandGaps:
    """Leads whose best current match scores below the threshold, and what they asked for."""
    if threshold is None:
        threshold = float(current_app.config["DEMAND_GAP_THRESHOLD"])
    inquiries = db.session.scalars(
        sa.select(Inquiry)
        .where(received_in(period), Inquiry.needs_ranking.is_(False))
        .order_by(Inquiry.created_at)
    ).all()
    best = dict(
        db.session.execute(
            sa.select(Match.inquiry_id, sa.func.max(Match.score))
            .where(Match.inquiry_id.in_([inquiry.id for inquiry in inquiries]),
                   Match.superseded_at.is_(None), Match.source == MatchSource.ENGINE)
            .group_by(Match.inquiry_id)
        ).all()
    )  # fmt: skip
    scores = {inquiry.id: float(best.get(inquiry.id) or 0.0) for inquiry in inquiries}
    weak = sorted((i for i in inquiries if scores[i.id] < threshold),
                  key=lambda inquiry: (scores[inquiry.id], inquiry.id))  # fmt: skip
    weak_ids = {inquiry.id for inquiry in weak}
    totals = Counter(sector for inquiry in inquiries for sector in inquiry.sectors)
    weak_sectors = Counter(sector for inquiry in weak for sector in inquiry.sectors)
    by_sector = [
        Row(sector, weak_sectors[sector], {"total": totals[sector],
                                           "share": weak_sectors[sector] / totals[sector]})
        for sector in sorted(totals, key=lambda s: (-weak_sectors[s], -totals[s], s))
    ]  # fmt: skip
    return DemandGaps(
        period=period,
        threshold=threshold,
        ranked=len(inquiries),
        weak=weak,
        best=scores,
        by_sector=by_sector,
        terms=_gap_terms(inquiries, weak_ids, term_limit),
    )


def _gap_terms(inquiries: Sequence[Inquiry], weak_ids: set[int], limit: int) -> list[GapTerm]:
    """The query terms of weak leads that leads with a strong match seldom use."""
    weak, strong = Counter(), Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    for inquiry in inquiries:
        features = {}
        for feature, surface in analyse_query(inquiry.interests, inquiry.lang):
            if len(feature) >= MIN_TERM_LENGTH:
                features.setdefault(feature, surface.lower())
        for feature, surface in features.items():
            if inquiry.id in weak_ids:
                weak[feature] += 1
                spellings[feature][surface] += 1
                if len(examples[feature]) < 3:
                    examples[feature].append(inquiry.code)
            else:
                strong[feature] += 1
    terms = [
        GapTerm(spellings[feature].most_common(1)[0][0], count, strong[feature], examples[feature])
        for feature, count in weak.items()
        if count > strong[feature]
    ]
    terms.sort(key=lambda term: (-term.weak, term.strong, term.term))
    return _without_repeats(terms)[:limit]


def _without_repeats(terms: list[GapTerm]) -> list[GapTerm]:
    """One line per wording: a glossary concept and its words can give the same surface."""
    seen: set[str] = set()
    kept = []
    for term in terms:
        if term.term not in seen:
            seen.add(term.term)
            kept.append(term)
    return kept
