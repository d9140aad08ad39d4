"""How a change answers the page's script, which asks for JSON: the message to announce, the
parts of the page to show again (by element id), or `reload` when the whole page is out of date
(the message is then flashed too). A plain form post gets a flash and a redirect."""

from typing import Any

from flask import Response, jsonify, request
from flask_babel import lazy_gettext as _l

from matchmaker.services.leads import changes

NOTHING_CHANGED = _l("Nothing changed: the lead was already in that state.")
CONFLICT = 409  # the lead changed since the page was shown
UNPROCESSABLE = 422  # a form with mistakes, or a change the service refused


def wants_json() -> bool:
    """Whether the request asked for JSON (the pages' script does; a form post does not)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def refused_code(error: changes.WorkflowError) -> int:
    """The status of a change the service refused: 409 for a conflict, else 422."""
    return CONFLICT if isinstance(error, changes.Conflict) else UNPROCESSABLE


def json_reply(message: str, regions: dict[str, str], code: int = 200,
               **extra: Any) -> tuple[Response, int]:  # fmt: skip
    """The JSON answer: message, regions (element id: its new HTML) and any extra fields."""
    return jsonify(message=str(message), regions=regions, **extra), code
