"""Database wiring: Flask-SQLAlchemy, migrations, SQLite's WAL mode and busy timeout,
PostgreSQL's serial plans, the integers a URL may carry as a key, and the text the database can
store."""

import re
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from matchmaker import models  # noqa: F401  (registers the tables on the metadata)
from matchmaker.extensions import db, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
SQLITE_MMAP_BYTES = 256 * 1024 * 1024  # address space, not memory: pages are read when used
# PostgreSQL's session settings: no parallel workers for one request's statement. A broad search
# ranks its 16,000 leads in 35 ms alone, 45-57 ms with two workers (their start and their
# results' merge cost more than they share on a small server busy with other requests).
POSTGRES_OPTIONS = "-c max_parallel_workers_per_gather=0"
# PostgreSQL refuses NUL in text; a lone surrogate has no UTF-8 form (neither database takes it).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def init_app(app: Flask) -> None:
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # pysqlite's timeout is SQLite's busy timeout: how long a writer waits for the lock.
        options["connect_args"] = {"timeout": app.config["SQLITE_BUSY_TIMEOUT_SECONDS"]}
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options["connect_args"] = {"options": POSTGRES_OPTIONS}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    largest = largest_key(app.config["SQLALCHEMY_DATABASE_URI"])
    app.url_map.converters["int"] = type("KeyConverter", (KeyConverter,), {"largest": largest})


def largest_key(database_uri: str) -> int:
    """The largest integer key the database holds: SQLite's INTEGER has 64 bits, and
    PostgreSQL's integer (the type of every key here) 32."""
    return 2**63 - 1 if database_uri.startswith("sqlite") else 2**31 - 1


class KeyConverter(IntegerConverter):
    """`<int:...>` in every route: a number past the database's integer range is a 404 instead of
    a query that cannot hold it (a 500). NotFound rather than werkzeug's ValidationError, which
    would answer 405 where the same path has a route for another method."""

    largest: int  # set per app by init_app, from largest_key

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > self.largest:
            raise NotFound()
        return number


def storable(value: Any) -> bool:
    """Whether every text in value (a string, or JSON data: lists, objects and their keys) can
    be stored: no NUL and no unpaired surrogate."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is None
    if isinstance(value, dict):
        return all(storable(key) and storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(storable(item) for item in value)
    return True


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers work while a writer commits; the busy timeout queues writers. Reads go
    through a memory map of the file (its first SQLITE_MMAP_BYTES), not a system call per page:
    a broad search reads thousands of pages (some 14 ms less on 100,000 leads)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()
