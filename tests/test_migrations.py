"""Migrations: upgrade an empty database to head and back down; they match the models."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from matchmaker import create_app
from matchmaker.extensions import db

TABLES = {"organization", "directory_state", "directory_upload", "staff_user", "inquiry", "match",
          "activity", "outbox_message"}  # fmt: skip


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_upgrade_to_head_then_downgrade_to_base(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        upgrade()
        assert set(sa.inspect(db.engine).get_table_names()) >= TABLES
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def _insert(connection: sa.Connection, name: str, **values) -> int:
    """Insert a row into a reflected table, every other NOT NULL column filled by its type."""
    table = sa.Table(name, sa.MetaData(), autoload_with=connection)
    filler = {sa.String: "", sa.Integer: 0, sa.Boolean: False, sa.Float: 0.0, sa.JSON: {},
              sa.DateTime: datetime.now(UTC)}  # fmt: skip
    for column in table.columns:
        if column.name not in values and not column.nullable and not column.primary_key:
            values[column.name] = next(v for t, v in filler.items() if isinstance(column.type, t))
    return connection.execute(sa.insert(table).values(values)).inserted_primary_key[0]


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_the_bilingual_revision_keeps_rows_and_moves_french_profiles(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="cb7f9053f48f")
        with db.engine.begin() as connection:
            english = _insert(connection, "organization", slug="en-org", lang="en",
                              description="Makes vectors.", keywords=";AAV;")  # fmt: skip
            _insert(connection, "organization", slug="fr-org", lang="fr",
                    description="Fabrique des vecteurs.", keywords=";vecteurs;")  # fmt: skip
            inquiry = _insert(connection, "inquiry", reference="r", code="WM-AAAAAA")
            _insert(connection, "match", inquiry_id=inquiry, organization_id=english, rank=1)
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT slug, description, description_fr, keywords, keywords_fr, source "
                "FROM organization ORDER BY slug"
            )).all()  # fmt: skip
            matches = connection.execute(sa.text("SELECT organization_id FROM match")).all()
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert rows == [
            ("en-org", "Makes vectors.", "", ";AAV;", "", ""),
            ("fr-org", "", "Fabrique des vecteurs.", "", ";vecteurs;", ""),
        ]
        assert matches == [(english,)], "rebuilding the organization table kept its matches"
        downgrade(revision="cb7f9053f48f")
        with db.engine.connect() as connection:
            back = connection.execute(sa.text(
                "SELECT slug, lang, description FROM organization ORDER BY slug"
            )).all()  # fmt: skip
        assert back == [
            ("en-org", "en", "Makes vectors."), ("fr-org", "fr", "Fabrique des vecteurs.")
        ]
        db.engine.dispose()
