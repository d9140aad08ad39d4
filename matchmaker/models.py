"""The data model: organizations, inquiries and their matches, staff, activity, outbox."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.search_index import index_search_terms


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


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
    """What an OrganizationEvent records."""

    CONTACT_ADDED = "contact_added"
    CONTACT_CHANGED = "contact_changed"
    CONTACT_REMOVED = "contact_removed"


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
    # Workflow
    status: Mapped[str] = mapped_column(sa.String(20), default=Status.NEW)
    lost_reason: Mapped[str] = mapped_column(sa.String(500), default="")  # the words
    lost_reason_code: Mapped[str] = mapped_column(sa.String(30), default="")  # a LostReason
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    needs_ranking: Mapped[bool] = mapped_column(default=False, index=True)
    last_staff_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    search_terms: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # search.py

    assignee: Mapped[User | None] = relationship()
    matches: Mapped[list[Match]] = relationship(
        back_populates="inquiry", cascade="all, delete-orphan", order_by="Match.rank"
    )
    introductions: Mapped[list[Introduction]] = relationship(
        back_populates="inquiry", cascade="all, delete-orphan", order_by="Introduction.id"
    )

    # The lead list's newest first, from the index alone at any page (PostgreSQL needs the id).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.Index("ix_inquiry_status_created_at", "status", "created_at"),
        sa.Index("ix_inquiry_created_at_id", "created_at", "id"),
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


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


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


index_search_terms(Organization.__table__)
index_search_terms(Inquiry.__table__)
# The lead list sorted by name, from the index alone at any page. SQLite's reflection cannot read
# an index on an expression: SQLAlchemy and Alembic warn that they skip it (pyproject.toml).
sa.Index("ix_inquiry_name_sort", sa.func.lower(Inquiry.name), Inquiry.id,
         postgresql_include=["name"])  # fmt: skip
