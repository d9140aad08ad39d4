"""Search: each lead's and organization's search terms, written from the engine's analysis of
their text on every insert and update, and the searches that read them through the index
(matchmaker/search_index.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.dialects.postgresql import TSQUERY

from matchmaker.extensions import db
from matchmaker.matching import query_terms, terms_text
from matchmaker.models import Inquiry, Organization
from matchmaker.search_index import fts_table, search_vector

Searchable = type[Inquiry] | type[Organization]

# The fields each kind of record is found by, with their weights (the engine's: a name or
# keywords 3, a description 1).
SEARCHED: dict[Searchable, dict[str, int]] = {
    Inquiry: {"name": 3, "organization": 3, "email": 3, "interests": 1},
    Organization: {"name": 3, "keywords": 3, "keywords_fr": 3, "slug": 1, "city": 1,
                   "description": 1, "description_fr": 1},
}  # fmt: skip


def init_app(app: Flask) -> None:
    """Keep search_terms up to date on every insert and update through the ORM (once)."""
    for model in SEARCHED:
        for name, hook in (("before_insert", _fill), ("before_update", _refill)):
            if not sa.event.contains(model, name, hook):
                sa.event.listen(model, name, hook)


def terms_of(record: Inquiry | Organization) -> str:
    """The search terms of a lead or an organization, from its searched fields."""
    fields = SEARCHED[type(record)].items()
    return terms_text((_text(getattr(record, field)), weight) for field, weight in fields)


def _text(value: str | tuple[str, ...] | None) -> str:
    return "; ".join(value) if isinstance(value, tuple) else value or ""


def _fill(_mapper: Any, _connection: Any, record: Inquiry | Organization) -> None:
    record.search_terms = terms_of(record)


def _refill(_mapper: Any, _connection: Any, record: Inquiry | Organization) -> None:
    attributes = sa.inspect(record).attrs
    if any(attributes[field].history.has_changes() for field in SEARCHED[type(record)]):
        record.search_terms = terms_of(record)


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
    weightiest first). A word as typed, its stems and its glossary equivalents are each a term,
    so the words themselves come before their equivalents ("hydrogen" before "fuel cells")."""
    padded = " " + model.search_terms + " "
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    length = sa.cast(sa.func.length(padded), sa.Float)
    score: sa.ColumnElement[float] = sa.literal(0.0)
    for term in sorted(set().union(*query_terms(text))):
        at = (sa.func.instr if sqlite else sa.func.strpos)(padded, f" {term} ")
        score += sa.case((at > 0, 2.0 - at / length), else_=0.0)
    return score


def _any_of(group: frozenset[str], quote: str, operator: str) -> str:
    """One word's terms as alternatives in FTS5's or tsquery's syntax, each term quoted."""
    quoted = (quote + term.replace(quote, quote * 2) + quote for term in sorted(group))
    return "(" + operator.join(quoted) + ")"
