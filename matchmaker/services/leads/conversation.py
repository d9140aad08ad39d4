"""A lead's conversation with the investor: the templates staff start a message from (in
English or French, the investor's language first), sending it through the outbox with the
lead's reply address, and the thread of messages sent and received. Services flush; the
request commits."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from matchmaker.extensions import db
from matchmaker.models import ActivityKind, Inquiry, LeadMessage, MessageDirection, User
from matchmaker.services import mail
from matchmaker.services.inbound import reply_address
from matchmaker.services.leads import consent
from matchmaker.services.leads.changes import WorkflowError, change, record

BLANK = "blank"
CONSENT_REQUEST = "consent_request"
TEMPLATES = (BLANK, "follow_up", "information_request", CONSENT_REQUEST)


@dataclass(frozen=True)
class Draft:
    """A message as the compose form starts it."""

    template: str
    lang: str
    subject: str
    body: str


def templates_for(inquiry: Inquiry) -> list[str]:
    """The templates that make sense for the lead: no consent request once sharing is allowed."""
    return [name for name in TEMPLATES if name != CONSENT_REQUEST or not inquiry.share_consent]


def draft(inquiry: Inquiry, template: str | None = None, lang: str | None = None) -> Draft:
    """The template's subject and text for the investor, in lang (default: theirs)."""
    template = template if template in templates_for(inquiry) else BLANK
    if lang not in current_app.config["LANGUAGES"]:
        lang = inquiry.lang if inquiry.lang in current_app.config["LANGUAGES"] else "en"
    with force_locale(lang):
        subject = render_template(f"email/compose/{template}.subject.txt", inquiry=inquiry)
        body = render_template(f"email/compose/{template}.txt", inquiry=inquiry)
    return Draft(template, lang, subject.strip(), body.strip() + "\n")


def replies_go_to(inquiry: Inquiry, user: User) -> str:
    """Where the investor's answer to user's message goes: the lead's reply address, or the
    writer's own when no inbound address is configured."""
    return reply_address(inquiry) or user.email


@change
def send_message(
    inquiry: Inquiry, user: User, template: str, lang: str, subject: str, body: str
) -> LeadMessage:
    """Queue user's message to the investor and put it on the lead's thread; a consent
    request carries the link by which the investor allows sharing."""
    if template not in TEMPLATES:
        raise WorkflowError(_("Choose a template from the list."))
    if template == CONSENT_REQUEST and inquiry.share_consent:
        raise WorkflowError(_("The investor already allowed sharing: there is nothing to ask."))
    message = LeadMessage(inquiry=inquiry, direction=MessageDirection.OUTBOUND,
                          template=template, author=user, recipient=inquiry.email, lang=lang,
                          subject=subject.strip(), body_text=body.strip())  # fmt: skip
    db.session.add(message)
    link = consent.consent_url(inquiry) if template == CONSENT_REQUEST else ""
    message.outbox = mail.send_lead_message(message, replies_go_to(inquiry, user), link)
    db.session.flush()
    record(inquiry, user, ActivityKind.MESSAGE_SENT, message_id=message.id,
           subject=message.subject, template=template)  # fmt: skip
    return message


def thread(inquiry: Inquiry) -> list[LeadMessage]:
    """The lead's messages, oldest first, with their authors, outbox rows and attachments."""
    return list(db.session.scalars(
        sa.select(LeadMessage).where(LeadMessage.inquiry_id == inquiry.id)
        .options(joinedload(LeadMessage.author), joinedload(LeadMessage.outbox),
                 selectinload(LeadMessage.attachments))
        .order_by(LeadMessage.created_at, LeadMessage.id)
    ))  # fmt: skip


def consent_requested(messages: list[LeadMessage]) -> LeadMessage | None:
    """The latest consent request among a thread's messages."""
    requests = [item for item in messages if item.template == CONSENT_REQUEST]
    return requests[-1] if requests else None
