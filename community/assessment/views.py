"""Self-assessment pages. Thin: load the organisation for the viewer, check access, call the
service, render or redirect."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community.assessment import service
from community.assessment.charts import principle_bars
from community.assessment.models import MIN_PARENTS
from community.assessment.statements import LEVEL_LABELS, PRINCIPLES, STATEMENTS
from community.errors import RuleError
from community.forms import EmptyForm, flash_error
from community.i18n import gettext as _
from community.voice.access import get_organisation_place

bp = Blueprint("assessment", __name__)


def register_template_helpers(app):
    """The words for each level."""
    app.jinja_env.globals["level_words"] = LEVEL_LABELS


def _level(raw):
    return int(raw) if isinstance(raw, str) and raw in ("0", "1", "2", "3") else None


def _year():
    raw = request.args.get("year", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 else date.today().year


@bp.route("/orgs/<slug>/self-assessment")
def overview(slug):
    organisation, access = get_organisation_place(current_user, slug)
    rounds = service.rounds_of(organisation)
    year = _year()
    assessment = next((r for r in rounds if r.year == year), None)
    if assessment is None and request.args.get("year"):
        abort(404)
    sees_comparison = assessment is not None and (
        access.can_answer or access.is_admin or service.has_rated(current_user, assessment)
    )
    return render_template(
        "assessment/overview.html",
        organisation=organisation,
        access=access,
        rounds=rounds,
        assessment=assessment,
        this_year=date.today().year,
        rows=service.comparison(assessment) if sees_comparison else [],
        chart=principle_bars(service.by_principle(assessment)) if sees_comparison else "",
        shows_parents=assessment is not None and assessment.parent_count >= MIN_PARENTS,
        has_rated=assessment is not None and service.has_rated(current_user, assessment),
        min_parents=MIN_PARENTS,
        form=EmptyForm(),
    )


@bp.post("/orgs/<slug>/self-assessment/start")
def start(slug):
    organisation, access = get_organisation_place(current_user, slug, need="answer")
    if EmptyForm().validate_on_submit():
        try:
            service.open_round(current_user, organisation)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("This year's self-assessment is open. Rate each statement; parents can rate them too."), "success")
    return redirect(url_for("assessment.overview", slug=slug))


def _this_year_or_back(organisation, slug):
    assessment = service.round_for(organisation, date.today().year)
    if assessment is None:
        flash(_("This year's self-assessment is not open yet."), "error")
    return assessment


@bp.route("/orgs/<slug>/self-assessment/rate", methods=["GET", "POST"])
def rate(slug):
    organisation, access = get_organisation_place(current_user, slug, need="answer")
    assessment = _this_year_or_back(organisation, slug)
    if assessment is None:
        return redirect(url_for("assessment.overview", slug=slug))
    form = EmptyForm()
    if form.validate_on_submit():
        ratings = {
            key: (_level(request.form.get(f"level-{key}")), request.form.get(f"evidence-{key}", ""))
            for key in (s[0] for s in STATEMENTS)
        }
        try:
            service.rate_as_organisation(current_user, assessment, ratings)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("The organisation's ratings are saved."), "success")
            return redirect(url_for("assessment.overview", slug=slug))
    return render_template(
        "assessment/rate.html",
        organisation=organisation,
        assessment=assessment,
        ratings=service.organisation_ratings(assessment),
        statements=STATEMENTS,
        principles=PRINCIPLES,
        levels=LEVEL_LABELS,
        form=form,
        as_parent=False,
    )


@bp.route("/orgs/<slug>/self-assessment/parents", methods=["GET", "POST"])
def parents(slug):
    organisation, access = get_organisation_place(current_user, slug, need="suggest")
    if access.can_answer:
        abort(403)  # the organisation's own people rate as the organisation
    assessment = _this_year_or_back(organisation, slug)
    if assessment is None:
        return redirect(url_for("assessment.overview", slug=slug))
    if service.has_rated(current_user, assessment):
        flash(_("You have already rated this year. Thank you!"), "success")
        return redirect(url_for("assessment.overview", slug=slug))
    form = EmptyForm()
    typed = {}
    if form.validate_on_submit():
        typed = {key: _level(request.form.get(f"level-{key}")) for key in (s[0] for s in STATEMENTS)}
        try:
            service.rate_as_parent(current_user, assessment, typed)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Thank you! Your ratings are saved, without your name."), "success")
            return redirect(url_for("assessment.overview", slug=slug))
    return render_template(
        "assessment/rate.html",
        organisation=organisation,
        assessment=assessment,
        ratings={},
        typed=typed,
        statements=STATEMENTS,
        principles=PRINCIPLES,
        levels=LEVEL_LABELS,
        form=form,
        as_parent=True,
    )
