"""Changing a lead: status, assignee, notes, verdicts, pins, matches removed or added, re-ranks.

Every change is a command taking the lead's `version` that the staff member's page was rendered
with; `change` (the one version check) refuses it with `Conflict` if the lead changed since,
and nothing is written. The same holds when two changes race (SQLAlchemy's version counter on
Inquiry raises StaleDataError at the flush). A change writes an Activity row, sets
Inquiry.last_staff_action_at (which bumps the version) and flushes; the request that called it
commits, or rolls back when it raised.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.extensions import db
from matchmaker.matching import EmptyQueryError
from matchmaker.models import (
    Activity,
    ActivityKind,
    Inquiry,
    LostReason,
    Match,
    MatchSource,
    Organization,
    Status,
    User,
    Verdict,
    utcnow,
)
from matchmaker.services import directory, mail
from matchmaker.services.ranking import rank_inquiry

log = logging.getLogger(__name__)

CONFLICT_MESSAGE = _l(
    "This lead was changed by someone else while you were editing. "
    "Review the current state and try again."
)

P = ParamSpec("P")
R = TypeVar("R")


class WorkflowError(Exception):
    """A change that cannot be made; the message says why, in the staff member's language."""


class Conflict(WorkflowError):
    """The lead changed since the page was rendered: nothing was written."""

    def __init__(self) -> None:
        super().__init__(str(CONFLICT_MESSAGE))


def change(
    command: Callable[Concatenate[Inquiry, User, P], R],
) -> Callable[Concatenate[Inquiry, User, int | None, P], R]:
    """Make command a change taking the page's version after (inquiry, user).

    The command runs once the version is checked by `check` (None skips the check, for a note,
    which overwrites nothing; a concurrent change is still caught by the version counter at the
    flush). A command returning False changed nothing: the lead is not touched. On an error the
    caller rolls back (its request's transaction holds nothing else).
    """

    @functools.wraps(command)
    def run(inquiry: Inquiry, user: User, version: int | None, *args: P.args,
            **kwargs: P.kwargs) -> R:  # fmt: skip
        check(inquiry, version)
        try:
            result = command(inquiry, user, *args, **kwargs)
            if result is not False:
                inquiry.last_staff_action_at = utcnow()
                db.session.flush()
        except StaleDataError:
            raise Conflict() from None
        return result

    return run


def check(inquiry: Inquiry, version: int | None) -> None:
    """The one version check: Conflict if the lead changed since its page showed version (None:
    not checked); a WorkflowError if it was merged into another, which takes every change."""
    if inquiry.merged_into is not None:
        raise WorkflowError(_("This lead was merged into %(code)s: work on that one.",
                              code=inquiry.merged_into.code))  # fmt: skip
    if version is not None and inquiry.version != version:
        raise Conflict()


def record(inquiry: Inquiry, user: User, kind: ActivityKind, **detail: Any) -> None:
    """Add an entry to the lead's trail, by user."""
    db.session.add(Activity(inquiry_id=inquiry.id, user_id=user.id, kind=kind, detail=detail))


def current_match(inquiry: Inquiry, match_id: int) -> Match:
    """One of the lead's current matches, or a WorkflowError."""
    for match in inquiry.matches:
        if match.id == match_id and match.superseded_at is None:
            return match
    raise WorkflowError(_("That match is no longer on this lead."))


def match_detail(match: Match) -> dict[str, Any]:
    """How the trail names a match."""
    return {"match_id": match.id, "organization": match.organization.name,
            "slug": match.organization.slug}  # fmt: skip


@change
def set_status(inquiry: Inquiry, user: User, status: str, reason: str = "",
               reason_code: str | None = None) -> bool:  # fmt: skip
    """Move the lead in the pipeline. A lost lead needs a reason from the vocabulary
    (LostReason; none given means "other") and, for "other", words. False if nothing changed."""
    if status not in set(Status):
        raise WorkflowError(_("Choose a status from the list."))
    lost = status == Status.LOST
    reason = reason.strip() if lost else ""
    code = (reason_code or LostReason.OTHER) if lost else ""
    if lost and code not in set(LostReason):
        raise WorkflowError(_("Choose why the lead was lost from the list."))
    if lost and code == LostReason.OTHER and not reason:
        raise WorkflowError(_("Say why the lead was lost."))
    if (inquiry.status, inquiry.lost_reason_code, inquiry.lost_reason) == (status, code, reason):
        return False
    record(inquiry, user, ActivityKind.STATUS_CHANGED, previous=inquiry.status, status=status,
           reason=reason, **({"reason_code": code} if code else {}))  # fmt: skip
    inquiry.status, inquiry.lost_reason, inquiry.lost_reason_code = status, reason, code
    return True


