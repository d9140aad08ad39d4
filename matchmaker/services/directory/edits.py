"""Admin edits of one organization: create, update, (de)activate, each on its history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import Organization, OrganizationEventKind, User
from matchmaker.services import history
from matchmaker.services.contacts import records_of
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
    """The named fields whose new value differs from the organization's (contacts compared
    as a set: their order in a file does not matter)."""
    changes = []
    for name in names:
        if name == "contacts":
            if set(records_of(org)) != set(fields[name]):
                changes.append(Change(name, records_of(org), fields[name]))
        elif getattr(org, name) != fields[name]:
            changes.append(Change(name, getattr(org, name), fields[name]))
    return changes


def create_organization(record: dict[str, str], user: User | None = None) -> Organization:
    """Add an organization, on its history, or raise InvalidOrganization and write nothing.
    No commit."""
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
    history.record(org, user, OrganizationEventKind.ADDED, via="edit")
    bump_directory_version()
    return org


def update_organization(org: Organization, record: dict[str, str],
                        user: User | None = None) -> list[Change]:  # fmt: skip
    """Change an organization's fields from a record, on its history, or raise
    InvalidOrganization and write nothing. No commit."""
    changes = apply_record(org, record)
    if changes:
        history.record(org, user, OrganizationEventKind.CHANGED, via="edit",
                       changes=history.changes_detail(changes))  # fmt: skip
    return changes


def apply_record(org: Organization, record: dict[str, str]) -> list[Change]:
    """Set the profile fields a record gives (not the contacts), by the directory's rules, and
    bump the version if anything changed; or raise InvalidOrganization and write nothing. The
    slug stays: imports and public links rely on it. The caller keeps the history."""
    fields, problems = validate_record({**record, "slug": org.slug})
    if problems:
        raise InvalidOrganization(problems)
    changes = changes_of(org, fields, [name for name in fields if name != "contacts"])
    for change in changes:
        setattr(org, change.field, change.after)
    if changes:
        bump_directory_version()
    return changes


def set_active(org: Organization, active: bool, user: User | None = None) -> bool:
    """List and match the organization again, or stop doing so, on its history; whether it
    changed. No commit.

    Deactivation rather than deletion: past matches keep pointing at the organization.
    """
    if org.active == active:
        return False
    org.active = active
    kind = OrganizationEventKind.REACTIVATED if active else OrganizationEventKind.DEACTIVATED
    history.record(org, user, kind)
    bump_directory_version()
    return True
