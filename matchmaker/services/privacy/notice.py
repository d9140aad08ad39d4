"""The privacy notice investors consent to, and its versions."""

from __future__ import annotations

from matchmaker.links import absolute_url

# Bump when the text of templates/public/privacy.html changes in substance: every inquiry records
# the version its author agreed to (Inquiry.consent_version). Before changing the text, copy the
# current one to templates/public/privacy_notices/<version>.html and add the version to
# ARCHIVED_NOTICES, so that every consent record can still be read as it was given.
PRIVACY_NOTICE_VERSION = "2026-11"
ARCHIVED_NOTICES: tuple[str, ...] = ()


def notice_template(version: str) -> str | None:
    """The template of a version of the privacy notice, or None if there never was one."""
    if version == PRIVACY_NOTICE_VERSION:
        return "public/privacy.html"
    if version in ARCHIVED_NOTICES:
        return f"public/privacy_notices/{version}.html"
    return None


def notice_url(version: str) -> str | None:
    """The address of the notice a consent record refers to (None for an unknown version)."""
    if notice_template(version) is None:
        return None
    return absolute_url("public.privacy_version", version=version)
