"""Shared column types and helpers of the data model: UTC times, tag sets, e-mail keys."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def new_nonce() -> str:
    """A random value a signed link names, so that it can be refused once its record moves on."""
    return secrets.token_urlsafe(12)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class TagSet(sa.TypeDecorator):
    """A set of vocabulary tags stored as ';a;b;' text, so a tag filter is a plain LIKE."""

    impl = sa.String
    cache_ok = True

    def __init__(self, length: int = 400) -> None:
        super().__init__(length)

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        tags = sorted({str(tag) for tag in value})
        return ";" + ";".join(tags) + ";" if tags else ""

    def process_result_value(self, value: str | None, dialect: Any) -> tuple[str, ...]:
        return tuple(tag for tag in (value or "").split(";") if tag)


def has_tag(column: Any, tag: str) -> sa.ColumnElement[bool]:
    """SQL condition: the TagSet column contains tag."""
    return sa.type_coerce(column, sa.String).like(f"%;{tag};%")


def email_key(address: str) -> str:
    """An address as it is compared: stripped and case-folded (Unicode, not ASCII only), so that
    ÜBER.Team@Example.com and über.team@example.com are one person on any database."""
    return address.strip().casefold()


def escape_like(text: str) -> str:
    """text with LIKE's wildcards escaped (use with escape="\\"), to search for it literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


T = TypeVar("T")


def in_language(lang: str, english: T, french: T) -> tuple[str, T]:
    """(language, value): the value in lang ("en" or "fr") when there is one, else the other."""
    if lang == "fr":
        return ("fr", french) if french or not english else ("en", english)
    return ("en", english) if english or not french else ("fr", french)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def new_reference() -> str:
    """An unguessable token for the investor's result page."""
    return secrets.token_urlsafe(24)


def new_code() -> str:
    """A short reference a person can read out: WM-XXXXXX, no look-alike letters."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "WM-" + "".join(secrets.choice(alphabet) for _ in range(6))
