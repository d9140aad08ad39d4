"""Migrations: upgrade an empty database to head and back down; they match the models."""

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
