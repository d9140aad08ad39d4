"""The application factory and its configuration."""

import pytest
import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.config import ConfigError
from matchmaker.extensions import db


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


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app):
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() == 15000
    quick = create_app(
        {"TESTING": True, "DATABASE_URL": "sqlite://", "SQLITE_BUSY_TIMEOUT_SECONDS": 0.5}
    )
    with quick.app_context():
        assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() == 500


def test_unknown_page_gets_a_plain_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "could not find that page" in response.get_data(as_text=True)
