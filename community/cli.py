"""Command-line verbs: `flask --app wsgi <command>`. Each command is one unit of work:
it commits once when it succeeds, then the jobs it registered run."""

import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from community import demo
from community.auth import service as accounts
from community.jobs import unit_of_work


def register(app):
    for command in (
        snapshot_health,
        nudge_help,
        send_reminders,
        create_admin,
        seed_demo,
        send_outbox,
        purge_outbox,
        worker,
    ):
        app.cli.add_command(command)


@click.command("create-admin")
@click.option("--email", prompt=True, help="The admin's email (login).")
@click.option("--name", prompt="Display name", default="Admin", help="Shown to people.")
@click.password_option(help="At least 8 characters.")
@with_appcontext
@unit_of_work
def create_admin(email, name, password):
    """Create an admin account, or make an existing account an admin."""
    from community.auth.forms import MIN_PASSWORD

    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"at least {MIN_PASSWORD} characters", param_hint="password")
    user = accounts.create_admin(email, name, password)
    click.echo(f"Admin ready: {user.email}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database holds data.")
@with_appcontext
@unit_of_work
def seed_demo(if_empty):
    """Fill an empty database with the demo community and print its logins."""
    try:
        emails = demo.seed_demo(current_app.config)
    except demo.DemoRefused:
        if if_empty:
            click.echo("The database already holds data: the demo is not seeded again.")
            return
        raise click.ClickException(
            "The database already holds data; the demo is seeded only into an empty one."
        ) from None
    from community.health.service import backfill

    backfill()
    click.echo(f"Demo ready. Log in with any of these (password: {demo.DEMO_PASSWORD}):")
    for email in emails:
        click.echo(f"  {email}")


@click.command("send-outbox")
@click.option("--limit", default=200, show_default=True, help="At most this many emails per run.")
@with_appcontext
@unit_of_work
def send_outbox(limit):
    """Deliver pending emails and retry failed ones (safe to run from cron)."""
    from community.email import deliver_pending

    sent, failed = deliver_pending(limit=limit)
    click.echo(f"sent {sent}, failed {failed}")


@click.command("purge-outbox")
@with_appcontext
@unit_of_work
def purge_outbox():
    """Delete copies of emails sent over 7 days ago, and of failed ones after 30 (safe to run from cron)."""
    from community.email import purge_delivered

    click.echo(f"deleted {purge_delivered()} old emails")


@click.command("send-reminders")
@with_appcontext
@unit_of_work
def send_reminders():
    """Email people going to events that start within 24 hours, once (safe to run from cron)."""
    from community.events.reminders import send_reminders as send

    click.echo(f"reminders queued: {send()}")


@click.command("nudge-help")
@with_appcontext
@unit_of_work
def nudge_help():
    """Flag unanswered needs to leaders, ask about old requests, close very old ones (cron-safe)."""
    from community.mutual_help.nudges import nudge

    flagged, asked, closed = nudge()
    click.echo(f"flagged to leaders: {flagged}, authors asked: {asked}, closed: {closed}")


@click.command("snapshot-health")
@click.option("--backfill", is_flag=True, help="Compute the past twelve months from existing data.")
@with_appcontext
@unit_of_work
def snapshot_health(backfill):
    """Store each group's monthly health snapshot (idempotent; safe to run from cron)."""
    from community.health import service

    stored = service.backfill() if backfill else service.snapshot_latest()
    click.echo(f"snapshots stored: {stored}")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued and due now, then stop.")
@click.option("--no-scheduler", is_flag=True, help="Only drain the queue; another worker runs the schedule.")
@with_appcontext
def worker(burst, no_scheduler):
    """Drain the job queue (RQ on REDIS_URL) and run the periodic jobs of the schedule.
    Without REDIS_URL, the periodic jobs run in this process."""
    from community import scheduler
    from community.jobs import enqueue_now, get_queue, redis_connection

    app = current_app._get_current_object()
    connection = redis_connection(app)
    stop = threading.Event()
    if connection is None:
        click.echo("No REDIS_URL: running the schedule in this process.")
        if burst:
            scheduler.tick()
            return
        scheduler.run_forever(app, stop)
        return
    from rq import SimpleWorker

    # Whatever a stopped worker left in the outbox goes out first.
    enqueue_now("email.deliver_due")
    if not no_scheduler and not burst:
        threading.Thread(target=scheduler.run_forever, args=(app, stop), name="scheduler", daemon=True).start()
    elif not no_scheduler:
        scheduler.tick()
    try:
        SimpleWorker([get_queue(app)], connection=connection).work(burst=burst, logging_level="INFO")
    finally:
        stop.set()
