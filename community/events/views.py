"""Event pages. Thin: load the event for the viewer, check access, call the service."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community.errors import RuleError, message_for
from community.events import forms, ics, registration, reminders, service
from community.events.access import get_event_for
from community.events.models import GOING, PUBLISHED
from community.extensions import db, limiter
from community.forms import EmptyForm, flash_error, id_from, show_error
from community.groups.access import get_group_for
from community.i18n import gettext as _
from community.security import account_key, public, safe_next, succeeded
from community.urls import external_url

bp = Blueprint("events", __name__)


def _event_values(form, timezone):
    """Form fields to model values; times converted from the group's timezone to UTC."""
    starts_at = service.to_utc(form.starts_date.data, form.starts_time.data, timezone)
    ends_at = service.to_utc(form.ends_date.data or form.starts_date.data, form.ends_time.data, timezone)
    return {
        "title": form.title.data,
        "description": form.description.data or "",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": form.place.data or "",
        "online_url": form.online_url.data or "",
        "capacity": form.capacity.data,
        "travel_reimbursed": bool(form.travel_reimbursed.data),
        "travel_note": form.travel_note.data or "",
    }


def _fill_form(form, values, timezone):
    """Pre-fill the form from model values (edit, duplicate)."""
    starts, ends = service.local(values["starts_at"], timezone), service.local(values["ends_at"], timezone)
    form.title.data, form.description.data = values["title"], values["description"]
    form.starts_date.data, form.starts_time.data = starts.date(), starts.time().replace(tzinfo=None)
    form.ends_time.data = ends.time().replace(tzinfo=None)
    form.ends_date.data = ends.date() if ends.date() != starts.date() else None
    form.place.data, form.online_url.data = values["place"], values["online_url"]
    form.capacity.data = values["capacity"]
    form.travel_reimbursed.data, form.travel_note.data = values["travel_reimbursed"], values["travel_note"]


@bp.route("/groups/<slug>/events/new", methods=["GET", "POST"])
@limiter.limit("20 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def create(slug):
    group, access = get_group_for(current_user, slug, need="organise_events")
    form = forms.EventForm()
    source_id = id_from(request.args.get("from"))
    if request.method == "GET" and source_id is not None:
        source, source_access = get_event_for(current_user, source_id)
        if source.group_id == group.id:
            _fill_form(form, service.duplicate_values(source), group.timezone)
    if form.validate_on_submit():
        try:
            event = service.create_event(
                current_user, group, _event_values(form, group.timezone), publish="draft" not in request.form
            )
        except RuleError as error:
            show_error(form, error)
        else:
            flash(
                _("The event is published. Members can register now.")
                if event.status == PUBLISHED
                else _("The event is saved as a draft. Only organisers see it."),
                "success",
            )
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, group=group, event=None)


@bp.route("/events/")
def mine():
    return render_template(
        "events/mine.html", rows=service.my_upcoming_events(current_user), calendar_token=current_user.calendar_token
    )


@bp.route("/events/<int:event_id>")
def detail(event_id):
    event, access = get_event_for(current_user, event_id)
    organisers = service.organisers(event)
    people = service.registrations(event) if access.can_edit or access.is_going else []
    return render_template(
        "events/detail.html",
        event=event,
        access=access,
        group=event.group,
        organisers=organisers,
        co_organised=service.is_co_organised_with_parents(organisers),
        people=people,
        feedback_open=registration.can_give_feedback(current_user, event, access.registration)
        and not registration.has_given_feedback(current_user, event),
    )


@bp.route("/events/<int:event_id>.ics")
def ics_file(event_id):
    event, access = get_event_for(current_user, event_id)
    body = ics.event_calendar(event, external_url("events.detail", event_id=event.id), access.can_see_link)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f"attachment; filename=krug-event-{event.id}.ics"},
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id):
    event, access = get_event_for(current_user, event_id, need="edit")
    if event.status == "cancelled":
        flash(message_for("events.cancelled"), "error")
        return redirect(url_for("events.detail", event_id=event.id))
    form = forms.EventForm()
    if request.method == "GET":
        _fill_form(form, service.event_values(event), event.group.timezone)
    if form.validate_on_submit():
        try:
            service.update_event(
                current_user, event, _event_values(form, event.group.timezone), publish="publish" in request.form
            )
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Changes saved. If the time or place changed, registered people are told."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, group=event.group, event=event)


