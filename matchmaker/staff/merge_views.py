"""Merging two leads: the confirmation page that says what moves, and the merge."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker import audit
from matchmaker.extensions import db
from matchmaker.models import Inquiry
from matchmaker.services.leads import changes, detail, merging
from matchmaker.staff import bp
from matchmaker.staff.merge_forms import MAX_ID, MergeForm


@bp.get("/leads/merge")
def lead_merge():
    """The leads to merge (?keep=ID&merge=ID) side by side and what would move; changes nothing."""
    survivor, other = _lead_arg("keep"), _lead_arg("merge")
    try:
        plan = merging.plan(survivor, other)
    except changes.WorkflowError as error:
        flash(str(error), "error")
        return redirect(url_for("staff.lead_detail", inquiry_id=other.id))
    form = MergeForm(formdata=None, data={"keep": survivor.id, "merge": other.id,
                                          "keep_version": survivor.version,
                                          "merge_version": other.version})  # fmt: skip
    return render_template("staff/lead_merge.html", plan=plan, form=form)


@bp.post("/leads/merge")
def lead_merge_apply():
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    survivor, other = detail.get_lead(form.keep.data), detail.get_lead(form.merge.data)
    codes = {"other": other.code, "code": survivor.code}
    try:
        merging.merge(survivor, current_user, form.keep_version.data, other,
                      form.merge_version.data)  # fmt: skip
        db.session.commit()
    except changes.WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
        if isinstance(error, changes.Conflict):
            return redirect(url_for("staff.lead_merge", keep=form.keep.data, merge=form.merge.data))
        return redirect(url_for("staff.lead_detail", inquiry_id=form.merge.data))
    audit.event("lead.merged", survivor=codes["code"], merged=codes["other"])
    flash(_("%(other)s merged into %(code)s: its trail, matches, introductions, next steps, mail "
            "and conversation are on this lead now.", **codes), "success")  # fmt: skip
    return redirect(url_for("staff.lead_detail", inquiry_id=form.keep.data))


def _lead_arg(name: str) -> Inquiry:
    """The lead whose id the query string gives under name, or a 404."""
    lead_id = request.args.get(name, type=int)
    if lead_id is None or not 1 <= lead_id <= MAX_ID:
        abort(404)
    return detail.get_lead(lead_id)
