"""Introductions: the investor proposed to organizations they matched (with their consent to
share), each one a record with a life: `needs_contact` until the organization has a contact,
`sent` to that contact with a signed link, then `accepted`, `declined` or `expired`.

The organization answers from its link (no account); on acceptance both sides get each other's
details and, if the organization proposed meeting slots, the investor picks one from a link of
their own and both receive an invitation. Links are signed (itsdangerous), single-purpose, tied
to the record's nonce and refused once used or expired. Services flush; the caller commits.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from matchmaker.extensions import db
from matchmaker.links import absolute_url
from matchmaker.models import (
    Activity,
    ActivityKind,
    DeclineReason,
    Inquiry,
    Introduction,
    IntroductionState,
    Organization,
    Status,
    User,
    utcnow,
)
from matchmaker.services import mail
from matchmaker.services.contacts import Recipient, primary_contact
from matchmaker.services.leads.changes import (
    WorkflowError,
    change,
    current_match,
    match_detail,
    record,
)
from matchmaker.services.signed_links import LinkRefused, make_token, read_token

log = logging.getLogger(__name__)

ANSWER = "introduction-answer"  # the organization's link: accept or decline
MEETING = "introduction-meeting"  # the investor's link: pick one of the proposed slots
MAX_SLOTS = 3
ANSWERED = (IntroductionState.ACCEPTED, IntroductionState.DECLINED)


def introduction_blocker(inquiry: Inquiry) -> str | None:
    """Why staff cannot introduce the investor to organizations now, or None if they can."""
    if not inquiry.share_consent:
        return _(
            "The investor has not allowed us to share their details with the organizations: "
            "introductions stay disabled until they do."
        )
    return None


# Staff: proposing ----------------------------------------------------------------------------


@change
def introduce(
    inquiry: Inquiry, user: User, match_ids: Sequence[int], message: str = ""
) -> list[Introduction]:
    """Propose the investor to the chosen organizations.

    Each becomes an Introduction: sent at once to the organization's contact, or waiting as
    `needs_contact`. The investor is told nothing yet: only an organization that accepts
    receives their details, and the investor hears of it then.
    """
    if (blocker := introduction_blocker(inquiry)) is not None:
        raise WorkflowError(blocker)
    if not match_ids:
        raise WorkflowError(_("Choose at least one organization to introduce."))
    matches = [current_match(inquiry, match_id) for match_id in dict.fromkeys(match_ids)]
    if done := [match.organization.name for match in matches if match.introduced_at]:
        raise WorkflowError(_("Already introduced: %(names)s.", names=", ".join(done)))
    message = message.strip()
    now = utcnow()
    made = []
    for match in matches:
        introduction = Introduction(match=match, inquiry=inquiry, organization=match.organization,
                                    proposed_by=user, message=message, created_at=now)  # fmt: skip
        db.session.add(introduction)
        match.introduced_at = now
        if (recipient := primary_contact(match.organization)) is not None:
            _send(introduction, recipient, now)
        made.append(introduction)
    db.session.flush()
    record(
        inquiry, user, ActivityKind.INTRODUCED,
        organizations=[
            {**match_detail(item.match), "introduction_id": item.id, "state": item.state,
             "recipient": item.contact_email}
            for item in made
        ],
        message=message,
    )  # fmt: skip
    if inquiry.status in (Status.NEW, Status.QUALIFIED):
        record(inquiry, user, ActivityKind.STATUS_CHANGED, previous=inquiry.status,
               status=Status.INTRODUCED.value, reason="")  # fmt: skip
        inquiry.status = Status.INTRODUCED
    return made


@change
def send_waiting(inquiry: Inquiry, user: User, introduction_id: int) -> Introduction:
    """Send an introduction that waited for a contact, now that the organization has one."""
    introduction = _of_lead(inquiry, introduction_id)
    if introduction.state != IntroductionState.NEEDS_CONTACT:
        raise WorkflowError(_("That introduction was already sent."))
    recipient = primary_contact(introduction.organization)
    if recipient is None:
        raise WorkflowError(
            _("%(name)s still has no contact: add one first.", name=introduction.organization.name)
        )
    _send(introduction, recipient, utcnow(), user)
    return introduction


def _of_lead(inquiry: Inquiry, introduction_id: int) -> Introduction:
    for introduction in inquiry.introductions:
        if introduction.id == introduction_id:
            return introduction
    raise WorkflowError(_("That introduction is not on this lead."))


def _send(
    introduction: Introduction, recipient: Recipient, now: datetime, user: User | None = None
) -> None:
    """Mail the organization's contact their answer link, in their language."""
    introduction.contact_name = recipient.name
    introduction.contact_email = recipient.email
    introduction.contact_lang = recipient.lang
    introduction.state = IntroductionState.SENT
    introduction.sent_at = now
    introduction.expires_at = now + expiry()
    db.session.flush()
    mail.send_introduction_request(introduction, answer_url(introduction))
    _trail(introduction, ActivityKind.INTRODUCTION_SENT, user, recipient=recipient.email,
           expires_at=introduction.expires_at.isoformat())  # fmt: skip


