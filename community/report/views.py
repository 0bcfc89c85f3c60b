"""Impact report pages. Thin: load the organisation, check the viewer is its specialist or an
admin, build the report, render it as a page, a CSV or a PDF."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.errors import RuleError
from community.forms import EmptyForm, show_error
from community.health.texts import STAGE_LABELS
from community.report import charts, export, service
from community.report.forms import UnplannedForm
from community.voice.access import get_organisation_place

bp = Blueprint("report", __name__)

PERIOD_ERRORS = {
    "format": lambda: _("Please give the months as YYYY-MM, for example 2025-01."),
    "order": lambda: _("The period ends before it starts: please swap the months."),
    "future": lambda: _("The period starts in the future: please choose months that have begun."),
    "long": lambda: _("A report covers at most five years: please choose a shorter period."),
}


def _organisation(slug):
    """The organisation, for its specialists and admins: 404 for people it does not concern,
    403 for its parents."""
    organisation, access = get_organisation_place(current_user, slug)
    if not (access.can_answer or access.is_admin):
        abort(403)
    return organisation


def _period():
    """The asked period, or (the default period, the message saying what was wrong)."""
    try:
        return service.parse_period(request.args.get("from", ""), request.args.get("to", "")), None
    except service.PeriodError as error:
        return service.default_period(), PERIOD_ERRORS.get(
            error.args[0] if error.args else "format", PERIOD_ERRORS["format"]
        )()


def _context(organisation, period):
    report = service.build(organisation, period)
    return {
        "organisation": organisation,
        "report": report,
        "questions": service.QUESTIONS,
        "feeds": service.FEEDS,
        "shown": export.shown,
        "level_label": export.level_label,
        "month_label": export.month_label,
        "stage_chart": charts.stage_bars(report.stages),
        "help_chart": charts.pair_bars(
            [m for m, _a, _b in report.help_months],
            [a for _m, a, _b in report.help_months],
            [b for _m, _a, b in report.help_months],
            _("Requests for help (green) and those answered by another parent (orange), month by month."),
        ),
        "survey_chart": charts.line_chart(
            [(s.created_at.date(), share if share is not None else "hidden", False) for s, _n, share in report.surveys],
            _("Answered 4 or 5 of 5"),
            share=True,
        ),
        "gap_chart": charts.principle_bars(report.gaps) if report.gaps else "",
        "stage_order": service.STAGE_ORDER,
        "stage_labels": STAGE_LABELS,
        "today": date.today(),
    }


def _args(period):
    return {"from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"}


@bp.route("/orgs/<slug>/report")
def page(slug):
    organisation = _organisation(slug)
    period, problem = _period()
    if problem:
        flash(problem, "error")
    return render_template(
        "report/page.html",
        **_context(organisation, period),
        period_args=_args(period),
        asked_from=request.args.get("from", f"{period.first:%Y-%m}")[:7],
        asked_to=request.args.get("to", f"{period.last:%Y-%m}")[:7],
        pdf_problem=export.pdf_problem(),
        form=UnplannedForm(),
        delete_form=EmptyForm(),
    ), (400 if problem else 200)


@bp.route("/orgs/<slug>/report.csv")
def csv(slug):
    organisation = _organisation(slug)
    period, problem = _period()
    if problem:
        return Response(problem + "\n", status=400, mimetype="text/plain")
    report = service.build(organisation, period)
    name = f"impact-{organisation.slug}-{period.first:%Y-%m}-{period.last:%Y-%m}.csv"
    return Response(
        export.csv_text(report),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/orgs/<slug>/report.pdf")
def pdf(slug):
    organisation = _organisation(slug)
    period, problem = _period()
    if problem:
        return Response(problem + "\n", status=400, mimetype="text/plain")
    if export.pdf_problem():
        return Response(_("PDF reports are off on this server.") + "\n", status=503, mimetype="text/plain")
    html = render_template("report/document.html", **_context(organisation, period))
    name = f"impact-{organisation.slug}-{period.first:%Y-%m}-{period.last:%Y-%m}.pdf"
    return Response(
        export.pdf_bytes(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/orgs/<slug>/report/unplanned")
def note(slug):
    organisation = _organisation(slug)
    form = UnplannedForm()
    period, _problem = _period()
    if form.validate_on_submit():
        try:
            service.note_unplanned(current_user, organisation, form.happened_on.data, form.text.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("The unplanned result is noted; it shows in every report that covers its date."), "success")
            return redirect(url_for("report.page", slug=slug, **_args(period)) + "#q5")
    return render_template(
        "report/page.html",
        **_context(organisation, period),
        period_args=_args(period),
        asked_from=f"{period.first:%Y-%m}",
        asked_to=f"{period.last:%Y-%m}",
        pdf_problem=export.pdf_problem(),
        form=form,
        delete_form=EmptyForm(),
    ), 400


@bp.post("/orgs/<slug>/report/unplanned/<int:note_id>/delete")
def delete(slug, note_id):
    organisation = _organisation(slug)
    period, _problem = _period()
    if EmptyForm().validate_on_submit():
        if not service.delete_unplanned(organisation, note_id):
            abort(404)
        flash(_("The note is removed."), "success")
    return redirect(url_for("report.page", slug=slug, **_args(period)) + "#q5")
