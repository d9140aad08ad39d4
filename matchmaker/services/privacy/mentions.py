"""A person's details (address, name, phone) quoted in free text, found whatever their case.

SQLite's lower() folds ASCII only, and stored text may be escaped (JSON writes ü as \\u00fc,
HTML & as &amp;), so the database cannot find "Über" in "ÜBER" by itself. Each Detail gives a
LIKE pattern that keeps only the ASCII letters, digits and @ . - of the detail and lets "%"
stand for the rest: every text quoting the detail matches it, in any case and escaping. Python
then finds the detail itself (case-insensitively, as whole words; a phone in any spacing) in
the few rows that match, and replaces it. A detail without a single ASCII letter or digit
matches every row: those rows are all read in Python.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from markupsafe import escape

REDACTED = "[erased]"
MIN_TEXT_LENGTH = 3  # shorter names would erase words of other people's notes
MIN_PHONE_DIGITS = 6
_PHONE_SEPARATORS = r"[\s().\-/]*"


@dataclass(frozen=True)
class Detail:
    """One detail to look for: a LIKE pattern for SQL, the exact patterns for Python."""

    like: str  # lower case; matches every text quoting the detail, and some others
    pattern: re.Pattern[str]  # the detail in plain text
    html_pattern: re.Pattern[str]  # the detail in HTML (escaped as templates escape it)


def text_detail(value: str) -> Detail | None:
    """An address, a name, a code or an organization's name (None when too short to be safe)."""
    words = value.split()
    if len(" ".join(words)) < MIN_TEXT_LENGTH:
        return None
    like = "%" + re.sub(r"[^A-Za-z0-9@.\-]+", "%", " ".join(words)).lower().strip("%") + "%"
    return Detail(re.sub("%+", "%", like), _words(words), _words([str(escape(w)) for w in words]))


def phone_detail(value: str) -> Detail | None:
    """A phone number, found in any spacing or punctuation (+32 470 12 34 56, 0470/123456)."""
    digits = re.sub(r"[^0-9]", "", value)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    pattern = re.compile(r"(?<![0-9])\+?" + _PHONE_SEPARATORS.join(digits) + r"(?![0-9])")
    return Detail("%" + "%".join(digits) + "%", pattern, pattern)


def _words(words: list[str]) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def quoting(columns: Sequence[Any], details: Sequence[Detail]) -> sa.ColumnElement[bool]:
    """SQL: one of the columns (text or JSON) may quote one of the details."""
    return sa.or_(
        sa.false(),
        *(
            sa.func.lower(sa.cast(column, sa.Text)).like(detail.like)
            for column in columns
            for detail in details
        ),
    )


def quotes(value: Any, details: Sequence[Detail], html: bool = False) -> bool:
    """Whether value (text, or JSON data) quotes one of the details."""
    return redacted(value, details, html) != value


def redacted(value: Any, details: Sequence[Detail], html: bool = False) -> Any:
    """value with every quote of the details replaced by REDACTED, in text and JSON data."""
    if isinstance(value, str):
        for detail in details:
            value = (detail.html_pattern if html else detail.pattern).sub(REDACTED, value)
        return value
    if isinstance(value, list):
        return [redacted(item, details, html) for item in value]
    if isinstance(value, dict):
        return {key: redacted(item, details, html) for key, item in value.items()}
    return value
