"""Health pages: a group's, an organisation's dashboard, the CSV exports, "How we measure"."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from community.errors import RuleError
from community.forms import EmptyForm, flash_error, show_error
from community.groups.access import get_group_for
from community.groups.service import active_members
from community.health import forms, pages, service, texts
from community.health.verdict import STAGES, THRESHOLDS
from community.i18n import gettext as _
from community.mutual_help.service import unanswered_needs
from community.orgs.service import get_organisation, is_specialist_of
from community.security import public

bp = Blueprint("health", __name__)
SORTS = ("stage", "name", "active", "answers")


@bp.route("/groups/<slug>/health")
def group(slug):
    group, access = get_group_for(current_user, slug, need="see_health")
    return render_template(
        "health/group.html",
        group=group,
        access=access,
        page=pages.group_page(group, access),
        texts=texts,
        unanswered=unanswered_needs(group) if access.can_record_health else [],
        break_form=forms.BreakForm(formdata=None),
    )


def _csv_response(filename, rows, hide_small):
    return Response(
        stream_with_context(pages.csv_lines(rows, hide_small)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.route("/groups/<slug>/health.csv")
def group_csv(slug):
    group, access = get_group_for(current_user, slug, need="see_health")
    group_id = group.id
    return _csv_response(f"krug-health-{group.slug}.csv", lambda: service.csv_rows([group_id]), access.sees_totals_only)


@bp.post("/groups/<slug>/health/breaks")
def add_break(slug):
    group, _access = get_group_for(current_user, slug, need="record_health")
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
    group, _access = get_group_for(current_user, slug, need="record_health")
    if EmptyForm().validate_on_submit():
        try:
            service.delete_break(current_user, group, break_id)
        except RuleError as error:
            flash_error(error)
    return redirect(url_for("health.group", slug=slug, _anchor="breaks"))


@bp.route("/groups/<slug>/health/meetings/new", methods=["GET", "POST"])
def record_meeting(slug):
    group, _access = get_group_for(current_user, slug, need="record_health")
    form = forms.OfflineMeetingForm()
    form.attendees.choices = [(m.user_id, m.user.display_name) for m in active_members(group) if m.role != "specialist"]
    if form.validate_on_submit():
        try:
            service.record_offline_meeting(current_user, group, form.title.data, form.day.data, form.attendees.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("The meeting is recorded. Thank you!"), "success")
            return redirect(url_for("health.group", slug=slug))
    return render_template("health/record_meeting.html", group=group, form=form)


def _organisation_for(slug):
    """Admins and the organisation's specialists; 404 for everyone else."""
    organisation = get_organisation(slug)
    if organisation is None or not (current_user.is_admin or is_specialist_of(current_user, organisation)):
        abort(404)
    return organisation


@bp.route("/orgs/<slug>/health")
def organisation(slug):
    organisation = _organisation_for(slug)
    stage = request.args.get("stage") if request.args.get("stage") in STAGES else None
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "stage"
    page = request.args.get("page", 1, type=int) or 1
    return render_template(
        "health/organisation.html",
        organisation=organisation,
        board=pages.dashboard(organisation, stage, sort, page),
        stage_filter=stage,
        sort=sort,
        texts=texts,
    )


@bp.route("/orgs/<slug>/health.csv")
def organisation_csv(slug):
    organisation = _organisation_for(slug)
    organisation_id = organisation.id
    return _csv_response(
        f"krug-health-{organisation.slug}.csv",
        lambda: service.csv_rows(service.organisation_group_ids(organisation_id)),
        hide_small=True,
    )


@bp.route("/health/how")
@public
def how():
    return render_template("health/how.html", texts=texts, t=THRESHOLDS)
