"""Staff sign-in (the password, then the second factor's code when the account has one) and
sign-out."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from matchmaker import audit
from matchmaker.extensions import db, limiter, login_manager
from matchmaker.models import User
from matchmaker.security import safe_next_path
from matchmaker.services import accounts, two_factor
from matchmaker.staff import bp, session_policy
from matchmaker.staff.auth_forms import LoginForm
from matchmaker.staff.two_factor_forms import CodeForm


@login_manager.user_loader
def load_user(token: str) -> User | None:
    return accounts.user_for_session(token)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


# One budget of failures per client address for both steps (a sign-in redirects, and so does
# a right password on its way to the code).
sign_in_limit = limiter.shared_limit(_login_rate_limit, scope="staff-sign-in", methods=["POST"],
                                     deduct_when=lambda response: response.status_code != 302)


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limit
def login():
    """Sign in: the password, then the code of an account with a second factor."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        attempt = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        db.session.commit()  # the failure: its count and delay
        user = attempt.user
        if user is not None and two_factor.enabled(user):
            session_policy.await_code(user.id, user.session_version, form.next.data or "")
            return redirect(url_for("staff.login_code"))
        if user is not None:
            return _sign_in(user, form.next.data)
        audit.event("sign_in.failure", email=audit.email_digest(form.email.data),
                    throttled=bool(attempt.wait))  # fmt: skip
        if attempt.wait:
            _flash_wait(attempt.wait)
            return render_template("staff/login.html", form=form)
        flash(_("The email or password is not right, or the account is locked for a while. "
                "Try again in a few minutes."), "error")  # fmt: skip
    elif current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("staff.index"))
    return render_template("staff/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@sign_in_limit
def login_code():
    """The second step: a code from the authenticator app, or a recovery code."""
    started = session_policy.AWAITING_CODE in session
    state = session_policy.awaiting_code()
    user = db.session.get(User, state["user"]) if state else None
    if user is None or not user.active or user.session_version != state["version"]:
        session.clear()
        if started:
            flash(_("Please sign in again: the code must follow the password within five "
                    "minutes."), "warning")  # fmt: skip
        return redirect(url_for("staff.login"))
    form = CodeForm()
    if form.validate_on_submit():
        check = two_factor.check_code(user, form.code.data, request.remote_addr)
        db.session.commit()  # the failure and its delay, or the code used up
        if check.method is not None:
            return _sign_in(user, state["next"], check.method)
        audit.event("two_factor.failure", account=user.id, throttled=bool(check.wait))
        if check.wait:
            _flash_wait(check.wait)
        else:
            form.code.errors.append(_("That code is not right. Enter the code your app shows "
                                      "now, or one of your recovery codes."))  # fmt: skip
    return render_template("staff/login_code.html", form=form)


def _sign_in(user: User, next_path: str | None, method: str | None = None) -> Response:
    """Sign the user in: a new session, nothing carried over from before; an admin (or a staff
    member who must) without a second factor goes to set one up first."""
    accounts.complete_sign_in(user, request.remote_addr)
    left = two_factor.recovery_codes_left(user) if method == two_factor.RECOVERY_CODE else None
    db.session.commit()
    session.clear()
    login_user(user)
    session_policy.begin(second_factor=method is not None)
    if method is not None:
        audit.event("two_factor.success", method=method)
    if left is not None:
        audit.event("two_factor.recovery_code_used", remaining=left)
        flash(ngettext("You signed in with a recovery code, which cannot be used again: "
                       "%(num)d code is left. Make new ones on your Account page.",
                       "You signed in with a recovery code, which cannot be used again: "
                       "%(num)d codes are left. Make new ones on your Account page.", left),
              "warning")  # fmt: skip
    audit.event("sign_in.success", second_factor=method)
    if two_factor.missing(user):
        return redirect(url_for("staff.two_factor_enrol"))
    return redirect(safe_next_path(next_path, url_for("staff.index")))


def _flash_wait(seconds: int) -> None:
    flash(_("Too many failed attempts on this account from here. Please wait %(num)d seconds "
            "and try again.", num=seconds), "error")  # fmt: skip


@bp.post("/logout")
def logout():
    """End this user's sessions on the server: the old cookie no longer works anywhere."""
    accounts.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("staff.login"))
