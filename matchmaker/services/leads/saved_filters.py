"""Each staff member's saved filters of the lead list and board: a name and the list's query
string, seen, replaced and deleted by their owner alone. Flushes only."""

from __future__ import annotations

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import SavedFilter, User


def saved_filters(user: User) -> list[SavedFilter]:
    """The user's saved filters, by name."""
    return list(db.session.scalars(
        sa.select(SavedFilter).where(SavedFilter.user_id == user.id)
        .order_by(sa.func.lower(SavedFilter.name), SavedFilter.id)))  # fmt: skip


def save(user: User, name: str, query: str) -> bool:
    """Keep query under name for user: True if the name is new, False if it replaced the
    filters the user had saved under it."""
    kept = db.session.scalar(
        sa.select(SavedFilter).where(SavedFilter.user_id == user.id, SavedFilter.name == name))
    if kept is None:
        db.session.add(SavedFilter(user_id=user.id, name=name, query=query))
    else:
        kept.query = query
    db.session.flush()
    return kept is None


def delete(user: User, filter_id: int) -> SavedFilter | None:
    """Delete one of user's saved filters and return it; None if user has none with that id."""
    kept = db.session.get(SavedFilter, filter_id)
    if kept is None or kept.user_id != user.id:
        return None
    db.session.delete(kept)
    db.session.flush()
    return kept
