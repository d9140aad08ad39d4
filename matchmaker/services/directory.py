"""The directory of organizations: validation, CSV import and export, admin edits, version."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import (
    DirectoryState,
    DirectoryUpload,
    Organization,
    User,
    escape_like,
    has_tag,
    utcnow,
)
from matchmaker.taxonomy import KINDS, LANGS, OFFERS, PROVINCES, SECTORS, SIZES

COLUMNS = (
    "slug", "name", "kind", "sectors", "city", "province", "website",
    "founded", "size", "lang", "description", "offers", "keywords",
)  # fmt: skip
OPTIONAL_COLUMNS = ("contact_email",)
REQUIRED_FIELDS = ("slug", "name", "kind", "sectors", "province", "lang")
# keywords are stored as ";a;b;" in 2000 characters: 1998 for the keywords themselves.
MAX_LENGTHS = {
    "slug": 80, "name": 200, "city": 120, "website": 300,
    "description": 5000, "keywords": 1998, "contact_email": 254,
}  # fmt: skip
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
FIELDS = (*COLUMNS, *OPTIONAL_COLUMNS)
UPLOAD_LIFETIME = timedelta(hours=1)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, quoting, header, size)."""


class UploadExpired(LookupError):
    """The uploaded file is no longer kept: it was imported, it expired, or it is not yours."""


class PreviewOutdated(RuntimeError):
    """Importing the file would no longer do what its preview showed."""


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


@dataclass(frozen=True)
class RowError:
    line: int
    slug: str
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" ({self.slug})" if self.slug else "")
        return f"{where}: " + "; ".join(map(str, self.problems))


@dataclass(frozen=True)
class Change:
    """One field of an organization, before and after an edit or an import."""

    field: str
    before: Any
    after: Any


@dataclass
class ImportPlan:
    """What an import would do; nothing is written until apply_import."""

    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[str, list[Change]] = field(default_factory=dict)  # by slug, for changed
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def writes(self) -> bool:
        """Whether applying the plan would change the directory."""
        return bool(self.added or self.changed)

    def fingerprint(self) -> str:
        """A digest of everything the plan would write and of what it replaces."""
        changes = {
            slug: [[change.field, change.before, change.after] for change in changes]
            for slug, changes in self.changes.items()
        }
        payload = [self.added, self.changed, changes, self.unchanged]
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def parse_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """Decode and split a directory CSV into (line number, record) pairs, or explain why not.

    A record's line number is the line it starts on (a quoted cell may span several lines).
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(too_large_message(len(data)))
    text = _decode(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    records, start = [], 1
    try:
        header = reader.fieldnames or []
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            raise ImportFileError(
                _("Missing columns in the header row: %(columns)s.", columns=", ".join(missing))
            )
        start = reader.line_num + 1
        for record in reader:
            records.append((start, {name: _undefuse(value) for name, value in record.items()}))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(_malformed(start, error)) from None
    return records


def too_large_message(size: int | None = None) -> str:
    """Why a file over MAX_IMPORT_BYTES is refused, and what to do."""
    limit = MAX_IMPORT_BYTES // 1048576
    if size is None:
        return _(
            "The file is larger than %(limit)d MB. Split it and import the parts.", limit=limit
        )
    return _(
        "The file is %(size).1f MB; the limit is %(limit)d MB. Split it and import the parts.",
        size=size / 1048576,
        limit=limit,
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = _(
            "Line %(line)d is not valid UTF-8 (the file may be in Windows-1252 or Latin-1). "
            "Save it as 'CSV UTF-8' and import it again.",
            line=line,
        )
        raise ImportFileError(message) from None


def _malformed(line: int, error: csv.Error) -> str:
    if "unexpected end of data" in str(error):
        return _(
            "Line %(line)d opens a quoted cell that is never closed: the CSV is malformed. "
            'Add the missing double quote (") and import the file again.',
            line=line,
        )
    return _(
        "Line %(line)d: the CSV is malformed (%(error)s). Check the quotes and commas there.",
        line=line,
        error=str(error),
    )


def validate_record(record: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """Clean one record (a CSV row or the admin form) into organization fields, with the
    problems found. The only place the directory's rules live."""
    raw = {name: (record.get(name) or "").strip() for name in FIELDS}
    problems = [Problem(name, _("Required.")) for name in REQUIRED_FIELDS if not raw[name]]
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
    problems += _check_choice("lang", raw["lang"], LANGS)
    problems += _check_choice("size", raw["size"], SIZES)
    sectors, offers = _split(raw["sectors"]), _split(raw["offers"])
    problems += _check_tags("sectors", sectors, SECTORS)
    problems += _check_tags("offers", offers, OFFERS)
    if raw["website"] and not raw["website"].startswith(("http://", "https://")):
        problems.append(Problem("website", _("Must start with http:// or https://.")))
    if raw["contact_email"] and not EMAIL_PATTERN.match(raw["contact_email"]):
        problems.append(Problem("contact_email", _("Not an email address.")))
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


