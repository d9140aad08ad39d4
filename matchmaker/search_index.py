"""The search index's schema: each searchable table's `search_terms` column indexed, by a GIN
index over its terms on PostgreSQL and by an FTS5 table on SQLite (services/search.py fills the
column and queries the index)."""

import sqlalchemy as sa

# FTS5 splits the stored terms only at spaces: "~cell-therapy" and "r&d" stay one term, and
# nothing more is folded (the engine has folded them).
FTS5_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '~-&'"


SEARCHABLE = ("organization", "inquiry")  # the tables with search_terms


def search_vector(column: sa.ColumnElement[str]) -> sa.ColumnElement:
    """PostgreSQL's tsvector of a search_terms column: each term a lexeme, as it is (no parser,
    no dictionary), so that both databases match the very terms the engine wrote."""
    terms = sa.func.btrim(column)  # the stored terms start and end with a space
    return sa.func.array_to_tsvector(sa.func.string_to_array(terms, sa.literal_column("' '")))


def fts_table(table: str) -> str:
    """The name of the SQLite FTS5 table that indexes a table's search terms."""
    return f"{table}_search"


def gin_index(table: str) -> str:
    """The name of the PostgreSQL GIN index of a table's search terms."""
    return f"ix_{table}_search_terms"


def postgresql_statements(table: str) -> list[str]:
    """The GIN index over table.search_terms as a tsvector (the expression of search_vector)."""
    return [f"CREATE INDEX {gin_index(table)} ON {table} USING gin "
            "(array_to_tsvector(string_to_array(btrim(search_terms), ' ')))"]  # fmt: skip


def sqlite_statements(table: str) -> list[str]:
    """The FTS5 table over table.search_terms (external content: the terms are stored once, in
    the table) and the triggers that keep it in step with every insert, update and delete."""
    fts = fts_table(table)
    # DDL from our own table names (inquiry, organization), never from input: bandit's B608
    # (SQL built from strings) does not apply.
    delete = (f"INSERT INTO {fts}({fts}, rowid, search_terms) "  # nosec B608
              "VALUES ('delete', old.id, old.search_terms);")  # fmt: skip
    insert = f"INSERT INTO {fts}(rowid, search_terms) VALUES (new.id, new.search_terms);"  # nosec B608
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_terms, content='{table}', "
        f"content_rowid='id', tokenize=\"{FTS5_TOKENIZER}\")",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_terms ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def index_search_terms(table: sa.Table) -> None:
    """Create the index of table.search_terms with the table in create_all, and drop it with the
    table in drop_all (the migrations create the same)."""
    for dialect, statements in (("postgresql", postgresql_statements),
                                ("sqlite", sqlite_statements)):  # fmt: skip
        for statement in statements(table.name):
            sa.event.listen(table, "after_create", sa.DDL(statement).execute_if(dialect=dialect))
    drop = sa.DDL(f"DROP TABLE IF EXISTS {fts_table(table.name)}").execute_if(dialect="sqlite")
    sa.event.listen(table, "before_drop", drop)


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's include_name hook: autogenerate leaves the search index alone (the FTS5 tables
    and their shadow tables, the GIN indexes), which the models do not declare."""
    shadows = ("", "_data", "_idx", "_docsize", "_config", "_content")
    if type_ == "table":
        return name not in {fts_table(t) + shadow for t in SEARCHABLE for shadow in shadows}
    return not (type_ == "index" and name in {gin_index(t) for t in SEARCHABLE})
