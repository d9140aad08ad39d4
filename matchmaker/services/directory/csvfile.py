"""Reading and writing directory CSV files: decoding, parsing, export, formula defusing."""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import Organization
from matchmaker.services.contacts import contacts_cell, records_of
from matchmaker.services.directory.rules import COLUMNS, FIELDS, LEGACY_COLUMN, LEGACY_COLUMNS

MAX_IMPORT_BYTES = 5 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, quoting, header, size)."""


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
        expected = LEGACY_COLUMNS if LEGACY_COLUMN in header else COLUMNS
        missing = [column for column in expected if column not in header]
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


def shipped_directory() -> bytes:
    """The default directory that ships with the package."""
    return resources.files("matchmaker").joinpath("data/organizations.csv").read_bytes()


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


def organization_record(org: Organization) -> dict[str, str]:
    """An organization as the text cells of its CSV row (what the edit form starts from)."""
    return {name: _cell(getattr(org, name)) for name in FIELDS if name != "contacts"} | {
        "contacts": contacts_cell(records_of(org))
    }
