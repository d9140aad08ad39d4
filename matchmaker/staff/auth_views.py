"""Staff sign-in and sign-out."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from matchmaker import audit
from matchmaker.extensions import db, login_manager
from matchmaker.models import User
from matchmaker.security import safe_next_path
from matchmaker.services import accounts
from matchmaker.staff import bp, session_policy
from matchmaker.staff.forms import LoginForm


@login_manager.user_loader
def load_user(token: str) -> User | None:
    return accounts.user_for_session(token)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        attempt = accounts.authenticate(form.email.data, form.password.data)
        db.session.commit()  # the failed attempt (lockout) or the sign-in time
        if attempt.user is not None:
            session.clear()  # a new session at sign-in: nothing carried over from before
            login_user(attempt.user)
            session_policy.begin()
            audit.event("sign_in.success")
            return redirect(safe_next_path(form.next.data, url_for("staff.index")))
        audit.event("sign_in.failure", email=audit.email_digest(form.email.data),
                    locked=attempt.locked)  # fmt: skip
        flash(_("The email or password is not right, or the account is locked for a while. "
                "Try again in a few minutes."), "error")  # fmt: skip
    elif current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("staff.index"))
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
def logout():
    """End this user's sessions on the server: the old cookie no longer works anywhere."""
    accounts.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("staff.login"))
