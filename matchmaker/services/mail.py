"""Mail: one function per mail the service sends, each queued in the outbox in the caller's
transaction (the caller commits). Subject and bodies are templates/email/<mail>.subject.txt,
.txt and .html; a mail is rendered in its reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, render_template
from flask_babel import force_locale

from matchmaker.links import absolute_url
from matchmaker.models import (
    Inquiry,
    Introduction,
    LeadMessage,
    Match,
    OutboxMessage,
    ProfileProposal,
    User,
)
from matchmaker.services.directory import Change
from matchmaker.services.leads.detail import top_matches
from matchmaker.services.leads.duplicates import Duplicate
from matchmaker.services.outbox import enqueue
from matchmaker.services.ranking import has_no_clear_match

MAIL_MATCHES = 5  # the most matches a new-lead mail lists (fewer when the engine's list is shorter)


def send_new_lead_mails(
    inquiry: Inquiry, assignee: User | None, duplicates: Sequence[Duplicate] = ()
) -> None:
    """The investor's confirmation and the staff notification of a new lead (with its possible
    duplicates)."""
    matches = top_matches(inquiry, MAIL_MATCHES)
    unclear = has_no_clear_match(inquiry)
    send_confirmation(inquiry, matches, no_clear_match=unclear)
    send_new_lead_notification(inquiry, assignee, matches, no_clear_match=unclear,
                               duplicates=duplicates)  # fmt: skip


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
    duplicates: Sequence[Duplicate] = (),
) -> OutboxMessage:
    """To the assignee (or the staff inbox): who wrote, what they seek, the matches (the engine's
    list as cut, at most MAIL_MATCHES), whether the lead has no clear match, and its possible
    duplicates."""
    return _send("new_lead", _staff_address(assignee), _staff_lang(), inquiry=inquiry,
                 matches=matches, no_clear_match=no_clear_match, assignee=assignee,
                 duplicates=duplicates, lead_url=lead_url(inquiry))  # fmt: skip


def send_introduction_request(introduction: Introduction, answer_url: str) -> OutboxMessage:
    """To the organization's contact, in their language: who the investor is, what they agreed
    to share, why we think they fit, and the link to accept or decline."""
    return _introduction_request(introduction, answer_url, reminder=False)


def send_introduction_reminder(introduction: Introduction, answer_url: str) -> OutboxMessage:
    """To the organization's contact: the same request, once, before it expires."""
    return _introduction_request(introduction, answer_url, reminder=True)


def _introduction_request(
    introduction: Introduction, answer_url: str, reminder: bool
) -> OutboxMessage:
    inquiry = introduction.inquiry
    contact_name, contact_email = agency_contact(inquiry)
    return _send(
        "introduction_request", introduction.contact_email, introduction.contact_lang,
        inquiry=inquiry, introduction=introduction, org=introduction.organization,
        match=introduction.match, answer_url=answer_url, reminder=reminder,
        contact_name=contact_name, contact_email=contact_email,
    )  # fmt: skip


def send_introduction_accepted_to_investor(
    introduction: Introduction, meeting_url: str
) -> OutboxMessage:
    """To the investor, in their language: the organization accepted; its contact's details and
    message, the proposed slots; answers go to the organization's contact."""
    inquiry = introduction.inquiry
    contact_name, contact_email = agency_contact(inquiry)
    return _send(
        "introduction_accepted_investor", inquiry.email, inquiry.lang, inquiry=inquiry,
        introduction=introduction, org=introduction.organization, meeting_url=meeting_url,
        contact_name=contact_name, contact_email=contact_email,
        reply_to=introduction.contact_email,
    )  # fmt: skip


def send_introduction_accepted_to_organization(introduction: Introduction) -> OutboxMessage:
    """To the organization's contact: the investor's details; answers go to the investor."""
    inquiry = introduction.inquiry
    contact_name, contact_email = agency_contact(inquiry)
    return _send(
        "introduction_accepted_organization", introduction.contact_email,
        introduction.contact_lang, inquiry=inquiry, introduction=introduction,
        org=introduction.organization, contact_name=contact_name, contact_email=contact_email,
        reply_to=inquiry.email,
    )  # fmt: skip


def send_introduction_answer(introduction: Introduction) -> OutboxMessage:
    """To the assignee (or the staff inbox): the organization accepted, declined, or let the
    introduction expire."""
    inquiry = introduction.inquiry
    return _send("introduction_answer", _staff_address(inquiry.assignee), _staff_lang(),
                 inquiry=inquiry, introduction=introduction, org=introduction.organization,
                 lead_url=lead_url(inquiry))  # fmt: skip


