"""Search: each lead's and organization's search terms, written from the engine's analysis of
their text on every insert and update, and the searches that read them through the index
(matchmaker/search_index.py)."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.dialects.postgresql import TSQUERY

from matchmaker.extensions import db
from matchmaker.matching import query_terms, terms_text
from matchmaker.models import Inquiry, Organization
from matchmaker.search_index import fts_table, search_vector

Searchable = type[Inquiry] | type[Organization]

# The fields each kind of record is found by, with their weights: a name first (people search
# by name), then keywords and an e-mail address, then a description.
SEARCHED: dict[Searchable, dict[str, int]] = {
    Inquiry: {"name": 10, "organization": 10, "email": 3, "interests": 1},
    Organization: {"name": 10, "keywords": 3, "keywords_fr": 3, "slug": 1, "city": 1,
                   "description": 1, "description_fr": 1},
}  # fmt: skip


def init_app(app: Flask) -> None:
    """Keep search_terms up to date on every insert and update through the ORM (once)."""
    for model in SEARCHED:
        for name, hook in (("before_insert", _fill), ("before_update", _refill)):
            if not sa.event.contains(model, name, hook):
                sa.event.listen(model, name, hook)


def terms_of(model: Searchable, record: Any) -> str:
    """The search terms of a lead or an organization, from its searched fields (record: the
    model's instance, or anything with those attributes)."""
    fields = SEARCHED[model].items()
    return _terms(tuple((_text(getattr(record, field)), weight) for field, weight in fields))


@functools.lru_cache(maxsize=1024)
def _terms(texts: tuple[tuple[str, int], ...]) -> str:
    """terms_text, remembered for the texts seen last: the same profiles written again in one
    process (the directory imported into another database, as each test of the suite does) are
    not analysed again (some 10 ms of stemming each, 4 s for the shipped directory)."""
    return terms_text(texts)


def _text(value: str | tuple[str, ...] | None) -> str:
    return "; ".join(value) if isinstance(value, tuple) else value or ""


def _fill(_mapper: Any, _connection: Any, record: Inquiry | Organization) -> None:
    record.search_terms = terms_of(type(record), record)


def _refill(_mapper: Any, _connection: Any, record: Inquiry | Organization) -> None:
    attributes = sa.inspect(record).attrs
    if any(attributes[field].history.has_changes() for field in SEARCHED[type(record)]):
        record.search_terms = terms_of(type(record), record)


def reindex(model: Searchable, chunk: int = 1000) -> int:
    """Write again the search terms of every record of a kind whose terms differ from what the
    engine makes of its fields now (after a change to the glossary or the analysis); how many.
    Flushes, a chunk of rows at a time."""
    fields = [getattr(model, field) for field in SEARCHED[model]]
    table = model.__table__  # Core: a lead's version counts staff changes, not this
    update = (sa.update(table).where(table.c.id == sa.bindparam("row_id"))
              .values(search_terms=sa.bindparam("terms")))  # fmt: skip
    changed, last = 0, 0
    while rows := db.session.execute(
        sa.select(model.id, model.search_terms, *fields)
        .where(model.id > last).order_by(model.id).limit(chunk)
    ).all():  # fmt: skip
        updates = [{"row_id": row.id, "terms": terms} for row in rows
                   if (terms := terms_of(model, row)) != row.search_terms]  # fmt: skip
        if updates:
            db.session.execute(update, updates)
        changed += len(updates)
        last = rows[-1].id
    return changed


def matches(model: Searchable, text: str) -> sa.ColumnElement[bool]:
    """SQL condition: the record is found by a search, each word of it by one of its terms
    (matching.query_terms), through the index. A search without words finds nothing."""
    groups = query_terms(text)
    if not groups:
        return sa.false()
    if db.session.get_bind().dialect.name == "sqlite":
        name = fts_table(model.__tablename__)
        fts = sa.table(name, sa.column("rowid"), sa.column(name))
        every = " AND ".join(_any_of(group, '"', " OR ") for group in groups)
        return model.id.in_(sa.select(fts.c.rowid).where(fts.c[name].op("MATCH")(every)))
    every = " & ".join(_any_of(group, "'", " | ") for group in groups)
    return search_vector(model.search_terms).op("@@")(sa.cast(every, TSQUERY))


def relevance(model: Searchable, text: str) -> sa.ColumnElement[float]:
    """How well a record matches a search: each of the search's terms that the record has counts
    from 1 to 2, the more the weightier the term is in the record (its terms are stored the
    weightiest first: 2 for the first, 1.5 for one 100 characters in). A word as typed, its
    stems and its glossary equivalents are each a term, so the words themselves come before
    their equivalents ("hydrogen" before "fuel cells")."""
    position = sa.func.instr if db.session.get_bind().dialect.name == "sqlite" else sa.func.strpos
    score: sa.ColumnElement[float] = sa.literal(0.0)
    for term in sorted(set().union(*query_terms(text))):
        # One search of the text per term: its position, NULL when the record lacks it.
        at = sa.func.nullif(position(model.search_terms, f" {term} "), 0)
        # In floating point: PostgreSQL's numeric took a third of a broad search's ranking.
        score += sa.func.coalesce(1 + 100.0 / (at + sa.literal(99.0, sa.Double)), 0.0)
    return score


def _any_of(group: frozenset[str], quote: str, operator: str) -> str:
    """One word's terms as alternatives in FTS5's or tsquery's syntax, each term quoted."""
    quoted = (quote + term.replace(quote, quote * 2) + quote for term in sorted(group))
    return "(" + operator.join(quoted) + ")"
