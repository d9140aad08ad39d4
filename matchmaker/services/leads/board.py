"""The pipeline board: the leads the list shows under its filters, one column per status, each
with its first cards and how many leads it holds. Reads only."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import joinedload

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Status, utcnow
from matchmaker.services.leads import listing

CARDS_PER_COLUMN = 50  # beyond these, a column links to the list of all its leads


@dataclass(frozen=True)
class Column:
    status: str
    total: int  # the leads in this status under the filters
    leads: list[Inquiry]  # the first CARDS_PER_COLUMN of them, in the list's order


def board_statuses(filters: listing.LeadFilters) -> tuple[str, ...]:
    """The columns the status filter leaves: every status, the open ones, or one."""
    if filters.status == listing.OPEN:
        return listing.OPEN_STATUSES
    if filters.status in set(Status):
        return (filters.status,)
    return tuple(Status)


def columns(filters: listing.LeadFilters, only: Collection[str] | None = None) -> list[Column]:
    """The board's columns under filters, left to right (only those of `only` when given), each
    with its first cards, their assignees loaded."""
    counts = listing.status_counts(filters)
    shown = [status for status in board_statuses(filters) if only is None or status in only]
    return [Column(status, counts[status], _first_cards(filters, status) if counts[status] else [])
            for status in shown]  # fmt: skip


def _first_cards(filters: listing.LeadFilters, status: str) -> list[Inquiry]:
    query = listing.select_leads(replace(filters, status=status))
    return list(db.session.scalars(
        query.options(joinedload(Inquiry.assignee)).limit(CARDS_PER_COLUMN)))  # fmt: skip


def age_days(inquiry: Inquiry, now: datetime | None = None) -> int:
    """Whole days since the lead was received."""
    return max(((now or utcnow()) - inquiry.created_at).days, 0)
