"""What a refused signed link shows (an introduction's, a consent request's, a profile's): a
clear page that says why and that nothing changed, with the status that says it to machines."""

from contextlib import nullcontext

from flask import render_template
from flask_babel import force_locale

from matchmaker.services.signed_links import LinkRefused

REFUSED_STATUS = {"tampered": 404, "expired": 410, "used": 409}


def refused_page(refused: LinkRefused, lang: str | None, used_text: object = "", **context):
    """The page, in lang (the reader's known language), else in the browser's; used_text (a
    lazy string) says what a used link had done; context: the template's purpose and org."""
    with force_locale(lang) if lang else nullcontext():
        page = render_template("public/link_refused.html", reason=refused.reason,
                               used_text=used_text, **context)  # fmt: skip
    return page, REFUSED_STATUS[refused.reason]
