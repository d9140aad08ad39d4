"""Migrations: upgrade an empty database to head and back down; they match the models; a
database at the previous revision keeps its rows through the upgrade to head."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from matchmaker import create_app
from matchmaker.database import MIGRATIONS_DIR
from matchmaker.extensions import db
from matchmaker.models import Inquiry, Organization
from matchmaker.search_index import include_name
from matchmaker.services import search
from tests.helpers import BOTH_DATABASES, new_inquiry

TABLES = {"organization", "directory_state", "directory_upload", "staff_user", "inquiry", "match",
          "activity", "outbox_message", "api_token", "next_step", "sign_in_throttle", "contact",
          "organization_event", "introduction"}  # fmt: skip


@BOTH_DATABASES
def test_upgrade_to_head_then_downgrade_to_base(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        upgrade()
        names = {name for name in sa.inspect(db.engine).get_table_names()
                 if include_name(name, "table", {})}  # the search index's are checked below
        assert names == TABLES | {"alembic_version"}
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": include_name})
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


@BOTH_DATABASES
def test_the_search_revision_indexes_existing_rows_and_the_index_follows_later_writes(
    database_url,
):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="2fee9c5ccfe7")
        with db.engine.begin() as connection:
            for name in ("organization", "inquiry"):
                table = sa.Table(name, sa.MetaData(), autoload_with=connection)
                connection.execute(table.insert(), [{k: v for k, v in row.items() if k in table.c}
                                                    for row in ROWS[name]])  # fmt: skip
        upgrade()  # to head: the triggers and indexes of every later revision included

        def found(model, text: str) -> list[int]:
            query = sa.select(model.id).where(search.matches(model, text)).order_by(model.id)
            return list(db.session.scalars(query))

        assert found(Inquiry, "vecteurs viraux Tanaka") == [1, 2]
        assert found(Organization, "aav") == [1, 2, 3]
        lead = db.session.get(Inquiry, 2)
        lead.interests = "Un entrepôt à Liège"
        db.session.delete(db.session.get(Inquiry, 1))
        db.session.add(new_inquiry(id=3, name="Hans Berg", email="hans@rhein.de",
                                   interests="Lentiviral vectors for a first trial"))  # fmt: skip
        db.session.commit()
        assert found(Inquiry, "warehouse") == [2]
        assert found(Inquiry, "vector") == [3]
        assert found(Inquiry, "Berg Hans") == [3]
        db.session.remove()
        db.engine.dispose()
