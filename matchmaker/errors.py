"""Error pages: a plain explanation for the visitor, never a stack trace."""

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from matchmaker import api, audit


def init_app(app: Flask) -> None:
    app.register_error_handler(SecurityError, refuse_untrusted_host)
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(Exception, render_unexpected_error)


def explanation(code: int) -> str:
    """A short message for the visitor, in their language."""
    messages = {
        400: _("The request could not be understood. Go back, reload the page and try again."),
        403: _("You do not have access to this page."),
        404: _("We could not find that page. It may have moved, or the address may be wrong."),
        405: _("This page does not accept that kind of request."),
        413: _("What you sent is too large."),
        429: _("Too many requests in a short time. Please wait a minute and try again."),
    }
    return messages.get(code, _("Something went wrong on our side. Please try again later."))


def render_http_error(error: HTTPException):
    if error.code == 403:
        audit.event("access.denied", endpoint=request.endpoint, method=request.method)
    if api.is_api_request():
        return api.error_response(error)
    code = error.code or 500
    return render_template("errors/error.html", code=code, message=explanation(code)), code


def render_unexpected_error(error: Exception):
    current_app.logger.error("Unhandled error", exc_info=error)
    return render_http_error(InternalServerError())


def refuse_untrusted_host(error: SecurityError):
    """A Host header outside TRUSTED_HOSTS: no page can be built for it, so answer plainly."""
    return "Bad request: this host is not served here.", 400, {"Content-Type": "text/plain"}
