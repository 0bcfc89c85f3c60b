"""Pulse survey pages. Thin: load the organisation, group or survey for the viewer, check
access, call the service, render or redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from community.errors import RuleError
from community.extensions import db, limiter
from community.forms import EmptyForm, flash_error, page_number, show_error
from community.groups.access import get_group_for, note_admin_read
from community.groups.models import Group
from community.i18n import gettext as _
from community.security import account_key, succeeded
from community.surveys import forms, service
from community.surveys.models import TEXT, Survey
from community.voice.access import get_organisation_place

bp = Blueprint("surveys", __name__)


@bp.route("/orgs/<slug>/surveys/")
def organisation(slug):
    organisation, access = get_organisation_place(current_user, slug)
    manages = access.can_answer
    return render_template(
        "surveys/list.html",
        organisation=organisation,
        group=None,
        manages=manages,
        surveys=service.for_organisation(organisation, page_number()) if manages or access.is_admin else None,
        mine=service.for_parent(current_user, organisation) if access.is_parent else [],
    )


@bp.route("/groups/<slug>/surveys/")
def group(slug):
    """The group's parents see the surveys sent to it; its leaders, the specialists of its
    organisation and admins see what the leaders sent. Everyone else: 404."""
    group, access = get_group_for(current_user, slug, need="public")
    if not (access.can_view or access.supports):
        abort(404)
    note_admin_read(access)
    is_parent = access.is_member and not access.is_specialist and not access.is_archived
    sees_sent = access.is_leader or access.supports or access.is_admin
    return render_template(
        "surveys/list.html",
        organisation=group.organisation,
        group=group,
        manages=access.can_manage,
        surveys=service.for_group(group, page_number()) if sees_sent else None,
        mine=service.for_parent(current_user, group=group) if is_parent else [],
    )


@bp.route("/orgs/<slug>/surveys/new", methods=["GET", "POST"])
@limiter.limit("20 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def new(slug):
    organisation, access = get_organisation_place(current_user, slug, need="answer")
    form = forms.SurveyForm()
    form.groups.choices = [
        SelectChoice(g.id, f"{g.name} · {g.city}")
        for g in db.session.scalars(
            select(Group)
            .where(Group.organisation_id == organisation.id, Group.archived_at.is_(None))
            .order_by(Group.name)
        )
    ]
    return _new(form, organisation=organisation)


@bp.route("/groups/<slug>/surveys/new", methods=["GET", "POST"])
@limiter.limit("20 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def new_for_group(slug):
    group, access = get_group_for(current_user, slug, need="manage")
    form = forms.SurveyForm()
    del form.groups  # the group's own parents, nobody else
    return _new(form, group=group)


def _new(form, organisation=None, group=None):
    if form.validate_on_submit():
        try:
            if group is not None:
                survey = service.send_group_survey(
                    current_user,
                    group,
                    form.title.data,
                    form.intro.data,
                    form.questions(),
                    form.repeat.data,
                    form.open_days.data,
                )
            else:
                survey = service.send_survey(
                    current_user,
                    organisation,
                    form.title.data,
                    form.intro.data,
                    form.questions(),
                    form.groups.data,
                    form.repeat.data,
                    form.open_days.data,
                )
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("The survey is sent. Results show once five people have answered."), "success")
            return redirect(url_for("surveys.detail", survey_id=survey.id))
    return render_template("surveys/new.html", organisation=organisation, group=group, form=form)


def _survey_for(survey_id, manage=False):
    """The survey, for the people who oversee it (its organisation's specialists; for a
    group's survey its leaders too), admins (to read) and the people it is for; 404 for
    everyone else, 403 for those who see it and ask to manage it without the right."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    manages = service.manages(current_user, survey)
    oversees = manages or service.oversees(current_user, survey)
    is_for = service.is_for(current_user, survey)
    if not (oversees or is_for or current_user.is_admin):
        abort(404)
    if manage and not manages:
        abort(403)
    return survey, manages, oversees, is_for


def _answers_from(form_data, survey):
    """The answers as typed: a number for scale and choice questions (or nothing), text as is."""
    answers = {}
    for question in survey.questions:
        raw = form_data.get(f"q{question.id}", "")
        if question.kind == TEXT:
            answers[question.id] = raw
        elif raw:
            answers[question.id] = int(raw) if raw.isdigit() and len(raw) < 3 else -1
    return answers


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@limiter.limit("30 per hour", key_func=account_key, methods=["POST"])
def detail(survey_id):
    survey, manages, oversees, is_for = _survey_for(survey_id)
    answered = service.has_answered(current_user, survey)
    error = None
    if request.method == "POST":
        if not is_for:
            abort(403)
        if EmptyForm().validate_on_submit():
            try:
                service.answer_survey(current_user, survey, _answers_from(request.form, survey))
            except RuleError as refused:
                db.session.rollback()
                error = refused
            else:
                flash(_("Thank you! Your answers are saved, without your name."), "success")
                return redirect(url_for("surveys.detail", survey_id=survey.id))
    return render_template(
        "surveys/detail.html",
        survey=survey,
        manages=manages,
        oversees=oversees,
        can_answer=is_for and not answered and survey.is_open,
        answered=answered,
        error=error,
        typed=request.form if error else {},
        form=EmptyForm(),
        results=service.results(survey)
        if (oversees or answered or current_user.is_admin or not survey.is_open)
        else None,
        trend=service.trend(survey) if oversees or current_user.is_admin else [],
        groups=service.groups_of(survey),
    )


@bp.route("/surveys/<int:survey_id>/<any(close, stop):action>", methods=["GET", "POST"])
def close(survey_id, action):
    survey, _manages, _oversees, _is_for = _survey_for(survey_id, manage=True)
    back = url_for("surveys.detail", survey_id=survey.id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            if action == "close":
                service.close_survey(current_user, survey)
                flash(_("The survey is closed."), "success")
            else:
                service.stop_repeating(current_user, survey)
                flash(_("No more rounds will be sent. The rounds so far keep their results."), "success")
        except RuleError as error:
            flash_error(error)
        return redirect(back)
    if action == "close":
        title = _("Close “%(title)s”?", title=survey.title)
        text = _("Nobody can answer after this. The answers given so far stay.")
        button = _("Close the survey")
    else:
        title = _("Stop repeating “%(title)s”?", title=survey.title)
        text = _("No new round will be sent each quarter. The rounds so far keep their results.")
        button = _("Stop repeating")
    return render_template("groups/confirm.html", back_url=back, form=form, title=title, text=text, button=button)


def register_template_helpers(app):
    """The words for each kind of question and repeat, and the trend chart."""
    from community.health.charts import line_chart

    app.jinja_env.globals.update(
        survey_kind_labels=forms.KIND_LABELS,
        survey_repeat_labels=forms.REPEAT_LABELS,
        survey_line_chart=line_chart,
    )
