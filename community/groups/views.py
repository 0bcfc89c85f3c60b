"""Group pages. Thin: load the group for the viewer, check access, call the service."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community.errors import RuleError, message_for
from community.extensions import db, limiter
from community.forms import EmptyForm, flash_error, page_number, show_error
from community.groups import forms, pages, service
from community.groups.access import get_group_for, note_admin_read
from community.groups.models import APPROVAL, EngagementRole
from community.i18n import gettext as _
from community.security import account_key, public, succeeded

bp = Blueprint("groups", __name__)


@bp.route("/")
@public
def directory():
    query = request.args.get("q", "").replace("\x00", "").strip()[:100]
    near = current_user.city if current_user.is_authenticated else ""
    groups, parent_led = service.directory(query, page_number(), near=near)
    if groups.page > max(groups.pages, 1):
        return redirect(url_for("groups.directory", q=query or None, page=groups.pages))
    return render_template(
        "groups/directory.html", groups=groups, query=query, parent_led=parent_led, near=near, is_near=service.is_near
    )


def _group_fields(form):
    """What the group form hands to the service, by name."""
    return {name: getattr(form, name).data for name in forms.GroupForm.FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit("5 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def create():
    form = forms.GroupForm()
    if form.validate_on_submit():
        try:
            group = service.create_group(current_user, **_group_fields(form))
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Your group is created. You are its leader."), "success")
            return redirect(url_for("groups.detail", slug=group.slug))
    return render_template("groups/form.html", form=form, group=None)


@bp.route("/<slug>/")
@public
def detail(slug):
    group, access = get_group_for(current_user, slug, need="public")
    if not access.can_view:
        if group.archived_at is not None:
            abort(404)
        return render_template(
            "groups/public.html", group=group, access=access, parent_led=service.is_parent_led(group)
        )
    from community.events.service import group_events
    from community.groups import feed
    from community.main.home import mark_group_seen

    note_admin_read(access)
    if access.is_member:
        mark_group_seen(access.membership)
    posts = feed.latest_posts(group, page_number(), viewer=current_user)
    if posts.page > max(posts.pages, 1):
        return redirect(url_for("groups.detail", slug=group.slug, page=posts.pages, _anchor="feed-title"))
    upcoming, past = group_events(group, include_drafts=access.can_organise_events, limit=5)
    return render_template(
        "groups/detail.html",
        group=group,
        access=access,
        posts=posts,
        pinned=feed.pinned_posts(group),
        events_box=pages.events_box(group, access, upcoming, past),
        parent_led=service.is_parent_led(group),
        pending_count=service.pending_count(group) if access.can_manage else 0,
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    group, access = get_group_for(current_user, slug, need="manage")
    form = forms.GroupForm(obj=group)
    if form.validate_on_submit():
        try:
            service.update_group(current_user, group, **_group_fields(form))
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("groups.detail", slug=group.slug))
    return render_template("groups/form.html", form=form, group=group)


@bp.route("/<slug>/archive", methods=["GET", "POST"])
def archive(slug):
    group, access = get_group_for(current_user, slug, need="manage")
    form = EmptyForm()
    if form.validate_on_submit():
        service.archive_group(current_user, group)
        flash(_("The group is archived. Members can still read it; nobody can join or post."), "success")
        return redirect(url_for("groups.detail", slug=group.slug))
    return render_template(
        "groups/confirm.html",
        group=group,
        form=form,
        title=_("Archive the group?"),
        text=_(
            "The group will leave the directory. Members keep read access, but nobody can join, post or organise events. This cannot be undone from the app."
        ),
        button=_("Archive the group"),
    )


@bp.route("/<slug>/join", methods=["GET", "POST"])
@limiter.limit("10 per hour", key_func=account_key, methods=["POST"])
def join(slug):
    group, access = get_group_for(current_user, slug, need="public")
    if group.archived_at is not None:
        abort(404)
    if not access.can_join:
        if access.is_member:
            flash(message_for("groups.already-active"), "info")
        return redirect(url_for("groups.detail", slug=slug))
    form = forms.JoinForm()
    if form.validate_on_submit():
        try:
            membership = service.join_group(current_user, group, form.message.data or "")
        except RuleError as error:
            flash_error(error)
        else:
            if membership.status == "active":
                flash(_("Welcome to %(group)s!", group=group.name), "success")
            else:
                flash(_("Your request is sent. The leaders will answer soon; we will tell you by email."), "success")
        return redirect(url_for("groups.detail", slug=slug))
    return render_template("groups/join.html", group=group, form=form, needs_approval=group.join_policy == APPROVAL)


@bp.post("/<slug>/mute")
def mute(slug):
    """Leave the group out of my email digest, or take it back in."""
    from community.notifications.digest import set_muted

    group, access = get_group_for(current_user, slug)
    if not access.is_member:
        abort(403)
    if EmptyForm().validate_on_submit():
        muted = request.form.get("muted") == "1"
        set_muted(access.membership, muted)
        flash(
            _("%(group)s is left out of your email digest.", group=group.name)
            if muted
            else _("%(group)s is in your email digest again.", group=group.name),
            "success",
        )
    return redirect(url_for("groups.detail", slug=slug))


@bp.route("/<slug>/leave", methods=["GET", "POST"])
def leave(slug):
    group, access = get_group_for(current_user, slug, need="public")
    if access.status not in ("active", "pending"):
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            service.leave_group(current_user, group)
        except RuleError as error:
            flash_error(error)
            return redirect(
                url_for("groups.hand_over", slug=slug)
                if error.code == "groups.last-leader"
                else url_for("groups.detail", slug=slug)
            )
        flash(_("You have left %(group)s.", group=group.name), "success")
        return redirect(url_for("groups.directory"))
    title = _("Cancel your request?") if access.is_pending else _("Leave the group?")
    text = (
        _("Your request to join will be withdrawn.")
        if access.is_pending
        else _("You will no longer see the group's posts, events and help requests. You can ask to join again later.")
    )
    return render_template(
        "groups/confirm.html",
        group=group,
        form=form,
        title=title,
        text=text,
        button=_("Yes, leave") if not access.is_pending else _("Yes, cancel the request"),
    )


@bp.route("/<slug>/members")
def members(slug):
    group, access = get_group_for(current_user, slug, need="see_members")
    name = request.args.get("q", "").replace("\x00", "").strip()[:80]
    members = service.members_page(group, page_number(), name)
    if members.page > max(members.pages, 1):
        return redirect(url_for("groups.members", slug=slug, q=name or None, page=members.pages))
    return render_template("groups/members.html", group=group, access=access, members=members, query=name)


@bp.route("/<slug>/members/<int:membership_id>")
def member(slug, membership_id):
    """One member, with what a leader can change: leader role, engagement roles, removal."""
    group, access = get_group_for(current_user, slug, need="manage")
    membership = _membership_or_404(group, membership_id)
    if not membership.is_active:
        abort(404)
    if not membership.user.email:  # a member without an account: their own page (community/offline)
        return redirect(url_for("offline.index", slug=slug))
    return render_template(
        "groups/member.html", group=group, access=access, m=membership, role_form=forms.EngagementRoleForm()
    )


def _admin_pages():
    """Plain words for the pages an admin may open in a group (the admin-visits list)."""
    return {
        "groups.detail": _("the feed"),
        "posts.detail": _("a post and its replies"),
        "posts.decisions": _("the decisions"),
        "help.board": _("the help board"),
        "help.detail": _("a help request"),
        "events.detail": _("an event"),
        "events.ics_file": _("an event's calendar file"),
    }


@bp.route("/<slug>/admin-visits")
def admin_visits(slug):
    """Leaders see every time an installation admin looked into the group (audited)."""
    group, access = get_group_for(current_user, slug, need="manage")
    return render_template(
        "groups/admin_visits.html",
        group=group,
        access=access,
        visits=service.admin_visits(group),
        pages=_admin_pages(),
        days=service.ADMIN_VISITS_SHOWN.days,
    )


@bp.route("/<slug>/requests")
def requests(slug):
    group, access = get_group_for(current_user, slug, need="manage")
    return render_template("groups/requests.html", group=group, access=access, requests=service.pending_requests(group))


def _leader_action(slug, membership_id, act, back, success):
    """A leader's one-button action on a membership: check, act, say how it went, go back."""
    group, access = get_group_for(current_user, slug, need="manage")
    membership = _membership_or_404(group, membership_id)
    if EmptyForm().validate_on_submit():
        try:
            act(current_user, membership)
            flash(success(membership.user.display_name), "success")
        except RuleError as error:
            flash_error(error)
    return redirect(url_for(back, slug=slug))


