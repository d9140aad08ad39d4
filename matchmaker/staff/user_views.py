"""Admin pages for staff accounts: list, create, rename, change role, (de)activate, new password,
reset the second factor."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from matchmaker import audit
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.services import accounts, two_factor
from matchmaker.staff import admin_bp
from matchmaker.staff.user_forms import ROLE_LABELS, UserCreateForm, UserForm


@admin_bp.get("/users")
def user_list():
    return render_template("staff/admin/user_list.html", users=accounts.staff_members(),
                           role_labels=ROLE_LABELS)  # fmt: skip


@admin_bp.route("/users/new", methods=["GET", "POST"])
def user_create():
    """Create an account with a generated password, shown in this response only."""
    form = UserCreateForm()
    if form.validate_on_submit():
        password = accounts.generate_password()
        try:
            user = accounts.create_user(form.email.data, form.name.data, password, form.role.data)
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            _log("created %s account user %s", user.role, user.id)
            return render_template(
                "staff/admin/user_password.html", user=user, password=password, created=True,
                second_factor_required=two_factor.required(user),
            )  # fmt: skip
    return render_template("staff/admin/user_create.html", form=form)


@admin_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        try:
            changed = accounts.update_user(user, form.name.data, form.role.data)
        except accounts.AccountError as error:
            db.session.rollback()
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            if changed:
                _log("changed %s of user %s (role %s)", ", ".join(changed), user.id, user.role)
            flash(_("The account of %(name)s is saved.", name=user.name), "success")
            if user.id == current_user.id and not user.is_admin:
                return redirect(url_for("staff.index"))
            return redirect(url_for(".user_list"))
    return render_template(
        "staff/admin/user_edit.html", form=form, user=user, role_labels=ROLE_LABELS,
        authenticator=two_factor.authenticator(user),
    )  # fmt: skip


@admin_bp.post("/users/<int:user_id>/deactivate")
def user_deactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        accounts.deactivate(user)
    except accounts.AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".user_edit", user_id=user.id))
    db.session.commit()
    _log("deactivated user %s", user.id)
    message = _("%(name)s can no longer sign in; their sessions have ended.", name=user.name)
    flash(message, "success")
    if user.id == current_user.id:
        return redirect(url_for("staff.login"))
    return redirect(url_for(".user_list"))


@admin_bp.post("/users/<int:user_id>/reactivate")
def user_reactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    revoked = accounts.reactivate(user, by=current_user)
    db.session.commit()
    _log("reactivated user %s", user.id)
    for token in revoked:
        audit.event("api_token.revoked", token=token.id, for_user=user.id)
    flash(_("%(name)s can sign in again with their password.", name=user.name), "success")
    if revoked:
        flash(ngettext("Their API token was revoked: issue a new one if they still need the API.",
                       "Their %(num)d API tokens were revoked: issue new ones if they still need "
                       "the API.", len(revoked)), "info")  # fmt: skip
    return redirect(url_for(".user_list"))


@admin_bp.post("/users/<int:user_id>/password")
def user_reset_password(user_id: int):
    """Give the user a new generated password, shown in this response only."""
    user = db.get_or_404(User, user_id)
    password = accounts.reset_password(user)
    db.session.commit()
    _log("reset the password of user %s", user.id)
    return render_template(
        "staff/admin/user_password.html", user=user, password=password, created=False
    )


@admin_bp.post("/users/<int:user_id>/two-factor/reset")
def user_reset_two_factor(user_id: int):
    """Remove the user's authenticator and recovery codes (a lost phone); their sessions end."""
    user = db.get_or_404(User, user_id)
    two_factor.remove(user)
    accounts.end_all_sessions(user)
    db.session.commit()
    audit.event("two_factor.reset", for_user=user.id)
    _log("reset the second factor of %s", user.email)
    if two_factor.required(user):
        message = _("The second factor of %(name)s is reset and their sessions have ended. They "
                    "set up a new one at their next sign-in.", name=user.name)  # fmt: skip
    else:
        message = _("The second factor of %(name)s is reset and their sessions have ended. They "
                    "sign in with their password alone until they set up a new one.",
                    name=user.name)  # fmt: skip
    flash(message, "success")
    if user.id == current_user.id:
        return redirect(url_for("staff.login"))
    return redirect(url_for(".user_edit", user_id=user.id))


def _log(message: str, *args) -> None:
    current_app.logger.info("Users admin: user %s " + message, current_user.id, *args)
    audit.event("user.admin", action=message % args)
