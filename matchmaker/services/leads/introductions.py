"""Introductions: the investor's details sent to organizations they matched, with their consent,
and the investor told whom they were introduced to. A change like the others (see changes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from matchmaker.models import ActivityKind, Inquiry, Match, Status, User, utcnow
from matchmaker.services.leads.changes import (
    WorkflowError,
    change,
    current_match,
    match_detail,
    record,
)
from matchmaker.services.mail import (
    send_introduction_to_investor,
    send_introduction_to_organization,
)


def introduction_blocker(inquiry: Inquiry) -> str | None:
    """Why staff cannot introduce the investor to organizations now, or None if they can."""
    if not inquiry.share_consent:
        return _(
            "The investor did not allow us to share their details with the organizations. "
            "Contact the investor first; introductions by the back office stay disabled."
        )
    return None


@dataclass(frozen=True)
class Introduced:
    match: Match
    recipient: str
    to_staff: bool  # the directory has no contact address: the covering staff forwards it


@change
def introduce(
    inquiry: Inquiry, user: User, match_ids: Sequence[int], message: str = ""
) -> list[Introduced]:
    """Send the investor's details to the chosen organizations and tell the investor.

    Each organization gets a mail at its directory contact address; one without an address is
    sent to the covering staff (the lead's assignee, else the staff inbox) to forward. The
    investor gets one mail, in their language, naming the organizations.
    """
    if (blocker := introduction_blocker(inquiry)) is not None:
        raise WorkflowError(blocker)
    if not match_ids:
        raise WorkflowError(_("Choose at least one organization to introduce."))
    matches = [current_match(inquiry, match_id) for match_id in dict.fromkeys(match_ids)]
    if done := [match.organization.name for match in matches if match.introduced_at]:
        raise WorkflowError(_("Already introduced: %(names)s.", names=", ".join(done)))
    message = message.strip()
    covering = inquiry.assignee.email if inquiry.assignee else current_app.config["STAFF_INBOX"]
    now = utcnow()
    sent = []
    for match in matches:
        recipient = match.organization.contact_email or covering
        send_introduction_to_organization(inquiry, match, recipient, message)
        match.introduced_at = now
        sent.append(Introduced(match, recipient, to_staff=not match.organization.contact_email))
    send_introduction_to_investor(inquiry, [item.match.organization for item in sent])
    record(
        inquiry, user, ActivityKind.INTRODUCED,
        organizations=[
            {**match_detail(item.match), "recipient": item.recipient, "via_staff": item.to_staff}
            for item in sent
        ],
        message=message,
    )  # fmt: skip
    if inquiry.status in (Status.NEW, Status.QUALIFIED):
        record(inquiry, user, ActivityKind.STATUS_CHANGED, previous=inquiry.status,
               status=Status.INTRODUCED.value, reason="")  # fmt: skip
        inquiry.status = Status.INTRODUCED
    return sent
