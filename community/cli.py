"""Thin click commands over the services (`flask --app wsgi …`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from community import unit_of_work
from community.database import BULK_ROWS, gather_statistics
from community.errors import DomainError
from community.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")
people_cli = AppGroup("people", help="Bulk operations on people.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True, help="Repeat for several roles.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--department", default=None)
@click.option("--location", default=None)
def create_user_command(email, name, roles, password_stdin, department, location):
    """Create an account (the password is read from stdin, never from the command line)."""
    from community.accounts import services

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        user = services.create_user(
            email=email, name=name, password=password, roles=roles, department=department, location=location
        )
        unit_of_work.commit()
    except DomainError as error:
        unit_of_work.rollback()
        details = "; ".join(m for msgs in error.fields.values() for m in msgs)
        _fail(f"{error.message} {details}".strip())
    click.echo(f"Created {user.email} (id {user.id}) with roles {', '.join(user.roles)}.")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="CLI token")
def create_token_command(email, name):
    """Print a new API token for EMAIL once, alone on the last line."""
    from community.accounts import services

    try:
        user = services.user_by_email(email)
        _token, plain = services.create_api_token(user, f"{name} {_timestamp()}")
        unit_of_work.commit()
    except DomainError as error:
        unit_of_work.rollback()
        _fail(error.message)
    click.echo(f"API token for {user.email} (shown once; store it safely):")
    click.echo(plain)


def _timestamp() -> str:
    from community.database import utcnow

    return utcnow().strftime("%Y-%m-%d %H:%M:%S")


@people_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_people_command(file: Path):
    """Import people from a CSV file (name, email, department, location, roles, tags)."""
    from community.accounts.importing import import_people

    try:
        report = import_people(file.read_bytes())
        unit_of_work.commit()
        if report.created + report.updated >= BULK_ROWS:
            gather_statistics(db.engine)
    except DomainError as error:
        unit_of_work.rollback()
        _fail(error.message)
    for line, reason in report.errors:
        click.echo(f"line {line}: {reason}", err=True)
    click.echo(
        f"Imported: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.errors)} rejected."
    )
    if report.errors:
        sys.exit(2)


@click.command("demo")
@with_appcontext
@click.option("--people", default=300, show_default=True, type=click.IntRange(20, 200_000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="Do nothing when people exist already (used by make run).")
def demo_command(people: int, seed: int, if_empty: bool):
    """Create a realistic demo organisation (deterministic for a seed)."""
    from community import demo

    if demo.has_people():
        if if_empty:
            click.echo("Demo data not loaded: the database has people already.")
            return
        _fail("the database has people already; demo data goes into an empty database.")
    summary = demo.build(people=people, seed=seed)
    unit_of_work.commit()
    gather_statistics(db.engine)
    click.echo(json.dumps(summary, indent=2))


@click.command("setup")
@with_appcontext
def setup_command():
    """Load the built-in topic taxonomy and the starter community categories (safe to repeat)."""
    from community.discussions.categories import seed_categories
    from community.expertise.services import seed_taxonomy

    topics = seed_taxonomy()
    categories = seed_categories()
    unit_of_work.commit()
    click.echo(f"{topics} topics and {categories} community categories added.")


privacy_cli = AppGroup("privacy", help="Data protection: retention and erasure.")


@privacy_cli.command("retention")
@click.option("--months", type=int, default=None, help="Override RETENTION_MONTHS.")
def retention_command(months):
    """Delete private notes, interaction traces and logs older than the retention period."""
    from community.privacy.services import run_retention

    try:
        removed = run_retention(months)
        unit_of_work.commit()
    except DomainError as error:
        unit_of_work.rollback()
        _fail(error.message)
    click.echo("Removed: " + ", ".join(f"{key} {value}" for key, value in sorted(removed.items())))


@privacy_cli.command("erase")
@click.argument("email")
def erase_command(email):
    """Erase a leaver's account (as the system; recorded in the audit trail)."""
    from community.accounts.services import user_by_email
    from community.privacy.services import erase_as_system

    try:
        user = user_by_email(email)
        erase_as_system(user)
        unit_of_work.commit()
    except DomainError as error:
        unit_of_work.rollback()
        _fail(error.message)
    click.echo(f"Erased account {user.id}.")


secrets_cli = AppGroup("secrets", help="Secrets stored in the database (encrypted at rest).")


@secrets_cli.command("reencrypt")
def secrets_reencrypt_command():
    """Encrypt every stored secret again under the current SECRET_KEY (after moving the old key
    to SECRET_KEY_FALLBACKS), and encrypt any stored before encryption."""
    from community.secrets_at_rest import reencrypt_all

    count = reencrypt_all()
    unit_of_work.commit()
    click.echo(f"Encrypted {count} stored secrets under the current key.")


tasks_cli = AppGroup("tasks", help="The task queue: periodic work, the embedded worker, the outbox.")


@tasks_cli.command("worker")
@click.option("--tick", default=5.0, show_default=True, help="Seconds between looks at the schedule.")
def tasks_worker_command(tick: float):
    """Without Redis: run the periodic tasks (reminders, digests, retries, retention, the nightly
    snapshot) on their schedule in this process. With REDIS_URL use `make worker` (Celery)."""
    from community import tasks

    click.echo("Embedded worker: periodic tasks run in this process (Ctrl-C stops).")
    try:
        tasks.embedded_worker(tick=tick)
    except KeyboardInterrupt:
        click.echo("Stopped.")


@tasks_cli.command("periodic")
def tasks_periodic_command():
    """Run every periodic task once now (each does only what is due; e.g. from cron)."""
    from community import tasks

    for name in tasks.run_periodic_once():
        click.echo(f"ran {name}")


@tasks_cli.command("list")
def tasks_list_command():
    """The registered tasks and the periodic schedule."""
    from community import tasks

    every = {p.task: p.every for p in tasks._periodic()}
    for name in sorted(tasks.registered()):
        click.echo(f"{name}" + (f"  every {int(every[name])} s" if name in every else ""))


def init_app(app: Flask) -> None:
    from community.network.cli import network_cli
    from community.scim.cli import scim_cli

    for command in (users_cli, tokens_cli, people_cli, demo_command, setup_command, privacy_cli, network_cli,
                    scim_cli, tasks_cli, secrets_cli):
        app.cli.add_command(command)
