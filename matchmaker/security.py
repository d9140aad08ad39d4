"""Security wiring: response headers, the reverse proxy, the Host check's warning, and safe
redirects."""

import re
from urllib.parse import urlsplit

import click
from flask import Flask, Response, abort, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from matchmaker import audit

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
# Browsers drop tabs and newlines from a URL, and a Location header cannot carry CR, LF or NUL.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def init_app(app: Flask) -> None:
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.config["TRUSTED_HOSTS"] and not (app.debug or app.testing) and serves_requests():
        warn_any_host(app)
    app.before_request(cap_request_body)
    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)


def serves_requests() -> bool:
    """False inside a `flask` command other than `flask run` (`users create`, `db upgrade`...):
    those answer no Host, so they need not warn about it."""
    command = click.get_current_context(silent=True)
    return command is None or command.info_name == "run"


def warn_any_host(app: Flask) -> None:
    """Say, in the app's log and the audit stream, that requests for any Host are answered.
    No link follows the Host (links.absolute_url), but production should still name its hosts."""
    message = (
        "MATCHMAKER_TRUSTED_HOSTS is not set: the app answers requests for any Host. Set it to "
        'the host names it serves, e.g. \'["matchmaker.example.be"]\'.'
    )
    app.logger.warning(message)
    with app.app_context():
        audit.event("config.warning", setting="TRUSTED_HOSTS", message=message)


def cap_request_body() -> None:
    """Outside the back office (whose directory import takes MAX_CONTENT_LENGTH), accept at most
    INQUIRY_MAX_BYTES of body, else 413. Runs before anything reads the body.

    An announced size (Content-Length) is checked by werkzeug. A streamed (chunked) body is read
    here, one byte past the cap: werkzeug's stream would stop at the cap without an error, and
    the form would be parsed from the truncated body. Later reads use the bytes kept."""
    if "staff" in request.blueprints:
        return
    limit = current_app.config["INQUIRY_MAX_BYTES"]
    request.max_content_length = limit
    if request.content_length is None:
        request.max_content_length = limit + 1
        if len(request.get_data(cache=True)) > limit:
            abort(413)


def refuse_nul_bytes() -> None:
    """A NUL in the path or the query string is a 400: PostgreSQL refuses it in any text."""
    args = request.args.items(multi=True)
    if "\x00" in request.path or any("\x00" in key + value for key, value in args):
        abort(400)


def add_security_headers(response: Response) -> Response:
    """Headers every response carries; HSTS only when the request came over HTTPS."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Not no-referrer: Flask-WTF's CSRF check on HTTPS needs a same-origin Referer.
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def keep_private(response: Response) -> Response:
    """For a page whose address is its key (a signed link, a result page): no caching, no
    referrer, no indexing."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def safe_next_path(target: str | None, default: str = "/") -> str:
    """target if it is a path on this site, else default (no open redirect)."""
    target = (target or "").strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or _CONTROL_CHARACTERS.search(target):
        return default
    return target
