"""The data model: organizations, inquiries and their matches, staff, activity, conversations,
outbox."""

from __future__ import annotations

import enum
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker import likeness
from matchmaker.extensions import db


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def new_nonce() -> str:
    """A random value a signed link names, so that it can be refused once its record moves on."""
    return secrets.token_urlsafe(12)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class TagSet(sa.TypeDecorator):
    """A set of vocabulary tags stored as ';a;b;' text, so a tag filter is a plain LIKE."""

    impl = sa.String
    cache_ok = True

    def __init__(self, length: int = 400) -> None:
        super().__init__(length)

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        tags = sorted({str(tag) for tag in value})
        return ";" + ";".join(tags) + ";" if tags else ""

    def process_result_value(self, value: str | None, dialect: Any) -> tuple[str, ...]:
        return tuple(tag for tag in (value or "").split(";") if tag)


def has_tag(column: Any, tag: str) -> sa.ColumnElement[bool]:
    """SQL condition: the TagSet column contains tag."""
    return sa.type_coerce(column, sa.String).like(f"%;{tag};%")


def escape_like(text: str) -> str:
    """text with LIKE's wildcards escaped (use with escape="\\"), to search for it literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


T = TypeVar("T")


def in_language(lang: str, english: T, french: T) -> tuple[str, T]:
    """(language, value): the value in lang ("en" or "fr") when there is one, else the other."""
    if lang == "fr":
        return ("fr", french) if french or not english else ("en", english)
    return ("en", english) if english or not french else ("fr", french)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


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


class Role(enum.StrEnum):
    STAFF = "staff"
    ADMIN = "admin"


class Status(enum.StrEnum):
    NEW = "new"
    QUALIFIED = "qualified"
    INTRODUCED = "introduced"
    IN_DISCUSSION = "in_discussion"
    WON = "won"
    LOST = "lost"
    NOT_RELEVANT = "not_relevant"
    SPAM = "spam"


class Verdict(enum.StrEnum):
    RELEVANT = "relevant"
    NOT_RELEVANT = "not_relevant"


class MatchSource(enum.StrEnum):
    """Who put a match on a lead."""

    ENGINE = "engine"
    STAFF = "staff"


class ActivityKind(enum.StrEnum):
    """What an Activity row records (stored as its value; templates compare with these too)."""

    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    UNROUTED = "unrouted"
    NOTIFICATION_FAILED = "notification_failed"
    RERANKED = "reranked"
    VIEWED = "viewed"
    STATUS_CHANGED = "status_changed"
    NOTE = "note"
    MATCH_JUDGED = "match_judged"
    MATCH_PINNED = "match_pinned"
    MATCH_UNPINNED = "match_unpinned"
    MATCH_REMOVED = "match_removed"
    MATCH_ADDED = "match_added"
    INTRODUCED = "introduced"
    EMAIL_QUEUED = "email_queued"
    EMAIL_SENT = "email_sent"
    EMAIL_FAILED = "email_failed"
    STALE_REMINDER = "stale_reminder"
    COVERAGE_CHANGED = "coverage_changed"
    API_TOKEN_ISSUED = "api_token_issued"
    API_TOKEN_REVOKED = "api_token_revoked"
    INTRODUCTION_PROPOSED = "introduction_proposed"
    INTRODUCTION_SENT = "introduction_sent"
    INTRODUCTION_REMINDED = "introduction_reminded"
    INTRODUCTION_ACCEPTED = "introduction_accepted"
    INTRODUCTION_DECLINED = "introduction_declined"
    INTRODUCTION_EXPIRED = "introduction_expired"
    MEETING_CHOSEN = "meeting_chosen"
    PERSONAL_DATA_EXPORTED = "personal_data_exported"
    PERSONAL_DATA_ERASED = "personal_data_erased"
    RETENTION_PURGE = "retention_purge"
    NEXT_STEP_ADDED = "next_step_added"
    NEXT_STEP_DONE = "next_step_done"
    MESSAGE_SENT = "message_sent"
    MESSAGE_RECEIVED = "message_received"
    MESSAGE_ATTACHED = "message_attached"
    SHARE_CONSENT_GRANTED = "share_consent_granted"
    DUPLICATE_SUSPECTED = "duplicate_suspected"  # on submission: possible duplicates and why
    MERGED_FROM = "merged_from"  # on the survivor: another lead was merged into it
    MERGED_INTO = "merged_into"  # on the merged lead


class NextStepKind(enum.StrEnum):
    """What a next step on a lead is."""

    CALL = "call"
    MEETING = "meeting"
    FOLLOW_UP = "follow_up"
    OTHER = "other"


class LostReason(enum.StrEnum):
    """Why a lead was lost: a fixed vocabulary, so that the dashboard can count them."""

    NO_BUDGET = "no_budget"
    OTHER_LOCATION = "other_location"
    NO_SUITABLE_PARTNER = "no_suitable_partner"
    PROJECT_DROPPED = "project_dropped"
    NO_RESPONSE = "no_response"
    OUT_OF_SCOPE = "out_of_scope"
    OTHER = "other"


class User(UserMixin, Timestamped, db.Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(10), default=Role.STAFF)
    sectors: Mapped[tuple[str, ...]] = mapped_column(TagSet, default=())
    countries: Mapped[tuple[str, ...]] = mapped_column(TagSet, default=())
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:
        """The session cookie's identity: id and session version, so bumping it signs out."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def _key_of(column: str, key: Callable[[str], str]) -> Callable[[Any], str]:
    """A column default: key(the inserted row's column), e.g. its folded e-mail address."""
    return lambda context: key(context.get_current_parameters().get(column) or "")


