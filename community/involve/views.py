"""Opportunity pages. Thin: load the opportunity for the viewer, check access, call the
service, render or redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community.errors import RuleError, message_for
from community.events.service import to_utc
from community.extensions import limiter
from community.forms import EmptyForm, flash_error, page_number, show_error
from community.groups.access import get_group_for
from community.i18n import gettext as _
from community.involve import choosing, forms, service, sessions
from community.involve.access import forget_access, get_opportunity_for, is_specialist_of
from community.involve.models import ACCEPTED, DRAFT, OPEN
from community.models import utcnow
from community.orgs.service import get_organisation, supported_groups
from community.security import account_key, succeeded

bp = Blueprint("involve", __name__)


def _organisation_or_404(slug):
    organisation = get_organisation(slug)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/orgs/<slug>/involve/")
def organisation(slug):
    organisation = _organisation_or_404(slug)
    manages = is_specialist_of(current_user, organisation.id)
    opportunities = service.for_organisation(organisation, current_user)
    return render_template(
        "involve/organisation.html",
        organisation=organisation,
        opportunities=opportunities,
        manages=manages,
        waiting=service.waiting_counts([o.id for o in opportunities]) if manages else {},
        groups=supported_groups(organisation)[0] if not opportunities else [],
    )


@bp.route("/orgs/<slug>/involve/new", methods=["GET", "POST"])
@limiter.limit("20 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def create_for_organisation(slug):
    organisation = _organisation_or_404(slug)
    if not is_specialist_of(current_user, organisation.id):
        abort(403)
    return _create(organisation=organisation)


@bp.route("/groups/<slug>/involve/")
def group(slug):
    group, access = get_group_for(current_user, slug)
    sees_drafts = access.can_manage or is_specialist_of(current_user, group.organisation_id)
    return render_template(
        "involve/group.html",
        group=group,
        access=access,
        opportunities=service.for_group(group, sees_drafts),
        manages=access.can_manage,
    )


@bp.route("/groups/<slug>/involve/new", methods=["GET", "POST"])
@limiter.limit("20 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def create_for_group(slug):
    group, access = get_group_for(current_user, slug, need="manage")
    return _create(group=group)


def _create(organisation=None, group=None):
    form = forms.OpportunityForm()
    if form.validate_on_submit():
        try:
            opportunity = service.create_opportunity(
                current_user, form.values(), organisation=organisation, group=group, publish="draft" not in request.form
            )
        except RuleError as error:
            show_error(form, error)
        else:
            flash(
                _("The opportunity is published. The parents it is for will see it and can apply.")
                if opportunity.status == OPEN
                else _("Saved as a draft. Only you and the other organisers see it."),
                "success",
            )
            return redirect(url_for("involve.detail", opportunity_id=opportunity.id))
    return render_template(
        "involve/form.html",
        form=form,
        organisation=organisation,
        group=group,
        opportunity=None,
        payer=_payer(organisation, group),
    )


def _payer(organisation, group):
    """The organisation that would pay costs, if any (a group without one cannot cover them)."""
    return organisation or (group.organisation if group is not None else None)


@bp.route("/involve/<int:opportunity_id>", methods=["GET", "POST"])
@limiter.limit("30 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def detail(opportunity_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id)
    form = forms.ApplyForm()
    if request.method == "POST":
        if access.can_manage or not access.is_audience:
            abort(403)
        if not access.can_apply:
            flash(
                message_for("involve.already-applied" if access.has_live_application else "involve.not-open"), "error"
            )
            return redirect(url_for("involve.detail", opportunity_id=opportunity.id))
        if form.validate_on_submit():
            try:
                choosing.apply(current_user, opportunity, form.note.data)
            except RuleError as error:
                show_error(form, error, field="note")
            else:
                flash(_("Your application is sent. The organisers will answer; we will tell you by email."), "success")
                return redirect(url_for("involve.detail", opportunity_id=opportunity.id))
    planned = sessions.sessions_of(opportunity)
    return render_template(
        "involve/detail.html",
        opportunity=opportunity,
        access=access,
        form=form,
        sessions=planned,
        took_part=sessions.my_sessions(current_user, [s.id for s, _ in planned]) if access.is_accepted else set(),
        to_claim=_sessions_to_claim(opportunity) if access.is_accepted and opportunity.covered else set(),
        waiting=service.waiting_counts([opportunity.id]).get(opportunity.id, 0) if access.can_manage else 0,
    )


def _sessions_to_claim(opportunity):
    """The viewer's sessions of this opportunity with a kind of cost still to claim."""
    from community.involve.claims.service import claimable_for

    return {
        item.session.id
        for item in claimable_for(current_user)
        if item.session is not None and item.session.opportunity_id == opportunity.id and item.open_categories
    }


