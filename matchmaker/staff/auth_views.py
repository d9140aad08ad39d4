"""Staff sign-in and sign-out."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from matchmaker import audit
from matchmaker.extensions import db, limiter, login_manager
from matchmaker.models import User
from matchmaker.security import safe_next_path
from matchmaker.services import accounts
from matchmaker.staff import bp, session_policy
from matchmaker.staff.auth_forms import LoginForm


@login_manager.user_loader
def load_user(token: str) -> User | None:
    return accounts.user_for_session(token)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"],
               deduct_when=lambda response: response.status_code != 302)  # fmt: skip
def login():
    """Sign in. Only failures count towards the per-address limit (a sign-in redirects)."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        attempt = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        db.session.commit()  # the failure (its count and delay) or the sign-in time
        if attempt.user is not None:
            session.clear()  # a new session at sign-in: nothing carried over from before
            login_user(attempt.user)
            session_policy.begin()
            audit.event("sign_in.success")
            return redirect(safe_next_path(form.next.data, url_for("staff.index")))
        audit.event("sign_in.failure", email=audit.email_digest(form.email.data),
                    throttled=bool(attempt.wait))  # fmt: skip
        if attempt.wait:
            flash(_("Too many failed attempts on this account from here. Please wait "
                    "%(num)d seconds and try again.", num=attempt.wait), "error")  # fmt: skip
            return render_template("staff/login.html", form=form)
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
