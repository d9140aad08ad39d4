"""Pagination shared by every list: the page asked for, within bounds, and links to others."""

from flask import request, url_for

MAX_PAGE = 100_000  # a larger page number is past the end anyway, and overflows the database


def requested_page() -> int:
    """The ?page= number: at least 1, at most MAX_PAGE; 1 when it is not a number."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def page_url(number: int) -> str:
    """The current page's address with its filters kept and another page number."""
    args = request.args.to_dict()
    args["page"] = str(number)
    return url_for(request.endpoint, **(request.view_args or {}), **args)
