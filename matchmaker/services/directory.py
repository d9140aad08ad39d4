"""The directory of organizations: CSV parsing and validation, all-or-nothing import, version."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import DirectoryState, Organization, has_tag
from matchmaker.taxonomy import KINDS, LANGS, OFFERS, PROVINCES, SECTORS, SIZES

COLUMNS = (
    "slug", "name", "kind", "sectors", "city", "province", "website",
    "founded", "size", "lang", "description", "offers", "keywords",
)  # fmt: skip
OPTIONAL_COLUMNS = ("contact_email",)
REQUIRED_FIELDS = ("slug", "name", "kind", "sectors", "province", "lang")
MAX_LENGTHS = {
    "slug": 80, "name": 200, "city": 120, "website": 300,
    "description": 5000, "keywords": 2000, "contact_email": 254,
}  # fmt: skip
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
FIELDS = (*COLUMNS, *OPTIONAL_COLUMNS)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, quoting, header, size)."""


@dataclass(frozen=True)
class RowError:
    line: int
    slug: str
    messages: tuple[str, ...]

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" ({self.slug})" if self.slug else "")
        return f"{where}: " + "; ".join(self.messages)


@dataclass
class ImportPlan:
    """What an import would do; nothing is written until apply_import."""

    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """Decode and split a directory CSV into (line number, record) pairs, or explain why not."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1048576:.1f} MB; the limit is "
            f"{MAX_IMPORT_BYTES // 1048576} MB. Split it and import the parts."
        )
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            raise ImportFileError("Missing columns in the header row: " + ", ".join(missing))
        records = []
        for record in reader:
            records.append((reader.line_num, record))
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num}: the CSV is malformed ({error}).") from None
    return records


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"Line {line} is not valid UTF-8 (the file may be in Windows-1252 or Latin-1). "
            "Save it as 'CSV UTF-8' and import it again."
        ) from None


def validate_record(record: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Clean one CSV record into organization fields, with the problems found."""
    raw = {name: (record.get(name) or "").strip() for name in FIELDS}
    problems = [f"{name} is required" for name in REQUIRED_FIELDS if not raw[name]]
    problems += [
        f"{name} is longer than {limit} characters"
        for name, limit in MAX_LENGTHS.items()
        if len(raw[name]) > limit
    ]
    if raw["slug"] and not SLUG_PATTERN.match(raw["slug"]):
        problems.append("slug may only hold lowercase letters, digits and single hyphens")
    problems += _check_choice("kind", raw["kind"], KINDS)
    problems += _check_choice("province", raw["province"], PROVINCES)
    problems += _check_choice("lang", raw["lang"], LANGS)
    problems += _check_choice("size", raw["size"], SIZES)
    sectors, offers = _split(raw["sectors"]), _split(raw["offers"])
    problems += _check_tags("sectors", sectors, SECTORS)
    problems += _check_tags("offers", offers, OFFERS)
    if raw["website"] and not raw["website"].startswith(("http://", "https://")):
        problems.append("website must start with http:// or https://")
    if raw["contact_email"] and not EMAIL_PATTERN.match(raw["contact_email"]):
        problems.append("contact_email is not an email address")
    founded = _parse_year(raw["founded"], problems)
    fields = {
        **raw,
        "sectors": tuple(sorted(set(sectors))),
        "offers": tuple(sorted(set(offers))),
        "keywords": tuple(sorted(set(_split(raw["keywords"])))),
        "founded": founded,
    }
    return fields, problems


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _check_choice(name: str, value: str, allowed: Iterable[str]) -> list[str]:
    if value and value not in allowed:
        return [f"{name} '{value}' is not one of: {', '.join(allowed)}"]
    return []


def _check_tags(name: str, tags: list[str], allowed: Iterable[str]) -> list[str]:
    unknown = [tag for tag in tags if tag not in allowed]
    return [f"unknown {name}: {', '.join(unknown)}"] if unknown else []


def _parse_year(value: str, problems: list[str]) -> int | None:
    if not value:
        return None
    if value.isdigit() and 1000 <= int(value) <= date.today().year:
        return int(value)
    problems.append(f"founded '{value}' is not a year")
    return None


