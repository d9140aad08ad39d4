"""Security wiring: response headers, the reverse proxy, and safe redirects."""

import re
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

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
    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)


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
