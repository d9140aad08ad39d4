"""Absolute links (in mail, exports, the API, pages): on BASE_URL, never on the request's Host.

A request's Host header is whatever the client sent (unless TRUSTED_HOSTS limits it), so a link
built from it (`url_for(..., _external=True)`, `request.host_url`) could point anywhere. Every
absolute link goes through `absolute_url`, which works the same in a request, the relay or a
command.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values: Any) -> str:
    """The URL of endpoint with values, on the service's public address (BASE_URL)."""
    base = urlsplit(str(current_app.config["BASE_URL"]))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
