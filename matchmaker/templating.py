"""Helpers every template can use."""

from flask import Flask, request, url_for


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_url"] = page_url


def page_url(number: int) -> str:
    """The current page's address with its filters kept and another page number."""
    args = request.args.to_dict()
    args["page"] = str(number)
    return url_for(request.endpoint, **(request.view_args or {}), **args)
