"""The Host header cannot steer links: every absolute link (in mail, on pages, in exports and the
API) is built on BASE_URL; and TRUSTED_HOSTS left unset is said at start-up (issue 13, defect 10).
"""

import json
import logging

import pytest
import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import OutboxMessage
from matchmaker.services import mail, privacy
from tests import factories
from tests.helpers import app_log, login, submit

BASE_URL = "https://matchmaker.example.be"
FORGED_HOST = "evil.example"


@pytest.fixture
def forged(app):
    """A client whose every request says Host: evil.example (TRUSTED_HOSTS is unset in tests)."""
    app.config["BASE_URL"] = BASE_URL
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = FORGED_HOST
    return client


def test_links_in_mail_are_on_base_url_whatever_the_host(seeded, forged, make_user):
    make_user(sectors=("life-sciences",))
    assert submit(forged).status_code == 303
    with seeded.app_context():
        bodies = db.session.execute(sa.select(OutboxMessage.body_text, OutboxMessage.body_html))
        mail = "\n".join(text + html for text, html in bodies)
    assert f"{BASE_URL}/inquiry/" in mail and f"{BASE_URL}/staff/leads/" in mail
    assert FORGED_HOST not in mail


def test_the_privacy_notice_link_is_on_base_url_whatever_the_host(app, forged, make_user):
    login(forged, make_user("admin@agency.be", role="admin").email)
    version = privacy.PRIVACY_NOTICE_VERSION
    with app.app_context():
        lead = factories.add_inquiry(email="aiko@example.jp", consent_version=version)
        db.session.commit()
        lead_id = lead.id
    page = forged.get(f"/staff/leads/{lead_id}").text
    assert f'href="{BASE_URL}/privacy/{version}"' in page
    export = forged.post("/staff/admin/privacy/export", data={"email": "aiko@example.jp"}).text
    consent = json.loads(export)["inquiries"][0]["consent"]
    assert consent["privacy_notice_url"] == f"{BASE_URL}/privacy/{version}"
    assert FORGED_HOST not in page + export


def test_base_url_may_carry_a_path(app):
    app.config["BASE_URL"] = "https://agency.example/matchmaker/"
    with app.app_context():
        lead = factories.add_inquiry()
        db.session.commit()
        assert mail.lead_url(lead) == f"https://agency.example/matchmaker/staff/leads/{lead.id}"


def start(tmp_path, **config) -> list[dict]:
    """Create the app as production would (no debug, no testing); its audit lines."""
    path = tmp_path / "audit.jsonl"
    create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 40, "AUDIT_LOG": str(path),
                **config})  # fmt: skip
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_an_unset_trusted_hosts_is_said_at_start_up(tmp_path, caplog, monkeypatch):
    monkeypatch.delenv("MATCHMAKER_TRUSTED_HOSTS", raising=False)
    caplog.set_level(logging.WARNING, logger="matchmaker")
    lines = start(tmp_path)
    assert "MATCHMAKER_TRUSTED_HOSTS is not set" in app_log(caplog)
    warning, = [line for line in lines if line["event"] == "config.warning"]
    assert warning["setting"] == "TRUSTED_HOSTS" and "any Host" in warning["message"]


@pytest.mark.parametrize("config", [{"TRUSTED_HOSTS": ["matchmaker.example.be"]},
                                    {"TESTING": True}, {"DEBUG": True}])  # fmt: skip
def test_no_host_warning_when_set_or_in_debug_and_tests(tmp_path, caplog, monkeypatch, config):
    monkeypatch.delenv("MATCHMAKER_TRUSTED_HOSTS", raising=False)
    caplog.set_level(logging.WARNING, logger="matchmaker")
    assert start(tmp_path, **config) == []
    assert "TRUSTED_HOSTS" not in app_log(caplog)