def plan_import(
    records: list[tuple[int, dict[str, str]]], on_row: Callable[[int], None] = lambda _: None
) -> ImportPlan:
    """Validate every record and compare it with the directory (upsert by slug)."""
    existing = {org.slug: org for org in db.session.scalars(sa.select(Organization))}
    plan, seen = ImportPlan(), set()
    for line, record in records:
        fields, problems = validate_record(record)
        slug = fields["slug"]
        if slug in seen:
            problems.append("the same slug appears earlier in the file")
        seen.add(slug)
        if problems:
            plan.errors.append(RowError(line, slug, tuple(problems)))
        elif slug not in existing:
            plan.added.append(fields)
        elif _differs(existing[slug], fields):
            plan.changed.append(fields)
        else:
            plan.unchanged.append(slug)
        on_row(1)
    return plan


def _differs(org: Organization, fields: dict[str, Any]) -> bool:
    return any(getattr(org, name) != fields[name] for name in _stored_fields(fields))


def _stored_fields(fields: dict[str, Any]) -> list[str]:
    """The fields an import writes; contact_email only when the file carries it."""
    return [name for name in FIELDS if name in COLUMNS or fields.get(name)]


def apply_import(plan: ImportPlan) -> None:
    """Write a valid plan in the current transaction and bump the directory version."""
    if not plan.ok:
        raise ValueError("an import plan with errors cannot be applied")
    by_slug = {org.slug: org for org in db.session.scalars(sa.select(Organization))}
    for fields in plan.added:
        db.session.add(Organization(**{name: fields[name] for name in FIELDS}))
    for fields in plan.changed:
        org = by_slug[fields["slug"]]
        for name in _stored_fields(fields):
            setattr(org, name, fields[name])
    if plan.added or plan.changed:
        bump_directory_version()


def bump_directory_version() -> None:
    """Record that the directory changed, so every worker's engine index is rebuilt."""
    updated = db.session.execute(
        sa.update(DirectoryState)
        .where(DirectoryState.id == 1)
        .values(version=DirectoryState.version + 1)
    )
    if updated.rowcount == 0:
        db.session.add(DirectoryState(id=1, version=1))


def directory_version() -> int:
    """The stored directory version (0 before anything was loaded)."""
    return db.session.scalar(sa.select(DirectoryState.version).where(DirectoryState.id == 1)) or 0


def shipped_directory() -> bytes:
    """The default directory that ships with the package."""
    return resources.files("matchmaker").joinpath("data/organizations.csv").read_bytes()


def is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export_csv() -> str:
    """The whole directory as CSV, with cells that a spreadsheet would run as formulas defused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for org in db.session.scalars(sa.select(Organization).order_by(Organization.slug)):
        writer.writerow(_defuse(_cell(getattr(org, name))) for name in FIELDS)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value)


def _defuse(cell: str) -> str:
    """Prefix a quote to a cell that starts like a formula (OWASP CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def active_query() -> sa.Select:
    """Organizations shown to the public."""
    return sa.select(Organization).where(Organization.active.is_(True))


def search_query(text: str = "", sector: str = "", province: str = "") -> sa.Select:
    """Active organizations matching a free-text search and filters, by name."""
    query = active_query()
    if text:
        pattern = f"%{_escape_like(text)}%"
        query = query.where(
            sa.or_(
                *(
                    sa.type_coerce(column, sa.String).ilike(pattern, escape="\\")
                    for column in (
                        Organization.name,
                        Organization.description,
                        Organization.keywords,
                        Organization.city,
                    )
                )
            )
        )
    if sector:
        query = query.where(has_tag(Organization.sectors, sector))
    if province:
        query = query.where(Organization.province == province)
    return query.order_by(sa.func.lower(Organization.name), Organization.id)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def public_stats() -> dict[str, int]:
    """Counts for the home page."""
    return {
        "organizations": db.session.scalar(
            sa.select(sa.func.count()).select_from(active_query().subquery())
        )
        or 0,
    }
