"""Flask commands: seed the directory, import and export it, manage staff accounts, look after
inquiries and personal data, rebuild search terms; the mail commands are in `cli/mail.py`."""

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from matchmaker import audit
from matchmaker.cli import mail
from matchmaker.extensions import db
from matchmaker.models import Inquiry, Organization, Role
from matchmaker.services import (
    accounts,
    directory,
    privacy,
    ranking,
    search,
    two_factor,
)
from matchmaker.services.directory import check
from matchmaker.services.leads import submission

directory_cli = AppGroup("directory", help="Keep the directory of organizations.")
users_cli = AppGroup("users", help="Manage staff accounts.")
inquiries_cli = AppGroup("inquiries", help="Look after investors' inquiries.")
privacy_cli = AppGroup("privacy", help="Personal data: the retention purge.")
search_cli = AppGroup("search", help="The search terms of leads and organizations.")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(directory_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(inquiries_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(search_cli)
    mail.init_app(app)


@click.command()
@with_appcontext
def seed() -> None:
    """Load the shipped directory into an empty database (does nothing otherwise)."""
    if not directory.is_empty():
        click.echo("The directory already holds organizations; nothing to seed.")
        return
    plan = _plan(directory.shipped_directory())
    directory.apply_import(plan, file="organizations.csv")
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
    click.echo("Applying the changes in one transaction…", err=True)
    directory.apply_import(plan, file=path.name)
    db.session.commit()
    click.echo(f"Imported. Directory version is now {directory.directory_version()}.")


@directory_cli.command("reindex")
@click.option(
    "--bump", is_flag=True,
    help="Also bump the directory version, so that every running worker rebuilds its index.",
)  # fmt: skip
def reindex_directory(bump: bool) -> None:
    """Fit the matching index on the active organizations, and report the time it took.

    Workers rebuild their own index when the directory version moves; this checks the fit.
    """
    if bump:
        directory.bump_directory_version()
        db.session.commit()
    built = ranking.index_cache().rebuild()
    click.echo(
        f"Indexed {built.size} active organizations (directory version {built.version}) "
        f"in {built.seconds:.2f} s."
    )


@search_cli.command("reindex")
def reindex_search() -> None:
    """Write again the search terms that the engine's analysis (its glossary, its stemming) now
    makes differently, so that searches find older leads and organizations as they find new ones.
    """
    leads = search.reindex(Inquiry)
    organizations = search.reindex(Organization)
    db.session.commit()
    click.echo(f"Search terms written again: {leads} lead{'s' * (leads != 1)}, "
               f"{organizations} organization{'s' * (organizations != 1)}.")


@inquiries_cli.command("rerank-pending")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1))
def rerank_pending(limit: int) -> None:
    """Rank the inquiries that were saved while ranking failed (needs_ranking)."""
    ranked, failed = submission.rerank_pending(limit=limit)
    db.session.commit()
    click.echo(f"Ranked {ranked} pending inquiries; {failed} failed again.")
    if failed:
        raise click.ClickException("Some inquiries could not be ranked; see the log above.")


@directory_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_directory(path: Path) -> None:
    """Write the directory to a CSV file (cells that look like formulas are defused)."""
    path.write_text(directory.export_csv(), encoding="utf-8", newline="")
    click.echo(f"Exported the directory to {path}.")


@directory_cli.command("check")
@click.argument(
    "path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--min-rows", default=0, show_default=True, type=click.IntRange(min=0),
              help="Fail when the file has fewer organizations.")  # fmt: skip
@click.option("--min-per-sector", default=0, show_default=True, type=click.IntRange(min=0),
              help="Fail when a sector has fewer organizations.")  # fmt: skip
def check_directory(path: Path | None, min_rows: int, min_per_sector: int) -> None:
    """Lint a directory CSV (default: the shipped one), then print its figures as Markdown.

    Each row's import rules; both languages, a source and a 40-word description in every row;
    no slug or name twice; no description nearly another's. Exit status 1 on any problem.
    """
    data = path.read_bytes() if path else directory.shipped_directory()
    try:
        report = check.check_csv(data, min_rows=min_rows, min_per_sector=min_per_sector)
    except directory.ImportFileError as error:
        raise click.ClickException(str(error)) from None
    for finding in report.findings:
        click.echo(str(finding))
    if report.findings:
        click.echo(f"\n{len(report.findings)} problems.\n")
    click.echo(report.markdown(), nl=False)
    if report.findings:
        sys.exit(1)


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
    if two_factor.required(user):
        click.echo("At the first sign-in, they set up two-factor sign-in: have an authenticator "
                   "app (any app for time-based codes) ready on a phone.")  # fmt: skip


@users_cli.command("list")
def list_users() -> None:
    """List staff accounts."""
    users = sorted(accounts.staff_members(), key=lambda user: user.email)
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
    try:
        accounts.deactivate(user)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Deactivated {user.email}; their sessions have ended.")


@users_cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email: str) -> None:
    """Remove an account's second factor (a lost phone and lost recovery codes); it ends the
    account's sessions. An admin sets up a new one at the next sign-in."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    two_factor.remove(user)
    accounts.end_all_sessions(user)
    db.session.commit()
    audit.event("two_factor.reset", for_user=user.id, by="command line")
    click.echo(f"Reset the second factor of {user.email}; their sessions have ended.")


@privacy_cli.command("purge")
@click.option(
    "--older-than-months", type=click.IntRange(min=1), default=None,
    help="Delete inquiries received and last worked on longer ago than this "
    "[default: MATCHMAKER_RETENTION_MONTHS].",
)  # fmt: skip
@click.option("--apply", is_flag=True, help="Delete them; without it, only count them.")
def purge_inquiries(older_than_months: int | None, apply: bool) -> None:
    """Delete old inquiries with their matches, trail and mail (a dry run unless --apply)."""
    months = older_than_months or current_app.config["RETENTION_MONTHS"]
    result = privacy.purge_stale_inquiries(months, apply=apply)
    db.session.commit()
    when = f"{result.cutoff:%Y-%m-%d %H:%M} UTC"
    if apply:
        click.echo(f"Deleted {result.count} inquiries received and last worked on before {when}.")
    else:
        click.echo(
            f"Dry run: {result.count} inquiries were received and last worked on before {when}. "
            "Nothing was deleted; add --apply to delete them."
        )
