"""Leads: inquiries, their matches, introductions, trail and next steps, and their vocabularies."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from matchmaker import likeness
from matchmaker.extensions import db
from matchmaker.models.base import (
    TagSet,
    Timestamped,
    UTCDateTime,
    email_key,
    new_code,
    new_nonce,
    new_reference,
    utcnow,
)
from matchmaker.search_index import index_search_terms

if TYPE_CHECKING:
    from matchmaker.models.accounts import User
    from matchmaker.models.directory import Organization


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


def _key_of(column: str, key: Callable[[str], str]) -> Callable[[Any], str]:
    """A column default: key(the inserted row's column), e.g. its folded e-mail address."""
    return lambda context: key(context.get_current_parameters().get(column) or "")


class Inquiry(Timestamped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # indexes below
    reference: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_reference)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_code)
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Who
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    email_normalized: Mapped[str] = mapped_column(sa.String(254), index=True)  # email_key(email)
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
    search_terms: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # search.py
    # Duplicates: keys to compare (matchmaker/likeness.py), and the lead this one was merged into
    email_folded: Mapped[str] = mapped_column(sa.String(254), default=_key_of(
        "email", likeness.folded_email), index=True)
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
        # Possible duplicates: the newest leads not merged sharing a company domain, or a person's
        # name and country, found in the index without reading the rows they skip.
        sa.Index("ix_inquiry_email_domain_created_at", "email_domain", "created_at",
                 "merged_into_id"),
        sa.Index("ix_inquiry_country_name_key", "country", "name_key", "created_at",
                 "merged_into_id"),
    )

    @validates("email")
    def _keep_email_normalized(self, _key: str, address: str) -> str:
        """Every write of the address writes its normalized form too (look-ups, duplicates)."""
        self.email_normalized = email_key(address)
        return address


index_search_terms(Inquiry.__table__)
# The lead list sorted by name, from the index alone at any page (merged_into_id included, so
# that leaving merged leads out reads no row). SQLite's reflection cannot read an index on an
# expression: SQLAlchemy and Alembic warn that they skip it (pyproject.toml).
sa.Index("ix_inquiry_name_sort", sa.func.lower(Inquiry.name), Inquiry.id, Inquiry.merged_into_id,
         postgresql_include=["name"])  # fmt: skip


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