def _trail(introduction: Introduction, kind: ActivityKind, user: User | None = None,
           **detail: object) -> None:  # fmt: skip
    db.session.add(
        Activity(inquiry_id=introduction.inquiry_id, user_id=user.id if user else None, kind=kind,
                 detail={**match_detail(introduction.match),
                         "introduction_id": introduction.id, **detail})
    )  # fmt: skip


def expiry() -> timedelta:
    return timedelta(days=int(current_app.config["INTRODUCTION_EXPIRY_DAYS"]))


def waiting_for_contact() -> list[Introduction]:
    """Introductions waiting for their organization to have a contact, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Introduction)
            .where(Introduction.state == IntroductionState.NEEDS_CONTACT)
            .options(joinedload(Introduction.organization), joinedload(Introduction.inquiry))
            .order_by(Introduction.created_at, Introduction.id)
        )
    )


# Links ---------------------------------------------------------------------------------------


def link_token(introduction: Introduction, purpose: str) -> str:
    return make_token(purpose, introduction.id, introduction.nonce)


def answer_url(introduction: Introduction) -> str:
    return absolute_url("introductions.answer", token=link_token(introduction, ANSWER))


def meeting_url(introduction: Introduction) -> str:
    return absolute_url("introductions.meeting", token=link_token(introduction, MEETING))


def _max_age(purpose: str) -> int:
    days = current_app.config["INTRODUCTION_EXPIRY_DAYS" if purpose == ANSWER
                              else "MEETING_LINK_DAYS"]  # fmt: skip
    return int(days) * 86400


def from_link(token: str, purpose: str, now: datetime | None = None) -> Introduction:
    """The introduction a link may act on now, or LinkRefused (logged) saying why not."""
    now = now or utcnow()
    try:
        introduction = _open(token, purpose, now)
    except LinkRefused as refused:
        introduction_id = refused.record.id if refused.record else None
        log.warning("introduction link refused: %s (%s link, introduction %s)",
                    refused.reason, purpose, introduction_id)  # fmt: skip
        raise
    return introduction


def _open(token: str, purpose: str, now: datetime) -> Introduction:
    introduction_id, nonce = read_token(token, purpose, _max_age(purpose))
    introduction = db.session.get(Introduction, introduction_id)
    if introduction is None or introduction.nonce != nonce:
        raise LinkRefused("tampered")
    if purpose == ANSWER:
        if introduction.state in ANSWERED:
            raise LinkRefused("used", introduction)
        if introduction.state != IntroductionState.SENT or (
            introduction.expires_at is not None and introduction.expires_at <= now
        ):
            raise LinkRefused("expired", introduction)
    else:
        if introduction.state != IntroductionState.ACCEPTED or not introduction.slots:
            raise LinkRefused("tampered", introduction)
        if introduction.meeting_at is not None:
            raise LinkRefused("used", introduction)
        if not future_slots(introduction, now):
            raise LinkRefused("expired", introduction)
    return introduction


# The organization answers --------------------------------------------------------------------


def future_slots(introduction: Introduction, now: datetime | None = None) -> list[datetime]:
    now = now or utcnow()
    return [slot for slot in introduction.slot_times if slot > now]


def accept(introduction: Introduction, message: str, slots: Sequence[datetime]) -> None:
    """The organization accepts: both sides get each other's details; staff are told."""
    now = utcnow()
    slots = sorted(dict.fromkeys(slot for slot in slots if slot is not None))
    if len(slots) > MAX_SLOTS:
        raise WorkflowError(_("Propose at most three meeting slots."))
    if any(slot <= now for slot in slots):
        raise WorkflowError(_("Propose meeting slots in the future."))
    introduction.state = IntroductionState.ACCEPTED
    introduction.answered_at = now
    introduction.answer_message = message.strip()
    introduction.slots = [slot.isoformat() for slot in slots]
    db.session.flush()
    _trail(introduction, ActivityKind.INTRODUCTION_ACCEPTED, contact=introduction.contact_name,
           message=introduction.answer_message, slots=introduction.slots)  # fmt: skip
    mail.send_introduction_accepted_to_investor(
        introduction, meeting_url(introduction) if slots else ""
    )
    mail.send_introduction_accepted_to_organization(introduction)
    mail.send_introduction_answer(introduction)


