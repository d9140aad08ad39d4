"""Admin pages for lead routing: what each staff member covers, and the rules that use it."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.services import accounts, routing
from matchmaker.staff import admin_bp
from matchmaker.staff.routing_forms import CoverageForm

UNPROCESSABLE = 422


@admin_bp.get("/routing")
def routing_overview():
    return render_template(
        "staff/admin/routing_overview.html",
        staff=accounts.staff_members(),
        by_sector=routing.coverage_by_sector(),
        staff_inbox=current_app.config["STAFF_INBOX"],
    )


@admin_bp.route("/routing/<int:user_id>", methods=["GET", "POST"])
def routing_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = CoverageForm(
        data={"sectors": list(user.sectors), "countries": ", ".join(user.countries)}
    )
    if form.validate_on_submit():
        if routing.set_coverage(
            user, tuple(form.sectors.data), form.country_codes, by=current_user
        ):
            db.session.commit()
            flash(_("What %(name)s covers is saved.", name=user.name), "success")
        else:
            flash(_("Nothing changed for %(name)s.", name=user.name), "info")
        return redirect(url_for("staff.admin.routing_overview"))
    code = UNPROCESSABLE if form.is_submitted() else 200
    return render_template("staff/admin/routing_edit.html", form=form, user=user), code
