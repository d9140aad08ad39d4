"""Flask commands for mail: deliver and inspect the outbox, send the daily reminders, receive
the investors' replies."""

import signal
import threading
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from matchmaker.extensions import db
from matchmaker.models import OutboxMessage
from matchmaker.services import inbound, outbox, reminders
from matchmaker.services.leads import introductions

outbox_cli = AppGroup("outbox", help="Deliver and inspect outgoing mail.")
reminders_cli = AppGroup("reminders", help="Remind staff of leads nobody acted on.")
inbound_cli = AppGroup("inbound", help="Receive the investors' replies.")


def init_app(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(inbound_cli)


@outbox_cli.command("send")
@click.option("--watch", is_flag=True, help="Keep delivering until interrupted (Ctrl-C, SIGTERM).")
@click.option(
    "--interval", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
    help="Seconds between passes with --watch.",
)  # fmt: skip
@click.option(
    "--limit", default=outbox.DEFAULT_BATCH, show_default=True, type=click.IntRange(min=1),
    help="Messages per pass.",
)  # fmt: skip
def send_outbox(watch: bool, interval: float, limit: int) -> None:
    """Send the messages that are due over SMTP, once or continuously."""
    config = current_app.config
    if not outbox.smtp_configured(config):
        pending = outbox.counts()["pending"]
        raise click.ClickException(
            f"No SMTP server is configured (set MATCHMAKER_SMTP_HOST). {pending} messages "
            "wait in the outbox; staff can read them on the back office's Outbox page."
        )
    if str(config["STAFF_INBOX"]).endswith(".invalid"):
        click.echo(
            f"Warning: MATCHMAKER_STAFF_INBOX is {config['STAFF_INBOX']}, which does not exist: "
            "leads that no staff member covers cannot be delivered.",
            err=True,
        )
    if not watch:
        report = outbox.deliver_due(limit=limit)
        if report.error:
            raise click.ClickException(f"Cannot reach the SMTP server: {report.error}")
        _echo_delivery(report)
        return
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"Delivering every {interval:g} s; Ctrl-C to stop.")
    last_error = ""
    try:
        while not stop.is_set():
            report = outbox.deliver_due(limit=limit)
            db.session.remove()
            if report.attempted or report.error != last_error:
                _echo_delivery(report, stamp=True)
            last_error = report.error
            if report.attempted + report.skipped < limit or report.error:
                stop.wait(interval)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo("Stopped.")


@outbox_cli.command("list")
@click.option(
    "--status", type=click.Choice(["pending", "failed", "sent"]), default="pending",
    show_default=True,
)  # fmt: skip
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
def list_outbox(status: str, limit: int) -> None:
    """List outgoing messages, newest first, with their state and last error."""
    counts = outbox.counts()
    click.echo(", ".join(f"{number} {name}" for name, number in counts.items()) + ".")
    for message in db.session.scalars(outbox.status_query(status).limit(limit)):
        click.echo(
            f"#{message.id}\t{message.created_at:%Y-%m-%d %H:%M}\t{message.attempts} attempts"
            f"\t{message.recipient}\t{message.subject}"
        )
        if message.last_error:
            click.echo(f"\tlast error: {message.last_error}")


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Retry every message that was given up on.")
def retry_outbox(ids: tuple[int, ...], all_failed: bool) -> None:
    """Queue failed messages again, with a fresh count of attempts."""
    if not ids and not all_failed:
        raise click.UsageError("Give message ids, or --all-failed.")
    if all_failed:
        count = outbox.retry_failed()
    else:
        query = outbox.status_query("failed").where(OutboxMessage.id.in_(ids))
        messages = db.session.scalars(query).all()
        for message in messages:
            outbox.retry(message)
        count = len(messages)
    db.session.commit()
    click.echo(f"Queued {count} failed messages again.")


def _echo_delivery(report: outbox.DeliveryReport, stamp: bool = False) -> None:
    prefix = f"[{datetime.now():%H:%M:%S}] " if stamp else ""
    if report.error:
        click.echo(f"{prefix}Cannot reach the SMTP server: {report.error}", err=True)
        return
    for failure in report.failures:
        click.echo(f"{prefix}  {failure}", err=True)
    click.echo(
        f"{prefix}Sent {report.sent}, {report.retrying} to retry later, "
        f"{report.failed} given up"
        + (f", {report.skipped} taken by another relay" if report.skipped else "")
        + "."
    )


@reminders_cli.command("send")
def send_reminders() -> None:
    """Mail each assignee their stale leads, once a day at most, and remind organizations of the
    introductions they have not answered, expiring those past their time (run it from cron)."""
    report = reminders.send_reminders()
    swept = introductions.sweep()
    db.session.commit()
    click.echo(f"Introductions: {swept.reminded} reminded, {swept.expired} expired.")
    click.echo(
        f"Queued {report.mails} reminders about {report.leads} stale leads"
        + (f"; {report.already_reminded} already reminded today" if report.already_reminded else "")
        + "."
    )


@inbound_cli.command("serve")
@click.option("--host", help="Address to listen on  [default: MATCHMAKER_INBOUND_HOST]")
@click.option("--port", type=click.IntRange(1, 65535),
              help="Port to listen on  [default: MATCHMAKER_INBOUND_PORT]")  # fmt: skip
def serve_inbound(host: str | None, port: int | None) -> None:
    """Receive mail for MATCHMAKER_INBOUND_ADDRESS by SMTP until Ctrl-C or SIGTERM."""
    config = current_app.config
    receiver = inbound.Receiver(current_app._get_current_object(),  # type: ignore[attr-defined]
                                host or config["INBOUND_HOST"],
                                port or int(config["INBOUND_PORT"]))  # fmt: skip
    receiver.start()
    click.echo(f"Receiving mail for {receiver.inbound} on {receiver.host}:{receiver.port}; "
               "Ctrl-C to stop.")  # fmt: skip
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        receiver.stop()
    click.echo("Stopped.")
