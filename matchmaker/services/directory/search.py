"""Finding organizations: the public and staff searches, and the home page's counts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Organization, escape_like, has_tag
from matchmaker.services.contacts import no_contact_condition


def is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0


def active_query() -> sa.Select:
    """Organizations shown to the public."""
    return sa.select(Organization).where(Organization.active.is_(True))


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
    """Organizations matching a free-text search and filters: active ones by default (what
    the public sees), inactive ones or all (active=None) for admins, those without any
    contact yet; by name by default."""
    query = sa.select(Organization)
    if active is not None:
        query = query.where(Organization.active.is_(active))
    if text:
        pattern = f"%{escape_like(text)}%"
        query = query.where(
            sa.or_(
                *(
                    sa.type_coerce(column, sa.String).ilike(pattern, escape="\\")
                    for column in (
                        Organization.name,
                        Organization.slug,
                        Organization.description,
                        Organization.description_fr,
                        Organization.keywords,
                        Organization.keywords_fr,
                        Organization.city,
                    )
                )
            )
        )
    if sector:
        query = query.where(has_tag(Organization.sectors, sector))
    if province:
        query = query.where(Organization.province == province)
    if kind:
        query = query.where(Organization.kind == kind)
    if missing_contact:
        query = query.where(no_contact_condition())
    return query.order_by(*SORTS.get(sort, SORTS["name"]))


def public_stats() -> dict[str, int]:
    """Counts for the home page."""
    return {
        "organizations": db.session.scalar(
            sa.select(sa.func.count()).select_from(active_query().subquery())
        )
        or 0,
    }
