"""Mail about leads: queue the staff notification and the investor's
confirmation in the outbox, in the caller's transaction."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from matchmaker.labels import OFFER_LABELS, SECTOR_LABELS
from matchmaker.models import Inquiry, Match, OutboxMessage, User, Verdict
from matchmaker.services import outbox

TOP_MATCHES = 5


def notify_new_inquiry(inquiry: Inquiry, assignee: User | None) -> None:
    """Queue the investor's confirmation, in their language, and the staff notification to the
    assignee (or the default inbox). Nothing is committed: the caller's transaction holds the
    inquiry and its messages together.
    """
    matches = top_matches(inquiry)
    config = current_app.config
    with force_locale(inquiry.lang):
        enqueue_rendered(
            "inquiry_confirmation",
            inquiry.email,
            _("Your inquiry %(code)s to Walloon Matchmaker", code=inquiry.code),
            inquiry,
            matches=matches,
            result_url=result_url(inquiry),
        )
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        enqueue_rendered(
            "new_lead",
            assignee.email if assignee else config["STAFF_INBOX"],
            _(
                "New lead %(code)s: %(organization)s (%(country)s)",
                code=inquiry.code,
                organization=inquiry.organization,
                country=inquiry.country,
            ),
            inquiry,
            matches=matches,
            assignee=assignee,
            lead_url=lead_url(inquiry),
            staff_reasons=staff_reasons,
        )


def top_matches(inquiry: Inquiry, limit: int = TOP_MATCHES) -> list[Match]:
    """The best current matches: not superseded by a re-rank, not judged irrelevant, and still
    in the directory (a withdrawn organization's page is gone)."""
    current = [
        match
        for match in inquiry.matches
        if match.superseded_at is None
        and match.verdict != Verdict.NOT_RELEVANT
        and match.organization.active
    ]
    return sorted(current, key=lambda match: match.rank)[:limit]


def staff_reasons(match: Match) -> list[str]:
    """Why the engine ranked an organization, for staff: the terms, sectors and offers."""
    explanation = match.explanation or {}
    reasons = []
    if terms := explanation.get("terms"):
        reasons.append(_("Profile mentions: %(terms)s", terms=", ".join(terms)))
    if sectors := explanation.get("sectors"):
        names = ", ".join(str(SECTOR_LABELS.get(code, code)) for code in sectors)
        reasons.append(_("Sectors in common: %(names)s", names=names))
    if offers := explanation.get("offers"):
        names = ", ".join(str(OFFER_LABELS.get(code, code)) for code in offers)
        reasons.append(_("Offers what is sought: %(names)s", names=names))
    return reasons


def result_url(inquiry: Inquiry) -> str:
    """The investor's private result page, built from BASE_URL like lead_url."""
    return f"{str(current_app.config['BASE_URL']).rstrip('/')}/inquiry/{inquiry.reference}"


def lead_url(inquiry: Inquiry) -> str:
    """The lead's page in the back office, built from BASE_URL so that it works from the CLI."""
    return f"{str(current_app.config['BASE_URL']).rstrip('/')}/staff/leads/{inquiry.id}"


def enqueue_rendered(
    template: str, recipient: str, subject: str, inquiry: Inquiry, **context: object
) -> OutboxMessage:
    """Queue templates/email/<template>.txt and .html, rendered with the inquiry, about it."""
    context["inquiry"] = inquiry
    return outbox.enqueue(
        recipient,
        subject,
        render_template(f"email/{template}.txt", **context),
        render_template(f"email/{template}.html", **context),
        inquiry=inquiry,
    )