def send_meeting_invitations(introduction: Introduction) -> list[OutboxMessage]:
    """To both sides, each in their language: the meeting the investor chose, as an .ics
    invitation; answers go to the other side."""
    from matchmaker.services.calendar import invitation

    inquiry, org = introduction.inquiry, introduction.organization
    assert introduction.meeting_at is not None
    sides = [
        (inquiry.email, inquiry.lang, introduction.contact_email),
        (introduction.contact_email, introduction.contact_lang, inquiry.email),
    ]
    sent = []
    for recipient, lang, reply_to in sides:
        with force_locale(lang):
            summary = render_template("email/meeting_invitation.summary.txt", inquiry=inquiry,
                                      org=org).strip()  # fmt: skip
        calendar = invitation(
            uid=f"introduction-{introduction.id}-{introduction.nonce}@matchmaker",
            start=introduction.meeting_at,
            minutes=int(current_app.config["MEETING_MINUTES"]),
            summary=summary,
            description=summary,
            organizer=(introduction.contact_name or org.name, introduction.contact_email),
            attendees=[(inquiry.name, inquiry.email),
                       (introduction.contact_name or org.name, introduction.contact_email)],
        )  # fmt: skip
        sent.append(
            _send("meeting_invitation", recipient, lang, inquiry=inquiry,
                  introduction=introduction, org=org, to_investor=recipient == inquiry.email,
                  reply_to=reply_to, calendar=calendar)  # fmt: skip
        )
    return sent


def send_stale_reminder(
    assignee: User | None, rows: Sequence[tuple[Inquiry, int, str]]
) -> OutboxMessage:
    """To the assignee (or the staff inbox): the leads nobody acted on for a while."""
    return _send("stale_reminder", _staff_address(assignee), _staff_lang(), assignee=assignee,
                 rows=rows, days=current_app.config["STALE_AFTER_DAYS"],
                 list_url=absolute_url("staff.lead_list", status="open"))  # fmt: skip


def send_assignment_notification(inquiry: Inquiry, assignee: User, by: User) -> OutboxMessage:
    """To a staff member: `by` (someone else) gave them the lead."""
    return _send("lead_assigned", assignee.email, _staff_lang(), inquiry=inquiry,
                 assignee=assignee, by=by, lead_url=lead_url(inquiry))  # fmt: skip


def send_lead_message(message: LeadMessage, reply_to: str, consent_url: str = "") -> OutboxMessage:
    """To the investor, in the language staff chose: a staff member's message, signed with their
    name (a consent request adds the link to allow sharing); answers go to reply_to."""
    return _send("lead_message", message.recipient, message.lang, inquiry=message.inquiry,
                 message=message, author=message.author, consent_url=consent_url,
                 consent_days=current_app.config["CONSENT_LINK_DAYS"],
                 reply_to=reply_to)  # fmt: skip


def send_reply_notification(message: LeadMessage) -> OutboxMessage:
    """To the assignee (or the staff inbox): the investor wrote on the lead (what, with which
    attachments) and the link to its thread."""
    inquiry = message.inquiry
    assert inquiry is not None
    return _send("lead_reply", _staff_address(inquiry.assignee), _staff_lang(), inquiry=inquiry,
                 message=message, lead_url=lead_url(inquiry) + "#conversation")  # fmt: skip


def send_profile_link(proposal: ProfileProposal, link: str) -> OutboxMessage:
    """To a contact of an organization, in their language: the link to propose changes to its
    profile, and until when it works."""
    return _send("profile_link", proposal.email, proposal.lang, proposal=proposal,
                 org=proposal.organization, link=link)  # fmt: skip


def send_profile_proposal(
    proposal: ProfileProposal, changes: Sequence[Change], review_url: str
) -> OutboxMessage:
    """To the staff inbox: a contact proposed changes to a profile (which fields), to review."""
    return _send("profile_proposal", current_app.config["STAFF_INBOX"], _staff_lang(),
                 proposal=proposal, org=proposal.organization, changes=changes,
                 review_url=review_url)  # fmt: skip


def send_profile_decision(proposal: ProfileProposal) -> OutboxMessage:
    """To the contact who proposed changes: staff applied them, or not (with their note)."""
    return _send("profile_decision", proposal.email, proposal.lang, proposal=proposal,
                 org=proposal.organization,
                 org_url=absolute_url("public.organization_detail",
                                           slug=proposal.organization.slug))  # fmt: skip


def agency_contact(inquiry: Inquiry) -> tuple[str, str]:
    """(name, email) of the person at the agency who follows the lead."""
    if inquiry.assignee is not None:
        return inquiry.assignee.name, inquiry.assignee.email
    return "", current_app.config["STAFF_INBOX"]


def result_url(inquiry: Inquiry) -> str:
    """The investor's private result page (on BASE_URL)."""
    return absolute_url("public.inquiry_result", reference=inquiry.reference)


def lead_url(inquiry: Inquiry) -> str:
    """The lead's page in the back office (on BASE_URL)."""
    return absolute_url("staff.lead_detail", inquiry_id=inquiry.id)


def _staff_address(assignee: User | None) -> str:
    return assignee.email if assignee else current_app.config["STAFF_INBOX"]


def _staff_lang() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _send(
    mail: str, recipient: str, lang: str, reply_to: str = "", calendar: str = "",
    **context: object,
) -> OutboxMessage:
    """Render templates/email/<mail>.* in lang and queue the message, about the inquiry if any."""
    with force_locale(lang):
        subject = render_template(f"email/{mail}.subject.txt", **context)
        text = render_template(f"email/{mail}.txt", **context)
        html = render_template(f"email/{mail}.html", **context)
    inquiry = context.get("inquiry")
    return enqueue(recipient, subject, text, html,
                   inquiry=inquiry if isinstance(inquiry, Inquiry) else None,
                   reply_to=reply_to, calendar=calendar)  # fmt: skip