@bp.route("/involve/<int:opportunity_id>/withdraw", methods=["GET", "POST"])
def withdraw(opportunity_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id)
    back = url_for("involve.detail", opportunity_id=opportunity.id)
    if not access.can_withdraw:
        flash(message_for("involve.no-application"), "error")
        return redirect(back)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            choosing.withdraw(current_user, opportunity)
        except RuleError as error:
            flash_error(error)
        else:
            forget_access(opportunity)
            flash(_("You have withdrawn. Thank you for letting the organisers know."), "success")
        return redirect(back)
    return render_template(
        "groups/confirm.html",
        back_url=back,
        form=form,
        title=_("Withdraw from “%(title)s”?", title=opportunity.title),
        text=_(
            "Your place, if you have one, goes to the next person waiting. You can apply again while applications are open."
        ),
        button=_("Yes, withdraw"),
    )


@bp.route("/involve/<int:opportunity_id>/edit", methods=["GET", "POST"])
def edit(opportunity_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id, need="manage")
    form = forms.OpportunityForm(obj=opportunity)
    if form.validate_on_submit():
        try:
            service.update_opportunity(current_user, opportunity, form.values())
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("involve.detail", opportunity_id=opportunity.id))
    return render_template(
        "involve/form.html",
        form=form,
        opportunity=opportunity,
        organisation=opportunity.organisation,
        group=opportunity.group,
        payer=opportunity.organisation,
    )


@bp.post("/involve/<int:opportunity_id>/publish")
def publish(opportunity_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id, need="manage")
    if EmptyForm().validate_on_submit():
        try:
            service.publish_opportunity(current_user, opportunity)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("The opportunity is published. The parents it is for will see it and can apply."), "success")
    return redirect(url_for("involve.detail", opportunity_id=opportunity.id))


