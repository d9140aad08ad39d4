"""Admin pages for API tokens: list them, issue one (its secret shown once), revoke one."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker import audit
from matchmaker.extensions import db
from matchmaker.models import ApiToken, User
from matchmaker.services import accounts, api_tokens
from matchmaker.staff import admin_bp
from matchmaker.staff.token_forms import ApiTokenForm


def _token_form() -> ApiTokenForm:
    return ApiTokenForm(users=accounts.active_staff())


@admin_bp.get("/api-tokens")
def api_token_list():
    return _render_list(_token_form())


@admin_bp.post("/api-tokens")
def api_token_create():
    """Issue a token and show its secret in this response only (never stored, never flashed)."""
    form = _token_form()
    if not form.validate():
        return _render_list(form), 422
    user = db.get_or_404(User, form.user_id.data)
    issued = api_tokens.issue(user, form.name.data, form.scope.data, by=current_user)
    db.session.commit()
    audit.event("api_token.issued", token=issued.token.id, for_user=user.id,
                scope=form.scope.data)  # fmt: skip
    return render_template("staff/admin/api_token_created.html", token=issued.token,
                           secret=issued.secret)  # fmt: skip


@admin_bp.post("/api-tokens/<int:token_id>/revoke")
def api_token_revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if api_tokens.revoke(token, by=current_user):
        db.session.commit()
        audit.event("api_token.revoked", token=token.id, for_user=token.user_id)
        flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name),
              "success")  # fmt: skip
    return redirect(url_for("staff.admin.api_token_list"))


def _render_list(form: ApiTokenForm) -> str:
    query = api_tokens.tokens_query().options(
        db.joinedload(ApiToken.user), db.joinedload(ApiToken.created_by)
    )
    tokens = db.session.scalars(query).all()
    return render_template("staff/admin/api_token_list.html", form=form, tokens=tokens)
