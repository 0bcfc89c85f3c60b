"""Members without an account (blueprint `offline`): the group's leaders add, edit and delete
them, register them for meetings and hand over their data. Thin: load, check, call, render."""

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community.auth.models import User
from community.errors import RuleError
from community.events.models import GOING, PUBLISHED, Event
from community.events.service import group_events
from community.extensions import db
from community.forms import EmptyForm, flash_error, show_error
from community.groups.access import get_group_for
from community.i18n import gettext as _
from community.offline import service
from community.offline.forms import LinkForm, OfflineMemberForm

bp = Blueprint("offline", __name__)


def _load(slug, offline_id):
    group, access = get_group_for(current_user, slug, need="manage")
    offline = service.get_offline_member(group, offline_id)
    if offline is None:
        abort(404)
    return group, access, offline


@bp.route("/groups/<slug>/without-account")
def index(slug):
    group, access = get_group_for(current_user, slug, need="manage")
    return render_template(
        "offline/index.html",
        group=group,
        access=access,
        people=service.offline_members(group),
        record=service.record(group),
        record_labels={
            "offline.add": _("added"),
            "offline.edit": _("corrected the details"),
            "offline.delete": _("deleted a member at their request"),
            "offline.register": _("registered for a meeting"),
            "offline.cancel": _("cancelled a registration"),
            "offline.export": _("downloaded their data"),
            "offline.link_request": _("asked an account to confirm it is theirs"),
            "offline.link": _("confirmed; the history moved to their account"),
        },
    )


@bp.route("/groups/<slug>/without-account/new", methods=["GET", "POST"])
def add(slug):
    group, access = get_group_for(current_user, slug, need="manage")
    form = OfflineMemberForm()
    if form.validate_on_submit():
        try:
            offline = service.add(current_user, group, form.name.data, form.phone.data, form.purpose.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("%(name)s is now a member of the group.", name=offline.user.display_name), "success")
            return redirect(url_for("offline.detail", slug=slug, offline_id=offline.id))
    return render_template("offline/form.html", group=group, access=access, form=form, offline=None)


@bp.route("/groups/<slug>/without-account/<int:offline_id>")
def detail(slug, offline_id):
    group, access, offline = _load(slug, offline_id)
    upcoming, _past = group_events(group)
    upcoming = [e for e in upcoming if e.status == PUBLISHED]
    return render_template(
        "offline/detail.html",
        group=group,
        access=access,
        offline=offline,
        upcoming=upcoming,
        statuses=service.registrations_of(offline, upcoming),
        form=EmptyForm(),
    )


@bp.route("/groups/<slug>/without-account/<int:offline_id>/edit", methods=["GET", "POST"])
def edit(slug, offline_id):
    group, access, offline = _load(slug, offline_id)
    form = OfflineMemberForm()
    if request.method == "GET":
        form.name.data, form.phone.data, form.purpose.data = (
            offline.user.display_name,
            offline.phone,
            offline.consent_purpose,
        )
    if form.validate_on_submit():
        try:
            service.update(current_user, offline, form.name.data, form.phone.data, form.purpose.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("offline.detail", slug=slug, offline_id=offline_id))
    return render_template("offline/form.html", group=group, access=access, form=form, offline=offline)


def _event_of(group, event_id):
    event = db.session.get(Event, event_id)
    if event is None or event.group_id != group.id:
        abort(404)
    return event


@bp.post("/groups/<slug>/without-account/<int:offline_id>/events/<int:event_id>/register")
def register(slug, offline_id, event_id):
    group, access, offline = _load(slug, offline_id)
    event = _event_of(group, event_id)
    if EmptyForm().validate_on_submit():
        try:
            result = service.register(current_user, offline, event)
        except RuleError as error:
            flash_error(error)
        else:
            if result.status == GOING:
                flash(_("%(name)s is registered.", name=offline.user.display_name), "success")
            else:
                flash(
                    _("The meeting is full: %(name)s is on the waiting list.", name=offline.user.display_name),
                    "success",
                )
    return redirect(url_for("offline.detail", slug=slug, offline_id=offline_id, _anchor="meetings"))


@bp.post("/groups/<slug>/without-account/<int:offline_id>/events/<int:event_id>/cancel")
def cancel(slug, offline_id, event_id):
    group, access, offline = _load(slug, offline_id)
    event = _event_of(group, event_id)
    if EmptyForm().validate_on_submit():
        try:
            service.cancel(current_user, offline, event)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("The registration of %(name)s is cancelled.", name=offline.user.display_name), "success")
    return redirect(url_for("offline.detail", slug=slug, offline_id=offline_id, _anchor="meetings"))


@bp.route("/groups/<slug>/without-account/<int:offline_id>/delete", methods=["GET", "POST"])
def delete(slug, offline_id):
    group, access, offline = _load(slug, offline_id)
    form = EmptyForm()
    name = offline.user.display_name
    if form.validate_on_submit():
        try:
            service.delete(current_user, offline)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("%(name)s and their records are deleted.", name=name), "success")
        return redirect(url_for("offline.index", slug=slug))
    return render_template(
        "groups/confirm.html",
        group=group,
        form=form,
        title=_("Delete %(name)s?", name=name),
        text=_(
            "Do this when the person asks. Their places at coming meetings are given up (the waiting "
            "list moves up), and their name, phone number and records leave Krug. The group's totals "
            "keep the bare facts without their name. This cannot be undone."
        ),
        button=_("Delete %(name)s", name=name),
        back_url=url_for("offline.detail", slug=slug, offline_id=offline_id),
    )


@bp.route("/groups/<slug>/without-account/<int:offline_id>/data.json")
def export(slug, offline_id):
    group, access, offline = _load(slug, offline_id)
    from community.audit import audit

    audit(current_user, "offline.export", offline.user, group_id=group.id)
    body = json.dumps(service.export(offline), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="krug-member-{offline.id}.json"'},
    )


@bp.route("/groups/<slug>/without-account/<int:offline_id>/link", methods=["GET", "POST"])
def link(slug, offline_id):
    """The person now has an account and is in the group: a leader picks it; they confirm by email."""
    group, access, offline = _load(slug, offline_id)
    form = LinkForm()
    form.account_id.choices = [(u.id, u.display_name) for u in service.link_candidates(group)]
    if form.validate_on_submit():
        account = db.session.get(User, form.account_id.data)
        try:
            service.request_link(current_user, offline, account)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(
                _("We have asked %(account)s by email to confirm.", account=account.display_name),
                "success",
            )
            return redirect(url_for("offline.detail", slug=slug, offline_id=offline_id))
    return render_template("offline/link.html", group=group, access=access, offline=offline, form=form)


@bp.route("/without-account/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """The person opens the link from the email, signed in to their account, and confirms."""
    try:
        offline = service.read_link(current_user, token)
    except RuleError as error:
        flash_error(error)
        return redirect(url_for("main.index"))
    group = service._group_of(offline)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            service.confirm_link(current_user, offline)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Done: your history in %(group)s is now in your account.", group=group.name), "success")
        return redirect(url_for("groups.detail", slug=group.slug))
    return render_template("offline/confirm.html", offline=offline, group=group, form=form)
