"""Lead routing: which staff member covers an inquiry, taken in turn within the covering team.

The rules (also explained to admins on the coverage page):

1. The team is every active staff member or admin who covers at least one of the inquiry's
   sectors.
2. A member who lists countries covers only inquiries from those countries; within the team,
   members who list the inquiry's country come first (they are its specialists), and members
   who list no country cover it when no specialist does.
3. Within the team, the member assigned longest ago (or never) gets the lead: round-robin.
4. When nobody covers it, the lead is unassigned and its notification goes to the default inbox
   (STAFF_INBOX).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, ActivityKind, Inquiry, User, utcnow
from matchmaker.services import accounts
from matchmaker.taxonomy import SECTORS


def team(inquiry: Inquiry) -> list[User]:
    """The active staff who cover the inquiry, in the order they take turns."""
    if not inquiry.sectors:
        return []
    wanted = set(inquiry.sectors)
    covering = (user for user in accounts.active_staff() if wanted.intersection(user.sectors))
    candidates = sorted(covering, key=_turn)
    specialists = [user for user in candidates if inquiry.country in user.countries]
    return specialists or [user for user in candidates if not user.countries]


def _turn(user: User) -> tuple[bool, datetime | None, int]:
    """The order of turns: never assigned first, then assigned longest ago (ties by id)."""
    return user.last_assigned_at is not None, user.last_assigned_at, user.id


def route(inquiry: Inquiry) -> User | None:
    """Assign the inquiry to the covering staff member whose turn it is, in the caller's
    transaction, and record it in the activity trail; None when nobody covers it."""
    if inquiry.id is None:
        db.session.flush()
    for user in team(inquiry):
        if _take_turn(user):
            inquiry.assignee = user
            db.session.add(
                Activity(
                    inquiry_id=inquiry.id,
                    kind=ActivityKind.ASSIGNED,
                    detail={"assignee_id": user.id, "assignee": user.name, "by": "routing"},
                )
            )
            return user
    db.session.add(
        Activity(inquiry_id=inquiry.id, kind=ActivityKind.UNROUTED, detail={"by": "routing"})
    )
    return None


def _take_turn(user: User) -> bool:
    """Move the user to the back of the queue, unless a concurrent submission just did
    (then the next member is tried, so two simultaneous leads go to two people)."""
    seen = user.last_assigned_at
    now = utcnow()
    result = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            User.last_assigned_at.is_(None) if seen is None else User.last_assigned_at == seen,
        )
        .values(last_assigned_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    sa.orm.attributes.set_committed_value(user, "last_assigned_at", now)
    return True


def coverage_by_sector() -> dict[str, list[User]]:
    """For each sector of the taxonomy, the active staff who cover it (empty: nobody does)."""
    active = accounts.active_staff()
    return {sector: [user for user in active if sector in user.sectors] for sector in SECTORS}


def set_coverage(
    user: User, sectors: tuple[str, ...], countries: tuple[str, ...], by: User
) -> bool:
    """Change what a staff member covers (caller commits); False when nothing changed.
    The change is kept on the activity trail, with who made it."""
    before = {"sectors": sorted(user.sectors), "countries": sorted(user.countries)}
    after = {"sectors": sorted(set(sectors)), "countries": sorted(set(countries))}
    if before == after:
        return False
    user.sectors = tuple(after["sectors"])
    user.countries = tuple(after["countries"])
    db.session.add(
        Activity(
            user_id=by.id,
            kind=ActivityKind.COVERAGE_CHANGED,
            detail={"staff_id": user.id, "before": before, "after": after},
        )
    )
    return True
