"""Importing a directory CSV: the plan (what would change), applying it, and uploads kept
between the back office's preview and its import."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import DirectoryUpload, Organization, OrganizationEventKind, User, utcnow
from matchmaker.services import contacts, history
from matchmaker.services.directory.csvfile import parse_csv
from matchmaker.services.directory.edits import Change, changes_of
from matchmaker.services.directory.rules import Problem, validate_record
from matchmaker.services.directory.version import bump_directory_version

UPLOAD_LIFETIME = timedelta(hours=1)


class UploadExpired(LookupError):
    """The uploaded file is no longer kept: it was imported, it expired, or it is not yours."""


class PreviewOutdated(RuntimeError):
    """Importing the file would no longer do what its preview showed."""


@dataclass(frozen=True)
class RowError:
    line: int
    slug: str
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" ({self.slug})" if self.slug else "")
        return f"{where}: " + "; ".join(map(str, self.problems))


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


def plan_import(
    records: list[tuple[int, dict[str, str]]], on_row: Callable[[int], None] = lambda _: None
) -> ImportPlan:
    """Validate every record and compare it with the directory (upsert by slug)."""
    existing = {org.slug: org for org in db.session.scalars(sa.select(Organization))}
    plan, seen = ImportPlan(), set()
    for line, record in records:
        fields, problems = validate_record(record)
        slug = fields.get("slug", "")
        if slug and slug in seen:
            problems.append(Problem("slug", _("The same slug appears earlier in the file.")))
        seen.add(slug)
        if problems:
            plan.errors.append(RowError(line, slug, tuple(problems)))
        elif slug not in existing:
            plan.added.append(fields)
        elif changes := changes_of(existing[slug], fields, _stored_fields(fields)):
            plan.changed.append(fields)
            plan.changes[slug] = changes
        else:
            plan.unchanged.append(slug)
        on_row(1)
    return plan


def _stored_fields(fields: dict[str, Any]) -> list[str]:
    """The fields an import writes: those its file carries; contact_email only when given."""
    return [name for name in fields if name != "contact_email" or fields[name]]


def apply_import(plan: ImportPlan, user: User | None = None, file: str = "") -> None:
    """Write a valid plan in the current transaction, on the organizations' history (by user,
    from file), and bump the directory version."""
    if not plan.ok:
        raise ValueError("an import plan with errors cannot be applied")
    _write(plan, user, file)
    if plan.writes:
        bump_directory_version()


def _write(plan: ImportPlan, user: User | None, file: str) -> None:
    by_slug = {org.slug: org for org in db.session.scalars(sa.select(Organization))}
    added = [(Organization(**_profile(fields)), fields) for fields in plan.added]
    db.session.add_all(org for org, _ in added)
    db.session.flush()
    for org, fields in added:
        history.record(org, user, OrganizationEventKind.ADDED, via="import", file=file)
        _write_contacts(org, fields, user, file)
    for fields in plan.changed:
        org = by_slug[fields["slug"]]
        for name in _stored_fields(_profile(fields)):
            setattr(org, name, fields[name])
        if changes := [c for c in plan.changes[org.slug] if c.field != "contacts"]:
            history.record(org, user, OrganizationEventKind.CHANGED, via="import", file=file,
                           changes=history.changes_detail(changes))  # fmt: skip
        _write_contacts(org, fields, user, file)


def _profile(fields: dict[str, Any]) -> dict[str, Any]:
    """The organization's own columns of a row (its contacts are rows of their own)."""
    return {name: value for name, value in fields.items() if name != "contacts"}


def _write_contacts(org: Organization, fields: dict[str, Any], user: User | None,
                    file: str) -> None:  # fmt: skip
    if "contacts" in fields:
        contacts.sync_contacts(org, user, fields["contacts"], "import", file=file)


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


def apply_upload(upload: DirectoryUpload, fingerprint: str, user: User | None = None) -> ImportPlan:
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
    _write(plan, user, upload.filename)
    db.session.delete(upload)
    return plan