def new_reference() -> str:
    """An unguessable token for the investor's result page."""
    return secrets.token_urlsafe(24)


def new_code() -> str:
    """A short reference a person can read out: WM-XXXXXX, no look-alike letters."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "WM-" + "".join(secrets.choice(alphabet) for _ in range(6))


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


class Inquiry(Timestamped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # indexes below
    reference: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_reference)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_code)
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Who
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    organization: Mapped[str] = mapped_column(sa.String(200), index=True)
    role: Mapped[str] = mapped_column(sa.String(200), default="")
    country: Mapped[str] = mapped_column(sa.String(2), index=True)
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    # What
    investor_type: Mapped[str] = mapped_column(sa.String(40))
    sectors: Mapped[tuple[str, ...]] = mapped_column(TagSet, default=())
    offers: Mapped[tuple[str, ...]] = mapped_column(TagSet, default=())
    interests: Mapped[str] = mapped_column(sa.Text)
    budget: Mapped[str] = mapped_column(sa.String(40), default="")
    horizon: Mapped[str] = mapped_column(sa.String(40), default="")
    lang: Mapped[str] = mapped_column(sa.String(5), default="en")
    # Consent
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_version: Mapped[str] = mapped_column(sa.String(20))
    share_consent: Mapped[bool] = mapped_column(default=False)
    # Sharing allowed later, by the link of a consent request: when, under which notice
    share_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    share_consent_version: Mapped[str] = mapped_column(sa.String(20), default="")
    # Workflow
    status: Mapped[str] = mapped_column(sa.String(20), default=Status.NEW)
    lost_reason: Mapped[str] = mapped_column(sa.String(500), default="")  # the words
    lost_reason_code: Mapped[str] = mapped_column(sa.String(30), default="")  # a LostReason
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    needs_ranking: Mapped[bool] = mapped_column(default=False, index=True)
    last_staff_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    # Duplicates: keys to compare (matchmaker/likeness.py), and the lead this one was merged into
    email_key: Mapped[str] = mapped_column(sa.String(254), default=_key_of(
        "email", likeness.email_key), index=True)
    email_domain: Mapped[str] = mapped_column(sa.String(254), default=_key_of(
        "email", likeness.email_domain))
    name_key: Mapped[str] = mapped_column(sa.String(200), default=_key_of(
        "name", likeness.name_key))
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("inquiry.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignee: Mapped[User | None] = relationship()
    merged_into: Mapped[Inquiry | None] = relationship(remote_side=[id])
    matches: Mapped[list[Match]] = relationship(
        back_populates="inquiry", cascade="all, delete-orphan", order_by="Match.rank"
    )
    introductions: Mapped[list[Introduction]] = relationship(
        back_populates="inquiry", cascade="all, delete-orphan", order_by="Introduction.id"
    )

    __mapper_args__ = {"version_id_col": version}
    # The list, its counts and the figures read the leads not merged from these indexes alone
    # (merged_into_id last); a partial index finds the few merged ones without looking
    # selective for "not merged" to the planners.
    __table_args__ = (
        sa.Index("ix_inquiry_created_at", "created_at", "id", "merged_into_id"),
        sa.Index("ix_inquiry_status_created_at", "status", "created_at", "id", "merged_into_id"),
        sa.Index("ix_inquiry_merged_into_id", "merged_into_id",
                 sqlite_where=sa.text("merged_into_id IS NOT NULL"),
                 postgresql_where=sa.text("merged_into_id IS NOT NULL")),
        sa.Index("ix_inquiry_email_domain_created_at", "email_domain", "created_at"),
        sa.Index("ix_inquiry_country_name_key", "country", "name_key"),
    )


class Match(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inquiry.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    rank: Mapped[int]
    score: Mapped[float]
    explanation: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    engine_version: Mapped[str] = mapped_column(sa.String(40), default="")
    directory_version: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(sa.String(10), default=MatchSource.ENGINE.value)
    verdict: Mapped[str | None] = mapped_column(sa.String(20))
    pinned: Mapped[bool] = mapped_column(default=False)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set on re-rank
    introduced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    inquiry: Mapped[Inquiry] = relationship(back_populates="matches")
    organization: Mapped[Organization] = relationship()


class IntroductionState(enum.StrEnum):
    """Where an introduction stands: waiting for a contact, sent, then answered or expired."""

    NEEDS_CONTACT = "needs_contact"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class DeclineReason(enum.StrEnum):
    NOT_A_FIT = "not_a_fit"
    NO_CAPACITY = "no_capacity"
    BAD_TIMING = "bad_timing"
    ALREADY_IN_TOUCH = "already_in_touch"
    OTHER = "other"


class Introduction(db.Model):
    """The investor proposed to one matched organization, and the organization's answer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(
        sa.ForeignKey("match.id", ondelete="CASCADE"), unique=True
    )
    inquiry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inquiry.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    state: Mapped[str] = mapped_column(
        sa.String(20), default=IntroductionState.NEEDS_CONTACT, index=True
    )
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(sa.Text, default="")  # the agency's word
    # The contact it went to, as it was when sent
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_lang: Mapped[str] = mapped_column(sa.String(5), default="en")
    nonce: Mapped[str] = mapped_column(sa.String(32), default=new_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The answer
    answer_message: Mapped[str] = mapped_column(sa.Text, default="")
    decline_reason: Mapped[str] = mapped_column(sa.String(20), default="")
    slots: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # ISO UTC times proposed
    meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the slot the investor chose

    match: Mapped[Match] = relationship()
    inquiry: Mapped[Inquiry] = relationship(back_populates="introductions")
    organization: Mapped[Organization] = relationship()
    proposed_by: Mapped[User | None] = relationship()

    @property
    def slot_times(self) -> list[datetime]:
        """The proposed meeting times, earliest first."""
        return sorted(datetime.fromisoformat(slot) for slot in self.slots or ())


class Activity(db.Model):
    """Append-only trail of what happened to an inquiry, and who did it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("inquiry.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship()


class NextStep(db.Model):
    """A call, meeting or follow-up to do on a lead by a due date, owned by one staff member."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inquiry.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default=NextStepKind.FOLLOW_UP)
    due_on: Mapped[date] = mapped_column(sa.Date, index=True)  # a day in the agency's zone
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))

    inquiry: Mapped[Inquiry] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])


