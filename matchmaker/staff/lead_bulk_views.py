"""The lead list's CSV export and its bulk changes (assign, status), with the list's filters."""

from dataclasses import fields
from datetime import date
from urllib.parse import parse_qsl, urlencode

from flask import Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from matchmaker.extensions import db
from matchmaker.labels import STATUS_LABELS
from matchmaker.services import accounts
from matchmaker.services.leads import bulk, changes, listing
from matchmaker.staff import bp, filter_bar
from matchmaker.staff.lead_bulk_forms import BulkLeadForm


@bp.get("/leads/export.csv")
def lead_export():
    """The leads the list shows with the same filters (every page), as CSV."""
    chunks = bulk.export_csv(filter_bar.filter_form().filters())
    filename = f"walloon-leads-{date.today().isoformat()}.csv"
    return Response(
        stream_with_context(_with_bom(chunks)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def _with_bom(chunks):
    yield "\ufeff"  # so that spreadsheets read UTF-8
    yield from chunks


@bp.post("/leads/bulk")
def lead_bulk():
    form = BulkLeadForm(users=accounts.active_staff())
    if not form.validate_on_submit():
        abort(400)
    back = _back_to_list(form.back.data or "")
    action = request.form.get("action")
    try:
        if action == "assign":
            assignee = form.assignee.data or ""
            if assignee and not assignee.isdigit():
                abort(400)
            changed = bulk.assign_many(current_user, form.ids.data,
                                       int(assignee) if assignee else None)  # fmt: skip
        elif action == "status":
            changed = bulk.set_status_many(current_user, form.ids.data, form.status.data or "")
        else:
            abort(400)
        db.session.commit()
    except changes.WorkflowError as error:
        db.session.rollback()
        flash(str(error) or _("Nothing was changed."), "error")
        return redirect(back)
    if action == "status" and changed:
        flash(ngettext("%(num)d lead moved to %(status)s.", "%(num)d leads moved to %(status)s.",
                       changed, status=STATUS_LABELS[form.status.data]), "success")  # fmt: skip
    elif changed:
        flash(ngettext("%(num)d lead reassigned.", "%(num)d leads reassigned.", changed),
              "success")  # fmt: skip
    else:
        flash(_("Nothing changed: the selected leads were already in that state."), "info")
    return redirect(back)


def _back_to_list(query: str) -> str:
    """The lead list with the filters it was sent from (only its own parameters)."""
    allowed = {field.name for field in fields(listing.LeadFilters)} | {"page"}
    args = [(name, value) for name, value in parse_qsl(query) if name in allowed]
    return url_for("staff.lead_list") + ("?" + urlencode(args) if args else "")
