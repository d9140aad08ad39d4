"""The back office: every staff page, guarded once; admin pages guarded once more."""

from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

bp = Blueprint("staff", __name__)
admin_bp = Blueprint("admin", __name__)

OPEN_ENDPOINTS = {"staff.login"}
LAST_SEEN = "staff_last_seen"


@bp.before_request
def require_staff():
    """Deny by default: every staff endpoint needs a signed-in, active, non-idle user."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("staff.login", next=_come_back_to()))
    if _idle_too_long():
        logout_user()
        session.clear()
        flash(_("You were signed out after a period of inactivity. Please sign in again."),
              "warning")  # fmt: skip
        return redirect(url_for("staff.login", next=_come_back_to()))
    session[LAST_SEEN] = datetime.now(UTC).timestamp()
    return None


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


def _idle_too_long() -> bool:
    last_seen = session.get(LAST_SEEN)
    limit = current_app.config["STAFF_IDLE_TIMEOUT_MINUTES"] * 60
    return last_seen is not None and datetime.now(UTC).timestamp() - last_seen > limit


from matchmaker.staff import (  # noqa: E402,F401  (routes register on bp)
    auth_views,
    contact_views,
    directory_views,
    insight_views,
    outbox_views,
    privacy_views,
    routing_views,
    token_views,
    user_views,
    views,
)

bp.register_blueprint(admin_bp, url_prefix="/admin")
