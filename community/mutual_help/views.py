"""The help board and help requests. Thin: load for the viewer, check, call the service."""

from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community.errors import RuleError
from community.extensions import db, limiter
from community.forms import EmptyForm, flash_error, page_number, show_error
from community.groups.access import access_for, get_group_for, note_admin_read
from community.groups.service import active_members
from community.i18n import gettext as _
from community.models import utcnow
from community.mutual_help import answers, forms, service
from community.mutual_help.models import CATEGORIES
from community.security import account_key

bp = Blueprint("help", __name__)


def _request_for(request_id, need_moderation=False):
    """Load a request: 404 for anyone outside its group, and for hidden ones unless allowed."""
    help_request = service.get_request(request_id)
    if help_request is None or help_request.author_id is None:
        abort(404)  # none, or its author deleted their account (its text is gone)
    access = access_for(current_user, help_request.group)
    if not access.can_view:
        abort(404)
    mine = help_request.author_id == current_user.id
    if help_request.hidden_at is not None and not (access.can_moderate or mine):
        abort(404)
    if help_request.sensitive and not (access.can_read_sensitive or mine):
        abort(403)  # sensitive: the group's parents only (specialists see totals)
    if need_moderation and not access.can_moderate:
        abort(403)
    note_admin_read(access, help_request=help_request.id)
    return help_request, access


def _request_fields(form):
    """What the help form hands to the service (besides the kind, fixed once posted)."""
    fields = ("title", "details", "category", "urgency", "needed_by", "sensitive")
    return {name: getattr(form, name).data for name in fields} | {"details": form.details.data or ""}


@bp.route("/groups/<slug>/help/")
def board(slug):
    group, access = get_group_for(current_user, slug)
    category = request.args.get("category") if request.args.get("category") in CATEGORIES else None
    kind = request.args.get("kind") if request.args.get("kind") in ("need", "offer") else None
    page = page_number()
    return render_template(
        "help/board.html",
        group=group,
        access=access,
        rows=service.board(group, category, kind, page, sensitive=access.can_read_sensitive),
        category=category,
        kind=kind,
        done=service.recently_done(group, sensitive=access.can_read_sensitive)
        if page == 1 and not (category or kind)
        else [],
        unanswered=service.unanswered_needs(group) if access.can_manage else [],
    )


@bp.route("/groups/<slug>/help/new", methods=["GET", "POST"])
@limiter.limit("30 per hour", key_func=account_key, methods=["POST"])
def create(slug):
    group, access = get_group_for(current_user, slug, need="post")
    form = forms.HelpRequestForm()
    if request.method == "GET" and request.args.get("kind") in ("need", "offer"):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        try:
            help_request = service.create_request(current_user, group, form.kind.data, **_request_fields(form))
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Posted. Members of the group can answer now; we will tell you by email."), "success")
            return redirect(url_for("help.detail", request_id=help_request.id))
    return render_template("help/form.html", form=form, group=group, help_request=None)


@bp.route("/help/<int:request_id>")
def detail(request_id):
    help_request, access = _request_for(request_id)
    return _render_detail(help_request, access, forms.RespondForm(formdata=None))


def _render_detail(help_request, access, respond_form, thread_form=None):
    """The request page: answers for the author, my answer or the answer form, the thread."""
    rows = service.responses(help_request)
    can_thread = service.can_use_thread(current_user, help_request, rows)
    return render_template(
        "help/detail.html",
        help_request=help_request,
        group=help_request.group,
        access=access,
        rows=rows,
        is_author=help_request.author_id == current_user.id,
        mine=next((r for r in rows if r.helper_id == current_user.id), None),
        can_thread=can_thread,
        messages=service.thread(help_request) if can_thread else [],
        respond_form=respond_form,
        thread_form=thread_form or forms.ThreadForm(formdata=None),
    )


@bp.route("/help/<int:request_id>/edit", methods=["GET", "POST"])
def edit(request_id):
    help_request, access = _request_for(request_id)
    if help_request.author_id != current_user.id:
        abort(403)
    form = forms.HelpRequestForm(obj=help_request)
    if form.validate_on_submit():
        try:
            service.edit_request(current_user, help_request, **_request_fields(form))
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("help.detail", request_id=help_request.id))
    return render_template("help/form.html", form=form, group=help_request.group, help_request=help_request)


@bp.post("/help/<int:request_id>/respond")
@limiter.limit("60 per hour", key_func=account_key, methods=["POST"])
def respond(request_id):
    help_request, access = _request_for(request_id)
    if not access.can_post:
        abort(403)
    form = forms.RespondForm()
    if form.validate_on_submit():
        try:
            service.respond(current_user, help_request, form.message.data)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Thank you! The author will see your answer and write to you here."), "success")
        return redirect(url_for("help.detail", request_id=help_request.id))
    return _render_detail(help_request, access, form)


