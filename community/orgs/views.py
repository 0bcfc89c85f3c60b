"""Organisation pages, specialists' invitations, and support offers. Thin: load, check
access, call the service, render or redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from community.errors import RuleError, message_for
from community.extensions import db, limiter
from community.forms import MAX_ID, EmptyForm, flash_error
from community.groups.access import access_for, get_group_for
from community.i18n import gettext as _
from community.orgs import forms, service
from community.orgs.models import InvitationState
from community.security import account_key, succeeded

bp = Blueprint("orgs", __name__)


def register_template_globals(app):
    """Make `support_panel(group, access)` available to templates (the group page's aside)."""
    app.jinja_env.globals["support_panel"] = _support_panel


def _support_panel(group, access):
    return service.support_panel(group, access, current_user)


def organisation_or_404(slug):
    organisation = service.get_organisation(slug)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/<slug>/")
def detail(slug):
    organisation = organisation_or_404(slug)
    groups, parent_led = service.supported_groups(organisation)
    specialists = service.specialists_of(organisation)
    is_staff = any(s.user_id == current_user.id for s in specialists)
    return render_template(
        "orgs/detail.html",
        organisation=organisation,
        groups=groups,
        parent_led=parent_led,
        specialists=specialists,
        is_staff=is_staff,
        offers=service.open_offers_of(organisation) if is_staff else [],
    )


def _masked(address):
    """Show enough of the invited address to recognise it, not enough to harvest it."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token):
    invitation = service.get_invitation(token)
    if invitation is None:
        abort(404)
    organisation = invitation.organisation
    if service.is_specialist_of(current_user, organisation):
        flash(_("You are already a specialist of %(org)s.", org=organisation.name), "success")
        return redirect(url_for("orgs.detail", slug=organisation.slug))
    state = service.invitation_state(invitation, current_user)
    form = EmptyForm()
    if state == InvitationState.OK and form.validate_on_submit():
        try:
            service.accept_invitation(current_user, invitation)
        except RuleError as error:
            db.session.rollback()
            state = InvitationState(error.code.removeprefix("orgs."))
        else:
            flash(_("Welcome! You are now a specialist of %(org)s.", org=organisation.name), "success")
            return redirect(url_for("orgs.detail", slug=organisation.slug))
    status = {InvitationState.OK: 200, InvitationState.OTHER_EMAIL: 403}.get(state, 410)
    return render_template(
        "orgs/invitation.html",
        organisation=organisation,
        state=state,
        form=form,
        invited=_masked(invitation.email),
        message=message_for("orgs." + state) if state != InvitationState.OK else "",
    ), status


@bp.route("/offer/<group_slug>", methods=["GET", "POST"])
@limiter.limit("10 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def offer(group_slug):
    group, access = get_group_for(current_user, group_slug, need="public")
    if access.is_archived:
        abort(404)
    organisations = service.organisations_of(current_user)
    if not organisations:
        abort(403)
    if group.organisation_id is not None:
        flash(_("%(group)s is already supported by %(org)s.", group=group.name, org=group.organisation.name), "error")
        return redirect(url_for("groups.detail", slug=group.slug))
    form = forms.OfferForm()
    form.organisation.choices = [SelectChoice(o.id, o.name) for o in organisations]
    if form.validate_on_submit():
        organisation = next(o for o in organisations if o.id == form.organisation.data)
        try:
            service.offer_support(current_user, organisation, group, form.message.data or "")
        except RuleError as error:
            flash_error(error)
        else:
            flash(
                _("Your offer is sent. The leaders of %(group)s will answer; we will tell you.", group=group.name),
                "success",
            )
            return redirect(url_for("groups.detail", slug=group.slug))
    return render_template("orgs/offer.html", group=group, form=form, organisations=organisations)


@bp.post(f"/offers/<int(max={MAX_ID}):offer_id>/<any(accept, decline, withdraw):answer>")
def answer_offer(offer_id, answer):
    offer, group = service.get_offer(offer_id)
    if offer is None:
        abort(404)
    if answer == "withdraw":
        if not service.is_specialist_of(current_user, offer.organisation):
            abort(403 if access_for(current_user, group).can_view else 404)
        back = url_for("orgs.detail", slug=offer.organisation.slug)
    else:
        get_group_for(current_user, group.slug, need="manage")
        back = url_for("groups.detail", slug=group.slug)
    if EmptyForm().validate_on_submit():
        org = offer.organisation.name
        try:
            if answer == "accept":
                service.accept_offer(current_user, offer, group)
                flash(_("%(org)s now supports %(group)s.", org=org, group=group.name), "success")
            elif answer == "decline":
                service.decline_offer(current_user, offer, group)
                flash(_("The offer of %(org)s is declined; they will be told.", org=org), "success")
            else:
                service.withdraw_offer(current_user, offer)
                flash(_("The offer to %(group)s is withdrawn.", group=group.name), "success")
        except RuleError as error:
            flash_error(error)
    return redirect(back)


@bp.route("/link/<group_slug>/end", methods=["GET", "POST"])
def end_link(group_slug):
    group, access = get_group_for(current_user, group_slug, need="manage")
    if group.organisation is None:
        flash(message_for("orgs.not-linked"), "error")
        return redirect(url_for("groups.detail", slug=group.slug))
    org = group.organisation.name
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            service.end_link(current_user, group)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("The link with %(org)s is ended. Its specialists have left the group.", org=org), "success")
        return redirect(url_for("groups.detail", slug=group.slug))
    return render_template(
        "groups/confirm.html",
        group=group,
        form=form,
        title=_("End the link with %(org)s?", org=org),
        text=_(
            "%(org)s will no longer be shown as supporting the group, and its specialists will leave the group. "
            "Posts and events stay. The organisation can offer its support again later.",
            org=org,
        ),
        button=_("End the link"),
    )


@bp.post("/link/<group_slug>/join")
def join_as_specialist(group_slug):
    group, access = get_group_for(current_user, group_slug, need="public")
    if access.is_archived:
        abort(404)
    if group.organisation is None or not service.is_specialist_of(current_user, group.organisation):
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            service.join_as_specialist(current_user, group)
        except RuleError as error:
            flash_error(error)
        else:
            flash(
                _(
                    "You have joined %(group)s as a specialist of %(org)s.",
                    group=group.name,
                    org=group.organisation.name,
                ),
                "success",
            )
    return redirect(url_for("groups.detail", slug=group.slug))
