"""Settings: embedded defaults, overridden by MATCHMAKER_* environment variables."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

MIN_SECRET_KEY_LENGTH = 32

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: an SQLite file in the instance folder
    "SECRET_KEY": None,
    "BASE_URL": "http://127.0.0.1:5000",
    "ORGANIZATIONS_PER_PAGE": 20,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "en",
    "LANGUAGES": ["en", "fr"],
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
}


class ConfigError(RuntimeError):
    """The configuration cannot run the service; the message says what to set."""


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill app.config from the defaults, the environment and explicit overrides, then check it."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("MATCHMAKER")
    if overrides:
        app.config.from_mapping(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app)
    _check_secret_key(app)


def database_url(app: Flask) -> str:
    """The configured database URL, or an SQLite file in the instance folder."""
    url = app.config.get("DATABASE_URL")
    if url:
        return str(url).replace("postgres://", "postgresql://", 1)
    return f"sqlite:///{Path(app.instance_path) / 'matchmaker.sqlite3'}"


def _check_secret_key(app: Flask) -> None:
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or "insecure-development-key"
        return
    key = str(app.config.get("SECRET_KEY") or "")
    app.config["SECRET_KEY"] = key
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"MATCHMAKER_SECRET_KEY must be set to at least {MIN_SECRET_KEY_LENGTH} random "
            "characters (e.g. python -c 'import secrets; print(secrets.token_hex(32))'). "
            "`make run` generates one into instance/secret_key."
        )
