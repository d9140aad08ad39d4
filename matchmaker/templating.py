"""Helpers every template can use."""

from typing import Any

from flask import Flask, request, url_for
from wtforms import Field


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(page_url=page_url, field_attrs=field_attrs)


def page_url(number: int) -> str:
    """The current page's address with its filters kept and another page number."""
    args = request.args.to_dict()
    args["page"] = str(number)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


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
