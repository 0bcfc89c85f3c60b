"""Installation admin: organisations and their specialists. Admins only (others get 403)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from community.admin.forms import InviteForm, OrganisationForm, RemoveSpecialistForm
from community.auth import service as accounts
from community.errors import RuleError
from community.extensions import db
from community.forms import MAX_ID, EmptyForm, show_error
from community.i18n import gettext as _
from community.orgs import service
from community.orgs.models import SpecialistInvitation
from community.orgs.views import organisation_or_404
from community.security import admin_required

bp = Blueprint("admin", __name__)


@bp.route("/")
@admin_required
def index():
    return render_template("admin/index.html", organisations=service.organisations_with_counts())


@bp.route("/orgs/new", methods=["GET", "POST"])
@admin_required
def create_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = service.create_organisation(
                current_user, form.name.data, form.slug.data, form.region.data, form.timezone.data
            )
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("%(org)s is created. Now invite its specialists.", org=organisation.name), "success")
            return redirect(url_for("admin.organisation", slug=organisation.slug))
    return render_template("admin/org_form.html", form=form, organisation=None)


@bp.route("/orgs/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit_organisation(slug):
    organisation = organisation_or_404(slug)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            service.update_organisation(
                current_user, organisation, form.name.data, form.slug.data, form.region.data, form.timezone.data
            )
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("admin.organisation", slug=organisation.slug))
    return render_template("admin/org_form.html", form=form, organisation=organisation)


@bp.route("/orgs/<slug>", methods=["GET", "POST"])
@admin_required
def organisation(slug):
    organisation = organisation_or_404(slug)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            accounts.confirm_password(current_user, form.password.data)
            service.invite_specialist(current_user, organisation, form.email.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(
                _(
                    "The invitation is sent to %(email)s. It works for %(days)d days.",
                    email=form.email.data.lower(),
                    days=service.INVITATION_LIFETIME.days,
                ),
                "success",
            )
            return redirect(url_for("admin.organisation", slug=organisation.slug))
    groups, parent_led = service.supported_groups(organisation)
    return render_template(
        "admin/organisation.html",
        organisation=organisation,
        form=form,
        specialists=service.specialists_of(organisation),
        invitations=service.open_invitations(organisation),
        expired=service.invitation_expired,
        groups=groups,
        parent_led=parent_led,
        days=service.INVITATION_LIFETIME.days,
    )


@bp.post(f"/orgs/<slug>/invitations/<int(max={MAX_ID}):invitation_id>/cancel")
@admin_required
def cancel_invitation(slug, invitation_id):
    organisation = organisation_or_404(slug)
    invitation = db.session.get(SpecialistInvitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        service.cancel_invitation(current_user, invitation)
        flash(_("The invitation to %(email)s is cancelled.", email=invitation.email), "success")
    return redirect(url_for("admin.organisation", slug=organisation.slug))


@bp.route(f"/orgs/<slug>/specialists/<int(max={MAX_ID}):specialist_id>/remove", methods=["GET", "POST"])
@admin_required
def remove_specialist(slug, specialist_id):
    organisation = organisation_or_404(slug)
    specialist = service.get_specialist(organisation, specialist_id)
    if specialist is None:
        abort(404)
    name = specialist.user.display_name
    form = RemoveSpecialistForm()
    if form.validate_on_submit():
        try:
            accounts.confirm_password(current_user, form.password.data)
        except RuleError as error:
            show_error(form, error)
        else:
            service.remove_specialist(current_user, specialist)
            flash(_("%(name)s is no longer a specialist of %(org)s.", name=name, org=organisation.name), "success")
            return redirect(url_for("admin.organisation", slug=organisation.slug))
    return render_template(
        "admin/confirm.html",
        form=form,
        back_url=url_for("admin.organisation", slug=organisation.slug),
        title=_("Remove %(name)s from %(org)s?", name=name, org=organisation.name),
        text=_(
            "%(name)s will leave the groups the organisation supports and will no longer be able to offer "
            "its support. Their account stays.",
            name=name,
        ),
        button=_("Remove the specialist"),
    )
