"""The JSON API for integrations: bearer-token authentication, JSON errors, no cookies."""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint, Response, abort, g, jsonify, request
from werkzeug.exceptions import HTTPException

from matchmaker.extensions import csrf, db
from matchmaker.models import ApiToken
from matchmaker.services import api_tokens

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # no cookie is ever read here: a forged cross-site request carries no token

PREFIX = "/api/"
OPEN_ENDPOINTS = {"api.openapi"}
REALM = 'Bearer realm="Walloon Matchmaker API"'


class ApiError(HTTPException):
    """An HTTP error with the reason the client is told."""

    def __init__(self, code: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(description=reason)
        self.code = code
        self.extra_headers = headers or {}


def fail(code: int, reason: str, headers: dict[str, str] | None = None) -> NoReturn:
    raise ApiError(code, reason, headers)


def is_api_request() -> bool:
    """Whether the current request is for the API (then errors are JSON, even a 404 or 405)."""
    return request.path.startswith(PREFIX)


def error_response(error: HTTPException) -> Response:
    """{"status": 404, "error": "Not Found", "reason": "..."} with the error's status code."""
    code = error.code or 500
    reason = (
        error.description
        if isinstance(error, ApiError) or code != 500
        else ("Internal error; it was logged.")
    )
    response = jsonify(status=code, error=error.name, reason=reason)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    if isinstance(error, ApiError):
        response.headers.update(error.extra_headers)
    if code == 405 and (allowed := getattr(error, "valid_methods", None)):
        response.headers["Allow"] = ", ".join(allowed)
    return response


@bp.before_request
def authenticate() -> None:
    """Every endpoint but the OpenAPI document needs `Authorization: Bearer <token>`."""
    if request.endpoint in OPEN_ENDPOINTS:
        return
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        fail(401, "Send an API token: Authorization: Bearer <token>.", {"WWW-Authenticate": REALM})
    token = api_tokens.authenticate(secret.strip())
    db.session.commit()  # the token's last use, kept whatever the request does next
    if token is None:
        fail(401, "The API token is unknown, revoked, or its user is deactivated.",
             {"WWW-Authenticate": f'{REALM}, error="invalid_token"'})  # fmt: skip
    g.api_token = token


@bp.after_request
def never_cache(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def current_token() -> ApiToken:
    return g.api_token


def require_scope(scope: str) -> None:
    if not api_tokens.allows(current_token(), scope):
        fail(403, f"This token may only read; this needs a token with the {scope!r} scope.")


def not_found(what: str) -> NoReturn:
    abort(404, description=f"No {what} with this identifier.")


from matchmaker.api import views  # noqa: E402,F401  (routes register on bp)
