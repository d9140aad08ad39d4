"""Languages: English and French, chosen from the visitor's choice or the browser."""

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale

from matchmaker.extensions import babel

LANG_COOKIE = "lang"
TRANSLATIONS_DIR = "translations"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_lang"] = current_lang


def select_locale() -> str | None:
    """The language the visitor picked (remembered in a cookie), else the browser's best.

    Outside a request (commands, the mail relay) None: the default language.
    """
    if not has_request_context():
        return None
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages)


def current_lang() -> str:
    """The two-letter code of the language the page is rendered in."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
