"""Settings: embedded defaults, overridden by MATCHMAKER_* environment variables."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import Flask

MIN_SECRET_KEY_LENGTH = 32

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: an SQLite file in the instance folder
    "SECRET_KEY": None,  # None: read from SECRET_KEY_FILE when it exists (`make run` writes it)
    "SECRET_KEY_FILE": None,  # None: instance/secret_key
    "BASE_URL": "http://127.0.0.1:5000",
    "ORGANIZATIONS_PER_PAGE": 20,
    # hide_parameters: an error's message (and so the log) shows the SQL, not the values in it.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "SQLITE_BUSY_TIMEOUT_SECONDS": 15,
    "BABEL_DEFAULT_LOCALE": "en",
    "TIMEZONE": "Europe/Brussels",  # the agency's: every time shown or mailed; stored in UTC
    "LANGUAGES": ["en", "fr"],
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
    # Public inquiry form: a cap on what one POST may carry, and a rate limit per client address.
    "INQUIRY_MAX_BYTES": 64 * 1024,
    "INQUIRY_RATE_LIMIT": "5 per minute;30 per hour",
    # Staff sign-in: failed attempts accepted from one client address (then 429).
    "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",  # per process; redis://host:6379/0 to share
    "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After on a 429
    "RATELIMIT_SWALLOW_ERRORS": True,  # storage (Redis) down: let requests through, log a warning
    # Mail: with no SMTP host, messages stay in the outbox, readable in the back office.
    "SMTP_HOST": "",
    "SMTP_PORT": 587,
    "SMTP_USERNAME": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": True,
    "SMTP_TIMEOUT": 30,
    "MAIL_FROM": "",  # empty: "Walloon Matchmaker <no-reply@host of BASE_URL>"
    "STAFF_INBOX": "leads@matchmaker.invalid",  # leads nobody covers; set it in production
    "OUTBOX_MAX_ATTEMPTS": 8,
    "OUTBOX_BACKOFF_SECONDS": 60,  # first retry; doubles each attempt
    "OUTBOX_BACKOFF_MAX_SECONDS": 6 * 3600,
    "OUTBOX_CLAIM_SECONDS": 300,  # a relay's lease on a message it is sending
    "OUTBOX_SEND_AFTER_COMMIT": True,  # try an immediate delivery in the background
    "AUDIT_LOG": "-",  # the security/audit stream (JSON lines): "-" for stderr, or a file path
    "STAFF_IDLE_TIMEOUT_MINUTES": 60,
    "STAFF_SESSION_MAX_HOURS": 12,  # from sign-in, however active the session
    # Two-factor sign-in (an authenticator app's codes): always for admins; for staff when true.
    "STAFF_REQUIRE_TWO_FACTOR": False,
    # Insight and privacy: when an open lead counts as stale (its assignee is reminded), when a
    # lead's best match is too weak (a demand gap), and how long inquiries are kept.
    "STALE_AFTER_DAYS": 7,
    "DEMAND_GAP_THRESHOLD": 0.25,
    "RETENTION_MONTHS": 36,
    # Introductions: an organization's answer link lives this long (one reminder this many days
    # before the end); the investor's link to pick a proposed meeting slot; a meeting's length.
    "INTRODUCTION_EXPIRY_DAYS": 14,
    "INTRODUCTION_REMINDER_DAYS_BEFORE": 3,
    "MEETING_LINK_DAYS": 30,
    "MEETING_MINUTES": 45,
    # Conversations: replies reach INBOUND_ADDRESS's mailbox with a lead's token after a "+"
    # (leads+<token>@...), and `flask inbound serve` receives them by SMTP on INBOUND_HOST:PORT.
    # Empty: no reply address, staff messages answer to their writer. The investor's link to
    # allow sharing lives CONSENT_LINK_DAYS.
    "INBOUND_ADDRESS": "",
    "INBOUND_HOST": "127.0.0.1",
    "INBOUND_PORT": 8025,
    "INBOUND_MAX_MESSAGE_BYTES": 10 * 1024 * 1024,  # larger mail is refused (552)
    "INBOUND_MAX_ATTACHMENT_BYTES": 5 * 1024 * 1024,  # larger attachments are listed, not kept
    "CONSENT_LINK_DAYS": 30,
    # Self-service profiles: how long a contact's link to propose changes lives, and how often
    # one client address may ask for such links.
    "PROFILE_LINK_HOURS": 48,
    "PROFILE_LINK_RATE_LIMIT": "5 per minute;20 per hour",
    "PROXY_HOPS": 0,  # reverse proxies in front of the app that set X-Forwarded-*
    "TRUSTED_HOSTS": None,  # e.g. ["matchmaker.example.be"]; None accepts any Host
    "SESSION_COOKIE_SECURE": None,  # None: secure except in debug and testing
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}


class ConfigError(click.ClickException, RuntimeError):
    """The configuration cannot run the service; the message says what to set.

    A ClickException, so that a `flask` command prints it as one line, not a traceback."""


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill app.config from the defaults, the environment and explicit overrides, then check it."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("MATCHMAKER")
    if overrides:
        app.config.from_mapping(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app)
    app.config["BABEL_DEFAULT_TIMEZONE"] = _time_zone(app.config["TIMEZONE"])
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not (app.debug or app.testing)
    if app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_NAME"] == "session":
        # __Host-: the browser only keeps it if Secure, for Path=/ and no Domain (no subdomain
        # or plain-http page can plant or overwrite it).
        app.config.update(SESSION_COOKIE_NAME="__Host-session", SESSION_COOKIE_PATH="/",
                          SESSION_COOKIE_DOMAIN=None)  # fmt: skip
    _check_secret_key(app)


def database_url(app: Flask) -> str:
    """The configured database URL, or an SQLite file in the instance folder."""
    url = app.config.get("DATABASE_URL")
    if url:
        return str(url).replace("postgres://", "postgresql://", 1)
    return f"sqlite:///{Path(app.instance_path) / 'matchmaker.sqlite3'}"


def _time_zone(name: Any) -> str:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            f"MATCHMAKER_TIMEZONE={name!r} is not a time zone; use a name such as "
            "Europe/Brussels."
        ) from error
    return str(name)


def secret_key_file(app: Flask) -> Path:
    """Where the secret key is read from when MATCHMAKER_SECRET_KEY is not set."""
    return Path(app.config.get("SECRET_KEY_FILE") or Path(app.instance_path) / "secret_key")


def _check_secret_key(app: Flask) -> None:
    key = str(app.config.get("SECRET_KEY") or "")
    path = secret_key_file(app)
    from_file = not key and path.is_file()
    if from_file:
        key = path.read_text(encoding="utf-8").strip()
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = key or "insecure-development-key"
        return
    app.config["SECRET_KEY"] = key
    if len(key) < MIN_SECRET_KEY_LENGTH:
        found = (
            f"the key given is {len(key)} characters long" if key and not from_file
            else f"{path} holds {len(key)} characters" if from_file
            else f"{path} does not exist"
        )  # fmt: skip
        raise ConfigError(
            f"MATCHMAKER_SECRET_KEY must be set to at least {MIN_SECRET_KEY_LENGTH} random "
            f"characters, or written to {path} ({found}). `make instance/secret_key` (or "
            "`make run`) generates that file; or python -c 'import secrets; "
            "print(secrets.token_hex(32))'."
        )