@change
def assign(inquiry: Inquiry, user: User, assignee_id: int | None) -> bool:
    """Give the lead to an active staff member, or to nobody. False if nothing changed."""
    assignee = db.session.get(User, assignee_id) if assignee_id is not None else None
    if assignee_id is not None and (assignee is None or not assignee.active):
        raise WorkflowError(_("Choose an active staff member."))
    if inquiry.assignee_id == assignee_id:
        return False
    record(
        inquiry, user, ActivityKind.ASSIGNED,
        assignee_id=assignee_id,
        assignee=assignee.name if assignee else "",
        previous=inquiry.assignee.name if inquiry.assignee else "",
    )  # fmt: skip
    inquiry.assignee = assignee
    if assignee is not None and assignee.id != user.id:
        mail.send_assignment_notification(inquiry, assignee, user)
    return True


@change
def _note(inquiry: Inquiry, user: User, text: str) -> None:
    if not text:
        raise WorkflowError(_("Write the note first."))
    record(inquiry, user, ActivityKind.NOTE, text=text)


def add_note(inquiry: Inquiry, user: User, text: str) -> None:
    """Append a note to the lead's trail (no version check: a note overwrites nothing)."""
    _note(inquiry, user, None, text.strip())


@change
def judge_match(inquiry: Inquiry, user: User, match_id: int, verdict: str | None) -> bool:
    """Mark a match relevant or not relevant, or clear the verdict. False if nothing changed."""
    if verdict is not None and verdict not in set(Verdict):
        raise WorkflowError(_("Choose relevant or not relevant."))
    match = current_match(inquiry, match_id)
    if match.verdict == verdict:
        return False
    record(inquiry, user, ActivityKind.MATCH_JUDGED, **match_detail(match), verdict=verdict,
           previous=match.verdict)  # fmt: skip
    match.verdict = verdict
    return True


@change
def pin_match(inquiry: Inquiry, user: User, match_id: int, pinned: bool) -> bool:
    """Pin a match to the top of the list (kept by re-ranking), or unpin it."""
    match = current_match(inquiry, match_id)
    if match.pinned == pinned:
        return False
    kind = ActivityKind.MATCH_PINNED if pinned else ActivityKind.MATCH_UNPINNED
    record(inquiry, user, kind, **match_detail(match))
    match.pinned = pinned
    return True


@change
def remove_match(inquiry: Inquiry, user: User, match_id: int) -> Match:
    """Take a match off the lead; one the investor was introduced to stays."""
    match = current_match(inquiry, match_id)
    if match.introduced_at is not None:
        raise WorkflowError(
            _("%(name)s was already introduced to the investor: the match stays on the lead.",
              name=match.organization.name)
        )  # fmt: skip
    record(inquiry, user, ActivityKind.MATCH_REMOVED, **match_detail(match), rank=match.rank,
           score=round(match.score, 4), source=match.source)  # fmt: skip
    inquiry.matches.remove(match)
    return match


@change
def add_match(inquiry: Inquiry, user: User, organization_id: int) -> Match:
    """Add an organization staff found in the directory to the lead's matches."""
    org = db.session.get(Organization, organization_id)
    if org is None or not org.active:
        raise WorkflowError(_("That organization is not in the active directory."))
    current = [match for match in inquiry.matches if match.superseded_at is None]
    if any(match.organization_id == org.id for match in current):
        raise WorkflowError(_("%(name)s is already among the matches.", name=org.name))
    match = Match(
        organization=org,
        rank=max((match.rank for match in current), default=0) + 1,
        score=0.0,
        explanation={},
        source=MatchSource.STAFF,
        directory_version=directory.directory_version(),
    )
    inquiry.matches.append(match)
    db.session.flush()
    record(inquiry, user, ActivityKind.MATCH_ADDED, **match_detail(match))
    return match


@change
def rerank(inquiry: Inquiry, user: User) -> int:
    """Rank the lead again with the current directory; returns the number of new matches.

    The engine's current matches are kept as a snapshot (superseded_at set), except those staff
    pinned or introduced; matches staff added stay as they are.
    """
    ranked = _ranked(inquiry)
    now = utcnow()
    kept = set()
    superseded = 0
    for match in inquiry.matches:
        if match.superseded_at is not None:
            continue
        if match.source == MatchSource.ENGINE and not match.pinned and match.introduced_at is None:
            match.superseded_at = now
            superseded += 1
        else:
            kept.add(match.organization_id)
    added = [match for match in ranked if match.organization.id not in kept]
    inquiry.matches.extend(added)
    inquiry.needs_ranking = False
    record(inquiry, user, ActivityKind.RERANKED, matches=len(added), kept=len(kept),
           superseded=superseded, directory_version=directory.directory_version(),
           engine_version=added[0].engine_version if added else "")  # fmt: skip
    return len(added)


def _ranked(inquiry: Inquiry) -> list[Match]:
    """The engine's new matches for the lead, or a WorkflowError saying why there are none."""
    try:
        return rank_inquiry(inquiry)
    except EmptyQueryError:
        raise WorkflowError(
            _("The lead's interests have no words the engine can search for.")
        ) from None
    except Exception:
        log.exception("Re-ranking inquiry %s failed", inquiry.code)
        raise WorkflowError(
            _("Ranking failed: the lead keeps its matches. Try again in a few minutes.")
        ) from None
