"""Finding organizations: the public and staff searches, and the home page's counts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Organization, has_tag
from matchmaker.services import search
from matchmaker.services.contacts import no_contact_condition


def is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0


def active_query() -> sa.Select:
    """Organizations shown to the public."""
    return sa.select(Organization).where(Organization.active.is_(True))


RELEVANCE = "relevance"  # best match first when searching, else by name
SORTS: dict[str, tuple[Any, ...]] = {
    "name": (sa.func.lower(Organization.name), Organization.id),
    "updated": (Organization.updated_at.desc(), Organization.id.desc()),
    "created": (Organization.created_at.desc(), Organization.id.desc()),
}


def search_query(
    text: str = "",
    sector: str = "",
    province: str = "",
    *,
    kind: str = "",
    active: bool | None = True,
    missing_contact: bool = False,
    sort: str = "name",
) -> sa.Select:
    """Organizations found by a search of words (services.search) and filters: active ones by
    default (what the public sees), inactive ones or all (active=None) for admins, those without
    any contact yet; by name by default, or best match first (sort=RELEVANCE) when searching."""
    query = sa.select(Organization)
    order = SORTS.get(sort, SORTS["name"])
    if active is not None:
        query = query.where(Organization.active.is_(active))
    if text.strip():
        query = query.where(search.matches(Organization, text))
        if sort == RELEVANCE:
            order = (search.relevance(Organization, text).desc(), *SORTS["name"])
    if sector:
        query = query.where(has_tag(Organization.sectors, sector))
    if province:
        query = query.where(Organization.province == province)
    if kind:
        query = query.where(Organization.kind == kind)
    if missing_contact:
        query = query.where(no_contact_condition())
    return query.order_by(*order)


def public_stats() -> dict[str, int]:
    """Counts for the home page."""
    return {
        "organizations": db.session.scalar(
            sa.select(sa.func.count()).select_from(active_query().subquery())
        )
        or 0,
    }
