"""Test data: leads with their matches, trail and mail, saved directly (no engine, no routing).

Call these inside an app context; they add and flush, and the caller commits.
"""

from __future__ import annotations

import csv
import io
import math
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    Inquiry,
    Introduction,
    Match,
    Organization,
    OutboxMessage,
    has_tag,
    utcnow,
)
from matchmaker.services import directory
from tests.helpers import new_inquiry

# How many organizations the shipped directory holds, and its pages of 20 (public), 25 (staff).
SHIPPED = len(list(csv.DictReader(io.StringIO(directory.shipped_directory().decode("utf-8-sig")))))
PUBLIC_PAGES = math.ceil(SHIPPED / 20)
STAFF_PAGES = math.ceil(SHIPPED / 25)


def organization(slug: str) -> Organization:
    """An organization of the (seeded) directory, by slug."""
    return db.session.scalar(sa.select(Organization).where(Organization.slug == slug))


def organizations(count: int, sector: str | None = None) -> list[Organization]:
    """The first organizations of the directory by slug, optionally in one sector."""
    query = sa.select(Organization).order_by(Organization.slug).limit(count)
    if sector:
        query = query.where(has_tag(Organization.sectors, sector))
    return list(db.session.scalars(query))


def add_match(
    inquiry: Inquiry,
    org: Organization,
    *,
    rank: int,
    score: float,
    verdict: str | None = None,
    introduced_at: datetime | None = None,
    terms: Sequence[str] = (),
    engine_version: str = "test-1",
    directory_version: int = 1,
    **fields: Any,
) -> Match:
    match = Match(
        organization=org,
        rank=rank,
        score=score,
        verdict=verdict,
        introduced_at=introduced_at,
        explanation={"terms": list(terms), "sectors": [], "offers": []},
        engine_version=engine_version,
        directory_version=directory_version,
        **fields,
    )
    inquiry.matches.append(match)
    return match


def add_inquiry(
    *,
    created_at: datetime | None = None,
    scores: Sequence[float] = (),
    match_orgs: Sequence[Organization] = (),
    **fields: Any,
) -> Inquiry:
    """A saved lead, received at created_at, with one engine match per score (best first)."""
    created_at = created_at or utcnow()
    inquiry = new_inquiry(created_at=created_at, updated_at=created_at, consent_at=created_at,
                          **fields)  # fmt: skip
    db.session.add(inquiry)
    for rank, (org, score) in enumerate(zip(match_orgs, scores, strict=True), start=1):
        add_match(inquiry, org, rank=rank, score=score)
    db.session.flush()
    db.session.add(Activity(inquiry_id=inquiry.id, kind="submitted", created_at=created_at))
    return inquiry


def add_staff_action(
    inquiry: Inquiry, user_id: int, after: timedelta, kind: str = "note", **detail: Any
) -> Activity:
    """A staff member's action on the lead, `after` its reception."""
    activity = Activity(inquiry_id=inquiry.id, user_id=user_id, kind=kind, detail=detail,
                        created_at=inquiry.created_at + after)  # fmt: skip
    db.session.add(activity)
    inquiry.last_staff_action_at = max(
        inquiry.last_staff_action_at or activity.created_at, activity.created_at
    )
    return activity


def add_outbox_message(inquiry: Inquiry | None, recipient: str, text: str, **fields: Any):
    message = OutboxMessage(
        inquiry_id=inquiry.id if inquiry is not None else None,
        recipient=recipient,
        subject=fields.pop("subject", "About your inquiry"),
        body_text=text,
        message_id=f"<{uuid.uuid4().hex}@test.invalid>",
        **fields,
    )
    db.session.add(message)
    return message


def add_introduction(match: Match, state: str, **fields: Any) -> Introduction:
    """An introduction of the match's lead to its organization, in that state."""
    introduction = Introduction(match=match, inquiry=match.inquiry, organization=match.organization,
                                state=state, **fields)  # fmt: skip
    match.introduced_at = introduction.created_at = fields.get("created_at") or utcnow()
    db.session.add(introduction)
    return introduction
