"""Admin pages for personal data: look an address up, export it, erase it; retention."""

import json

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from matchmaker import audit
from matchmaker.extensions import db
from matchmaker.models import utcnow
from matchmaker.services import privacy
from matchmaker.staff import admin_bp, bp
from matchmaker.staff.privacy_forms import ErasureForm, PersonalDataForm

UNPROCESSABLE = 422


@admin_bp.get("/privacy")
def privacy_requests():
    return _render(PersonalDataForm())


@admin_bp.post("/privacy")
def privacy_lookup():
    """What is held about an address (posted, so that it stays out of addresses and logs)."""
    form = PersonalDataForm()
    if not form.validate():
        return _render(form), UNPROCESSABLE
    return _render(form, found=privacy.holdings(form.email.data),
                   erasure=ErasureForm(formdata=None, email=form.email.data))  # fmt: skip


@admin_bp.post("/privacy/export")
def privacy_export():
    form = PersonalDataForm()
    if not form.validate():
        return _render(form), UNPROCESSABLE
    data = privacy.export_personal_data(form.email.data, by=current_user)
    db.session.commit()
    audit.event("privacy.export", email=audit.email_digest(form.email.data),
                inquiries=len(data.get("inquiries", [])))  # fmt: skip
    filename = f"personal-data-{utcnow():%Y%m%d-%H%M%S}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@admin_bp.post("/privacy/erase")
def privacy_erase():
    form = ErasureForm()
    if not form.validate():
        lookup = PersonalDataForm(formdata=None, email=form.email.data)
        found = (
            privacy.holdings(form.email.data) if form.email.data and not form.email.errors else None
        )
        return _render(lookup, found=found, erasure=form), UNPROCESSABLE
    deletion = privacy.erase_personal_data(form.email.data, by=current_user)
    db.session.commit()
    audit.event("privacy.erasure", email=audit.email_digest(form.email.data),
                inquiries=len(deletion.inquiries), messages=deletion.messages)  # fmt: skip
    scrubbed = deletion.redacted + deletion.mail_redacted
    flash(
        ngettext("Erased: %(num)d inquiry (%(codes)s), with its matches, trail and mail.",
                 "Erased: %(num)d inquiries (%(codes)s), with their matches, trail and mail.",
                 len(deletion.inquiries), codes=", ".join(deletion.inquiries) or "–")
        + " "
        + ngettext("%(num)d message removed.", "%(num)d messages removed.", deletion.messages)
        + (" " + ngettext("%(num)d message of a conversation with staff removed.",
                          "%(num)d messages of conversations with staff removed.",
                          deletion.conversation)
           if deletion.conversation else "")
        + (" " + ngettext("%(num)d note, trail entry or unsent mail elsewhere quoted the person: "
                          "it now reads [erased] instead.",
                          "%(num)d notes, trail entries or unsent mails elsewhere quoted the "
                          "person: they now read [erased] instead.", scrubbed)
           if scrubbed else "")
        + (" " + ngettext("%(num)d saved filter of staff quoted the person: it now reads "
                          "[erased] instead.",
                          "%(num)d saved filters of staff quoted the person: they now read "
                          "[erased] instead.", deletion.filters_redacted)
           if deletion.filters_redacted else ""),
        "success",
    )  # fmt: skip
    return redirect(url_for("staff.admin.privacy_requests"))


def _render(form: PersonalDataForm, **context) -> str:
    months = current_app.config["RETENTION_MONTHS"]
    return render_template(
        "staff/admin/privacy.html",
        form=form,
        retention_months=months,
        purge=privacy.purge_stale_inquiries(months, apply=False),
        log=privacy.privacy_log(),
        **context,
    )


@bp.context_processor
def privacy_notice_links() -> dict:
    """notice_url(version): the privacy notice a lead's consent refers to, for the lead page."""
    return {"notice_url": privacy.notice_url}
