"""Submission: an investor's inquiry saved with its matches, its route, its trail and its mail,
losing nothing. Flushes; the request commits (on a clash of unique keys, the transaction, which
holds nothing else yet, is rolled back and the work done again)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.matching import EmptyQueryError
from matchmaker.models import Activity, ActivityKind, Inquiry, Match, User, utcnow
from matchmaker.services.leads.duplicates import Duplicate, possible_duplicates
from matchmaker.services.mail import send_new_lead_mails
from matchmaker.services.privacy import PRIVACY_NOTICE_VERSION
from matchmaker.services.ranking import rank_inquiry
from matchmaker.services.routing import route

# What the public form may set on an Inquiry; everything else is the service's to decide.
INQUIRY_FIELDS = (
    "name", "email", "organization", "role", "country", "website", "phone",
    "investor_type", "sectors", "offers", "interests", "budget", "horizon", "share_consent",
)  # fmt: skip
SAVE_ATTEMPTS = 3  # a clash of the random code (WM-XXXXXX) is rare but grows with the leads

log = logging.getLogger(__name__)


def inquiry_by_submission_key(key: str) -> Inquiry | None:
    return db.session.scalar(sa.select(Inquiry).where(Inquiry.submission_key == key))


def inquiry_by_reference(reference: str) -> Inquiry | None:
    """The inquiry behind a result page, its matches and their organizations loaded at once."""
    return db.session.scalar(
        sa.select(Inquiry)
        .where(Inquiry.reference == reference)
        .options(selectinload(Inquiry.matches).joinedload(Match.organization))
    )


class _RandomKeyClash(Exception):
    """The inquiry's random code or reference is already taken: draw new ones and retry."""


def submit_inquiry(answers: Mapping[str, Any], *, lang: str, submission_key: str) -> Inquiry:
    """Save a consented inquiry, its ranked matches, its route, an activity entry and its mail;
    the caller commits.

    The same submission key twice (a double click, a resubmitted page) gives back the inquiry
    saved the first time. If ranking fails, the inquiry is saved all the same, flagged
    needs_ranking; if routing or queuing its mail fails, it is saved and keeps the rest.
    The database being unavailable raises SQLAlchemy's OperationalError.
    """
    for _attempt in range(SAVE_ATTEMPTS - 1):
        try:
            return _save_inquiry(answers, lang=lang, submission_key=submission_key)
        except _RandomKeyClash:
            log.info("An inquiry's random code or reference was taken; drawing new ones")
    return _save_inquiry(answers, lang=lang, submission_key=submission_key)


def _save_inquiry(answers: Mapping[str, Any], *, lang: str, submission_key: str) -> Inquiry:
    existing = inquiry_by_submission_key(submission_key)
    if existing is not None:
        return existing
    inquiry = Inquiry(
        **{name: answers[name] for name in INQUIRY_FIELDS},
        lang=lang,
        submission_key=submission_key,
        consent_at=utcnow(),
        consent_version=PRIVACY_NOTICE_VERSION,
    )
    # Ranked before the first write: on SQLite the write lock is then held for the inserts only.
    _attach_matches(inquiry)
    try:
        # Not in a savepoint: on SQLite, a savepoint opening the transaction commits it on release.
        db.session.add(inquiry)
        db.session.flush()
    except IntegrityError as error:
        # Another request with the same submission key committed first: show its result. The
        # inquiry is its request's first write, so undoing the transaction loses nothing else.
        db.session.rollback()
        existing = inquiry_by_submission_key(submission_key)
        if existing is None:
            raise _RandomKeyClash from error
        return existing
    db.session.add(
        Activity(
            inquiry_id=inquiry.id,
            kind=ActivityKind.SUBMITTED,
            detail={"matches": len(inquiry.matches), "needs_ranking": inquiry.needs_ranking},
        )
    )
    _notify(inquiry, _route(inquiry), _duplicates(inquiry))
    db.session.flush()
    return inquiry


def _attach_matches(inquiry: Inquiry) -> None:
    """Rank the inquiry (reads only) in a savepoint; on failure keep it, flagged for re-ranking."""
    try:
        with db.session.begin_nested():
            inquiry.matches = rank_inquiry(inquiry)
    except EmptyQueryError:
        log.info("Inquiry %s has no searchable words; saved without matches", inquiry.code)
    except Exception:
        log.exception("Ranking inquiry %s failed; saved for re-ranking", inquiry.code)
        inquiry.matches = []
        inquiry.needs_ranking = True


def _route(inquiry: Inquiry) -> User | None:
    """Assign the lead in a savepoint; on failure it stays unassigned (mail goes to the inbox)."""
    try:
        with db.session.begin_nested():
            return route(inquiry)
    except Exception:
        log.exception("Routing inquiry %s failed; it stays unassigned", inquiry.code)
        return None


def _duplicates(inquiry: Inquiry) -> list[Duplicate]:
    """The lead's possible duplicates, noted on its trail; none if looking fails (it is kept)."""
    try:
        with db.session.begin_nested():
            found = possible_duplicates(inquiry)
    except Exception:
        log.exception("Looking for duplicates of inquiry %s failed", inquiry.code)
        return []
    if found:
        leads = [{"id": duplicate.lead.id, "code": duplicate.lead.code,
                  "reasons": list(duplicate.reasons)} for duplicate in found]  # fmt: skip
        db.session.add(Activity(inquiry_id=inquiry.id, kind=ActivityKind.DUPLICATE_SUSPECTED,
                                detail={"leads": leads}))  # fmt: skip
    return found


def _notify(inquiry: Inquiry, assignee: User | None, duplicates: list[Duplicate]) -> None:
    """Queue the confirmation and the staff notification in a savepoint; never lose the lead."""
    try:
        with db.session.begin_nested():
            send_new_lead_mails(inquiry, assignee, duplicates)
    except Exception as error:
        log.exception("Queuing the mail of inquiry %s failed; the inquiry is kept", inquiry.code)
        db.session.add(
            Activity(
                inquiry_id=inquiry.id,
                kind=ActivityKind.NOTIFICATION_FAILED,
                detail={"error": f"{type(error).__name__}: {error}"[:500]},
            )
        )


def rerank_pending(limit: int = 100) -> tuple[int, int]:
    """Rank the inquiries saved while ranking failed; returns (ranked, still failing)."""
    pending = db.session.scalars(
        sa.select(Inquiry).where(Inquiry.needs_ranking.is_(True)).order_by(Inquiry.id).limit(limit)
    ).all()
    ranked = failed = 0
    for inquiry in pending:
        try:
            with db.session.begin_nested():
                inquiry.matches = rank_inquiry(inquiry)
                inquiry.needs_ranking = False
        except EmptyQueryError:
            inquiry.needs_ranking = False
        except Exception:
            log.exception("Re-ranking inquiry %s failed again", inquiry.code)
            failed += 1
            continue
        db.session.add(
            Activity(
                inquiry_id=inquiry.id,
                kind=ActivityKind.RERANKED,
                detail={"matches": len(inquiry.matches)},
            )
        )
        ranked += 1
    db.session.flush()
    return ranked, failed
