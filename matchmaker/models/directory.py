"""The directory: organizations, their contacts, history and profile proposals, and the
directory's version and uploads."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.models.base import (
    TagSet,
    Timestamped,
    UTCDateTime,
    in_language,
    new_nonce,
    new_reference,
    utcnow,
)
from matchmaker.search_index import index_search_terms

if TYPE_CHECKING:
    from matchmaker.models.accounts import User


class Organization(Timestamped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    sectors: Mapped[tuple[str, ...]] = mapped_column(TagSet, default=())
    offers: Mapped[tuple[str, ...]] = mapped_column(TagSet, default=())
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    province: Mapped[str] = mapped_column(sa.String(40), index=True)
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    founded: Mapped[int | None]
    size: Mapped[str] = mapped_column(sa.String(20), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")  # English
    description_fr: Mapped[str] = mapped_column(sa.Text, default="")
    keywords: Mapped[tuple[str, ...]] = mapped_column(TagSet(2000), default=())  # English
    keywords_fr: Mapped[tuple[str, ...]] = mapped_column(TagSet(2000), default=())
    source: Mapped[str] = mapped_column(sa.String(300), default="")  # where the facts came from
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    active: Mapped[bool] = mapped_column(default=True, index=True)
    search_terms: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # search.py

    def description_in(self, lang: str) -> str:
        """The description in lang ("en" or "fr"), else in the other language."""
        return in_language(lang, self.description, self.description_fr)[1]

    def description_lang(self, lang: str) -> str:
        """The language description_in(lang) is written in (for a page's lang attribute)."""
        return in_language(lang, self.description, self.description_fr)[0]

    def keywords_in(self, lang: str) -> tuple[str, ...]:
        """The keywords in lang ("en" or "fr"), else in the other language."""
        return in_language(lang, self.keywords, self.keywords_fr)[1]

    @property
    def profile_lang(self) -> str:
        """The language to write to the organization in: English unless it reads only French."""
        return "fr" if self.description_fr and not self.description else "en"

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="Contact.id"
    )


class Contact(Timestamped, db.Model):
    """A person at an organization whom introductions are sent to, kept by staff."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(254))
    lang: Mapped[str] = mapped_column(sa.String(5), default="en")

    organization: Mapped[Organization] = relationship(back_populates="contacts")


class OrganizationEventKind(enum.StrEnum):
    """What an OrganizationEvent records; its detail says how ("via": edit, import, staff or
    proposal) and, for changes, each field's before and after."""

    ADDED = "added"
    CHANGED = "changed"
    DEACTIVATED = "deactivated"
    REACTIVATED = "reactivated"
    CONTACT_ADDED = "contact_added"
    CONTACT_CHANGED = "contact_changed"
    CONTACT_REMOVED = "contact_removed"
    PROPOSAL_RECEIVED = "proposal_received"
    PROPOSAL_APPROVED = "proposal_approved"
    PROPOSAL_REJECTED = "proposal_rejected"


class OrganizationEvent(db.Model):
    """Append-only history of an organization: who changed what, and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship()


class ProposalState(enum.StrEnum):
    """Where a profile proposal stands: a link was mailed, then proposed, then decided."""

    REQUESTED = "requested"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ProfileProposal(db.Model):
    """Changes to an organization's profile proposed by one of its contacts through a signed
    link (the directory's cells: descriptions, keywords, offers, contacts), decided by staff."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    # The contact who asked for the link, as they were then
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    lang: Mapped[str] = mapped_column(sa.String(5), default="en")
    nonce: Mapped[str] = mapped_column(sa.String(32), default=new_nonce)
    state: Mapped[str] = mapped_column(sa.String(20), default=ProposalState.REQUESTED, index=True)
    proposed: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.Text, default="")  # the staff member's, on deciding
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL")
    )

    organization: Mapped[Organization] = relationship()
    decided_by: Mapped[User | None] = relationship()


class DirectoryState(db.Model):
    """One row: the directory version, bumped by every change to the organizations."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DirectoryUpload(db.Model):
    """A directory CSV uploaded in the back office, kept from its preview to its import.

    In the database, so that the worker or host that applies it need not be the one that
    received it; rows live for services.directory.UPLOAD_LIFETIME.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_reference)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


index_search_terms(Organization.__table__)