@bp.post("/events/<int:event_id>/publish")
def publish(event_id):
    event, access = get_event_for(current_user, event_id, need="edit")
    if EmptyForm().validate_on_submit():
        service.publish_event(current_user, event)
        flash(_("The event is published. Members can register now."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel(event_id):
    event, access = get_event_for(current_user, event_id, need="edit")
    form = forms.CancelEventForm()
    if form.validate_on_submit():
        try:
            service.cancel_event(current_user, event, form.reason.data or "")
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("The event is cancelled. Everyone who registered is told."), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/cancel.html", form=form, event=event, group=event.group)


@bp.route("/events/<int:event_id>/duplicate")
def duplicate(event_id):
    event, access = get_event_for(current_user, event_id, need="edit")
    return redirect(url_for("events.create", slug=event.group.slug, **{"from": event.id}))


@bp.post("/events/<int:event_id>/register")
def register(event_id):
    event, access = get_event_for(current_user, event_id)
    if not access.group.is_member:
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            place = registration.register(current_user, event)
        except RuleError as error:
            flash_error(error)
        else:
            flash(
                _("You are registered. See you there!")
                if place.status == GOING
                else _(
                    "All places are taken, so you are on the waiting list. If a place frees up, it is yours and we will tell you by email."
                ),
                "success",
            )
    return _back(event)


def _back(event):
    """Where a one-tap answer returns: the page it came from (the home page), else the event."""
    return redirect(safe_next(request.form.get("next"), url_for("events.detail", event_id=event.id)))


@bp.post("/events/<int:event_id>/unregister")
def unregister(event_id):
    event, access = get_event_for(current_user, event_id)
    if EmptyForm().validate_on_submit():
        try:
            registration.cancel_registration(current_user, event)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Your registration is cancelled."), "success")
    return _back(event)


@bp.post("/events/<int:event_id>/show-name")
def show_name(event_id):
    event, access = get_event_for(current_user, event_id)
    if EmptyForm().validate_on_submit():
        try:
            registration.set_name_visibility(current_user, event, request.form.get("show") == "1")
        except RuleError as error:
            flash_error(error)
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/events/<int:event_id>/organisers", methods=["GET", "POST"])
@limiter.limit("30 per hour", key_func=account_key, methods=["POST"])
def organisers(event_id):
    event, access = get_event_for(current_user, event_id, need="edit")
    form = forms.InviteOrganiserForm()
    candidates = service.organiser_candidates(event)
    form.user_id.choices = [
        (user.id, user.display_name + (" · " + _("specialist") if role == "specialist" else ""))
        for user, role in candidates
    ]
    if form.validate_on_submit():
        try:
            organiser = service.invite_organiser(current_user, event, form.user_id.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("%(name)s is invited to co-organise.", name=organiser.user.display_name), "success")
            return redirect(url_for("events.organisers", event_id=event.id))
    return render_template(
        "events/organisers.html",
        event=event,
        group=event.group,
        form=form,
        organisers=service.organisers(event),
        candidates=candidates,
    )


@bp.post("/events/<int:event_id>/organisers/<any(accept, decline):answer>")
def answer_invitation(event_id, answer):
    event, access = get_event_for(current_user, event_id)
    if EmptyForm().validate_on_submit():
        try:
            service.answer_organiser_invite(current_user, event, accept=answer == "accept")
        except RuleError as error:
            flash_error(error)
        else:
            flash(
                _("Thank you! You are a co-organiser now.")
                if answer == "accept"
                else _("You declined the invitation."),
                "success",
            )
    return redirect(url_for("events.detail", event_id=event.id))


@bp.post("/events/<int:event_id>/organisers/<int:organiser_id>/remove")
def remove_organiser(event_id, organiser_id):
    event, access = get_event_for(current_user, event_id, need="edit")
    organiser = next((o for o in service.organisers(event) if o.id == organiser_id), None)
    if organiser is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            service.remove_organiser(current_user, organiser)
        except RuleError as error:
            flash_error(error)
    return redirect(url_for("events.organisers", event_id=event.id))


@bp.route("/events/<int:event_id>/attendance", methods=["GET", "POST"])
def attendance(event_id):
    event, access = get_event_for(current_user, event_id, need="edit")
    if not access.can_manage_attendance:
        flash(message_for("events.not-started"), "error")
        return redirect(url_for("events.detail", event_id=event.id))
    going = service.registrations(event, statuses=(GOING,))
    form = EmptyForm()
    if form.validate_on_submit():
        ids = {int(v) for v in request.form.getlist("attended") if v.isdigit()}
        registration.mark_attendance(current_user, event, ids)
        flash(_("Attendance saved: %(count)d came.", count=len(ids & {r.user_id for r in going})), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/attendance.html", event=event, group=event.group, going=going, form=form)


@bp.route("/events/<int:event_id>/feedback", methods=["GET", "POST"])
def feedback(event_id):
    event, access = get_event_for(current_user, event_id)
    if not registration.can_give_feedback(current_user, event, access.registration):
        flash(message_for("events.no-feedback"), "error")
        return redirect(url_for("events.detail", event_id=event.id))
    form = forms.FeedbackForm()
    if form.validate_on_submit():
        try:
            registration.submit_feedback(
                current_user, event, int(form.feeling.data), form.helped.data, form.change.data, form.anonymous.data
            )
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Thank you! Your answer helps the organisers."), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/feedback.html", event=event, group=event.group, form=form)


@bp.route("/events/<int:event_id>/feedback/summary")
def feedback_summary(event_id):
    event, access = get_event_for(current_user, event_id, need="edit")
    return render_template(
        "events/feedback_summary.html", event=event, group=event.group, summary=registration.feedback_summary(event)
    )


@bp.route("/events/<int:event_id>/message", methods=["GET", "POST"])
@limiter.limit("5 per hour;20 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def message(event_id):
    event, access = get_event_for(current_user, event_id, need="edit")
    form = forms.OrganiserMessageForm()
    if form.validate_on_submit():
        count = registration.message_registered(current_user, event, form.body.data)
        flash(_("Your message is sent to %(count)d people.", count=count), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/message.html", event=event, group=event.group, form=form)


@bp.post("/events/calendar/reset")
def reset_calendar():
    if EmptyForm().validate_on_submit():
        reminders.reset_calendar_token(current_user)
        flash(_("You have a new calendar address. The old one no longer works."), "success")
    return redirect(url_for("events.mine"))


@bp.post("/events/calendar/create")
def create_calendar():
    if EmptyForm().validate_on_submit():
        reminders.calendar_token_for(current_user)
    return redirect(url_for("events.mine", _anchor="calendar"))


@bp.route("/calendar/<token>.ics")
@public
def calendar_feed(token):
    """A private feed for calendar apps: the secret address is the only key."""
    user = reminders.user_by_calendar_token(token)
    if user is None:
        abort(404)
    body = ics.feed_calendar(
        _("Krug: my events"),
        service.calendar_events(user),
        lambda event: external_url("events.detail", event_id=event.id),
    )
    db.session.rollback()
    return Response(body, mimetype="text/calendar")
