"""The organizations' history (OrganizationEvent): each change, who made it and how (an admin
edit, an import, a staff member's contact change, an approved proposal). Services flush."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Organization, OrganizationEvent, OrganizationEventKind, User


class FieldChange(Protocol):
    field: str
    before: Any
    after: Any


def record(org: Organization, user: User | None, kind: OrganizationEventKind,
           **detail: Any) -> OrganizationEvent:  # fmt: skip
    """Add an event to the organization's history (the organization must have its id)."""
    event = OrganizationEvent(organization_id=org.id, user_id=user.id if user else None,
                              kind=kind, detail=detail)  # fmt: skip
    db.session.add(event)
    return event


def changes_detail(changes: Iterable[FieldChange]) -> dict[str, dict[str, Any]]:
    """Changes as the history keeps them: {field: {"from": before, "to": after}}."""
    return {change.field: {"from": _plain(change.before), "to": _plain(change.after)}
            for change in changes}  # fmt: skip


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def history(org: Organization) -> list[OrganizationEvent]:
    """The organization's history, newest first."""
    return list(
        db.session.scalars(
            sa.select(OrganizationEvent)
            .where(OrganizationEvent.organization_id == org.id)
            .order_by(OrganizationEvent.created_at.desc(), OrganizationEvent.id.desc())
        )
    )
