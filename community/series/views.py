"""Pages of regular meetings. Thin: load, check access, call the service, render."""

import click
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from community.errors import RuleError
from community.events import ics
from community.events.access import get_event_for
from community.extensions import limiter
from community.forms import EmptyForm, show_error
from community.groups.access import access_for, get_group_for, note_admin_read
from community.i18n import gettext as _
from community.jobs import unit_of_work
from community.models import utcnow
from community.security import account_key, succeeded
from community.series import rules, service
from community.series.forms import SeriesForm
from community.series.models import SeriesStatus
from community.urls import external_url

bp = Blueprint("series", __name__)
bp.add_app_template_global(SeriesStatus, "SeriesStatus")


@bp.app_template_global()
def series_rule(series):
    """The rule in the viewer's words, for templates (event pages, the group page)."""
    return rules.describe(series)


@bp.app_template_global()
def meeting_is_coming(event):
    """A meeting that has not started: its series can still be changed from it on."""
    return event.starts_at > utcnow()


def get_series_for(user, series_id, need="view"):
    """Load a series and check the viewer may `need` it (as for its group's events)."""
    series = service.get_series(series_id)
    if series is None:
        abort(404)
    access = access_for(user, series.group)
    if not access.can_view:
        abort(404)
    if need != "view" and not getattr(access, f"can_{need}"):
        abort(403)
    note_admin_read(access, series=series.id)
    return series, access


def get_meeting_for(user, event_id):
    """A coming meeting of a series, for a leader who may change the series."""
    event, access = get_event_for(user, event_id)
    if event.series_id is None:
        abort(404)
    if not access.group.can_organise_events:
        abort(403)
    return event, service.get_series(event.series_id)


@bp.route("/groups/<slug>/series/new", methods=["GET", "POST"])
@limiter.limit("20 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def create(slug):
    group, access = get_group_for(current_user, slug, need="organise_events")
    form = SeriesForm()
    if form.validate_on_submit():
        try:
            series = service.create_series(current_user, group, form.values())
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("The regular meeting is planned. Its meetings for the next three months are published."), "success")
            return redirect(url_for("series.detail", series_id=series.id))
    return render_template("series/form.html", form=form, group=group, event=None)


@bp.route("/series/<int:series_id>")
def detail(series_id):
    series, access = get_series_for(current_user, series_id)
    return render_template(
        "series/detail.html",
        series=series,
        group=series.group,
        access=access,
        upcoming=service.meetings(series),
        past=service.meetings(series, upcoming=False),
    )


@bp.route("/series/<int:series_id>.ics")
def ics_file(series_id):
    series, access = get_series_for(current_user, series_id)
    body = ics.series_calendar(
        series,
        service.meetings(series, upcoming=False, limit=50)[::-1] + service.meetings(series, limit=200),
        lambda event: external_url("events.detail", event_id=event.id),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f"attachment; filename=krug-series-{series.id}.ics"},
    )


@bp.route("/events/<int:event_id>/following/edit", methods=["GET", "POST"])
def edit_following(event_id):
    event, series = get_meeting_for(current_user, event_id)
    form = SeriesForm()
    if request.method == "GET":
        form.fill(service.values_for(series, event))
    if form.validate_on_submit():
        try:
            service.edit_following(current_user, event, form.values())
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Saved for this and the following meetings. Registered people are told of any change."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("series/form.html", form=form, group=series.group, event=event, series=series)


@bp.route("/events/<int:event_id>/following/end", methods=["GET", "POST"])
def end_following(event_id):
    event, series = get_meeting_for(current_user, event_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            count = service.end_following(current_user, event)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(
                ngettext(
                    "The regular meeting ends. %(num)d coming meeting is cancelled; registered people are told.",
                    "The regular meeting ends. %(num)d coming meetings are cancelled; registered people are told.",
                    count,
                ),
                "success",
            )
            return redirect(url_for("series.detail", series_id=series.id))
    return render_template("series/end.html", form=form, event=event, series=series, group=series.group)


@bp.cli.command("generate")
@unit_of_work
def generate_command():
    """`flask --app wsgi series generate`: the scheduled job by hand or from cron (idempotent)."""
    click.echo(f"meetings created: {service.generate_all()}")
