"""Migrations: upgrade an empty database to head and back down; they match the models; a
database at any earlier revision keeps all its rows through the upgrade to head."""

from collections.abc import Iterable
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
from tests.helpers import BOTH_DATABASES, new_inquiry, reset_database

TABLES = {"organization", "directory_state", "directory_upload", "staff_user", "inquiry", "match",
          "activity", "outbox_message", "api_token", "next_step", "sign_in_throttle", "contact",
          "organization_event", "introduction", "authenticator", "recovery_code",
          "lead_message", "message_attachment", "profile_proposal", "saved_filter"}  # fmt: skip


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


@BOTH_DATABASES
def test_the_duplicates_revision_computes_the_keys_of_the_leads_there(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="c0615646fc64")
        with db.engine.begin() as connection:
            _insert(connection, "inquiry", reference="r", code="WM-AAAAAA",
                    email="Kenji.Sato@HelixBridge.Example")  # fmt: skip
            connection.execute(sa.text("UPDATE inquiry SET name = 'Dr. SATŌ Kenji'"))
        upgrade(revision="d4e8a1b7c3f2")
        with db.engine.connect() as connection:
            keys = connection.execute(sa.text(
                "SELECT email_folded, email_domain, name_key, merged_into_id FROM inquiry")).one()
        assert tuple(keys) == ("kenji.sato@helixbridge.example", "helixbridge.example",
                               "kenji sato", None)  # fmt: skip
        downgrade(revision="c0615646fc64")
        db.engine.dispose()


NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
# Rows per table when a database is filled (2 for the others), and values that the data
# migrations read (the rest is filled by column type).
ROWS = {"organization": 3, "inquiry": 2, "match": 6, "activity": 4}
SAMPLES = {
    ("organization", "lang"): ["en", "fr"],
    ("inquiry", "status"): ["new", "lost"],
    ("inquiry", "email"): [" ÜBER.Team@Example.com", "aiko@example.jp"],
}


def fill_every_table(connection: sa.Connection) -> dict[str, int]:
    """Insert rows into every table, as its live columns are at this revision: parents first,
    every foreign key pointing at a parent row (the search index's tables aside: the triggers
    fill them). Returns the row count of each table."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    counts: dict[str, int] = {}
    for table in metadata.sorted_tables:
        if table.name != "alembic_version" and include_name(table.name, "table", {}):
            rows = [_row(table, number, counts) for number in range(1, ROWS.get(table.name, 2) + 1)]
            connection.execute(table.insert(), rows)
            counts[table.name] = len(rows)
    return counts


def _row(table: sa.Table, number: int, counts: dict[str, int]) -> dict:
    """Row `number` of a table: distinct keys and texts, parents cycled through."""
    row = {}
    for column in table.columns:
        parents = [key.column.table.name for key in column.foreign_keys]
        samples = SAMPLES.get((table.name, column.name))
        if parents == [table.name]:  # a row of its own table (a merged lead's survivor): none
            row[column.name] = None
        elif parents:
            row[column.name] = (number - 1) % counts[parents[0]] + 1
        elif samples:
            row[column.name] = samples[(number - 1) % len(samples)]
        elif isinstance(column.type, sa.Integer):
            row[column.name] = number
        elif isinstance(column.type, sa.String):  # Text included
            row[column.name] = f"{number}{column.name}"[: column.type.length]
        else:
            row[column.name] = _typed(column.type)
    return row


def _typed(column_type: sa.types.TypeEngine):
    values = [(sa.Boolean, False), (sa.Float, 0.5), (sa.JSON, {}), (sa.DateTime, NOW),
              (sa.Date, NOW.date()), (sa.LargeBinary, b"x")]  # fmt: skip
    return next(value for kind, value in values if isinstance(column_type, kind))


def row_counts(connection: sa.Connection, tables: Iterable[str]) -> dict[str, int]:
    return {
        name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar()
        for name in tables
    }



@BOTH_DATABASES
def test_an_upgrade_from_every_earlier_revision_keeps_every_row(database_url):
    """Issue 13, defect 5: a database at each earlier revision, every table filled, upgraded
    to head, loses no row (on SQLite a table rebuild once cascaded deletes to its children)."""
    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    head = scripts.get_current_head()
    earlier = [script.revision for script in scripts.walk_revisions() if script.revision != head]
    assert len(earlier) >= 7
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        for revision in earlier:
            db.engine.dispose()
            reset_database(database_url)
            upgrade(revision=revision)
            with db.engine.begin() as connection:
                before = fill_every_table(connection)
            assert {"inquiry", "match", "activity"} <= set(before), revision
            upgrade()
            with db.engine.connect() as connection:
                assert row_counts(connection, before) == before, f"upgrading from {revision}"
                assert MigrationContext.configure(connection).get_current_revision() == head
        db.engine.dispose()


@BOTH_DATABASES
def test_the_upgrade_fills_the_normalized_address_of_existing_inquiries(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="2fee9c5ccfe7")
        with db.engine.begin() as connection:
            _insert(connection, "inquiry", reference="r", code="WM-AAAAAA",
                    email=" ÜBER.Team@Example.com")  # fmt: skip
        upgrade()
        with db.engine.connect() as connection:
            keys = connection.execute(sa.text("SELECT email_normalized FROM inquiry")).all()
        assert keys == [("über.team@example.com",)]
        db.engine.dispose()


# Leads and organizations as they were at 2fee9c5ccfe7, before the search revision.
SEARCH_ROWS = {
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
}


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
                                                    for row in SEARCH_ROWS[name]])  # fmt: skip
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