def plan_import(
    records: list[tuple[int, dict[str, str]]], on_row: Callable[[int], None] = lambda _: None
) -> ImportPlan:
    """Validate every record and compare it with the directory (upsert by slug)."""
    existing = {org.slug: org for org in db.session.scalars(sa.select(Organization))}
    plan, seen = ImportPlan(), set()
    for line, record in records:
        fields, problems = validate_record(record)
        slug = fields["slug"]
        if slug and slug in seen:
            problems.append(Problem("slug", _("The same slug appears earlier in the file.")))
        seen.add(slug)
        if problems:
            plan.errors.append(RowError(line, slug, tuple(problems)))
        elif slug not in existing:
            plan.added.append(fields)
        elif changes := _changes(existing[slug], fields, _stored_fields(fields)):
            plan.changed.append(fields)
            plan.changes[slug] = changes
        else:
            plan.unchanged.append(slug)
        on_row(1)
    return plan


def _changes(org: Organization, fields: dict[str, Any], names: Iterable[str]) -> list[Change]:
    return [
        Change(name, getattr(org, name), fields[name])
        for name in names
        if getattr(org, name) != fields[name]
    ]


def _stored_fields(fields: dict[str, Any]) -> list[str]:
    """The fields an import writes; contact_email only when the file carries it."""
    return [name for name in FIELDS if name in COLUMNS or fields.get(name)]


def apply_import(plan: ImportPlan) -> None:
    """Write a valid plan in the current transaction and bump the directory version."""
    if not plan.ok:
        raise ValueError("an import plan with errors cannot be applied")
    _write(plan)
    if plan.writes:
        bump_directory_version()


def _write(plan: ImportPlan) -> None:
    by_slug = {org.slug: org for org in db.session.scalars(sa.select(Organization))}
    for fields in plan.added:
        db.session.add(Organization(**{name: fields[name] for name in FIELDS}))
    for fields in plan.changed:
        org = by_slug[fields["slug"]]
        for name in _stored_fields(fields):
            setattr(org, name, fields[name])


def store_upload(user: User, filename: str, data: bytes) -> DirectoryUpload:
    """Keep a CSV uploaded in the back office until it is imported, once it reads as a
    directory CSV (else ImportFileError); forget uploads that have expired. No commit."""
    parse_csv(data)
    db.session.execute(
        sa.delete(DirectoryUpload).where(DirectoryUpload.created_at < utcnow() - UPLOAD_LIFETIME)
    )
    upload = DirectoryUpload(user_id=user.id, filename=filename[-255:], content=data)
    db.session.add(upload)
    return upload


def find_upload(token: str, user: User) -> DirectoryUpload:
    """The user's upload with this token, if it has not expired (else UploadExpired)."""
    upload = db.session.scalar(
        sa.select(DirectoryUpload).where(
            DirectoryUpload.token == token,
            DirectoryUpload.user_id == user.id,
            DirectoryUpload.created_at >= utcnow() - UPLOAD_LIFETIME,
        )
    )
    if upload is None:
        raise UploadExpired(token)
    return upload


def plan_upload(upload: DirectoryUpload) -> ImportPlan:
    """What importing the uploaded file would do to the directory as it is now."""
    return plan_import(parse_csv(upload.content))


