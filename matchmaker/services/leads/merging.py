"""Merging two leads of one investor: the survivor keeps its own data and receives the other's
trail, current matches it lacks, introductions, next steps, outbox mail and conversation; the
other is marked merged into it. Both leads' versions are checked by changes.check, the one
version check. Flushes; the request commits. A merge is not undone.

A merged lead leaves the lead list and the figures, takes no more changes (changes.check), and
lives on for its investor: their result page shows the survivor, and replies to its address land
on the survivor (`survivor`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import (
    Activity,
    ActivityKind,
    Inquiry,
    LeadMessage,
    Match,
    NextStep,
    OutboxMessage,
    User,
    utcnow,
)
from matchmaker.services.leads.changes import WorkflowError, change, check, record

# Moved whole to the survivor: each row's inquiry_id changes (matches and introductions need more).
MOVED = (Activity, NextStep, OutboxMessage, LeadMessage)


@dataclass(frozen=True)
class MergePlan:
    """What merging `other` into `survivor` moves, for the confirmation page and the trail."""

    survivor: Inquiry
    other: Inquiry
    counts: dict[str, int]  # rows of each MOVED table, by table name ("activity", ...)
    matches: list[Match]  # the other's current matches that move
    shared: list[Match]  # its current matches of organizations already on the survivor: stay
    introductions: int
    merged_before: list[Inquiry]  # leads merged into the other earlier: they follow it

    def as_detail(self) -> dict[str, object]:
        """The plan as the trail keeps it."""
        return {"matches": [match.organization.name for match in self.matches],
                "introductions": self.introductions, **self.counts}  # fmt: skip


def survivor(inquiry: Inquiry) -> Inquiry:
    """The lead that carries on for inquiry: the lead it was merged into, or itself."""
    return inquiry.merged_into or inquiry


def plan(survivor: Inquiry, other: Inquiry) -> MergePlan:
    """What merging other into survivor would move; a WorkflowError if they cannot be merged."""
    if survivor.id == other.id:
        raise WorkflowError(_("Choose two different leads."))
    for lead in (survivor, other):
        check(lead, None)
    kept = _by_organization(survivor)
    moving, shared = [], []
    for match in _current(other):
        mine = kept.get(match.organization_id)
        both_introduced = mine is not None and _introduced(mine) and _introduced(match)
        (moving if mine is None or both_introduced else shared).append(match)
    counts = {
        model.__tablename__: db.session.scalar(
            sa.select(sa.func.count()).select_from(model).where(model.inquiry_id == other.id))
        for model in MOVED
    }  # fmt: skip
    merged_before = list(db.session.scalars(
        sa.select(Inquiry).where(Inquiry.merged_into_id == other.id).order_by(Inquiry.id)))
    return MergePlan(survivor, other, counts, moving, shared, len(other.introductions),
                     merged_before)  # fmt: skip


def merge(survivor: Inquiry, user: User, version: int | None, other: Inquiry,
          other_version: int | None) -> MergePlan:  # fmt: skip
    """Merge other into survivor, each at the version its page showed (Conflict otherwise:
    nothing is changed)."""
    check(other, other_version)
    return _merge(survivor, user, version, other)


@change
def _merge(survivor: Inquiry, user: User, other: Inquiry) -> MergePlan:
    merge_plan = plan(survivor, other)
    _move_matches(merge_plan)
    for activity in db.session.scalars(sa.select(Activity).where(Activity.inquiry_id == other.id)):
        activity.detail = {**(activity.detail or {}), "merged_from": other.code}
    for model in MOVED:
        db.session.execute(sa.update(model).where(model.inquiry_id == other.id)
                           .values(inquiry_id=survivor.id))  # fmt: skip
    for earlier in merge_plan.merged_before:
        earlier.merged_into = survivor
    other.merged_into, other.merged_at = survivor, utcnow()
    other.last_staff_action_at = other.merged_at
    record(survivor, user, ActivityKind.MERGED_FROM, code=other.code, inquiry_id=other.id,
           **merge_plan.as_detail())  # fmt: skip
    record(other, user, ActivityKind.MERGED_INTO, code=survivor.code, inquiry_id=survivor.id)
    return merge_plan


def _move_matches(merge_plan: MergePlan) -> None:
    """The moving matches after the survivor's; every introduction to the survivor, on its own
    match of the organization when it has one not introduced yet (then marked introduced)."""
    survivor, other = merge_plan.survivor, merge_plan.other
    kept = _by_organization(survivor)
    last = max((match.rank for match in kept.values()), default=0)
    for rank, match in enumerate(merge_plan.matches, start=last + 1):
        match.inquiry, match.rank = survivor, rank
    for introduction in list(other.introductions):
        introduced = introduction.match
        if introduced in merge_plan.shared:
            mine = kept[introduced.organization_id]
            introduction.match = mine
            mine.introduced_at = mine.introduced_at or introduced.introduced_at
        introduction.inquiry = survivor


def _current(inquiry: Inquiry) -> list[Match]:
    return [match for match in inquiry.matches if match.superseded_at is None]


def _by_organization(inquiry: Inquiry) -> dict[int, Match]:
    return {match.organization_id: match for match in _current(inquiry)}


def _introduced(match: Match) -> bool:
    return any(i.match_id == match.id for i in match.inquiry.introductions)