@bp.route("/help/<int:request_id>/answer", methods=["GET", "POST"])
def edit_answer(request_id):
    """The helper changes the words of their answer."""
    help_request, access = _request_for(request_id)
    answer = answers.my_answer(current_user, help_request)
    if answer is None:
        abort(404)
    form = forms.RespondForm(obj=answer)
    if form.validate_on_submit():
        try:
            answers.edit_answer(current_user, help_request, form.message.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Your answer is changed."), "success")
            return redirect(url_for("help.detail", request_id=help_request.id, _anchor="my-answer"))
    return render_template("help/answer.html", form=form, help_request=help_request, group=help_request.group)


@bp.route("/help/<int:request_id>/answer/withdraw", methods=["GET", "POST"])
def withdraw_answer(request_id):
    """The helper takes their answer back, after a confirmation."""
    help_request, access = _request_for(request_id)
    answer = answers.my_answer(current_user, help_request)
    if answer is None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            answers.withdraw_answer(current_user, help_request)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Your answer is taken back. The author no longer counts on you."), "success")
        return redirect(url_for("help.detail", request_id=help_request.id))
    return render_template(
        "groups/confirm.html",
        form=form,
        group=help_request.group,
        title=_("Take your answer back?"),
        text=_(
            "The author will no longer see your answer. If they accepted your help, the request opens again and they are told."
        ),
        button=_("Yes, take my answer back"),
        back_url=url_for("help.detail", request_id=help_request.id),
    )


@bp.post("/help/<int:request_id>/responses/<int:response_id>/accept")
def accept(request_id, response_id):
    help_request, access = _request_for(request_id)
    if help_request.author_id != current_user.id:
        abort(403)
    response = next((r for r in service.responses(help_request) if r.id == response_id), None)
    if response is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            service.accept_helper(current_user, help_request, response)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Accepted. You can now agree on the details in the thread below."), "success")
    return redirect(url_for("help.detail", request_id=help_request.id, _anchor="thread"))


@bp.post("/help/<int:request_id>/thread")
@limiter.limit("10 per minute;60 per hour", key_func=account_key)
def post_message(request_id):
    help_request, access = _request_for(request_id)
    form = forms.ThreadForm()
    if form.validate_on_submit():
        try:
            service.post_to_thread(current_user, help_request, form.body.data)
        except RuleError as error:
            flash_error(error)
    elif form.privacy_nudge:  # looks like a child's data: asked once, the text kept
        return _render_detail(help_request, access, forms.RespondForm(formdata=None), thread_form=form)
    else:
        flash(_("Please write something."), "error")
    return redirect(url_for("help.detail", request_id=help_request.id, _anchor="thread"))


@bp.route("/help/<int:request_id>/resolve", methods=["GET", "POST"])
def resolve(request_id):
    help_request, access = _request_for(request_id)
    if help_request.author_id != current_user.id:
        abort(403)
    rows = service.responses(help_request)
    form = forms.ResolveForm()
    form.helpers.choices = [(r.id, r.helper.display_name if r.helper else _("Former member")) for r in rows]
    if request.method == "GET":
        form.helpers.data = [r.id for r in rows if r.accepted_at is not None]
    if form.validate_on_submit():
        try:
            service.resolve(current_user, help_request, form.helpers.data or [], form.thank_you.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Resolved. Thank you for telling us — the helpers will get your thanks."), "success")
            return redirect(url_for("help.detail", request_id=help_request.id))
    return render_template(
        "help/resolve.html", form=form, help_request=help_request, group=help_request.group, rows=rows
    )


@bp.route("/help/<int:request_id>/close", methods=["GET", "POST"])
def close(request_id):
    help_request, access = _request_for(request_id)
    if help_request.author_id != current_user.id:
        abort(403)
    form = forms.CloseForm()
    if form.validate_on_submit():
        try:
            service.close(current_user, help_request, form.note.data)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("The request is closed. You can reopen it any time."), "success")
        return redirect(url_for("help.detail", request_id=help_request.id))
    return render_template("help/close.html", form=form, help_request=help_request, group=help_request.group)


@bp.post("/help/<int:request_id>/reopen")
def reopen(request_id):
    help_request, access = _request_for(request_id)
    if help_request.author_id != current_user.id:
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            service.reopen(current_user, help_request)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("The request is open again."), "success")
    return redirect(url_for("help.detail", request_id=help_request.id))


@bp.post("/help/<int:request_id>/hide")
def hide(request_id):
    help_request, access = _request_for(request_id, need_moderation=True)
    if EmptyForm().validate_on_submit():
        service.hide(current_user, help_request)
        flash(_("The request is hidden from the board."), "success")
    return redirect(url_for("help.board", slug=help_request.group.slug))


@bp.route("/groups/<slug>/help/record", methods=["GET", "POST"])
def record(slug):
    group, access = get_group_for(current_user, slug, need="manage")
    people = [(m.user_id, m.user.display_name) for m in active_members(group)]
    form = forms.OfflineHelpForm()
    form.helper_id.choices = people
    form.helped_id.choices = people
    if request.method == "GET":
        form.when.data = utcnow().date()
    if form.validate_on_submit():
        from community.auth.models import User

        moment = min(datetime.combine(form.when.data, time(12, 0)).replace(tzinfo=utcnow().tzinfo), utcnow())
        if form.when.data > utcnow().date():
            form.when.errors = list(form.when.errors) + [_("This date is in the future.")]
        else:
            try:
                service.record_offline_help(
                    current_user,
                    group,
                    db.session.get(User, form.helper_id.data),
                    db.session.get(User, form.helped_id.data),
                    form.category.data,
                    moment,
                    form.note.data,
                )
            except RuleError as error:
                show_error(form, error)
            else:
                flash(_("Recorded. Thank you — this help now counts in the group's health."), "success")
                return redirect(url_for("help.board", slug=slug))
    return render_template("help/record.html", form=form, group=group)


@bp.route("/help/preferences", methods=["GET", "POST"])
def preferences():
    form = forms.SubscriptionsForm()
    if request.method == "GET":
        form.categories.data = sorted(service.subscriptions(current_user))
    if form.validate_on_submit():
        service.set_subscriptions(current_user, form.categories.data or [])
        flash(_("Saved. We will email you about these kinds of help."), "success")
        return redirect(url_for("help.preferences"))
    return render_template("help/preferences.html", form=form)
