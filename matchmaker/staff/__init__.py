"""The back office: every staff page, guarded once; admin pages guarded once more."""

from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, Flask, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from matchmaker.services import two_factor
from matchmaker.staff import session_policy
from matchmaker.staff.session_policy import LAST_SEEN  # noqa: F401  (tests set it)

bp = Blueprint("staff", __name__)
admin_bp = Blueprint("admin", __name__)

OPEN_ENDPOINTS = {"staff.login", "staff.login_code"}
SET_UP_ENDPOINTS = {"staff.two_factor_enrol", "staff.logout"}  # open before a second factor


@bp.before_request
def require_staff():
    """Deny by default: every staff endpoint needs a signed-in, active, non-idle user."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("staff.login", next=_come_back_to()))
    if session_policy.expired():
        logout_user()
        session.clear()
        flash(_("You were signed out after a period of inactivity or because your session "
                "reached its maximum length. Please sign in again."), "warning")  # fmt: skip
        return redirect(url_for("staff.login", next=_come_back_to()))
    session_policy.touch()
    if two_factor.required(current_user) and not session_policy.passed_second_factor():
        return _second_factor_first()
    return None


def _second_factor_first():
    """A user who must have a second factor reaches only the page that sets it up (and
    sign-out) until this session has one; if their account has one, they sign in again."""
    if two_factor.enabled(current_user):
        logout_user()
        session.clear()
        flash(_("Your account signs in with a code from your authenticator app. Please sign in "
                "again."), "warning")  # fmt: skip
        return redirect(url_for("staff.login", next=_come_back_to()))
    if request.endpoint in SET_UP_ENDPOINTS:
        return None
    return redirect(url_for("staff.two_factor_enrol"))


@admin_bp.before_request
def require_admin():
    if not current_user.is_admin:
        abort(403)


@bp.after_request
def never_cache(response):
    """Back-office pages carry personal data: browsers and proxies must not keep them."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _come_back_to() -> str | None:
    """Where sign-in leads back to: this page, or for a form sent, the page that sent it (its
    address only answers POST), if it is one of ours."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return urlunsplit(("", "", referrer.path, referrer.query, ""))


from matchmaker.staff import (  # noqa: E402,F401  (routes register on bp)
    auth_views,
    board_views,
    contact_views,
    conversation_views,
    directory_views,
    insight_views,
    lead_bulk_views,
    merge_views,
    next_step_views,
    organization_views,
    outbox_views,
    privacy_views,
    routing_views,
    saved_filter_views,
    token_views,
    two_factor_views,
    user_views,
    views,
)

bp.register_blueprint(admin_bp)  # nested: endpoints staff.admin.*, behind require_staff too


def init_app(app: Flask, url_prefix: str, admin_prefix: str) -> None:
    """Serve the back office under url_prefix and its admin pages under url_prefix +
    admin_prefix (both given by create_app, so the URL map reads in one place)."""
    admin_bp.url_prefix = admin_prefix  # read by the nested registration just below
    app.register_blueprint(bp, url_prefix=url_prefix)