@bp.route("/involve/<int:opportunity_id>/close", methods=["GET", "POST"])
def close(opportunity_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id, need="manage")
    back = url_for("involve.detail", opportunity_id=opportunity.id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            service.close_opportunity(current_user, opportunity)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Applications are closed. Sessions and cost claims go on."), "success")
        return redirect(back)
    return render_template(
        "groups/confirm.html",
        back_url=back,
        form=form,
        title=_("Close applications for “%(title)s”?", title=opportunity.title),
        text=_("Nobody new can apply. You can still answer the people who applied, hold sessions and pay costs."),
        button=_("Close applications"),
    )


@bp.route("/involve/<int:opportunity_id>/applicants")
def applicants(opportunity_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id, need="see_applicants")
    return render_template(
        "involve/applicants.html",
        opportunity=opportunity,
        access=access,
        applications=service.applications_of(opportunity, page_number()),
    )


@bp.route("/involve/<int:opportunity_id>/applicants/<int:application_id>", methods=["GET", "POST"])
def decide(opportunity_id, application_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id, need="manage")
    application = service.get_application(opportunity, application_id)
    if application is None:
        abort(404)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        name = application.user.display_name
        try:
            if request.form.get("decision") == "decline":
                choosing.decline(current_user, application, form.reason.data)
                flash(_("%(name)s is declined and will read your reason.", name=name), "success")
            else:
                status = choosing.accept(current_user, application, form.reason.data)
                flash(
                    _("%(name)s is accepted and will be told.", name=name)
                    if status == ACCEPTED
                    else _(
                        "The places are taken: %(name)s is on the waiting list and gets the first free place.",
                        name=name,
                    ),
                    "success",
                )
        except RuleError as error:
            show_error(form, error)
        else:
            return redirect(url_for("involve.applicants", opportunity_id=opportunity.id))
    return render_template("involve/decide.html", opportunity=opportunity, application=application, form=form)


def _session_times(form, opportunity):
    """The form's date and times as UTC moments in the opportunity's time zone."""
    zone = opportunity.timezone
    return (
        to_utc(form.starts_date.data, form.starts_time.data, zone),
        to_utc(form.starts_date.data, form.ends_time.data, zone),
    )


def _session_or_404(opportunity, session_id):
    session = sessions.get_session(opportunity, session_id)
    if session is None:
        abort(404)
    return session


@bp.route("/involve/<int:opportunity_id>/sessions/new", methods=["GET", "POST"])
def add_session(opportunity_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id, need="manage")
    if opportunity.status == DRAFT:
        flash(message_for("involve.draft-session"), "error")
        return redirect(url_for("involve.detail", opportunity_id=opportunity.id))
    form = forms.SessionForm()
    if form.validate_on_submit():
        try:
            sessions.add_session(
                current_user, opportunity, form.title.data, *_session_times(form, opportunity), form.place.data
            )
        except RuleError as error:
            show_error(form, error, field="starts_time" if error.code == "events.time-gap" else None)
        else:
            flash(_("The session is added."), "success")
            return redirect(url_for("involve.detail", opportunity_id=opportunity.id, _anchor="sessions"))
    return render_template("involve/session_form.html", opportunity=opportunity, form=form, session=None)


@bp.route("/involve/<int:opportunity_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(opportunity_id, session_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id, need="manage")
    session = _session_or_404(opportunity, session_id)
    form = forms.SessionForm(
        data=None if request.method == "POST" else forms.session_data(session, opportunity.timezone)
    )
    if form.validate_on_submit():
        try:
            sessions.edit_session(
                current_user, session, form.title.data, *_session_times(form, opportunity), form.place.data
            )
        except RuleError as error:
            show_error(form, error, field="starts_time" if error.code == "events.time-gap" else None)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("involve.detail", opportunity_id=opportunity.id, _anchor="sessions"))
    return render_template(
        "involve/session_form.html",
        opportunity=opportunity,
        form=form,
        session=session,
        can_remove=not sessions.has_taken_place(session),
    )


@bp.route("/involve/<int:opportunity_id>/sessions/<int:session_id>/remove", methods=["GET", "POST"])
def remove_session(opportunity_id, session_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id, need="manage")
    session = _session_or_404(opportunity, session_id)
    back = url_for("involve.detail", opportunity_id=opportunity.id, _anchor="sessions")
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            sessions.remove_session(current_user, session)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("The session is removed."), "success")
        return redirect(back)
    return render_template(
        "groups/confirm.html",
        back_url=back,
        form=form,
        title=_("Remove the session “%(title)s”?", title=session.title),
        text=_("It disappears from the opportunity's page. Nobody is told: if people expected it, let them know."),
        button=_("Remove the session"),
    )


@bp.route("/involve/<int:opportunity_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
def attendance(opportunity_id, session_id):
    opportunity, access = get_opportunity_for(current_user, opportunity_id, need="manage")
    session = _session_or_404(opportunity, session_id)
    back = url_for("involve.detail", opportunity_id=opportunity.id)
    form = EmptyForm()
    if form.validate_on_submit():
        ids = {int(v) for v in request.form.getlist("took_part") if v.isdigit() and len(v) < 10}
        try:
            count = sessions.record_attendance(current_user, session, ids)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Saved: %(count)d took part.", count=count), "success")
        return redirect(back)
    return render_template(
        "involve/attendance.html",
        opportunity=opportunity,
        session=session,
        form=form,
        people=sessions.participants(opportunity),
        took_part=sessions.took_part_ids(session),
        claimed=sessions.claimed_ids(session),
        started=session.starts_at <= utcnow(),
    )


# --- what other pages show of involvement ---------------------------------------------------------


def register_template_helpers(app):
    """The words for each choice, amounts of money, links in materials, and the boxes the home
    and group pages include (`involve/_home.html`, `involve/_group_box.html`)."""
    from community.involve.claims.forms import CLAIM_STATUS_LABELS
    from community.involve.claims.money import money
    from community.involve.text import linkify

    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.globals.update(
        level_labels=forms.LEVEL_LABELS,
        level_short=forms.LEVEL_SHORT,
        format_labels=forms.FORMAT_LABELS,
        cost_labels=forms.COST_LABELS,
        application_labels=forms.APPLICATION_LABELS,
        my_application_labels=forms.MY_APPLICATION_LABELS,
        opportunity_status_labels=forms.STATUS_LABELS,
        claim_status_labels=CLAIM_STATUS_LABELS,
        opportunities_for_me=lambda: service.for_parent(current_user),
        group_opportunities=_group_opportunities,
    )


def _group_opportunities(group, access):
    return service.open_for_group(group, access.can_manage) if access.is_member else []
