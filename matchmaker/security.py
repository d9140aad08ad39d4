"""Small security helpers shared by the blueprints."""

from urllib.parse import urlsplit


def safe_next_path(target: str | None, default: str = "/") -> str:
    """target if it is a path on this site, else default (no open redirect)."""
    target = (target or "").strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target
