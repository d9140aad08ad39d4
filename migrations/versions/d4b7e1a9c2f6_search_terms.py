"""Search terms of leads and organizations (the engine's analysis of their text), built for the
existing rows, and their index: an FTS5 table kept by triggers on SQLite, a GIN index over the
terms as a tsvector on PostgreSQL. The lead list's index by name, from the index alone at any
page (newest first has ix_inquiry_created_at on created_at, id, merged_into_id since d4e8a1b7c3f2).

A later batch operation that copies inquiry or organization on SQLite drops the triggers and
the index on lower(name) with the old table: such a revision must create them again
(tests/test_migrations.py checks the triggers).

Revision ID: d4b7e1a9c2f6
Revises: d4e8a1b7c3f2
Create Date: 2026-12-04 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# The pure engine only (no app code): the terms are the engine's analysis of the text.
from matchmaker.matching.terms import terms_text


# revision identifiers, used by Alembic.
revision = 'd4b7e1a9c2f6'
down_revision = 'd4e8a1b7c3f2'
branch_labels = None
depends_on = None

# The searched fields and their weights at this revision (services/search.py).
SEARCHED = {
    "inquiry": {"name": 10, "organization": 10, "email": 3, "interests": 1},
    "organization": {"name": 10, "keywords": 3, "keywords_fr": 3, "slug": 1, "city": 1,
                     "description": 1, "description_fr": 1},
}
CHUNK = 2000
TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '~-&'"


def upgrade():
    op.create_index('ix_inquiry_name_sort', 'inquiry', [sa.text('lower(name)'), 'id'],
                    postgresql_include=['name'])
    for table, weights in SEARCHED.items():
        op.add_column(table, sa.Column('search_terms', sa.Text(), server_default='', nullable=False))
        _fill(table, weights)
        if op.get_bind().dialect.name == "sqlite":
            for statement in _sqlite_statements(table):
                op.execute(statement)
            op.execute(f"INSERT INTO {table}_search({table}_search) VALUES ('rebuild')")
        else:
            op.execute(f"CREATE INDEX ix_{table}_search_terms ON {table} USING gin "
                       f"(array_to_tsvector(string_to_array(btrim(search_terms), ' ')))")


def downgrade():
    # First: a batch copy of inquiry (dropping search_terms below) would lose it on SQLite.
    op.drop_index('ix_inquiry_name_sort', table_name='inquiry')
    for table in SEARCHED:
        if op.get_bind().dialect.name == "sqlite":
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {table}_search_{trigger}")
            op.execute(f"DROP TABLE {table}_search")
        else:
            op.drop_index(f"ix_{table}_search_terms", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_terms')


def _fill(table, weights):
    """Write each row's search terms, a chunk of rows at a time."""
    connection = op.get_bind()
    rows = sa.table(table, sa.column("id"), sa.column("search_terms"),
                    *(sa.column(field) for field in weights))
    last = 0
    while chunk := connection.execute(
        sa.select(rows.c.id, *(rows.c[field] for field in weights))
        .where(rows.c.id > last).order_by(rows.c.id).limit(CHUNK)
    ).all():
        connection.execute(
            rows.update().where(rows.c.id == sa.bindparam("row_id")),
            [{"row_id": row.id, "search_terms": _terms(row, weights)} for row in chunk],
        )
        last = chunk[-1].id


def _terms(row, weights):
    # Keywords are stored as ";a;b;": their separators are no words.
    return terms_text((getattr(row, field) or "", weight) for field, weight in weights.items())


def _sqlite_statements(table):
    fts = f"{table}_search"
    delete = (f"INSERT INTO {fts}({fts}, rowid, search_terms) "
              "VALUES ('delete', old.id, old.search_terms);")
    insert = f"INSERT INTO {fts}(rowid, search_terms) VALUES (new.id, new.search_terms);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_terms, content='{table}', "
        f"content_rowid='id', tokenize=\"{TOKENIZER}\")",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_terms ON {table} "
        f"BEGIN {delete} {insert} END",
    ]
