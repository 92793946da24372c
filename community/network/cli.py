"""`flask --app wsgi network …`: compute snapshots outside the web (the route for big organisations)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community import unit_of_work

network_cli = AppGroup("network", help="Network analysis of the mentor pool.")


@network_cli.command("analyze")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def analyze_command(as_json: bool) -> None:
    """Compute and store a snapshot of the network analysis, then print its summary."""
    from community.network import services

    snapshot = services.compute_snapshot(None, after_loading=unit_of_work.commit)
    unit_of_work.commit()
    if as_json:
        click.echo(services.summary_json(snapshot))
    else:
        for line in services.summary_lines(snapshot):
            click.echo(line)


@network_cli.command("run-jobs")
def run_jobs_command() -> None:
    """Run the analyses that were requested on the dashboard or API and wait in the queue."""
    from community.network import services

    jobs = services.run_queued_jobs()
    for job in jobs:
        outcome = f"snapshot {job.snapshot_id}" if job.status == "done" else f"{job.status}: {job.error or ''}"
        click.echo(f"job {job.id}: {outcome}")
    if not jobs:
        click.echo("No analysis is waiting.")
    if any(job.status == "failed" for job in jobs):
        raise SystemExit(1)


@network_cli.command("forget-jobs")
@click.option("--days", default=30, show_default=True, type=click.IntRange(0, 3650),
              help="Delete finished and failed background jobs older than this.")
def forget_jobs_command(days: int) -> None:
    """Delete old finished or failed analysis jobs (snapshots are kept)."""
    from community.network import services

    removed = services.forget_jobs(days)
    unit_of_work.commit()
    click.echo(f"Deleted {removed} analysis job(s).")
