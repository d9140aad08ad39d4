"""Insight for staff: where leads come from, how fast staff act, where the directory falls short,
and how good the engine's matches are by the staff's own verdicts.

Every figure is computed for the leads received in a date range (days in the back office's time
zone, both included). Aggregation happens in Python over a few narrow queries: the agency
receives thousands of leads a year, not millions, and the same code then runs on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from matchmaker.extensions import db
from matchmaker.matching.analysis import analyse_query
from matchmaker.models import Activity, ActivityKind, Inquiry, Match, Status, User, Verdict, utcnow
from matchmaker.services import reminders
from matchmaker.services.leads.listing import OPEN_STATUSES

DEFAULT_DAYS = 90
PIPELINE: tuple[str, ...] = (
    Status.NEW, Status.QUALIFIED, Status.INTRODUCED, Status.IN_DISCUSSION, Status.WON,
)  # fmt: skip
EXITS: tuple[str, ...] = (Status.LOST, Status.NOT_RELEVANT, Status.SPAM)
# Trail entries by staff that are not an action on the lead: looking at it, exporting it.
NOT_ACTIONS = (ActivityKind.VIEWED, ActivityKind.PERSONAL_DATA_EXPORTED)
TOP_K = 5
MIN_TERM_LENGTH = 3


@dataclass(frozen=True)
class Period:
    """A range of days in the back office's time zone, both ends included."""

    start: date
    end: date

    @classmethod
    def default(cls, today: date | None = None) -> Period:
        today = today or local_today()
        return cls(today - timedelta(days=DEFAULT_DAYS - 1), today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """[first instant, instant after the last day) as aware datetimes."""
        zone = _zone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_today() -> date:
    return utcnow().astimezone(_zone()).date()


def _received_in(period: Period) -> sa.ColumnElement[bool]:
    start, end = period.bounds()
    return sa.and_(Inquiry.created_at >= start, Inquiry.created_at < end)


def _ids_in(period: Period) -> sa.Select[tuple[int]]:
    return sa.select(Inquiry.id).where(_received_in(period))


# The dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One bar of a chart: a label (already readable), a code (for links and CSV), a value."""

    code: str
    value: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Dashboard:
    period: Period
    total: int
    granularity: str  # day | week | month
    over_time: list[Row]  # code: the bucket's first day, ISO
    by_sector: list[Row]  # a lead in several sectors counts in each
    by_country: list[Row]
    by_investor_type: list[Row]
    funnel: list[Row]  # the pipeline stages, then the exits; extra: {"kind": stage | exit}
    first_action_hours: float | None  # median, over leads with a staff action
    acted_on: int
    not_acted_on: int
    load: list[Row]  # code: user id or "" (unassigned); extra: open, stale, received, name
    lost_reasons: list[Row]  # the period's lost leads per LostReason code


def dashboard(period: Period) -> Dashboard:
    rows = db.session.execute(
        sa.select(Inquiry.id, Inquiry.created_at, Inquiry.sectors, Inquiry.country,
                  Inquiry.investor_type, Inquiry.status, Inquiry.lost_reason_code)
        .where(_received_in(period))
        .order_by(Inquiry.created_at)
    ).all()  # fmt: skip
    granularity = _granularity(period)
    first_actions = first_staff_actions(period)
    waits = [
        (first_actions[row.id] - row.created_at).total_seconds() / 3600
        for row in rows
        if row.id in first_actions
    ]
    return Dashboard(
        period=period,
        total=len(rows),
        granularity=granularity,
        over_time=_over_time(period, granularity, [row.created_at for row in rows]),
        by_sector=_counted(sector for row in rows for sector in row.sectors),
        by_country=_counted(row.country for row in rows),
        by_investor_type=_counted(row.investor_type for row in rows),
        funnel=_funnel(period, {row.id: row.status for row in rows}),
        first_action_hours=statistics.median(waits) if waits else None,
        acted_on=len(waits),
        not_acted_on=len(rows) - len(waits),
        load=staff_load(period),
        lost_reasons=_counted(row.lost_reason_code or "other" for row in rows
                              if row.status == Status.LOST),  # fmt: skip
    )


def _counted(values: Iterable[str]) -> list[Row]:
    counts = Counter(values)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Row(code, number) for code, number in ordered]


def _granularity(period: Period) -> str:
    if period.days <= 45:
        return "day"
    if period.days <= 26 * 7:
        return "week"
    return "month"


