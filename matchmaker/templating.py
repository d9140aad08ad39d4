"""Helpers every template can use."""

from typing import Any

from flask import Flask
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
