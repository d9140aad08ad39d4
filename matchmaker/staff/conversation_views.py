"""A lead's conversation: sending a message to the investor, a received mail's HTML and
attachments; and the received mail that matches no lead, which staff attach or discard."""

from io import BytesIO

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.forms import BaseForm
from matchmaker.models import LeadMessage, MessageAttachment
from matchmaker.pagination import requested_page
from matchmaker.services import inbound
from matchmaker.services.leads import conversation, detail
from matchmaker.services.leads.changes import WorkflowError
from matchmaker.staff import bp
from matchmaker.staff.conversation_forms import AttachMailForm, MessageForm
from matchmaker.staff.outbox_views import sandboxed
from matchmaker.staff.views import UNPROCESSABLE, _checked, _detail_page

UNMATCHED_PER_PAGE = 25
# A download is a file to save, never a page of the back office.
ATTACHMENT_POLICY = "sandbox; default-src 'none'"


@bp.post("/leads/<int:inquiry_id>/messages")
def lead_message(inquiry_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = MessageForm()
    valid = form.validate_on_submit()
    if form.template.errors or form.lang.errors:
        abort(400)  # hidden fields: only a tampered form gets them wrong
    if valid:
        try:
            conversation.send_message(inquiry, current_user, None, form.template.data,
                                      form.lang.data, form.subject.data, form.body.data)
            db.session.commit()
        except WorkflowError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(_sent(inquiry.email, inbound.reply_address(inquiry)), "success")
            return redirect(url_for("staff.lead_detail", inquiry_id=inquiry_id,
                                    _anchor="conversation"))  # fmt: skip
    return _detail_page(inquiry, UNPROCESSABLE, message_form=form)


def _sent(email: str, reply_address: str) -> str:
    if reply_address:
        return _("Your message to %(email)s is in the outbox; replies will appear on this lead.",
                 email=email)  # fmt: skip
    return _("Your message to %(email)s is in the outbox; replies go to your own address.",
             email=email)  # fmt: skip


@bp.get("/messages/<int:message_id>/html")
def message_html(message_id: int):
    """A received mail's HTML (sanitized when it arrived), isolated from the back office."""
    return sandboxed(db.get_or_404(LeadMessage, message_id).body_html)


@bp.get("/messages/<int:message_id>/attachments/<int:attachment_id>")
def message_attachment(message_id: int, attachment_id: int):
    attachment = db.get_or_404(MessageAttachment, attachment_id)
    if attachment.message_id != message_id or attachment.content is None:
        abort(404)
    response = send_file(BytesIO(attachment.content), mimetype="application/octet-stream",
                         as_attachment=True, download_name=attachment.filename)  # fmt: skip
    response.headers["Content-Security-Policy"] = ATTACHMENT_POLICY
    return response


# Mail that matches no lead -------------------------------------------------------------------


@bp.get("/mail/unmatched")
def unmatched_mail():
    return _unmatched_page()


def _unmatched_page(code: int = 200, failed: tuple[int, AttachMailForm] | None = None):
    """The unmatched list; `failed` holds the attach form of one mail, shown with its error."""
    page = db.paginate(
        inbound.unmatched_query().options(selectinload(LeadMessage.attachments)),
        page=requested_page(), per_page=UNMATCHED_PER_PAGE, error_out=False,
    )  # fmt: skip
    forms = {message.id: AttachMailForm(formdata=None) for message in page.items}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "staff/unmatched_mail.html", page=page, forms=forms,
        suggestions={message.id: inbound.leads_from(message.sender) for message in page.items},
    ), code  # fmt: skip


def _unmatched_or_404(message_id: int) -> LeadMessage:
    message = inbound.unmatched(message_id)
    if message is None:
        abort(404)
    return message


@bp.post("/mail/unmatched/<int:message_id>/attach")
def unmatched_attach(message_id: int):
    message = _unmatched_or_404(message_id)
    form = AttachMailForm()
    inquiry = inbound.lead_by_code(form.code.data) if form.validate_on_submit() else None
    if inquiry is None:
        if not form.code.errors:
            form.code.errors.append(_("No lead has the code %(code)s.",
                                      code=form.code.data.strip().upper()))  # fmt: skip
        return _unmatched_page(UNPROCESSABLE, (message_id, form))
    inbound.attach(inquiry, current_user, None, message)
    db.session.commit()
    flash(_("The mail from %(sender)s is now on this lead.", sender=message.sender), "success")
    return redirect(url_for("staff.lead_detail", inquiry_id=inquiry.id, _anchor="conversation"))


@bp.post("/mail/unmatched/<int:message_id>/discard")
def unmatched_discard(message_id: int):
    message = _unmatched_or_404(message_id)
    _checked(BaseForm())
    sender = message.sender
    inbound.discard(message, current_user)
    db.session.commit()
    flash(_("The mail from %(sender)s was deleted.", sender=sender), "success")
    return redirect(url_for("staff.unmatched_mail"))