def _bucket(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _next_bucket(start: date, granularity: str) -> date:
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _over_time(period: Period, granularity: str, received: Sequence[datetime]) -> list[Row]:
    zone = _zone()
    counts = Counter(_bucket(moment.astimezone(zone).date(), granularity) for moment in received)
    rows = []
    bucket = _bucket(period.start, granularity)
    while bucket <= period.end:
        rows.append(Row(bucket.isoformat(), counts.get(bucket, 0)))
        bucket = _next_bucket(bucket, granularity)
    return rows


def first_staff_actions(period: Period) -> dict[int, datetime]:
    """inquiry id -> when a staff member first acted on it (not merely looked at it)."""
    return dict(
        db.session.execute(
            sa.select(Activity.inquiry_id, sa.func.min(Activity.created_at))
            .where(
                Activity.inquiry_id.in_(_ids_in(period)),
                Activity.user_id.is_not(None),
                Activity.kind.not_in(NOT_ACTIONS),
            )
            .group_by(Activity.inquiry_id)
        ).all()
    )


def _funnel(period: Period, current: dict[int, str]) -> list[Row]:
    """How many leads reached each stage of the pipeline (by their status history), and how
    many left it for each exit (by their current status)."""
    had: dict[int, set[str]] = {inquiry_id: {Status.NEW, status}
                                for inquiry_id, status in current.items()}  # fmt: skip
    changes = db.session.execute(
        sa.select(Activity.inquiry_id, Activity.detail).where(
            Activity.kind == ActivityKind.STATUS_CHANGED, Activity.inquiry_id.in_(_ids_in(period))
        )
    ).all()
    for inquiry_id, detail in changes:
        if inquiry_id in had and isinstance(detail, dict) and detail.get("status"):
            had[inquiry_id].add(str(detail["status"]))
    rows = []
    for position, stage in enumerate(PIPELINE):
        later = set(PIPELINE[position:])
        reached = sum(1 for statuses in had.values() if statuses & later)
        rows.append(Row(stage, reached, {"kind": "stage"}))
    exits = Counter(status for status in current.values() if status in EXITS)
    rows += [Row(status, exits.get(status, 0), {"kind": "exit"}) for status in EXITS]
    return rows


def staff_load(period: Period) -> list[Row]:
    """Per active staff member (and for nobody): open leads now, how many of them are stale,
    and the leads received in the period assigned to them."""
    now = utcnow()
    open_now = db.session.execute(
        sa.select(Inquiry.assignee_id, sa.func.count()).where(Inquiry.status.in_(OPEN_STATUSES))
        .group_by(Inquiry.assignee_id)
    ).all()  # fmt: skip
    stale = db.session.execute(
        sa.select(Inquiry.assignee_id, sa.func.count()).where(reminders.stale_condition(now))
        .group_by(Inquiry.assignee_id)
    ).all()  # fmt: skip
    received = db.session.execute(
        sa.select(Inquiry.assignee_id, sa.func.count()).where(_received_in(period))
        .group_by(Inquiry.assignee_id)
    ).all()  # fmt: skip
    open_by, stale_by, received_by = dict(open_now), dict(stale), dict(received)
    users = db.session.scalars(sa.select(User).order_by(User.name)).all()
    rows = [
        Row(str(user.id), open_by.get(user.id, 0),
            {"name": user.name, "stale": stale_by.get(user.id, 0),
             "received": received_by.get(user.id, 0)})
        for user in users
        if user.active or open_by.get(user.id)
    ]  # fmt: skip
    rows.append(Row("", open_by.get(None, 0), {"name": None, "stale": stale_by.get(None, 0),
                                               "received": received_by.get(None, 0)}))  # fmt: skip
    return rows


# Demand gaps -----------------------------------------------------------------------------------


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
        .where(_received_in(period), Inquiry.needs_ranking.is_(False))
        .order_by(Inquiry.created_at)
    ).all()
    best = dict(
        db.session.execute(
            sa.select(Match.inquiry_id, sa.func.max(Match.score))
            .where(Match.inquiry_id.in_([inquiry.id for inquiry in inquiries]),
                   Match.superseded_at.is_(None), Match.source == "engine")
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


# Match quality ---------------------------------------------------------------------------------


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
    zone = _zone()
    found = db.session.execute(
        sa.select(Match, Inquiry.created_at, Inquiry.sectors)
        .join(Inquiry, Match.inquiry_id == Inquiry.id)
        .where(_received_in(period), Match.source == "engine", Match.rank <= TOP_K)
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
        months[received.astimezone(zone).strftime("%Y-%m")].add(relevant, len(judged))
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
