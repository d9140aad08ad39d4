"""One organization as staff see it: the leads it matches, the introductions it received and
how often it accepts them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Introduction, IntroductionState, Match, Organization
from matchmaker.services.leads.listing import unmerged

SHOWN = 50  # the most leads and introductions the page lists (newest first)


@dataclass(frozen=True)
class Acceptance:
    """The organization's introductions by outcome."""

    accepted: int
    declined: int
    expired: int
    waiting: int  # sent and not answered yet, or waiting for a contact

    @property
    def answered(self) -> int:
        return self.accepted + self.declined

    @property
    def rate(self) -> float | None:
        """Accepted of answered (expired ones are no answer), or None before any answer."""
        return self.accepted / self.answered if self.answered else None


def acceptance(org: Organization) -> Acceptance:
    counts = dict(
        db.session.execute(
            sa.select(Introduction.state, sa.func.count())
            .where(Introduction.organization_id == org.id)
            .group_by(Introduction.state)
        ).all()
    )
    waiting = counts.get(IntroductionState.SENT, 0) + counts.get(IntroductionState.NEEDS_CONTACT, 0)
    return Acceptance(
        accepted=counts.get(IntroductionState.ACCEPTED, 0),
        declined=counts.get(IntroductionState.DECLINED, 0),
        expired=counts.get(IntroductionState.EXPIRED, 0),
        waiting=waiting,
    )


def leads(org: Organization, limit: int = SHOWN) -> tuple[list[Match], int]:
    """The organization's current matches with their leads, newest lead first, and how many
    (a merged lead's leftover matches are on its survivor already: left out)."""
    where = sa.and_(Match.organization_id == org.id, Match.superseded_at.is_(None), unmerged())
    total = db.session.scalar(
        sa.select(sa.func.count(Match.id)).join(Match.inquiry).where(where)) or 0
    matches = db.session.scalars(
        sa.select(Match).join(Match.inquiry).where(where).options(contains_eager(Match.inquiry))
        .order_by(Inquiry.created_at.desc(), Match.id.desc()).limit(limit)
    )  # fmt: skip
    return list(matches), total


def introductions(org: Organization, limit: int = SHOWN) -> tuple[list[Introduction], int]:
    """The organization's introductions with their leads, newest first, and how many."""
    where = Introduction.organization_id == org.id
    total = db.session.scalar(sa.select(sa.func.count(Introduction.id)).where(where)) or 0
    rows = db.session.scalars(
        sa.select(Introduction).where(where).options(joinedload(Introduction.inquiry))
        .order_by(Introduction.created_at.desc(), Introduction.id.desc()).limit(limit)
    )  # fmt: skip
    return list(rows), total
