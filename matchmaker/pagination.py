"""The page number a list was asked for, kept within bounds."""

from flask import request

MAX_PAGE = 100_000  # a larger page number is past the end anyway, and overflows the database


def requested_page() -> int:
    """The ?page= number: at least 1, at most MAX_PAGE; 1 when it is not a number."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