def _membership_or_404(group, membership_id):
    membership = service.get_membership(group, membership_id)
    if membership is None:
        abort(404)
    return membership


@bp.post("/<slug>/requests/<int:membership_id>/approve")
def approve(slug, membership_id):
    return _leader_action(
        slug,
        membership_id,
        service.approve_request,
        "groups.requests",
        lambda name: _("%(name)s is now a member.", name=name),
    )


@bp.route("/<slug>/requests/<int:membership_id>/decline", methods=["GET", "POST"])
def decline(slug, membership_id):
    group, access = get_group_for(current_user, slug, need="manage")
    membership = _membership_or_404(group, membership_id)
    form = forms.ReasonForm()
    if form.validate_on_submit():
        try:
            service.decline_request(current_user, membership, form.reason.data or "")
            flash(_("The request is declined; %(name)s will be told.", name=membership.user.display_name), "success")
        except RuleError as error:
            flash_error(error)
        return redirect(url_for("groups.requests", slug=slug))
    return render_template(
        "groups/reason.html",
        group=group,
        form=form,
        membership=membership,
        title=_("Decline the request of %(name)s?", name=membership.user.display_name),
        button=_("Decline"),
    )


@bp.route("/<slug>/members/<int:membership_id>/remove", methods=["GET", "POST"])
def remove(slug, membership_id):
    group, access = get_group_for(current_user, slug, need="manage")
    membership = _membership_or_404(group, membership_id)
    form = forms.RequiredReasonForm()
    if form.validate_on_submit():
        try:
            service.remove_member(current_user, membership, form.reason.data)
            flash(
                _("%(name)s is removed from the group and will be told why.", name=membership.user.display_name),
                "success",
            )
        except RuleError as error:
            flash_error(error)
        return redirect(url_for("groups.members", slug=slug))
    return render_template(
        "groups/reason.html",
        group=group,
        form=form,
        membership=membership,
        title=_("Remove %(name)s from the group?", name=membership.user.display_name),
        button=_("Remove from the group"),
    )


