"""The `flask outbox` commands against a real SMTP server: send, list, retry, watch."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from matchmaker.services import outbox
from tests.helpers import queue

ROOT = Path(__file__).resolve().parent.parent


def test_send_command_delivers_what_is_due_and_says_so(mail_app, smtp_server):
    with mail_app.app_context():
        queue(2)
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 2, 0 to retry later, 0 given up." in result.output
    assert len(smtp_server.received) == 2


def test_send_command_fails_loudly_when_the_server_is_down(mail_app, smtp_server):
    smtp_server.stop()
    with mail_app.app_context():
        queue()
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 1
    assert "Cannot reach the SMTP server" in result.output


def test_send_command_without_smtp_explains_where_the_mail_is(app, runner):
    with app.app_context():
        queue(2)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 1
    assert "MATCHMAKER_SMTP_HOST" in result.output and "2 messages wait" in result.output


def test_list_and_retry_commands(mail_app, smtp_server):
    smtp_server.refuse_recipients["gone@agency.example"] = "550 No such user here"
    runner = mail_app.test_cli_runner()
    with mail_app.app_context():
        [refused] = queue(recipient="gone@agency.example", subject="Lost lead")
        outbox.deliver_due()
    listing = runner.invoke(args=["outbox", "list", "--status", "failed"])
    assert "0 pending, 0 sent, 1 failed." in listing.output
    assert f"#{refused}" in listing.output and "550 No such user here" in listing.output
    del smtp_server.refuse_recipients["gone@agency.example"]
    assert "Queued 1 failed" in runner.invoke(args=["outbox", "retry", str(refused)]).output
    assert "Sent 1" in runner.invoke(args=["outbox", "send"]).output


def test_watch_command_keeps_delivering_until_stopped(mail_app, smtp_server, database_url):
    with mail_app.app_context():
        queue()
    env = os.environ | {
        "MATCHMAKER_DATABASE_URL": database_url,
        "MATCHMAKER_SECRET_KEY": "k" * 40,
        "MATCHMAKER_SMTP_HOST": smtp_server.host,
        "MATCHMAKER_SMTP_PORT": str(smtp_server.port),
        "MATCHMAKER_SMTP_STARTTLS": "false",
        "MATCHMAKER_STAFF_INBOX": "leads@agency.example",
    }
    command = [sys.executable, "-m", "flask", "--app", "matchmaker", "outbox", "send", "--watch"]
    relay = subprocess.Popen(
        [*command, "--interval", "0.2"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        smtp_server.wait_for(1)
        with mail_app.app_context():
            queue()  # arrives while the relay is watching
        smtp_server.wait_for(2)
    finally:
        relay.send_signal(signal.SIGTERM)
        output, _ = relay.communicate(timeout=30)
    assert relay.returncode == 0
    assert len(smtp_server.received) == 2
    assert output.count("Sent 1, 0 to retry later, 0 given up.") == 2
    assert output.rstrip().endswith("Stopped.")
