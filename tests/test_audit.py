"""The audit stream: one JSON line per security event, with who, from where, in which request,
and never a password, a token or an investor's address (issue 13, defect 3)."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import pyotp
import pytest

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.services import accounts
from tests import factories
from tests.helpers import PASSWORD, events, login
from tests.live import (
    ROOT,
    SECRET_KEY,
    Visitor,
    _wait_until_up,
    free_port,
    hidden_value,
    prepare_database,
)

INVESTOR = "Aiko.Tanaka@Sakura-Bio.example"


def test_a_failed_and_a_successful_sign_in_are_audited(app, client, make_user, audit):
    user = make_user()
    login(client, "staff@agency.be", "not the password at all")
    login(client, "staff@agency.be")
    failure, = events(audit(), "sign_in.failure")
    success, = events(audit(), "sign_in.success")
    assert success["user"] == user.id
    assert failure["user"] is None and failure["email"].startswith("sha256:")
    for line in (failure, success):
        assert line["time"].endswith("Z") and line["client"] == "127.0.0.1"
        assert len(line["request_id"]) >= 16
    text = audit.path.read_text()
    assert "not the password at all" not in text and PASSWORD not in text


def test_the_request_id_from_the_proxy_is_kept_and_returned(client, make_user, audit):
    make_user()
    response = client.post("/staff/login", data={"email": "x@y.be", "password": "wrong wrong"},
                           headers={"X-Request-ID": "abc-123"})  # fmt: skip
    assert response.headers["X-Request-ID"] == "abc-123"
    assert events(audit(), "sign_in.failure")[0]["request_id"] == "abc-123"


def test_cr_and_lf_in_a_value_cannot_forge_a_line(client, audit):
    forged = 'x@y.be\r\n{"event": "sign_in.success", "user": 1}'
    client.post("/staff/login", data={"email": forged, "password": "wrong wrong"})
    lines = audit()
    assert [line["event"] for line in lines] == ["sign_in.failure"]


def test_a_403_is_audited_with_the_user(staff_client, audit):
    assert staff_client.get("/staff/admin/users").status_code == 403
    denied, = events(audit(), "access.denied")
    assert denied["user"] is not None and denied["endpoint"] == "staff.admin.user_list"


def test_user_administration_is_audited(admin_client, make_user, audit):
    user = make_user("bob@agency.be")
    admin_client.post(f"/staff/admin/users/{user.id}/password")
    admin_client.post(f"/staff/admin/users/{user.id}/deactivate")
    actions = [line["action"] for line in events(audit(), "user.admin")]
    assert actions == [f"reset the password of user {user.id}", f"deactivated user {user.id}"]


def test_token_administration_is_audited_without_the_secret(app, admin_client, make_user, audit):
    user = make_user("crm@agency.be")
    page = admin_client.post("/staff/admin/api-tokens",
                             data={"name": "CRM sync", "user_id": user.id, "scope": "write"}).text
    secret = page.split('id="token-secret" class="secret" type="text" value="')[1].split('"')[0]
    issued, = events(audit(), "api_token.issued")
    assert issued["for_user"] == user.id and issued["scope"] == "write"
    admin_client.post(f"/staff/admin/api-tokens/{issued['token']}/revoke")
    assert events(audit(), "api_token.revoked")[0]["token"] == issued["token"]
    assert secret not in audit.path.read_text()


def test_directory_changes_are_audited(seeded, admin_client, audit):
    with seeded.app_context():
        slug = factories.organizations(1)[0].slug
    admin_client.post(f"/staff/admin/organizations/{slug}/deactivate")
    change, = events(audit(), "directory.change")
    assert slug in change["action"]


def test_privacy_exports_and_erasures_are_audited_with_the_address_hashed(app, admin_client,
                                                                          audit):  # fmt: skip
    with app.app_context():
        factories.add_inquiry(email=INVESTOR)
        from matchmaker.extensions import db

        db.session.commit()
    admin_client.post("/staff/admin/privacy/export", data={"email": INVESTOR})
    admin_client.post("/staff/admin/privacy/erase", data={"email": INVESTOR, "confirm": "y"})
    export, = events(audit(), "privacy.export")
    erasure, = events(audit(), "privacy.erasure")
    assert export["email"] == erasure["email"] and export["email"].startswith("sha256:")
    assert export["inquiries"] == 1 and erasure["inquiries"] == 1
    text = audit.path.read_text().lower()
    assert "aiko" not in text and "sakura" not in text


def test_the_rate_limiters_storage_errors_are_audited(database_url, tmp_path):
    path = tmp_path / "audit.jsonl"
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "AUDIT_LOG": str(path),
                      "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0"})  # fmt: skip
    pytest.importorskip("redis")
    response = app.test_client().post("/inquiry", data={})
    assert response.status_code != 500
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert events(lines, "rate_limiter.storage_error")


@pytest.mark.load
def test_gunicorn_writes_the_audit_stream_to_stderr(tmp_path):
    """The production recipe: gunicorn.conf.py, nothing else; the events arrive on stderr
    (sign-in, the second factor's), and the access log keeps neither client addresses nor
    private paths (defect 8)."""
    database_url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    prepare_database(database_url)
    accounts_app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with accounts_app.app_context():
        accounts.create_user("ada@agency.be", "Ada Admin", PASSWORD, "admin")
        accounts.create_user("bob@agency.be", "Bob Martin", PASSWORD)
        db.session.commit()
        db.engine.dispose()
    port = free_port()
    env = os.environ | {
        "MATCHMAKER_DATABASE_URL": database_url,
        "MATCHMAKER_SECRET_KEY": SECRET_KEY,
        "MATCHMAKER_BIND": f"127.0.0.1:{port}",
        "MATCHMAKER_WORKERS": "2",
        "MATCHMAKER_SESSION_COOKIE_SECURE": "false",
    }
    env.pop("MATCHMAKER_AUDIT_LOG", None)
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
               "matchmaker:create_app()"]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as stderr, tempfile.TemporaryFile() as stdout:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
        try:
            _wait_until_up(base, server, stderr)
            visitor = Visitor(base)
            token = hidden_value(visitor.get("/staff/login")[2], "csrf_token")
            visitor.post("/staff/login", {"csrf_token": token, "email": "nobody@agency.be",
                                          "password": "guessing-a-password"})  # fmt: skip
            assert visitor.get("/staff/admin/users")[0] == 200  # the sign-in page, after redirect
            assert visitor.get("/inquiry/SeCrEtReFeReNcE42")[0] == 404
            secrets = _two_factor_events(Visitor(base))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        stderr.seek(0)
        output = stderr.read().decode()
        stdout.seek(0)
        access = stdout.read().decode()
    assert '"GET /inquiry/… HTTP/1.1" 404' in access, access
    assert "SeCrEtReFeReNcE42" not in access + output and "127.0.0.1" not in access
    audit_lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"time"')]
    failure, = events(audit_lines, "sign_in.failure")
    assert failure["client"] == "127.0.0.1" and "guessing" not in output
    assert "nobody@agency.be" not in output
    warning, = events(audit_lines, "config.warning")  # no TRUSTED_HOSTS: said once, at start-up
    assert warning["setting"] == "TRUSTED_HOSTS" and "TRUSTED_HOSTS is not set" in output
    for name in ("two_factor.enrolled", "two_factor.failure", "two_factor.success",
                 "two_factor.recovery_code_used", "two_factor.recovery_codes_regenerated",
                 "two_factor.reset"):  # fmt: skip
        assert events(audit_lines, name), name
    assert events(audit_lines, "two_factor.reset")[0]["for_user"] == 2
    assert not any(secret in output for secret in secrets)


def _two_factor_events(ada: Visitor) -> list[str]:
    """An admin (Ada) sets up her second factor, fails a code, signs in with a recovery code,
    makes new ones and resets Bob's; the secrets she saw (none may reach the log)."""
    set_up = _password_step(ada, "ada@agency.be")
    key = re.search(r'id="authenticator-key"[^>]*>([A-Z2-7 ]+)<', set_up).group(1)
    totp = pyotp.TOTP(key.replace(" ", ""))
    shown = ada.post("/staff/account/two-factor/set-up",
                     {"csrf_token": hidden_value(set_up, "csrf_token"), "code": totp.now()})[2]
    codes = re.findall(r'<code class="secret">([a-z0-9-]{11})</code>', shown)
    ada.post("/staff/logout", {"csrf_token": hidden_value(shown, "csrf_token")})
    for code in ("000000", codes[0]):  # a failure, then a recovery code
        page = _password_step(ada, "ada@agency.be")
        page = ada.post("/staff/login/code",
                        {"csrf_token": hidden_value(page, "csrf_token"), "code": code})[2]
    settings = ada.get("/staff/account/two-factor")[2]
    next_code = totp.at(time.time() + 30)  # the set-up used this step's code
    ada.post("/staff/account/two-factor/recovery-codes",
             {"csrf_token": hidden_value(settings, "csrf_token"), "regenerate-code": next_code})
    ada.post("/staff/admin/users/2/two-factor/reset",
             {"csrf_token": hidden_value(settings, "csrf_token")})
    return [key, key.replace(" ", ""), *codes, next_code]


def _password_step(visitor: Visitor, email: str) -> str:
    token = hidden_value(visitor.get("/staff/login")[2], "csrf_token")
    return visitor.post("/staff/login", {"csrf_token": token, "email": email,
                                         "password": PASSWORD})[2]  # fmt: skip