def apply_upload(upload: DirectoryUpload, fingerprint: str) -> ImportPlan:
    """Import an uploaded file, all or nothing, if it still does exactly what the preview with
    this fingerprint showed; else roll back and raise PreviewOutdated. No commit.

    The version is bumped first: that row lock makes any other change to the directory wait
    for this transaction, so the plan checked against the preview is the plan written.
    """
    bump_directory_version()
    plan = plan_upload(upload)
    if not (plan.ok and plan.writes and plan.fingerprint() == fingerprint):
        db.session.rollback()
        raise PreviewOutdated(upload.token)
    _write(plan)
    db.session.delete(upload)
    return plan


def organization_record(org: Organization) -> dict[str, str]:
    """An organization as the text cells of its CSV row (what the edit form starts from)."""
    return {name: _cell(getattr(org, name)) for name in FIELDS}


def create_organization(record: dict[str, str]) -> Organization:
    """Add an organization, or raise InvalidOrganization and write nothing. No commit."""
    fields, problems = validate_record(record)
    taken = Problem("slug", _("Another organization already has this slug."))
    if fields["slug"] and db.session.scalar(
        sa.select(Organization.id).where(Organization.slug == fields["slug"])
    ):
        problems.append(taken)
    if problems:
        raise InvalidOrganization(problems)
    org = Organization(**{name: fields[name] for name in FIELDS})
    try:
        with db.session.begin_nested():  # a concurrent twin fails here, not at commit
            db.session.add(org)
    except sa.exc.IntegrityError:
        raise InvalidOrganization([taken]) from None
    bump_directory_version()
    return org


def update_organization(org: Organization, record: dict[str, str]) -> list[Change]:
    """Change an organization's fields from a record, or raise InvalidOrganization and write
    nothing. The slug stays: imports and public links rely on it. No commit."""
    fields, problems = validate_record({**record, "slug": org.slug})
    if problems:
        raise InvalidOrganization(problems)
    changes = _changes(org, fields, FIELDS)
    for change in changes:
        setattr(org, change.field, change.after)
    if changes:
        bump_directory_version()
    return changes


def set_active(org: Organization, active: bool) -> bool:
    """List and match the organization again, or stop doing so; whether it changed. No commit.

    Deactivation rather than deletion: past matches keep pointing at the organization.
    """
    if org.active == active:
        return False
    org.active = active
    bump_directory_version()
    return True


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
        record = organization_record(org)
        writer.writerow(defuse_cell(record[name]) for name in FIELDS)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value)


def defuse_cell(cell: str) -> str:
    """Prefix a quote to a cell that starts like a formula (OWASP CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def _undefuse(cell: Any) -> Any:
    """A cell as it was before defuse_cell, so that an export imports back unchanged."""
    if isinstance(cell, str) and cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES):
        return cell[1:]
    return cell


def active_query() -> sa.Select:
    """Organizations shown to the public."""
    return sa.select(Organization).where(Organization.active.is_(True))


SORTS: dict[str, tuple[Any, ...]] = {
    "name": (sa.func.lower(Organization.name), Organization.id),
    "updated": (Organization.updated_at.desc(), Organization.id.desc()),
    "created": (Organization.created_at.desc(), Organization.id.desc()),
}


def search_query(
    text: str = "",
    sector: str = "",
    province: str = "",
    *,
    kind: str = "",
    active: bool | None = True,
    sort: str = "name",
) -> sa.Select:
    """Organizations matching a free-text search and filters: active ones by default (what
    the public sees), inactive ones or all (active=None) for admins; by name by default."""
    query = sa.select(Organization)
    if active is not None:
        query = query.where(Organization.active.is_(active))
    if text:
        pattern = f"%{escape_like(text)}%"
        query = query.where(
            sa.or_(
                *(
                    sa.type_coerce(column, sa.String).ilike(pattern, escape="\\")
                    for column in (
                        Organization.name,
                        Organization.slug,
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
    if kind:
        query = query.where(Organization.kind == kind)
    return query.order_by(*SORTS.get(sort, SORTS["name"]))


def public_stats() -> dict[str, int]:
    """Counts for the home page."""
    return {
        "organizations": db.session.scalar(
            sa.select(sa.func.count()).select_from(active_query().subquery())
        )
        or 0,
    }
