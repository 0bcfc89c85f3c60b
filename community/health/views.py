"""Health pages: a group's, an organisation's dashboard, the CSV exports, "How we measure"."""

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from community.errors import RuleError
from community.extensions import db
from community.forms import EmptyForm, flash_error, show_error
from community.groups.access import access_for
from community.groups.models import Group
from community.groups.service import active_members
from community.health import charts, forms, service, texts
from community.health.verdict import STAGES, THRESHOLDS, ratio
from community.mutual_help.service import unanswered_needs
from community.orgs.models import Organisation, Specialist
from community.security import public

bp = Blueprint("health", __name__)


def _is_org_specialist(user, organisation_id):
    if not user.is_authenticated or organisation_id is None:
        return False
    return (
        db.session.scalar(
            select(Specialist.id).where(Specialist.user_id == user.id, Specialist.organisation_id == organisation_id)
        )
        is not None
    )


def _group_for(slug):
    """Members, leaders, the linked organisation's specialists (and admins, who reach it
    from the organisation dashboard); 404 for everyone else."""
    group = db.session.scalar(select(Group).where(Group.slug == slug))
    if group is None:
        abort(404)
    access = access_for(current_user, group)
    if not (access.is_member or current_user.is_admin or _is_org_specialist(current_user, group.organisation_id)):
        abort(404)
    return group, access


def _series(history):
    return {key: [read(s.values) for s in history] for key, read in texts.KEY_SERIES.items()}


@bp.route("/groups/<slug>/health")
def group(slug):
    group, access = _group_for(slug)
    health = service.group_health(group)
    series = _series(health["history"])
    # Specialists and admins see aggregates only: counts under 5 are not spelled out.
    hide_small = not access.is_member or access.is_specialist
    return render_template(
        "health/group.html",
        group=group,
        access=access,
        health=health,
        series=series,
        texts=texts,
        described=texts.describe(health["values"], hide_small),
        charts=charts,
        hide_small=hide_small,
        unanswered=unanswered_needs(group) if access.is_leader else [],
        breaks=service.group_breaks(group),
        break_form=forms.BreakForm(formdata=None),
    )


@bp.route("/groups/<slug>/health.csv")
def group_csv(slug):
    group, access = _group_for(slug)
    return _csv(f"krug-health-{group.slug}.csv", [(group, service.history(group))])


def _cell(value):
    """Spreadsheet-safe text: a cell starting with = + - @ would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(filename, groups_with_history):
    out = io.StringIO()
    writer = csv.writer(out)
    keys = list(texts.KEY_SERIES)
    writer.writerow(["group", "month", "stage", "members", *keys])
    for group, history in groups_with_history:
        for snapshot in history:
            values = snapshot.values
            row = [texts.KEY_SERIES[k](values) for k in keys]
            writer.writerow([_cell(group.name), snapshot.period.isoformat(), snapshot.stage, values["members"], *row])
    return Response(
        out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={filename}"}
    )


@bp.post("/groups/<slug>/health/breaks")
def add_break(slug):
    group, access = _group_for(slug)
    if not access.is_leader:
        abort(403)
    form = forms.BreakForm()
    if form.validate_on_submit():
        try:
            service.declare_break(current_user, group, form.starts_on.data, form.ends_on.data, form.reason.data or "")
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("The break is saved. Days without meetings during it do not count against the group."), "success")
    else:
        flash(_("Please give both dates of the break."), "error")
    return redirect(url_for("health.group", slug=slug, _anchor="breaks"))


@bp.post("/groups/<slug>/health/breaks/<int:break_id>/delete")
def delete_break(slug, break_id):
    group, access = _group_for(slug)
    if not access.is_leader:
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            service.delete_break(current_user, group, break_id)
        except RuleError as error:
            flash_error(error)
    return redirect(url_for("health.group", slug=slug, _anchor="breaks"))


@bp.route("/groups/<slug>/health/meetings/new", methods=["GET", "POST"])
def record_meeting(slug):
    group, access = _group_for(slug)
    if not access.is_leader:
        abort(403)
    form = forms.OfflineMeetingForm()
    form.attendees.choices = [(m.user_id, m.user.display_name) for m in active_members(group) if m.role != "specialist"]
    if form.validate_on_submit():
        try:
            service.record_offline_meeting(current_user, group, form.title.data, form.day.data, form.attendees.data)
        except RuleError as error:
            show_error(form, error, field="day")
        else:
            flash(_("The meeting is recorded. Thank you!"), "success")
            return redirect(url_for("health.group", slug=slug))
    return render_template("health/record_meeting.html", group=group, form=form)


def _organisation_for(slug):
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        abort(404)
    if not (current_user.is_admin or _is_org_specialist(current_user, organisation.id)):
        abort(404)
    return organisation


SORTS = {
    "name": lambda row: row["group"].name.lower(),
    "stage": lambda row: STAGES.index(row["stage"]) if row["stage"] in STAGES else 99,
    "active": lambda row: -(row["values"].get("A1") or 0),
    "answers": lambda row: -(ratio(row["values"].get("P1", (0, 0))) or 0),
}


@bp.route("/orgs/<slug>/health")
def organisation(slug):
    organisation = _organisation_for(slug)
    stage_filter = request.args.get("stage") if request.args.get("stage") in STAGES else None
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "stage"
    rows = []
    counts = dict.fromkeys(STAGES, 0)
    for group, history in service.organisation_health(organisation):
        latest = history[-1] if history else None
        stage = latest.stage if latest else None
        if stage:
            counts[stage] += 1
        if stage_filter and stage != stage_filter:
            continue
        values = latest.values if latest else {}
        rows.append(
            {
                "group": group,
                "stage": stage,
                "values": values,
                "history": history,
                "described": texts.describe(values, hide_small=True) if values else {},
                "trend": [s.values["A1"] for s in history],
                "reasons": [
                    texts.reason_text(code, numbers, hide_small=True)
                    for code, numbers in (texts.shown_reasons(latest) if latest else [])
                ][:2],
            }
        )
    rows.sort(key=SORTS[sort])
    if sort == "stage":
        rows.sort(key=lambda row: 0 if row["stage"] == "at_risk" else 1)
    return render_template(
        "health/organisation.html",
        organisation=organisation,
        rows=rows,
        counts=counts,
        stage_filter=stage_filter,
        sort=sort,
        texts=texts,
        charts=charts,
    )


@bp.route("/orgs/<slug>/health.csv")
def organisation_csv(slug):
    organisation = _organisation_for(slug)
    return _csv(f"krug-health-{organisation.slug}.csv", service.organisation_health(organisation))


@bp.route("/health/how")
@public
def how():
    return render_template("health/how.html", texts=texts, thresholds=THRESHOLDS)
