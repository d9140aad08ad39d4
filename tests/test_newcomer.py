"""A newcomer's path: the README's commands as written, and the first-run checklist."""

import os
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from matchmaker import create_app
from matchmaker.config import ConfigError, secret_key_file
from tests import factories
from tests.helpers import login
from tests.live import SECRET_KEY, _wait_until_up, free_port

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "matchmaker"]


def _flask(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*FLASK, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


@pytest.fixture
def bare_env(tmp_path) -> dict[str, str]:
    """The environment of a fresh shell: no MATCHMAKER_SECRET_KEY, a database of its own."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("MATCHMAKER_")}  # fmt: skip
    env["MATCHMAKER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    env["MATCHMAKER_SECRET_KEY_FILE"] = str(tmp_path / "instance" / "secret_key")
    env["MATCHMAKER_NEW_USER_PASSWORD"] = "a long enough password for the test"
    return env


def test_the_secret_key_file_defaults_to_the_instance_folder(monkeypatch):
    monkeypatch.delenv("MATCHMAKER_SECRET_KEY_FILE", raising=False)
    app = create_app({"TESTING": True})
    assert secret_key_file(app) == Path(app.instance_path) / "secret_key"


def test_the_app_reads_the_generated_secret_key_file(monkeypatch, tmp_path):
    monkeypatch.delenv("MATCHMAKER_SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("f" * 64 + "\n")
    app = create_app({"SECRET_KEY_FILE": str(tmp_path / "secret_key")})
    assert app.config["SECRET_KEY"] == "f" * 64


def test_the_environment_wins_over_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", "e" * 40)
    (tmp_path / "secret_key").write_text("f" * 64)
    app = create_app({"SECRET_KEY_FILE": str(tmp_path / "secret_key")})
    assert app.config["SECRET_KEY"] == "e" * 40


def test_without_key_or_file_the_error_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.delenv("MATCHMAKER_SECRET_KEY", raising=False)
    missing = tmp_path / "secret_key"
    with pytest.raises(ConfigError) as raised:
        create_app({"SECRET_KEY_FILE": str(missing)})
    message = str(raised.value)
    assert "MATCHMAKER_SECRET_KEY" in message
    assert f"{missing} does not exist" in message
    assert "make run" in message


def test_readme_users_create_works_in_a_fresh_shell(bare_env, tmp_path):
    """`flask --app matchmaker users create` as the README writes it, with only the key file."""
    key_file = Path(bare_env["MATCHMAKER_SECRET_KEY_FILE"])
    refused = _flask("db", "upgrade", env=bare_env)
    assert refused.returncode != 0
    assert "MATCHMAKER_SECRET_KEY" in refused.stderr and str(key_file) in refused.stderr
    assert "Traceback" not in refused.stderr

    key_file.parent.mkdir()
    key_file.write_text("a" * 64 + "\n")
    assert _flask("db", "upgrade", env=bare_env).returncode == 0
    created = _flask("users", "create", "--email", "you@agency.be", "--name", "Your Name",
                     "--role", "admin", env=bare_env)  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "At the first sign-in, they set up two-factor sign-in" in created.stdout
    listed = _flask("users", "list", env=bare_env)
    assert "you@agency.be" in listed.stdout
    # Commands answer no Host: the TRUSTED_HOSTS warning is for serving only.
    assert "TRUSTED_HOSTS" not in created.stderr + listed.stderr


def test_gunicorn_reads_the_settings_in_dotenv_and_the_environment_wins(tmp_path):
    """README: the settings may live in .env, for `make serve` as for the `flask` command."""
    in_file, in_environment = free_port(), free_port()
    (tmp_path / ".env").write_text(
        f"MATCHMAKER_DATABASE_URL=sqlite:///{tmp_path / 'served.sqlite3'}\n"
        f"MATCHMAKER_SECRET_KEY={SECRET_KEY}\n"
        f"MATCHMAKER_BIND=127.0.0.1:{in_file}\n"
        "MATCHMAKER_WORKERS=1\n"
        """MATCHMAKER_TRUSTED_HOSTS='["127.0.0.1"]'\n"""
    )
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("MATCHMAKER_", "FLASK_"))}  # fmt: skip
    env["MATCHMAKER_BIND"] = f"127.0.0.1:{in_environment}"
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
               "matchmaker:create_app()"]  # fmt: skip
    base = f"http://127.0.0.1:{in_environment}"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)  # fmt: skip
        try:
            _wait_until_up(base, server, log)
            other_host = urllib.request.Request(base + "/healthz", headers={"Host": "evil.example"})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(other_host, timeout=5)
            refused.value.close()
        finally:
            server.send_signal(signal.SIGQUIT)
            server.wait(timeout=30)
    assert refused.value.code == 400  # the trusted hosts of .env


def test_make_run_points_mail_links_at_the_port_it_serves():
    dry = subprocess.run(["make", "-n", "run", "PORT=5123"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    serve = next(line for line in dry.stdout.splitlines() if " run --host " in line)
    assert "http://127.0.0.1:5123" in serve and "--port 5123" in serve


def test_checklist_lists_what_a_fresh_install_lacks(app, client, make_user):
    login(client, make_user("admin@agency.be", role="admin").email)
    page = client.get("/staff/").get_data(as_text=True)
    assert "Before the first real leads arrive" in page
    assert 'id="setup-routing"' in page and 'id="setup-staff_inbox"' in page
    assert "leads@matchmaker.invalid" in page
    assert 'id="setup-smtp"' in page and 'id="setup-contacts"' in page


def test_checklist_items_disappear_one_by_one(seeded, client, make_user):
    admin = make_user("admin@agency.be", role="admin")
    login(client, admin.email)
    make_user("ann@agency.be", sectors=("energy",))
    page = client.get("/staff/").get_data(as_text=True)
    assert 'id="setup-routing"' not in page and 'id="setup-smtp"' in page

    seeded.config["STAFF_INBOX"] = "leads@agency.be"
    page = client.get("/staff/").get_data(as_text=True)
    assert 'id="setup-staff_inbox"' not in page and 'id="setup-smtp"' in page

    seeded.config["SMTP_HOST"] = "smtp.agency.be"
    page = client.get("/staff/").get_data(as_text=True)
    assert 'id="setup-smtp"' not in page and 'id="setup-contacts"' in page

    with seeded.app_context():
        org_id = factories.organizations(1)[0].id
    client.post(f"/staff/organizations/{org_id}/contacts", data={
        "name": "Léa Dupont", "role": "CEO", "email": "lea@acme.be", "lang": "fr"})
    page = client.get("/staff/").get_data(as_text=True)
    assert "Before the first real leads arrive" not in page


def test_the_contacts_step_says_introductions_wait_and_links_the_filter(app, client, make_user):
    login(client, make_user("ann@agency.be").email)
    page = client.get("/staff/").get_data(as_text=True)
    assert "No organization has a contact yet: introductions wait until staff add one." in page
    assert 'href="/staff/organizations?missing=y"' in page


def test_a_deactivated_member_does_not_count_as_routing(app, client, make_user):
    login(client, make_user("admin@agency.be", role="admin").email)
    make_user("gone@agency.be", sectors=("energy",), active=False)
    assert 'id="setup-routing"' in client.get("/staff/").get_data(as_text=True)
