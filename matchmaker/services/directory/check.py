"""The lint of a whole directory CSV: each row's import rules, and the rules across rows.

Beyond what an import refuses, a directory worth shipping has both languages in every row, a
public source for its facts, descriptions long enough to match on, no organization twice and
no description copied from another (see the thresholds below).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from matchmaker.services.directory.csvfile import parse_csv
from matchmaker.services.directory.rules import COLUMNS, split_cell, validate_record
from matchmaker.taxonomy import KINDS, PROVINCES, SECTORS

# A description shorter than this says too little for the engine to match it on.
MIN_DESCRIPTION_WORDS = 40
# Two descriptions (in the same language) whose TF-IDF cosine reaches this were copied, or
# describe one organization twice; distinct organizations of one field stay well below it.
NEAR_DUPLICATE_COSINE = 0.8
BOTH_LANGUAGES = ("description", "description_fr", "keywords", "keywords_fr")
DESCRIPTIONS = ("description", "description_fr")

Record = tuple[int, dict[str, str]]


@dataclass(frozen=True)
class Finding:
    """A problem of the file: its line (0 for the whole file), the row's slug, what is wrong."""

    line: int
    slug: str
    message: str

    def __str__(self) -> str:
        if not self.line:
            return f"file: {self.message}"
        return f"line {self.line}" + (f" ({self.slug})" if self.slug else "") + f": {self.message}"


@dataclass
class Report:
    """The findings, and the directory's figures: rows per sector, kind and province."""

    findings: list[Finding] = field(default_factory=list)
    rows: int = 0
    sectors: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    provinces: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.findings

    def markdown(self) -> str:
        """The figures as Markdown tables, to paste into the README."""
        tables = [
            _table("Sector", SECTORS, self.sectors, "an organization may count in several"),
            _table("Kind", KINDS, self.kinds),
            _table("Province", PROVINCES, self.provinces),
        ]
        return f"{self.rows} organizations.\n\n" + "\n\n".join(tables) + "\n"


def check_csv(data: bytes, *, min_rows: int = 0, min_per_sector: int = 0) -> Report:
    """Lint a directory CSV (ImportFileError when it cannot be read at all)."""
    records = parse_csv(data)
    report = Report(rows=len(records))
    for _line, record in records:
        report.sectors.update(split_cell(record.get("sectors", "")))
        report.kinds[record.get("kind", "")] += 1
        report.provinces[record.get("province", "")] += 1
    report.findings += _check_header(records)
    for line, record in records:
        report.findings += _check_row(line, record)
    report.findings += _duplicates(records, "slug", lambda value: value)
    report.findings += _duplicates(records, "name", _folded)
    for column in DESCRIPTIONS:
        report.findings += _near_duplicates(records, column)
    report.findings += _check_size(report, min_rows, min_per_sector)
    report.findings.sort(key=lambda finding: finding.line)
    return report


def _check_header(records: list[Record]) -> list[Finding]:
    missing = [name for name in COLUMNS if records and name not in records[0][1]]
    if missing:
        return [Finding(1, "", f"missing columns {', '.join(missing)} (the legacy format?)")]
    return []


def _check_row(line: int, record: dict[str, str]) -> list[Finding]:
    slug = record.get("slug", "")
    _fields, problems = validate_record(record)
    messages = [str(problem) for problem in problems]
    messages += [f"{name}: empty" for name in (*BOTH_LANGUAGES, "source") if not _get(record, name)]
    for name in DESCRIPTIONS:
        words = len(_get(record, name).split())
        if 0 < words < MIN_DESCRIPTION_WORDS:
            messages.append(f"{name}: {words} words, fewer than {MIN_DESCRIPTION_WORDS}")
    return [Finding(line, slug, message) for message in messages]


def _duplicates(records: list[Record], column: str, key: Callable[[str], str]) -> list[Finding]:
    """Rows whose column (compared by key) repeats an earlier row's."""
    first: dict[str, tuple[int, str]] = {}
    findings = []
    for line, record in records:
        value = key(_get(record, column))
        if not value:
            continue
        if value in first:
            earlier, slug = first[value]
            message = f"{column}: the same as line {earlier} ({slug})"
            findings.append(Finding(line, record.get("slug", ""), message))
        else:
            first[value] = (line, record.get("slug", ""))
    return findings


def _near_duplicates(records: list[Record], column: str) -> list[Finding]:
    """Rows whose description is nearly another's (TF-IDF cosine >= NEAR_DUPLICATE_COSINE)."""
    rows = [(line, record) for line, record in records if _get(record, column)]
    if len(rows) < 2:
        return []
    matrix = TfidfVectorizer(strip_accents="unicode").fit_transform(
        _get(record, column) for _line, record in rows
    )
    similarity = np.tril(cosine_similarity(matrix, dense_output=True), k=-1)
    findings = []
    for later, earlier in np.argwhere(similarity >= NEAR_DUPLICATE_COSINE):
        line, slug = rows[earlier][0], rows[earlier][1].get("slug", "")
        message = (f"{column}: nearly the same as line {line} ({slug}), "
                   f"cosine {similarity[later, earlier]:.2f}")  # fmt: skip
        findings.append(Finding(rows[later][0], rows[later][1].get("slug", ""), message))
    return findings


def _check_size(report: Report, min_rows: int, min_per_sector: int) -> list[Finding]:
    findings = []
    if report.rows < min_rows:
        findings.append(Finding(0, "", f"{report.rows} rows, fewer than {min_rows}"))
    for sector in SECTORS:
        if report.sectors[sector] < min_per_sector:
            message = f"sector {sector}: {report.sectors[sector]} rows, fewer than {min_per_sector}"
            findings.append(Finding(0, "", message))
    return findings


def _table(title: str, codes: Iterable[str], counts: Counter[str], note: str = "") -> str:
    known = list(codes)
    rows = [(code, counts[code]) for code in known]
    rows += sorted((code or "(none)", n) for code, n in counts.items() if code not in known)
    header = f"| {title} | Organizations |\n| --- | ---: |\n"
    table = header + "\n".join(f"| {code} | {count} |" for code, count in rows)
    return table + (f"\n\n({note})" if note else "")


def _folded(text: str) -> str:
    """text compared without case, accents, punctuation or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split())


def _get(record: dict[str, str], name: str) -> str:
    return (record.get(name) or "").strip()
