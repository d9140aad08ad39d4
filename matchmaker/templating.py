"""Helpers every template can use."""

from typing import Any

from babel.units import format_unit
from flask import Flask
from flask_babel import format_decimal, get_locale
from wtforms import Field

from matchmaker.dates import format_moment, time_zone
from matchmaker.models import (
    ActivityKind,
    IntroductionState,
    MatchSource,
    OrganizationEventKind,
    Verdict,
)
from matchmaker.pagination import page_url


def init_app(app: Flask) -> None:
    app.jinja_env.filters["moment"] = format_moment  # the one date formatter (dates.py)
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.filters["score"] = format_score
    app.jinja_env.globals.update(
        page_url=page_url, field_attrs=field_attrs, time_zone=time_zone,
        ActivityKind=ActivityKind, MatchSource=MatchSource, Verdict=Verdict,
        IntroductionState=IntroductionState, OrganizationEventKind=OrganizationEventKind,
    )


def field_attrs(field: Field, hint: str | None, extra: dict[str, Any]) -> dict[str, Any]:
    """HTML attributes tying an input to its hint and error messages for screen readers."""
    described = [f"{field.id}-hint"] if hint else []
    described += [f"{field.id}-error"] if field.errors else []
    attrs = dict(extra)
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


def format_score(score: float) -> str:
    """A match score with two decimals in the reader's language: 0.36, 0,36."""
    return format_decimal(score, format="0.00")


def format_size(size: int) -> str:
    """A number of bytes in the reader's language: 509 bytes, 2.0 kB, 5.2 MB (decimal units)."""
    locale = str(get_locale() or "en")
    if size < 1000:
        return format_unit(size, "digital-byte", length="long", locale=locale)
    unit, scale = ("digital-kilobyte", 1e3) if size < 1_000_000 else ("digital-megabyte", 1e6)
    return format_unit(size / scale, unit, format="0.0", length="short", locale=locale)
