"""You said — we did: the pages. Thin: load the place or the suggestion for the viewer,
check access, call the service, render or redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community.errors import RuleError
from community.extensions import limiter
from community.forms import EmptyForm, flash_error, page_number, show_error
from community.groups.access import access_for as group_access_for
from community.groups.access import note_admin_read
from community.i18n import gettext as _
from community.security import account_key, succeeded
from community.voice import forms, service
from community.voice.access import get_group_place, get_organisation_place, get_suggestion_for
from community.voice.models import SuggestionStatus

bp = Blueprint("voice", __name__)


def _list(template_args, group=None, organisation=None, access=None):
    show = request.args.get("show", "open")
    if show not in service.SHOWS:
        show = "open"
    page = service.suggestions_page(group, organisation, show, page_number())
    return render_template(
        "voice/list.html",
        group=group,
        organisation=organisation,
        access=access,
        show=show,
        suggestions=page,
        counts=service.counts(group, organisation),
        supported=service.supported_ids(current_user, [s.id for s in page.items]),
        waiting=service.waiting_in(group, organisation) if access.can_answer else 0,
        **template_args,
    )


@bp.route("/groups/<slug>/voice/")
def group(slug):
    group, access = get_group_place(current_user, slug)
    note_admin_read(group_access_for(current_user, group))
    return _list({"endpoint": "voice.group", "slug": slug}, group=group, access=access)


@bp.route("/orgs/<slug>/voice/")
def organisation(slug):
    organisation, access = get_organisation_place(current_user, slug)
    return _list({"endpoint": "voice.organisation", "slug": slug}, organisation=organisation, access=access)


@bp.route("/groups/<slug>/voice/new", methods=["GET", "POST"])
@limiter.limit("20 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def new_for_group(slug):
    group, access = get_group_place(current_user, slug, need="suggest")
    return _new(access, group=group)


@bp.route("/orgs/<slug>/voice/new", methods=["GET", "POST"])
@limiter.limit("20 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def new_for_organisation(slug):
    organisation, access = get_organisation_place(current_user, slug, need="suggest")
    return _new(access, organisation=organisation)


def _new(access, group=None, organisation=None):
    form = forms.SuggestionForm()
    if form.validate_on_submit():
        try:
            suggestion = service.make_suggestion(
                current_user, access, form.title.data, form.body.data, form.anonymous.data
            )
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Thank you! Your suggestion is sent. We will email you each answer."), "success")
            return redirect(url_for("voice.detail", suggestion_id=suggestion.id))
    return render_template("voice/new.html", form=form, group=group, organisation=organisation, access=access)


@bp.route("/voice/<int:suggestion_id>")
def detail(suggestion_id):
    suggestion, access = get_suggestion_for(current_user, suggestion_id)
    if suggestion.group is not None:
        note_admin_read(group_access_for(current_user, suggestion.group))
    return render_template(
        "voice/detail.html",
        suggestion=suggestion,
        access=access,
        answers=service.answers_of(suggestion),
        supports=suggestion.id in service.supported_ids(current_user, [suggestion.id]),
    )


@bp.post("/voice/<int:suggestion_id>/<any(support, unsupport):action>")
@limiter.limit("60 per hour", key_func=account_key)
def support(suggestion_id, action):
    suggestion, access = get_suggestion_for(current_user, suggestion_id)
    if not access.is_parent:
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            if action == "support":
                service.support(current_user, access, suggestion)
                flash(_("You support this suggestion. We will email you each answer."), "success")
            else:
                service.withdraw_support(current_user, suggestion)
                flash(_("You no longer support this suggestion."), "success")
        except RuleError as error:
            flash_error(error)
    return redirect(url_for("voice.detail", suggestion_id=suggestion_id))


@bp.route("/voice/<int:suggestion_id>/answer", methods=["GET", "POST"])
def answer(suggestion_id):
    suggestion, access = get_suggestion_for(current_user, suggestion_id, need="answer")
    back = url_for("voice.detail", suggestion_id=suggestion.id)
    if not suggestion.next_statuses():
        flash(_("This suggestion has its final answer."), "error")
        return redirect(back)
    form = forms.AnswerForm()
    form.offer(suggestion.next_statuses(), service.decisions_to_cite(suggestion))
    if request.method == "GET":
        form.seen.data = suggestion.status
    if form.validate_on_submit():
        try:
            service.answer(
                current_user,
                access,
                suggestion,
                form.status.data,
                form.reason.data,
                form.done_change.data,
                form.done_level.data or None,
                form.decision_id,
                form.seen.data if form.seen.data in tuple(SuggestionStatus) else None,
            )
        except RuleError as error:
            if error.code == "voice.answered-meanwhile":
                flash_error(error)
                return redirect(back)
            show_error(form, error)
        else:
            flash(_("Your answer is saved. The author and the supporters will get it by email."), "success")
            return redirect(back)
    return render_template("voice/answer.html", suggestion=suggestion, access=access, form=form)


@bp.route("/voice/<int:suggestion_id>/withdraw", methods=["GET", "POST"])
def withdraw(suggestion_id):
    suggestion, access = get_suggestion_for(current_user, suggestion_id)
    back = url_for("voice.detail", suggestion_id=suggestion.id)
    if not access.is_author(suggestion):
        abort(403)
    if not access.can_withdraw(suggestion):
        flash(_("Someone has already answered it, so it stays. You can ask the leaders to remove it."), "error")
        return redirect(back)
    form = EmptyForm()
    if form.validate_on_submit():
        where = (
            url_for("voice.group", slug=suggestion.group.slug)
            if suggestion.group is not None
            else url_for("voice.organisation", slug=suggestion.organisation.slug)
        )
        try:
            service.withdraw_suggestion(current_user, suggestion)
        except RuleError as error:
            flash_error(error)
            return redirect(back)
        flash(_("Your suggestion is deleted."), "success")
        return redirect(where)
    return render_template(
        "groups/confirm.html",
        back_url=back,
        form=form,
        title=_("Delete your suggestion “%(title)s”?", title=suggestion.title),
        text=_("It will be deleted for good, with the support it has. Nobody has answered it yet."),
        button=_("Yes, delete it"),
    )


# --- what other pages show ------------------------------------------------------------------------


def register_template_helpers(app):
    """The words for each status, the "waiting over 14 days" box of the home, group and
    organisation pages, and the decisions log's citations."""
    app.jinja_env.globals.update(
        suggestion_status_labels=forms.STATUS_LABELS,
        suggestions_waiting=lambda: service.waiting_too_long(current_user),
        suggestions_cited_by=lambda posts: service.cited_by([p.id for p in posts]),
        group_access_of=lambda group: group_access_for(current_user, group),
    )
