"""The outbox pages: every message waiting, sent or given up on, readable by staff, with retry."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from matchmaker.extensions import db
from matchmaker.models import OutboxMessage
from matchmaker.pagination import requested_page
from matchmaker.services import outbox
from matchmaker.staff import bp

STATES = ("pending", "failed", "sent")
MESSAGES_PER_PAGE = 50
# The HTML body is shown in a sandbox of its own: no script, no network, only its own styles.
MAIL_PREVIEW_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@bp.get("/outbox")
def outbox_list():
    state = request.args.get("state", "pending")
    if state not in STATES:
        state = "pending"
    page = db.paginate(
        outbox.status_query(state).options(db.selectinload(OutboxMessage.inquiry)),
        page=requested_page(),
        per_page=MESSAGES_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "staff/outbox_list.html",
        page=page,
        state=state,
        counts=outbox.counts(),
        smtp_configured=outbox.smtp_configured(current_app.config),
    )


@bp.get("/outbox/<int:message_id>")
def outbox_detail(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template(
        "staff/outbox_detail.html",
        message=message,
        sender=outbox.mail_from(current_app.config),
        smtp_configured=outbox.smtp_configured(current_app.config),
    )


@bp.get("/outbox/<int:message_id>/html")
def outbox_html(message_id: int):
    """The HTML version as the recipient sees it, isolated from the back office."""
    return sandboxed(db.get_or_404(OutboxMessage, message_id).body_html)


def sandboxed(html: str) -> Response:
    """An HTML mail body as a page of its own, isolated from the back office; 404 if none."""
    if not html:
        abort(404)
    response = make_response(html)
    response.headers["Content-Security-Policy"] = MAIL_PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    return response


@bp.post("/outbox/<int:message_id>/retry")
def outbox_retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if message.failed_at is None or message.sent_at is not None:
        flash(_("Mail #%(id)s is not a failed message: nothing to retry.", id=message.id),
              "warning")  # fmt: skip
    else:
        outbox.retry(message)
        db.session.commit()
        flash(_("Mail #%(id)s is queued again.", id=message.id), "success")
    return redirect(url_for("staff.outbox_detail", message_id=message.id))


@bp.post("/outbox/retry-failed")
def outbox_retry_failed():
    count = outbox.retry_failed()
    db.session.commit()
    flash(ngettext("%(num)d failed message is queued again.",
                   "%(num)d failed messages are queued again.", count), "success")  # fmt: skip
    return redirect(url_for("staff.outbox_list"))