class MessageDirection(enum.StrEnum):
    OUTBOUND = "out"  # staff wrote to the investor
    INBOUND = "in"  # received at the agency's inbound address


class UnmatchedReason(enum.StrEnum):
    """Why a received mail is on no lead."""

    NO_TOKEN = "no_token"  # sent to the plain inbound address
    INVALID = "invalid"  # a token the service did not sign (forged or damaged)
    UNKNOWN_LEAD = "unknown_lead"  # a genuine token of a lead that no longer exists


class LeadMessage(db.Model):
    """One message of a lead's conversation with the investor: written by staff (and sent
    through the outbox) or received at the lead's reply address. A received mail that names no
    lead has no inquiry: it waits in the unmatched list until staff attach or discard it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("inquiry.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(sa.String(3))
    template: Mapped[str] = mapped_column(sa.String(30), default="")  # what staff started from
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    outbox_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    sender: Mapped[str] = mapped_column(sa.String(254), default="")  # received: From address
    sender_name: Mapped[str] = mapped_column(sa.String(200), default="")
    recipient: Mapped[str] = mapped_column(sa.String(254), default="")
    lang: Mapped[str] = mapped_column(sa.String(5), default="")
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    body_text: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")  # received: sanitized
    header_message_id: Mapped[str] = mapped_column(sa.String(300), default="")
    size: Mapped[int] = mapped_column(default=0)  # received: bytes of the whole mail
    unmatched_reason: Mapped[str] = mapped_column(sa.String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    inquiry: Mapped[Inquiry | None] = relationship()
    author: Mapped[User | None] = relationship()
    outbox: Mapped[OutboxMessage | None] = relationship()
    attachments: Mapped[list[MessageAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MessageAttachment.id"
    )


class MessageAttachment(db.Model):
    """A file attached to a received mail; its content is kept only up to the size cap."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lead_message.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # None: over the cap

    message: Mapped[LeadMessage] = relationship(back_populates="attachments")


class OutboxMessage(db.Model):
    """A mail to send, written in the same transaction as the change that causes it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("inquiry.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    reply_to: Mapped[str] = mapped_column(sa.String(254), default="")
    calendar: Mapped[str] = mapped_column(sa.Text, default="")  # an .ics invitation to attach
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(sa.String(64))
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    inquiry: Mapped[Inquiry | None] = relationship()


class TokenScope(enum.StrEnum):
    READ = "read"  # read leads and organizations
    WRITE = "write"  # read, and change a lead's status


class ApiToken(db.Model):
    """A bearer token of the JSON API, acting as one staff user; only its SHA-256 is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))  # the token's first characters, to tell it
    scope: Mapped[str] = mapped_column(sa.String(10), default=TokenScope.READ)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class SignInThrottle(db.Model):
    """Failed sign-ins on one account from one client address, and when the next attempt from
    there may be checked (services/sign_in_throttle.py). Keyed by a hash: no address stored."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_user.id", ondelete="CASCADE"),
                                         index=True)  # fmt: skip
    failures: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
