"""A lead's next steps (a call, a meeting, a follow-up by a due day) and a staff member's day.

Days are the agency's (MATCHMAKER_TIMEZONE): a step due today is overdue from tomorrow's
midnight there. Adding or completing a step is a staff action on the lead (its trail, and
last_staff_action_at); like a note it overwrites nothing, so it takes no version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from matchmaker.dates import local
from matchmaker.extensions import db
from matchmaker.models import (
    ActivityKind,
    Inquiry,
    NextStep,
    NextStepKind,
    User,
    utcnow,
)
from matchmaker.services.leads.changes import WorkflowError, change, record


def today() -> date:
    """Today in the agency's time zone."""
    return local(utcnow()).date()


@change
def _add(inquiry: Inquiry, user: User, kind: str, due_on: date, note: str,
         owner: User) -> NextStep:  # fmt: skip
    if kind not in set(NextStepKind):
        raise WorkflowError(_("Choose the kind of step from the list."))
    step = NextStep(inquiry_id=inquiry.id, owner=owner, kind=kind, due_on=due_on,
                    note=note.strip(), created_by_id=user.id)  # fmt: skip
    db.session.add(step)
    record(inquiry, user, ActivityKind.NEXT_STEP_ADDED, step=kind, due_on=due_on.isoformat(),
           note=step.note, owner=owner.name)  # fmt: skip
    return step


def add_step(inquiry: Inquiry, user: User, kind: str, due_on: date, note: str = "") -> NextStep:
    """Plan a step on the lead, for its assignee (or, with nobody assigned, for user)."""
    owner = inquiry.assignee if inquiry.assignee is not None and inquiry.assignee.active else user
    return _add(inquiry, user, None, kind, due_on, note, owner)


@change
def _complete(inquiry: Inquiry, user: User, step: NextStep) -> bool:
    if step.done_at is not None:
        return False
    step.done_at, step.done_by_id = utcnow(), user.id
    record(inquiry, user, ActivityKind.NEXT_STEP_DONE, step=step.kind,
           due_on=step.due_on.isoformat(), note=step.note)  # fmt: skip
    return True


def complete_step(inquiry: Inquiry, user: User, step_id: int) -> bool:
    """Mark one of the lead's steps done; False if it already was."""
    step = db.session.get(NextStep, step_id)
    if step is None or step.inquiry_id != inquiry.id:
        raise WorkflowError(_("That step is no longer on this lead."))
    return _complete(inquiry, user, None, step)


@dataclass
class LeadSteps:
    open: list[NextStep] = field(default_factory=list)  # soonest due first
    done: list[NextStep] = field(default_factory=list)  # latest done first
    today: date = field(default_factory=today)


def lead_steps(inquiry: Inquiry) -> LeadSteps:
    steps = db.session.scalars(
        db.select(NextStep).where(NextStep.inquiry_id == inquiry.id)
        .options(selectinload(NextStep.owner))
        .order_by(NextStep.due_on, NextStep.id)
    ).all()  # fmt: skip
    done = sorted((s for s in steps if s.done_at), key=lambda s: s.done_at, reverse=True)
    return LeadSteps(open=[s for s in steps if s.done_at is None], done=done)


@dataclass
class Day:
    """A staff member's open steps: overdue, due today, upcoming (each soonest first)."""

    overdue: list[NextStep]
    due_today: list[NextStep]
    upcoming: list[NextStep]
    today: date

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_today or self.upcoming)


def my_day(user: User, on: date | None = None) -> Day:
    on = on or today()
    steps = db.session.scalars(
        db.select(NextStep)
        .where(NextStep.owner_id == user.id, NextStep.done_at.is_(None))
        .options(selectinload(NextStep.inquiry))
        .order_by(NextStep.due_on, NextStep.id)
    ).all()
    return Day(
        overdue=[s for s in steps if s.due_on < on],
        due_today=[s for s in steps if s.due_on == on],
        upcoming=[s for s in steps if s.due_on > on],
        today=on,
    )
