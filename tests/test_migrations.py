"""Migrations: upgrade an empty database to head and back down; they match the models; a
database at the previous revision keeps its rows through the upgrade to head."""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from matchmaker import create_app
from matchmaker.database import MIGRATIONS_DIR
from matchmaker.extensions import db
from tests.helpers import BOTH_DATABASES

TABLES = {"organization", "directory_state", "directory_upload", "staff_user", "inquiry", "match",
          "activity", "outbox_message", "api_token"}  # fmt: skip


@BOTH_DATABASES
def test_upgrade_to_head_then_downgrade_to_base(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        upgrade()
        assert set(sa.inspect(db.engine).get_table_names()) == TABLES | {"alembic_version"}
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
# Rows as any revision since the first holds them; columns a revision lacks are left out.
ROWS = {
    "organization": [
        {"id": id_, "slug": f"org-{id_}", "name": f"Org {id_}", "kind": "company",
         "sectors": ";life-sciences;", "offers": ";contract-manufacturing;", "city": "Liège",
         "province": "Liège", "website": "", "founded": 2012, "size": "11-50", "lang": "en",
         "description": "Viral vectors.", "keywords": ";AAV;", "contact_email": "",
         "active": True, "created_at": NOW, "updated_at": NOW}
        for id_ in (1, 2, 3)
    ],
    "inquiry": [
        {"id": id_, "reference": f"reference-{id_}", "code": f"WM-AAAAA{id_}",
         "submission_key": None, "name": "Aiko Tanaka", "email": f"aiko{id_}@example.jp",
         "organization": "Sakura Bio Partners", "role": "", "country": "JP", "website": "",
         "phone": "", "investor_type": "investment-fund", "sectors": ";life-sciences;",
         "offers": ";equity-investment;", "interests": "Viral vector manufacturing.",
         "budget": "", "horizon": "", "lang": "en", "consent_at": NOW,
         "consent_version": "2026-01", "share_consent": False, "status": "new",
         "lost_reason": "", "assignee_id": None, "needs_ranking": False,
         "last_staff_action_at": None, "version": 1, "created_at": NOW, "updated_at": NOW}
        for id_ in (1, 2)
    ],
    "match": [
        {"id": inquiry * 10 + organization, "inquiry_id": inquiry,
         "organization_id": organization, "rank": organization, "score": 0.5,
         "explanation": {}, "engine_version": "test", "directory_version": 1,
         "source": "engine", "verdict": None, "pinned": False, "superseded_at": None,
         "introduced_at": None, "created_at": NOW}
        for inquiry in (1, 2) for organization in (1, 2, 3)
    ],
    "activity": [
        {"id": id_, "inquiry_id": 1 + id_ % 2, "user_id": None, "kind": "submitted",
         "detail": {}, "created_at": NOW}
        for id_ in range(1, 5)
    ],
}  # fmt: skip


def row_counts(connection) -> dict[str, int]:
    return {
        name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar()
        for name in ROWS
    }


@BOTH_DATABASES
def test_upgrade_from_the_previous_revision_keeps_the_rows(database_url):
    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    previous = scripts.get_revision(scripts.get_current_head()).down_revision
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision=previous)
        with db.engine.begin() as connection:
            for name, rows in ROWS.items():
                table = sa.Table(name, sa.MetaData(), autoload_with=connection)
                connection.execute(
                    table.insert(), [{k: v for k, v in row.items() if k in table.c} for row in rows]
                )
            before = row_counts(connection)
        assert before == {"organization": 3, "inquiry": 2, "match": 6, "activity": 4}
        upgrade()
        with db.engine.connect() as connection:
            assert row_counts(connection) == before
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() == scripts.get_current_head()
        db.engine.dispose()
