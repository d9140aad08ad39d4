"""Reading one lead: its page (matches, former rankings, trail, possible duplicates), the
organizations staff may add, and the trail entry for who saw its personal data. Flushes only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    ActivityKind,
    Inquiry,
    Introduction,
    Match,
    MatchSource,
    Organization,
    User,
    Verdict,
    utcnow,
)
from matchmaker.services import accounts, directory, ranking
from matchmaker.services.leads.duplicates import Duplicate, possible_duplicates

VIEW_LOG_INTERVAL = timedelta(hours=1)  # one "viewed" entry per staff member and lead per hour
ORGANIZATION_RESULTS = 10


@dataclass(frozen=True)
class Ranking:
    """A former ranking of the lead, kept when staff re-ranked it."""

    superseded_at: datetime
    matches: list[Match]


@dataclass(frozen=True)
class LeadDetail:
    """What a lead's page shows besides the lead itself."""

    inquiry: Inquiry
    matches: list[Match]  # current: pinned first, then the engine's order, then staff additions
    previous: list[Ranking]  # newest first
    activities: list[Activity]  # newest first
    duplicates: list[Duplicate]  # none for a merged lead
    staff: list[User]  # active accounts, for assignment
    no_clear_match: bool  # ranked, but nothing strong: a specialist looks personally


def get_lead(inquiry_id: int) -> Inquiry:
    """The lead with its matches, their organizations and its assignee, or a 404."""
    return db.get_or_404(
        Inquiry,
        inquiry_id,
        options=[
            selectinload(Inquiry.matches).joinedload(Match.organization)
            .selectinload(Organization.contacts),
            selectinload(Inquiry.introductions).joinedload(Introduction.proposed_by),
            joinedload(Inquiry.assignee),
        ],
        populate_existing=True,
    )


def lead_detail(inquiry: Inquiry) -> LeadDetail:
    """Everything the lead page shows, in a fixed number of statements."""
    superseded = sorted(
        (match for match in inquiry.matches if match.superseded_at is not None),
        key=lambda match: (match.superseded_at, match.rank),
    )
    previous = [
        Ranking(superseded_at=when, matches=list(group))
        for when, group in groupby(superseded, key=lambda match: match.superseded_at)
    ]
    activities = db.session.scalars(
        sa.select(Activity)
        .where(Activity.inquiry_id == inquiry.id)
        .options(joinedload(Activity.user))
        .order_by(Activity.created_at.desc(), Activity.id.desc())
    ).all()
    return LeadDetail(
        inquiry=inquiry,
        matches=current_matches(inquiry),
        previous=previous[::-1],
        activities=list(activities),
        duplicates=[] if inquiry.merged_into_id else possible_duplicates(inquiry),
        staff=accounts.active_staff(),
        no_clear_match=ranking.has_no_clear_match(inquiry),
    )


def current_matches(inquiry: Inquiry) -> list[Match]:
    """The matches not superseded by a re-rank: pinned first, the engine's order, staff's own."""
    current = [match for match in inquiry.matches if match.superseded_at is None]
    return sorted(
        current, key=lambda m: (not m.pinned, m.source != MatchSource.ENGINE, m.rank, m.id or 0)
    )


def introducible(inquiry: Inquiry) -> list[Match]:
    """The current matches the investor was not introduced to yet."""
    return [match for match in current_matches(inquiry) if match.introduced_at is None]


def organizations_to_add(inquiry: Inquiry, text: str) -> list[Organization]:
    """Active organizations found by a search, less those already among the current matches."""
    if not text.strip():
        return []
    matched = {m.organization_id for m in inquiry.matches if m.superseded_at is None}
    query = directory.search_query(text=text.strip(), sort=directory.RELEVANCE)
    if matched:
        query = query.where(Organization.id.not_in(matched))
    return list(db.session.scalars(query.limit(ORGANIZATION_RESULTS)))


def record_view(inquiry: Inquiry, user: User) -> bool:
    """Note on the trail that user saw the lead's personal data, at most once an hour.

    A view is not a change: it neither bumps the lead's version nor counts as a staff action.
    """
    recent = db.session.scalar(
        sa.select(Activity.id)
        .where(
            Activity.inquiry_id == inquiry.id,
            Activity.user_id == user.id,
            Activity.kind == ActivityKind.VIEWED,
            Activity.created_at > utcnow() - VIEW_LOG_INTERVAL,
        )
        .limit(1)
    )
    if recent is not None:
        return False
    db.session.add(
        Activity(inquiry_id=inquiry.id, user_id=user.id, kind=ActivityKind.VIEWED, detail={})
    )
    db.session.flush()
    return True


def top_matches(inquiry: Inquiry, limit: int) -> list[Match]:
    """The best current matches: not superseded by a re-rank, not judged irrelevant, and still
    in the directory (a withdrawn organization's page is gone)."""
    current = [
        match
        for match in inquiry.matches
        if match.superseded_at is None
        and match.verdict != Verdict.NOT_RELEVANT
        and match.organization.active
    ]
    return sorted(current, key=lambda match: match.rank)[:limit]