def decline(introduction: Introduction, reason: str, text: str) -> None:
    """The organization declines; staff are told (the investor's page shows it)."""
    if reason and reason not in set(DeclineReason):
        raise WorkflowError(_("Choose a reason from the list."))
    introduction.state = IntroductionState.DECLINED
    introduction.answered_at = utcnow()
    introduction.decline_reason = reason
    introduction.answer_message = text.strip()
    db.session.flush()
    _trail(introduction, ActivityKind.INTRODUCTION_DECLINED, contact=introduction.contact_name,
           reason=reason, message=introduction.answer_message)  # fmt: skip
    mail.send_introduction_answer(introduction)


def choose_meeting(introduction: Introduction, slot: datetime) -> None:
    """The investor picks one of the proposed slots: both sides receive an invitation."""
    if slot not in future_slots(introduction):
        raise WorkflowError(_("Choose one of the proposed times."))
    introduction.meeting_at = slot
    db.session.flush()
    _trail(introduction, ActivityKind.MEETING_CHOSEN, meeting_at=slot.isoformat())
    mail.send_meeting_invitations(introduction)


# Reminders and expiry (the `reminders send` command) -----------------------------------------


@dataclass(frozen=True)
class SweepReport:
    reminded: int
    expired: int


def sweep(now: datetime | None = None) -> SweepReport:
    """Expire the sent introductions nobody answered in time (staff are told), and remind the
    contacts of those expiring within INTRODUCTION_REMINDER_DAYS_BEFORE, once."""
    now = now or utcnow()
    pending = db.session.scalars(
        sa.select(Introduction)
        .where(Introduction.state == IntroductionState.SENT)
        .order_by(Introduction.expires_at, Introduction.id)
    ).all()
    before = timedelta(days=int(current_app.config["INTRODUCTION_REMINDER_DAYS_BEFORE"]))
    reminded = expired = 0
    for introduction in pending:
        assert introduction.expires_at is not None
        if introduction.expires_at <= now:
            introduction.state = IntroductionState.EXPIRED
            _trail(introduction, ActivityKind.INTRODUCTION_EXPIRED)
            mail.send_introduction_answer(introduction)
            expired += 1
        elif introduction.reminded_at is None and introduction.expires_at - before <= now:
            introduction.reminded_at = now
            mail.send_introduction_reminder(introduction, answer_url(introduction))
            _trail(introduction, ActivityKind.INTRODUCTION_REMINDED,
                   recipient=introduction.contact_email)  # fmt: skip
            reminded += 1
    db.session.flush()
    report = SweepReport(reminded, expired)
    log.info("Introductions: %s", report)
    return report


# The investor's view -------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where an inquiry stands, for the investor's page."""

    received_at: datetime
    specialist: str  # the assignee's name, once one reviews it
    reviewed: bool
    proposed: list[Organization]  # sent or waiting: no answer yet
    accepted: list[Introduction]
    declined: list[Organization]  # declined or expired: no further step with them
    closed: bool


CLOSED = (Status.WON, Status.LOST, Status.NOT_RELEVANT, Status.SPAM)


def progress(inquiry: Inquiry) -> Progress:
    intros = inquiry.introductions
    return Progress(
        received_at=inquiry.created_at,
        specialist=inquiry.assignee.name if inquiry.assignee else "",
        reviewed=inquiry.last_staff_action_at is not None or inquiry.status != Status.NEW,
        proposed=[i.organization for i in intros
                  if i.state in (IntroductionState.NEEDS_CONTACT, IntroductionState.SENT)],
        accepted=[i for i in intros if i.state == IntroductionState.ACCEPTED],
        declined=[i.organization for i in intros
                  if i.state in (IntroductionState.DECLINED, IntroductionState.EXPIRED)],
        closed=inquiry.status in CLOSED,
    )  # fmt: skip
