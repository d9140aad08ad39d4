"""The application factory and its configuration."""

import pytest
import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.config import ConfigError
from matchmaker.database import SQLITE_MMAP_BYTES
from matchmaker.extensions import db
from tests.helpers import POSTGRES_ONLY


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.delenv("MATCHMAKER_SECRET_KEY", raising=False)
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY_FILE", str(tmp_path / "secret_key"))
    with pytest.raises(ConfigError, match="MATCHMAKER_SECRET_KEY"):
        create_app()


def test_production_with_short_secret_key_refuses_to_start(monkeypatch):
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", "too-short")
    with pytest.raises(ConfigError, match="at least 32"):
        create_app()


def test_settings_come_from_prefixed_environment(monkeypatch):
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("MATCHMAKER_BASE_URL", "https://matchmaker.example.be")
    monkeypatch.setenv("MATCHMAKER_DATABASE_URL", "postgres://user@db/matchmaker")
    app = create_app()
    assert app.config["SECRET_KEY"] == "k" * 40
    assert app.config["BASE_URL"] == "https://matchmaker.example.be"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql://user@db/matchmaker"


def test_default_database_is_sqlite_in_instance_folder(monkeypatch):
    monkeypatch.delenv("MATCHMAKER_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and uri.endswith("instance/matchmaker.sqlite3")


def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_mapped_reads(app):
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() == 15000
        assert db.session.execute(sa.text("PRAGMA mmap_size")).scalar() == SQLITE_MMAP_BYTES
    quick = create_app(
        {"TESTING": True, "DATABASE_URL": "sqlite://", "SQLITE_BUSY_TIMEOUT_SECONDS": 0.5}
    )
    with quick.app_context():
        assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() == 500


@POSTGRES_ONLY
def test_postgresql_plans_without_parallel_workers(app):
    with app.app_context():
        setting = db.session.execute(sa.text("SHOW max_parallel_workers_per_gather")).scalar()
        assert setting == "0"


def test_unknown_page_gets_a_plain_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "could not find that page" in response.get_data(as_text=True)


def test_admin_pages_are_staff_pages_under_the_admin_prefix(app, client, staff_client):
    """create_app sets /staff and /admin; the admin pages stay nested in the staff blueprint:
    their endpoints are staff.admin.*, and its sign-in check runs before their admin check."""
    admin_rules = [rule for rule in app.url_map.iter_rules() if "admin" in rule.endpoint]
    assert len(admin_rules) > 10
    for rule in admin_rules:
        assert rule.endpoint.startswith("staff.admin.") and rule.rule.startswith("/staff/admin/")
    anonymous = app.test_client().get("/staff/admin/users")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"] == "/staff/login?next=/staff/admin/users"
    assert staff_client.get("/staff/admin/users").status_code == 403
