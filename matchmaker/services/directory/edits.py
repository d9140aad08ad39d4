"""Admin edits of one organization: create, update, (de)activate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import Organization
from matchmaker.services.directory.rules import (
    InvalidOrganization,
    Problem,
    validate_record,
)
from matchmaker.services.directory.version import bump_directory_version


@dataclass(frozen=True)
class Change:
    """One field of an organization, before and after an edit or an import."""

    field: str
    before: Any
    after: Any


def changes_of(org: Organization, fields: dict[str, Any], names: Iterable[str]) -> list[Change]:
    """The named fields whose new value differs from the organization's."""
    return [
        Change(name, getattr(org, name), fields[name])
        for name in names
        if getattr(org, name) != fields[name]
    ]


def create_organization(record: dict[str, str]) -> Organization:
    """Add an organization, or raise InvalidOrganization and write nothing. No commit."""
    fields, problems = validate_record(record)
    taken = Problem("slug", _("Another organization already has this slug."))
    if fields["slug"] and db.session.scalar(
        sa.select(Organization.id).where(Organization.slug == fields["slug"])
    ):
        problems.append(taken)
    if problems:
        raise InvalidOrganization(problems)
    org = Organization(**fields)
    try:
        with db.session.begin_nested():  # a concurrent twin fails here, not at commit
            db.session.add(org)
    except sa.exc.IntegrityError:
        raise InvalidOrganization([taken]) from None
    bump_directory_version()
    return org


def update_organization(org: Organization, record: dict[str, str]) -> list[Change]:
    """Change an organization's fields from a record, or raise InvalidOrganization and write
    nothing. The slug stays: imports and public links rely on it. No commit."""
    fields, problems = validate_record({**record, "slug": org.slug})
    if problems:
        raise InvalidOrganization(problems)
    changes = changes_of(org, fields, fields)
    for change in changes:
        setattr(org, change.field, change.after)
    if changes:
        bump_directory_version()
    return changes


def set_active(org: Organization, active: bool) -> bool:
    """List and match the organization again, or stop doing so; whether it changed. No commit.

    Deactivation rather than deletion: past matches keep pointing at the organization.
    """
    if org.active == active:
        return False
    org.active = active
    bump_directory_version()
    return True