@bp.post("/<slug>/members/<int:membership_id>/leader")
def make_leader(slug, membership_id):
    return _leader_action(
        slug,
        membership_id,
        service.make_leader,
        "groups.members",
        lambda name: _("%(name)s is now a leader of the group.", name=name),
    )


@bp.post("/<slug>/members/<int:membership_id>/step-down")
def step_down(slug, membership_id):
    return _leader_action(
        slug,
        membership_id,
        service.step_down,
        "groups.members",
        lambda name: _("%(name)s is no longer a leader.", name=name),
    )


@bp.route("/<slug>/hand-over", methods=["GET", "POST"])
def hand_over(slug):
    group, access = get_group_for(current_user, slug, need="manage")
    candidates = [
        m
        for m in service.active_members(group)
        if m.role == "member" or (m.role == "leader" and m.user_id != current_user.id)
    ]
    form = forms.HandOverForm()
    form.successor.choices = [(m.id, m.user.display_name) for m in candidates]
    if form.validate_on_submit():
        successor = _membership_or_404(group, form.successor.data)
        try:
            service.hand_over(current_user, access.membership, successor)
        except RuleError as error:
            flash_error(error)
        else:
            flash(
                _("%(name)s now leads the group. Thank you for your work!", name=successor.user.display_name), "success"
            )
            return redirect(url_for("groups.detail", slug=slug))
    return render_template("groups/hand_over.html", group=group, form=form, candidates=candidates)


@bp.post("/<slug>/members/<int:membership_id>/engagement")
@limiter.limit("30 per hour", key_func=account_key)
def offer_role(slug, membership_id):
    group, access = get_group_for(current_user, slug, need="manage")
    membership = _membership_or_404(group, membership_id)
    form = forms.EngagementRoleForm()
    if form.validate_on_submit():
        try:
            service.offer_engagement_role(current_user, membership, form.role.data)
            flash(
                _("The role is offered; %(name)s will accept or decline it.", name=membership.user.display_name),
                "success",
            )
        except RuleError as error:
            flash_error(error)
    else:
        flash(message_for("groups.bad-role"), "error")
    return redirect(url_for("groups.members", slug=slug))


@bp.route("/<slug>/my-roles")
def my_roles(slug):
    group, access = get_group_for(current_user, slug, need="view")
    if not access.is_member:
        abort(404)
    return render_template("groups/my_roles.html", group=group, access=access, roles=access.membership.engagement_roles)


@bp.post("/<slug>/roles/<int:role_id>/<any(accept, decline, end):answer>")
def answer_role(slug, role_id, answer):
    group, access = get_group_for(current_user, slug, need="view")
    engagement = db.session.get(EngagementRole, role_id)
    if engagement is None or engagement.membership.group_id != group.id:
        abort(404)
    mine = engagement.membership.user_id == current_user.id
    if not (mine or access.can_manage):
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            if answer == "end":
                service.end_engagement_role(current_user, engagement)
                flash(_("The role is ended."), "success")
            elif mine:
                service.answer_engagement_role(current_user, engagement, accept=answer == "accept")
                flash(_("Thank you for your answer."), "success")
            else:
                abort(403)
        except RuleError as error:
            flash_error(error)
    return redirect(url_for("groups.my_roles", slug=slug) if mine else url_for("groups.members", slug=slug))
