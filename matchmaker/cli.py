"""Flask commands: seed the directory, import and export it, manage staff accounts."""

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from matchmaker.extensions import db
from matchmaker.models import Role, User
from matchmaker.services import accounts, directory

directory_cli = AppGroup("directory", help="Keep the directory of organizations.")
users_cli = AppGroup("users", help="Manage staff accounts.")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(directory_cli)
    app.cli.add_command(users_cli)


@click.command()
@with_appcontext
def seed() -> None:
    """Load the shipped directory into an empty database (does nothing otherwise)."""
    if not directory.is_empty():
        click.echo("The directory already holds organizations; nothing to seed.")
        return
    plan = _plan(directory.shipped_directory())
    directory.apply_import(plan)
    db.session.commit()
    click.echo(f"Seeded {len(plan.added)} organizations.")


@directory_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
def import_directory(path: Path, dry_run: bool) -> None:
    """Upsert organizations from a CSV file, by slug, all or nothing."""
    plan = _plan(path.read_bytes())
    click.echo(
        f"{len(plan.added)} to add, {len(plan.changed)} to change, {len(plan.unchanged)} unchanged."
    )
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    directory.apply_import(plan)
    db.session.commit()
    click.echo(f"Imported. Directory version is now {directory.directory_version()}.")


@directory_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_directory(path: Path) -> None:
    """Write the directory to a CSV file (cells that look like formulas are defused)."""
    path.write_text(directory.export_csv(), encoding="utf-8", newline="")
    click.echo(f"Exported the directory to {path}.")


def _plan(data: bytes) -> directory.ImportPlan:
    try:
        records = directory.parse_csv(data)
    except directory.ImportFileError as error:
        raise click.ClickException(f"Nothing was imported: {error}") from None
    progress = click.progressbar(length=len(records), label="Checking rows", file=sys.stderr)
    with progress as bar:
        plan = directory.plan_import(records, on_row=bar.update)
    if not plan.ok:
        for error in plan.errors:
            click.echo(f"  {error}", err=True)
        raise click.ClickException(
            f"Nothing was imported: {len(plan.errors)} rows have errors. Fix them and try again."
        )
    return plan


@users_cli.command("create")
@click.option("--email", required=True, help="The staff member's email, used to sign in.")
@click.option("--name", default="", help="Their full name (defaults to the email).")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.STAFF.value)
@click.password_option(
    envvar="MATCHMAKER_NEW_USER_PASSWORD",
    help=f"At least {accounts.MIN_PASSWORD_LENGTH} characters; prompted when not given "
    "(or read from MATCHMAKER_NEW_USER_PASSWORD).",
)
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create a staff or admin account."""
    try:
        user = accounts.create_user(email, name, password, role)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email}.")


@users_cli.command("list")
def list_users() -> None:
    """List staff accounts."""
    users = db.session.scalars(db.select(User).order_by(User.email)).all()
    if not users:
        click.echo("No accounts yet: create one with `flask --app matchmaker users create`.")
    for user in users:
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{user.role}\t{state}\t{user.name}")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Deactivate an account and end its sessions at once."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    accounts.deactivate(user)
    db.session.commit()
    click.echo(f"Deactivated {user.email}; their sessions have ended.")
