"""Contacts of organizations: the people introductions go to, their rules and CSV cell.

Any signed-in staff member keeps the contacts; so do imports and approved proposals. Every
change lands on the organization's history. The services flush; the request commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import Contact, Organization, OrganizationEventKind, User
from matchmaker.services import history
from matchmaker.services.outbox import InvalidRecipient, checked_address, is_single_address

LANGUAGES = ("en", "fr")
MAX_LENGTH = 200  # of a name or a role
# A contact in a directory CSV cell: name|role|email|language, contacts separated by ";".
FIELD_SEPARATOR, CONTACT_SEPARATOR = "|", ";"


class ContactError(ValueError):
    """A contact that cannot be saved: the field at fault, and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ContactRecord:
    """A contact's fields, checked: what a CSV cell, a form or a proposal gives."""

    name: str
    role: str
    email: str
    lang: str

    def __str__(self) -> str:
        role = f" ({self.role})" if self.role else ""
        return f"{self.name}{role} <{self.email}>, {self.lang}"

    def fields(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "email": self.email, "lang": self.lang}


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


def check_contact(name: str, role: str, email: str, lang: str) -> ContactRecord:
    """The contact's fields, tidied (spaces, lower-case address), or ContactError: the one
    set of rules for the staff's form, CSV imports and proposals."""
    name, role = " ".join(name.split()), " ".join(role.split())
    if not name:
        raise ContactError("name", _("A contact needs a name."))
    for field, value in (("name", name), ("role", role)):
        if len(value) > MAX_LENGTH:
            raise ContactError(field, _("At most %(limit)d characters (this has %(length)d).",
                                        limit=MAX_LENGTH, length=len(value)))  # fmt: skip
        if FIELD_SEPARATOR in value or CONTACT_SEPARATOR in value:
            raise ContactError(field, _("A name or a role cannot contain ; or |."))
    try:
        email = checked_address(email)
    except InvalidRecipient:
        raise ContactError("email", _("Give one email address.")) from None
    if lang not in LANGUAGES:
        raise ContactError("lang", _("Choose English (en) or French (fr)."))
    return ContactRecord(name, role, email.lower(), lang)


def parse_contacts(cell: str) -> tuple[tuple[ContactRecord, ...], list[str]]:
    """The contacts of a CSV cell (name|role|email|language; ...), and what is wrong with it."""
    records: list[ContactRecord] = []
    problems = []
    parts = [part.strip() for part in cell.split(CONTACT_SEPARATOR) if part.strip()]
    for number, part in enumerate(parts, start=1):
        try:
            fields = part.split(FIELD_SEPARATOR)
            if len(fields) != 4:
                raise ContactError("contacts", _(
                    "Write each contact as name|role|email|language (en or fr), and separate "
                    "contacts with ;."))  # fmt: skip
            record = check_contact(*(field.strip() for field in fields))
            if any(other.email == record.email for other in records):
                raise ContactError("email", _("That address is already a contact of this "
                                              "organization."))  # fmt: skip
            records.append(record)
        except ContactError as error:
            problems.append(_("contact %(number)d: %(problem)s", number=number, problem=error))
    return tuple(records), problems


def contacts_cell(records: Iterable[ContactRecord]) -> str:
    """Contacts as a CSV cell, the inverse of parse_contacts."""
    return CONTACT_SEPARATOR.join(
        FIELD_SEPARATOR.join((r.name, r.role, r.email, r.lang)) for r in records
    )


def records_of(org: Organization) -> tuple[ContactRecord, ...]:
    """The organization's contacts as records, in order (the first receives introductions)."""
    return tuple(ContactRecord(c.name, c.role, c.email, c.lang) for c in org.contacts)


def add_contact(org: Organization, user: User | None, name: str, role: str, email: str,
                lang: str, via: str = "staff", **context: Any) -> Contact:  # fmt: skip
    """Add a contact person to the organization, on its history (via: staff, import or
    proposal; context: what else the history keeps, e.g. the file)."""
    record = check_contact(name, role, email, lang)
    if any(contact.email == record.email for contact in org.contacts):
        raise ContactError("email", _("That address is already a contact of this organization."))
    contact = Contact(**record.fields())
    org.contacts.append(contact)
    db.session.flush()
    history.record(org, user, OrganizationEventKind.CONTACT_ADDED, contact_id=contact.id,
                   **record.fields(), via=via, **context)  # fmt: skip
    db.session.flush()
    return contact


def update_contact(contact: Contact, user: User | None, name: str, role: str, email: str,
                   lang: str, via: str = "staff", **context: Any) -> bool:  # fmt: skip
    """Change a contact; the history keeps what each changed field was. False if no change."""
    record = check_contact(name, role, email, lang)
    org = contact.organization
    if any(other.email == record.email and other.id != contact.id for other in org.contacts):
        raise ContactError("email", _("That address is already a contact of this organization."))
    changed = {
        field: {"from": getattr(contact, field), "to": value}
        for field, value in record.fields().items()
        if getattr(contact, field) != value
    }
    if not changed:
        return False
    for field, change in changed.items():
        setattr(contact, field, change["to"])
    history.record(org, user, OrganizationEventKind.CONTACT_CHANGED, contact_id=contact.id,
                   name=contact.name, changes=changed, via=via, **context)  # fmt: skip
    db.session.flush()
    return True


def remove_contact(contact: Contact, user: User | None, via: str = "staff",
                   **context: Any) -> None:  # fmt: skip
    """Take a contact off the organization, on its history."""
    org = contact.organization
    history.record(org, user, OrganizationEventKind.CONTACT_REMOVED, contact_id=contact.id,
                   name=contact.name, email=contact.email, via=via, **context)  # fmt: skip
    org.contacts.remove(contact)
    db.session.flush()


def sync_contacts(org: Organization, user: User | None, wanted: Sequence[ContactRecord],
                  via: str, **context: Any) -> bool:  # fmt: skip
    """Make the organization's contacts those wanted, matched by address: the others are
    removed, known addresses updated, new ones added after the existing ones (so the contact
    who receives the introductions stays first). Whether anything changed."""
    by_email = {record.email: record for record in wanted}
    current = {contact.email: contact for contact in org.contacts}
    changed = False
    for email, contact in current.items():
        if email not in by_email:
            remove_contact(contact, user, via, **context)
            changed = True
    for record in wanted:
        if record.email in current:
            changed |= update_contact(current[record.email], user, *record.fields().values(),
                                      via, **context)  # fmt: skip
        else:
            add_contact(org, user, *record.fields().values(), via, **context)
            changed = True
    return changed
