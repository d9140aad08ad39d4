"""The investor-facing blueprint, and the pages reached by a signed link (no account)."""


def keep_private(response):
    """A page whose address is its key: no caching, no referrer, no indexing."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
