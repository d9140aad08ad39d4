"""The directory's rules: the CSV columns, and validating a record into organization fields."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from matchmaker.database import storable
from matchmaker.services.contacts import parse_contacts
from matchmaker.services.outbox import is_single_address
from matchmaker.taxonomy import KINDS, LANGS, OFFERS, PROVINCES, SECTORS, SIZES

COLUMNS = (
    "slug", "name", "kind", "sectors", "city", "province", "website", "founded", "size",
    "description", "description_fr", "offers", "keywords", "keywords_fr", "source",
)  # fmt: skip
# contacts: name|role|email|language; ... (services.contacts); without the column, an import
# leaves the contacts as they are.
OPTIONAL_COLUMNS = ("contact_email", "contacts")
# The format before the French columns: one description and keywords, in the language `lang`.
# Still imported: the text goes to the columns of its language, the others are left as they are.
LEGACY_COLUMN = "lang"
LEGACY_COLUMNS = (
    *(name for name in COLUMNS if name not in ("description_fr", "keywords_fr", "source")),
    LEGACY_COLUMN,
)
REQUIRED_FIELDS = ("slug", "name", "kind", "sectors", "province")
# keywords are stored as ";a;b;" in 2000 characters: 1998 for the keywords themselves.
MAX_LENGTHS = {
    "slug": 80, "name": 200, "city": 120, "website": 300, "source": 300,
    "description": 5000, "description_fr": 5000, "keywords": 1998, "keywords_fr": 1998,
    "contact_email": 254,
}  # fmt: skip
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = (*COLUMNS, *OPTIONAL_COLUMNS)


@dataclass(frozen=True)
class Problem:
    """A broken rule: the column (or form field) it concerns, and what is wrong, in words."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidOrganization(ValueError):
    """An organization's fields break the directory's rules; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def validate_record(record: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """Clean one record (a CSV row or the admin form) into organization fields, with the
    problems found. The only place the directory's rules live.

    The fields are those the record carries (a record of the legacy format carries one
    language), so that what a file does not say is left as it is.
    """
    record, problems = _from_legacy(record) if LEGACY_COLUMN in record else (record, [])
    raw = {name: (record.get(name) or "").strip() for name in FIELDS}
    problems += [Problem(name, _("Required.")) for name in REQUIRED_FIELDS if not raw[name]]
    problems += [
        Problem(name, _("Contains a character that cannot be stored (NUL or an unpaired "
                        "surrogate): remove it."))
        for name, value in raw.items()
        if not storable(value)
    ]  # fmt: skip
    problems += [
        Problem(name, _("At most %(limit)d characters (this has %(length)d).", limit=limit,
                        length=len(raw[name])))
        for name, limit in MAX_LENGTHS.items()
        if len(raw[name]) > limit
    ]  # fmt: skip
    if raw["slug"] and not SLUG_PATTERN.match(raw["slug"]):
        message = _("Use only lowercase letters, digits and single hyphens, like acme-bio.")
        problems.append(Problem("slug", message))
    problems += _check_choice("kind", raw["kind"], KINDS)
    problems += _check_choice("province", raw["province"], PROVINCES)
    problems += _check_choice("size", raw["size"], SIZES)
    sectors, offers = split_cell(raw["sectors"]), split_cell(raw["offers"])
    problems += _check_tags("sectors", sectors, SECTORS)
    problems += _check_tags("offers", offers, OFFERS)
    problems += _check_address("website", raw["website"]) + _check_address("source", raw["source"])
    if raw["contact_email"] and not (
        EMAIL_PATTERN.match(raw["contact_email"]) and is_single_address(raw["contact_email"])
    ):
        message = _("Give one email address, like name@example.be (no list, no name).")
        problems.append(Problem("contact_email", message))
    contacts, contact_problems = parse_contacts(raw["contacts"])
    problems += [Problem("contacts", problem) for problem in contact_problems]
    fields = {
        **raw,
        "sectors": _tags(sectors),
        "offers": _tags(offers),
        "keywords": _tags(split_cell(raw["keywords"])),
        "keywords_fr": _tags(split_cell(raw["keywords_fr"])),
        "founded": _parse_year(raw["founded"], problems),
        "contacts": contacts,
    }
    return {name: fields[name] for name in FIELDS if name in record}, problems


def _from_legacy(record: dict[str, str]) -> tuple[dict[str, str], list[Problem]]:
    """A record of the legacy format as one of today's: its text in its language's columns."""
    record = dict(record)
    lang = (record.pop(LEGACY_COLUMN) or "").strip()
    if not lang:
        return record, [Problem(LEGACY_COLUMN, _("Required."))]
    if lang == "fr":
        record["description_fr"] = record.pop("description", "")
        record["keywords_fr"] = record.pop("keywords", "")
    return record, _check_choice(LEGACY_COLUMN, lang, LANGS)


def _tags(values: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


def _check_address(name: str, value: str) -> list[Problem]:
    if value and not value.startswith(("http://", "https://")):
        return [Problem(name, _("Must start with http:// or https://."))]
    return []


def split_cell(value: str) -> list[str]:
    """The parts of a ;-separated cell."""
    return [part.strip() for part in value.split(";") if part.strip()]


def _check_choice(name: str, value: str, allowed: Iterable[str]) -> list[Problem]:
    if value and value not in allowed:
        message = _("“%(value)s” is not one of: %(allowed)s.", value=value,
                    allowed=", ".join(allowed))  # fmt: skip
        return [Problem(name, message)]
    return []


def _check_tags(name: str, tags: list[str], allowed: Iterable[str]) -> list[Problem]:
    if unknown := [tag for tag in tags if tag not in allowed]:
        message = _("Unknown: %(unknown)s. Use codes from: %(allowed)s.",
                    unknown=", ".join(unknown), allowed=", ".join(allowed))  # fmt: skip
        return [Problem(name, message)]
    return []


def _parse_year(value: str, problems: list[Problem]) -> int | None:
    if not value:
        return None
    this_year = date.today().year
    if value.isdigit() and 1000 <= int(value) <= this_year:
        return int(value)
    message = _("“%(value)s” is not a year from 1000 to %(year)d.", value=value, year=this_year)
    problems.append(Problem("founded", message))
    return None
