"""Flask commands: seed the directory, import and export it."""

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from matchmaker.extensions import db
from matchmaker.services import directory

directory_cli = AppGroup("directory", help="Keep the directory of organizations.")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(directory_cli)


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
