"""Contacts of organizations (the people introductions go to) and the organizations' history.

Any signed-in staff member keeps the contacts; every change lands on the organization's history
(OrganizationEvent). The services flush; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import (
    Contact,
    Organization,
    OrganizationEvent,
    OrganizationEventKind,
    User,
    escape_like,
)
from matchmaker.services.outbox import InvalidRecipient, checked_address, is_single_address

LANGUAGES = ("en", "fr")


class ContactError(ValueError):
    """A contact that cannot be saved; the message says why."""


@dataclass(frozen=True)
class Recipient:
    """Whom an introduction goes to: a contact, or the directory's plain contact address."""

    name: str
    email: str
    lang: str


def primary_contact(org: Organization) -> Recipient | None:
    """The organization's first contact person; else its directory contact address (from the
    CSV), in the organization's language, if mail can go to it (one saved before the directory
    checked for a single address may be a list); else None."""
    if org.contacts:
        contact = org.contacts[0]
        return Recipient(contact.name, contact.email, contact.lang)
    if org.contact_email and is_single_address(org.contact_email):
        return Recipient("", org.contact_email, org.profile_lang)
    return None


def no_contact_condition() -> sa.ColumnElement[bool]:
    """SQL: the organization has no contact person and no directory contact address."""
    return sa.and_(
        ~sa.exists().where(Contact.organization_id == Organization.id),
        sa.func.coalesce(Organization.contact_email, "") == "",
    )


def organizations_query(text: str = "", missing_contact: bool = False) -> sa.Select:
    """Active organizations by name, optionally only those without any contact yet."""
    query = sa.select(Organization).where(Organization.active).order_by(Organization.name)
    if text.strip():
        query = query.where(
            Organization.name.ilike(f"%{escape_like(text.strip())}%", escape="\\")
        )
    if missing_contact:
        query = query.where(no_contact_condition())
    return query


def _clean(name: str, role: str, email: str, lang: str) -> dict[str, str]:
    name, role = " ".join(name.split()), " ".join(role.split())
    if not name:
        raise ContactError(_("A contact needs a name."))
    try:
        email = checked_address(email)
    except InvalidRecipient:
        raise ContactError(_("Give one email address.")) from None
    if lang not in LANGUAGES:
        raise ContactError(_("Choose English or French."))
    return {"name": name, "role": role, "email": email.lower(), "lang": lang}


def _log(org: Organization, user: User | None, kind: OrganizationEventKind, **detail: Any) -> None:
    db.session.add(OrganizationEvent(organization_id=org.id, user_id=user.id if user else None,
                                     kind=kind, detail=detail))  # fmt: skip


def add_contact(
    org: Organization, user: User | None, name: str, role: str, email: str, lang: str
) -> Contact:
    """Add a contact person to the organization, on its history."""
    fields = _clean(name, role, email, lang)
    if any(contact.email == fields["email"] for contact in org.contacts):
        raise ContactError(_("That address is already a contact of this organization."))
    contact = Contact(**fields)
    org.contacts.append(contact)
    db.session.flush()
    _log(org, user, OrganizationEventKind.CONTACT_ADDED, contact_id=contact.id, **fields)
    db.session.flush()
    return contact


def update_contact(
    contact: Contact, user: User | None, name: str, role: str, email: str, lang: str
) -> bool:
    """Change a contact; the history keeps what each changed field was. False if no change."""
    fields = _clean(name, role, email, lang)
    org = contact.organization
    if any(other.email == fields["email"] and other.id != contact.id for other in org.contacts):
        raise ContactError(_("That address is already a contact of this organization."))
    changed = {
        field: {"from": getattr(contact, field), "to": value}
        for field, value in fields.items()
        if getattr(contact, field) != value
    }
    if not changed:
        return False
    for field, change in changed.items():
        setattr(contact, field, change["to"])
    _log(org, user, OrganizationEventKind.CONTACT_CHANGED, contact_id=contact.id,
         name=contact.name, changes=changed)  # fmt: skip
    db.session.flush()
    return True


def remove_contact(contact: Contact, user: User | None) -> None:
    """Take a contact off the organization, on its history."""
    org = contact.organization
    _log(org, user, OrganizationEventKind.CONTACT_REMOVED, contact_id=contact.id,
         name=contact.name, email=contact.email)  # fmt: skip
    org.contacts.remove(contact)
    db.session.flush()


def history(org: Organization) -> list[OrganizationEvent]:
    """The organization's history, newest first."""
    return list(
        db.session.scalars(
            sa.select(OrganizationEvent)
            .where(OrganizationEvent.organization_id == org.id)
            .order_by(OrganizationEvent.created_at.desc(), OrganizationEvent.id.desc())
        )
    )
