"""Impact report pages. Thin: load the organisation, check the viewer is its specialist or an
admin, build the report, render it as a page, a CSV or a PDF; note unplanned results and mark
items of the organisation's groups as unexpected results (question 5)."""

from datetime import date

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from community.errors import RuleError, message_for
from community.forms import EmptyForm, show_error
from community.health.texts import STAGE_LABELS
from community.i18n import gettext as _
from community.report import charts, export, service
from community.report.forms import KIND_LABELS, UnexpectedForm, UnplannedForm
from community.report.models import UnexpectedKind
from community.security import safe_next
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
        "unexpected_kinds": KIND_LABELS,
        "unexpected_url": item_url,
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
    return _download(export.csv_text(service.build(organisation, period)), "text/csv", organisation, period, "csv")


@bp.route("/orgs/<slug>/report.pdf")
def pdf(slug):
    organisation = _organisation(slug)
    period, problem = _period()
    if problem:
        return Response(problem + "\n", status=400, mimetype="text/plain")
    if export.pdf_problem():
        return Response(_("PDF reports are off on this server.") + "\n", status=503, mimetype="text/plain")
    html = render_template("report/document.html", **_context(organisation, period))
    return _download(export.pdf_bytes(html), "application/pdf", organisation, period, "pdf")


def _download(body, mimetype, organisation, period, extension):
    """The report as a file named after the organisation and the period."""
    name = f"impact-{organisation.slug}-{period.first:%Y-%m}-{period.last:%Y-%m}.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


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


# --- items marked as unexpected results ----------------------------------------------------------------

KIND = "<any(suggestion, event, opportunity, decision):kind>"


def item_url(kind, item_id, group_slug=None):
    """The page of a marked item (a decision's is under its group)."""
    if kind == UnexpectedKind.SUGGESTION:
        return url_for("voice.detail", suggestion_id=item_id)
    if kind == UnexpectedKind.EVENT:
        return url_for("events.detail", event_id=item_id)
    if kind == UnexpectedKind.OPPORTUNITY:
        return url_for("involve.detail", opportunity_id=item_id)
    return url_for("posts.detail", slug=group_slug, post_id=item_id)


def _url_of(kind, item):
    return item_url(kind, item.id, item.group.slug if kind == UnexpectedKind.DECISION else None)


def _item_or_problem(organisation, kind, item_id):
    """The organisation's item, or (None, the page that says why it cannot be marked)."""
    try:
        return service.find_item(organisation, kind, item_id), None
    except RuleError as error:
        page = render_template(
            "report/unexpected.html", organisation=organisation, kind=kind, item=None, problem=message_for(error)
        )
        return None, (page, 404)


@bp.route(f"/orgs/<slug>/report/unexpected/{KIND}/<int:item_id>", methods=["GET", "POST"])
def mark(slug, kind, item_id):
    """The small form that marks an item as an unexpected result, or its mark when it has one."""
    organisation = _organisation(slug)
    item, problem = _item_or_problem(organisation, kind, item_id)
    if problem:
        return problem
    existing = service.mark_of(kind, item.id)
    form = UnexpectedForm()
    if request.method == "POST" and existing is not None:
        flash(message_for(RuleError("report.unexpected-already")), "error")
        return redirect(url_for("report.mark", slug=slug, kind=kind, item_id=item.id))
    if form.validate_on_submit():
        try:
            service.mark_unexpected(current_user, organisation, kind, item.id, form.note.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Marked as an unexpected result: it shows under question 5 of the impact report."), "success")
            return redirect(_url_of(kind, item))
    return render_template(
        "report/unexpected.html",
        organisation=organisation,
        kind=kind,
        item=item,
        item_url=_url_of(kind, item),
        item_day=service.item_day(kind, item),
        mark=existing,
        form=form,
        kind_label=KIND_LABELS[UnexpectedKind(kind)],
    ), (400 if request.method == "POST" else 200)


@bp.route(f"/orgs/<slug>/report/unexpected/{KIND}/<int:item_id>/unmark", methods=["GET", "POST"])
def unmark(slug, kind, item_id):
    """Take the mark off, after a confirmation; back to the item (or to the report)."""
    organisation = _organisation(slug)
    item, problem = _item_or_problem(organisation, kind, item_id)
    if problem:
        return problem
    back = safe_next(request.values.get("next"), _url_of(kind, item))
    form = EmptyForm()
    if form.validate_on_submit():
        if service.unmark_unexpected(organisation, kind, item.id):
            flash(_("The mark is removed: it no longer shows in the impact report."), "success")
        else:
            flash(_("This was not marked as an unexpected result."), "error")
        return redirect(back)
    return render_template(
        "groups/confirm.html",
        back_url=back,
        form=form,
        title=_("Remove the mark “unexpected result” from “%(title)s”?", title=item.title),
        text=_("It no longer shows under question 5 of the impact report. The item itself stays as it is."),
        button=_("Remove the mark"),
    )


def register_template_helpers(app):
    """`unexpected_panel(kind, item)`: for the organisation's specialists and admins, the item's
    mark and the links to mark or unmark it (None for everyone else, who never see marks)."""

    def unexpected_panel(kind, item):
        cache = g.setdefault("_unexpected_panels", {})
        key = (kind, item.id)
        if key not in cache:
            cache[key] = _panel(kind, item)
        return cache[key]

    app.jinja_env.globals.update(unexpected_panel=unexpected_panel, UnexpectedKind=UnexpectedKind)


def _panel(kind, item):
    kind = UnexpectedKind(kind)
    if not service.can_mark(current_user, kind, item) or not service.is_shown(kind, item):
        return None
    organisation = service.organisation_of(kind, item)
    args = {"slug": organisation.slug, "kind": str(kind), "item_id": item.id}
    return {
        "mark": service.mark_of(kind, item.id),
        "mark_url": url_for("report.mark", **args),
        "unmark_url": url_for("report.unmark", **args),
        "report_url": url_for("report.page", slug=organisation.slug, _anchor="q5"),
    }
