"""Reports, their decisions, the moderation record, blocking and suspending (blueprint
`safety`). Thin: load for the viewer, check access, call the service."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from community.errors import RuleError
from community.extensions import limiter
from community.forms import EmptyForm, flash_error, page_number, show_error
from community.groups.access import access_for, get_group_for
from community.i18n import gettext as _
from community.safety import forms, service
from community.safety.items import can_read, load_item, load_items
from community.safety.models import OPEN, ItemKind
from community.security import account_key, admin_required, safe_next

bp = Blueprint("safety", __name__)
KINDS = "any(" + ", ".join(ItemKind) + ")"


def _status():
    return OPEN if request.args.get("status") != "closed" else "closed"


@bp.route(f"/report/<{KINDS}:kind>/<int:item_id>", methods=["GET", "POST"])
@limiter.limit("30 per hour", key_func=account_key, methods=["POST"])
def report(kind, item_id):
    item = load_item(kind, item_id)
    if item is None or not can_read(current_user, item):
        abort(404)
    if item.author_id == current_user.id:
        flash_error(RuleError("safety.own-item"))
        return redirect(item.url)
    form = forms.ReportForm()
    if form.validate_on_submit():
        try:
            service.report_item(current_user, item, form.reason.data, form.note.data)
        except RuleError as error:
            if error.field:
                show_error(form, error)
            else:
                flash_error(error)
                return redirect(item.url)
        else:
            if kind == ItemKind.MESSAGE:
                flash(_("Thank you. The Krug admins will look at it soon."), "success")
            else:
                flash(_("Thank you. The leaders of the group will look at it soon."), "success")
            return redirect(item.url)
    return render_template("safety/report.html", form=form, item=item, kinds=forms.KIND_LABELS)


@bp.route("/groups/<slug>/reports")
def group_reports(slug):
    """The group's reports for its leaders: open ones to decide, and what was decided."""
    group, access = get_group_for(current_user, slug, need="moderate")
    status = _status()
    reports = service.group_reports(group, status, page_number())
    return render_template(
        "safety/group_reports.html",
        group=group,
        access=access,
        reports=reports,
        status=status,
        items=load_items((r.kind, r.item_id) for r in reports.items),
        **_labels(),
    )


@bp.route("/groups/<slug>/moderation")
def group_log(slug):
    """Every moderation step in the group, for its leaders (from the audit trail)."""
    group, access = get_group_for(current_user, slug, need="moderate")
    steps = service.moderation_log(group, page_number())
    if steps.page > max(steps.pages, 1):
        return redirect(url_for("safety.group_log", slug=slug, page=steps.pages))
    return render_template("safety/log.html", group=group, access=access, steps=steps, **_labels())


def _labels():
    return {"reasons": forms.REASON_LABELS, "kinds": forms.KIND_LABELS}


def _report_for(report_id):
    """A report for someone who may decide on it: 404 for outsiders, 403 for members."""
    found = service.get_report(report_id)
    if found is None:
        abort(404)
    if not service.can_decide(current_user, found):
        if found.group is None or not access_for(current_user, found.group).can_view:
            abort(404)
        abort(403)
    return found


def _back(report):
    if report.group is not None and access_for(current_user, report.group).is_leader:
        return url_for("safety.group_reports", slug=report.group.slug)
    return url_for("safety.admin_reports")


@bp.route("/reports/<int:report_id>/hide", methods=["GET", "POST"])
def hide(report_id):
    found = _report_for(report_id)
    if found.status != OPEN:
        flash_error(RuleError("safety.already-decided"))
        return redirect(_back(found))
    form = forms.HideForm()
    if form.validate_on_submit():
        try:
            service.hide_reported(current_user, found, form.note.data)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Hidden. The author is told why, in Krug and by email."), "success")
        return redirect(_back(found))
    item = load_item(found.kind, found.item_id)
    return render_template("safety/hide.html", form=form, report=found, item=item, back=_back(found), **_labels())


@bp.post("/reports/<int:report_id>/dismiss")
def dismiss(report_id):
    found = _report_for(report_id)
    if EmptyForm().validate_on_submit():
        try:
            service.dismiss(current_user, found)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("The report is dismissed; the item stays as it is."), "success")
    return redirect(_back(found))


# --- admins ------------------------------------------------------------------------------------------


@bp.route("/admin/reports")
@admin_required
def admin_reports():
    """Every report of the installation, and the suspended accounts."""
    status = _status()
    reports = service.all_reports(status, page_number())
    return render_template(
        "safety/admin_reports.html",
        reports=reports,
        status=status,
        items=load_items((r.kind, r.item_id) for r in reports.items),
        suspended=service.suspended_people(),
        **_labels(),
    )


@bp.route("/admin/people/<int:user_id>/suspend", methods=["GET", "POST"])
@admin_required
def suspend(user_id):
    person = service.get_user(user_id) or abort(404)
    form = forms.SuspendForm()
    if form.validate_on_submit():
        try:
            service.suspend(current_user, person, form.reason.data, form.hide_everything.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("%(name)s is suspended and signed out everywhere.", name=person.display_name), "success")
            return redirect(url_for("safety.admin_reports"))
    return render_template("safety/suspend.html", form=form, person=person)


@bp.post("/admin/people/<int:user_id>/unsuspend")
@admin_required
def unsuspend(user_id):
    person = service.get_user(user_id) or abort(404)
    if EmptyForm().validate_on_submit():
        try:
            service.lift_suspension(current_user, person)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("%(name)s can sign in again.", name=person.display_name), "success")
    return redirect(url_for("safety.admin_reports"))


# --- blocking ----------------------------------------------------------------------------------------


def _person_i_know(user_id):
    """Someone I share a group or a conversation with (others are 404: no guessing ids)."""
    from community.messages.service import has_conversation, shared_group

    person = service.get_user(user_id)
    if person is None or person.id == current_user.id:
        abort(404)
    if shared_group(current_user, person) is None and not has_conversation(current_user, person):
        abort(404)
    return person


@bp.post("/people/<int:user_id>/block")
def block(user_id):
    person = _person_i_know(user_id)
    if EmptyForm().validate_on_submit():
        service.block(current_user, person)
        flash(
            _(
                "You blocked %(name)s: no messages from them, and what they write is folded away.",
                name=person.display_name,
            ),
            "success",
        )
    return redirect(safe_next(request.form.get("next"), url_for("safety.blocked")))


@bp.post("/people/<int:user_id>/unblock")
def unblock(user_id):
    person = service.get_user(user_id)
    if person is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        service.unblock(current_user, person)
        flash(_("You unblocked %(name)s.", name=person.display_name), "success")
    return redirect(safe_next(request.form.get("next"), url_for("safety.blocked")))


@bp.route("/account/blocked")
def blocked():
    return render_template("safety/blocked.html", blocks=service.blocked_people(current_user))


# --- what every page's templates ask ---------------------------------------------------------------


def register_template_helpers(app):
    """`blocked_ids()` folds away what blocked people wrote; `open_report_count(group)`
    puts the number in the leaders' tab."""

    def open_report_count(group):
        cache = g.setdefault("_open_reports", {})
        if group.id not in cache:
            cache[group.id] = service.open_count(group)
        return cache[group.id]

    app.jinja_env.globals.update(
        blocked_ids=lambda: service.blocked_ids(current_user),
        open_report_count=open_report_count,
        report_reasons=forms.REASON_LABELS,
        report_kinds=forms.KIND_LABELS,
    )
