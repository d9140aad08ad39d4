"""Mail: one function per mail the service sends, each queued in the outbox in the caller's
transaction (the caller commits). Subject and bodies are templates/email/<mail>.subject.txt,
.txt and .html; a mail is rendered in its reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, render_template
from flask_babel import force_locale

from matchmaker.models import Inquiry, Match, Organization, OutboxMessage, User
from matchmaker.services.leads.detail import top_matches
from matchmaker.services.outbox import enqueue
from matchmaker.services.ranking import has_no_clear_match

MAIL_MATCHES = 5  # the most matches a new-lead mail lists (fewer when the engine's list is shorter)


def send_new_lead_mails(inquiry: Inquiry, assignee: User | None) -> None:
    """The investor's confirmation and the staff notification of a new lead."""
    matches = top_matches(inquiry, MAIL_MATCHES)
    unclear = has_no_clear_match(inquiry)
    send_confirmation(inquiry, matches, no_clear_match=unclear)
    send_new_lead_notification(inquiry, assignee, matches, no_clear_match=unclear)


def send_confirmation(
    inquiry: Inquiry, matches: Sequence[Match], *, no_clear_match: bool = False
) -> OutboxMessage:
    """To the investor: their inquiry is received, with its best matches and result page (and,
    when none fits clearly, that a specialist will look at it personally)."""
    return _send("inquiry_confirmation", inquiry.email, inquiry.lang, inquiry=inquiry,
                 matches=matches, no_clear_match=no_clear_match,
                 result_url=result_url(inquiry))  # fmt: skip


def send_new_lead_notification(
    inquiry: Inquiry,
    assignee: User | None,
    matches: Sequence[Match],
    *,
    no_clear_match: bool = False,
) -> OutboxMessage:
    """To the assignee (or the staff inbox): who wrote, what they seek, the matches (the engine's
    list as cut, at most MAIL_MATCHES), and whether the lead has no clear match."""
    return _send("new_lead", _staff_address(assignee), _staff_lang(), inquiry=inquiry,
                 matches=matches, no_clear_match=no_clear_match, assignee=assignee,
                 lead_url=lead_url(inquiry))  # fmt: skip


def send_introduction_to_organization(
    inquiry: Inquiry, match: Match, recipient: str, message: str
) -> OutboxMessage:
    """To an organization (or the staff to forward it): the investor's details."""
    org = match.organization
    contact_name, contact_email = agency_contact(inquiry)
    return _send(
        "introduction_organization", recipient, org.profile_lang, inquiry=inquiry, org=org,
        match=match, message=message, via_staff=not org.contact_email, contact_name=contact_name,
        contact_email=contact_email, lead_url=lead_url(inquiry),
    )  # fmt: skip


def send_introduction_to_investor(
    inquiry: Inquiry, organizations: Sequence[Organization]
) -> OutboxMessage:
    """To the investor: whom they were introduced to, and whom to ask at the agency."""
    contact_name, contact_email = agency_contact(inquiry)
    return _send("introduction_investor", inquiry.email, inquiry.lang, inquiry=inquiry,
                 orgs=list(organizations), contact_name=contact_name,
                 contact_email=contact_email)  # fmt: skip


def send_stale_reminder(
    assignee: User | None, rows: Sequence[tuple[Inquiry, int, str]]
) -> OutboxMessage:
    """To the assignee (or the staff inbox): the leads nobody acted on for a while."""
    return _send("stale_reminder", _staff_address(assignee), _staff_lang(), assignee=assignee,
                 rows=rows, days=current_app.config["STALE_AFTER_DAYS"],
                 list_url=_url("/staff/leads?status=open"))  # fmt: skip


def send_assignment_notification(inquiry: Inquiry, assignee: User, by: User) -> OutboxMessage:
    """To a staff member: `by` (someone else) gave them the lead."""
    return _send("lead_assigned", assignee.email, _staff_lang(), inquiry=inquiry,
                 assignee=assignee, by=by, lead_url=lead_url(inquiry))  # fmt: skip


def agency_contact(inquiry: Inquiry) -> tuple[str, str]:
    """(name, email) of the person at the agency who follows the lead."""
    if inquiry.assignee is not None:
        return inquiry.assignee.name, inquiry.assignee.email
    return "", current_app.config["STAFF_INBOX"]


def result_url(inquiry: Inquiry) -> str:
    """The investor's private result page, built from BASE_URL like lead_url."""
    return _url(f"/inquiry/{inquiry.reference}")


def lead_url(inquiry: Inquiry) -> str:
    """The lead's page in the back office, built from BASE_URL so that it works from the CLI."""
    return _url(f"/staff/leads/{inquiry.id}")


def _url(path: str) -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/") + path


def _staff_address(assignee: User | None) -> str:
    return assignee.email if assignee else current_app.config["STAFF_INBOX"]


def _staff_lang() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _send(mail: str, recipient: str, lang: str, **context: object) -> OutboxMessage:
    """Render templates/email/<mail>.* in lang and queue the message, about the inquiry if any."""
    with force_locale(lang):
        subject = render_template(f"email/{mail}.subject.txt", **context)
        text = render_template(f"email/{mail}.txt", **context)
        html = render_template(f"email/{mail}.html", **context)
    inquiry = context.get("inquiry")
    return enqueue(recipient, subject, text, html,
                   inquiry=inquiry if isinstance(inquiry, Inquiry) else None)  # fmt: skip

