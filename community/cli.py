"""Command-line verbs: `flask --app wsgi <command>`."""

import click
from flask import current_app
from flask.cli import with_appcontext

from community import demo
from community.auth import service as accounts
from community.email import deliver_pending


def register(app):
    app.cli.add_command(snapshot_health)
    app.cli.add_command(nudge_help)
    app.cli.add_command(send_reminders)
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(send_outbox)


def _request_context():
    """Links in emails need a host: use SERVER_URL outside a real request."""
    return current_app.test_request_context(base_url=current_app.config["SERVER_URL"])


@click.command("create-admin")
@click.option("--email", prompt=True, help="The admin's email (login).")
@click.option("--name", prompt="Display name", default="Admin", help="Shown to people.")
@click.password_option(help="At least 8 characters.")
@with_appcontext
def create_admin(email, name, password):
    """Create an admin account, or make an existing account an admin."""
    from community.auth.forms import MIN_PASSWORD

    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"at least {MIN_PASSWORD} characters", param_hint="password")
    with _request_context():
        user = accounts.create_admin(email, name, password)
    click.echo(f"Admin ready: {user.email}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database holds data.")
@with_appcontext
def seed_demo(if_empty):
    """Fill an empty database with the demo community and print its logins."""
    try:
        with _request_context():
            emails = demo.seed_demo(current_app.config)
            from community.health.service import backfill

            backfill()
    except demo.DemoRefused:
        if if_empty:
            click.echo("The database already holds data: the demo is not seeded again.")
            return
        raise click.ClickException(
            "The database already holds data; the demo is seeded only into an empty one."
        ) from None
    click.echo(f"Demo ready. Log in with any of these (password: {demo.DEMO_PASSWORD}):")
    for email in emails:
        click.echo(f"  {email}")


@click.command("send-outbox")
@click.option("--limit", default=200, show_default=True, help="At most this many emails per run.")
@with_appcontext
def send_outbox(limit):
    """Deliver pending emails and retry failed ones (safe to run from cron)."""
    with _request_context():
        sent, failed = deliver_pending(limit=limit)
    click.echo(f"sent {sent}, failed {failed}")


@click.command("send-reminders")
@with_appcontext
def send_reminders():
    """Email people going to events that start within 24 hours, once (safe to run from cron)."""
    from community.events.reminders import send_reminders as send

    with _request_context():
        sent = send()
        deliver_pending()
    click.echo(f"reminders queued: {sent}")


@click.command("nudge-help")
@with_appcontext
def nudge_help():
    """Flag unanswered needs to leaders, ask about old requests, close very old ones (cron-safe)."""
    from community.mutual_help.nudges import nudge

    with _request_context():
        flagged, asked, closed = nudge()
        deliver_pending()
    click.echo(f"flagged to leaders: {flagged}, authors asked: {asked}, closed: {closed}")


@click.command("snapshot-health")
@click.option("--backfill", is_flag=True, help="Compute the past twelve months from existing data.")
@with_appcontext
def snapshot_health(backfill):
    """Store each group's monthly health snapshot (idempotent; safe to run from cron)."""
    from community.health import service

    with _request_context():
        stored = service.backfill() if backfill else service.snapshot_latest()
    click.echo(f"snapshots stored: {stored}")
