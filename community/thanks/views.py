"""One tap to say “спасибо” (blueprint `thanks`): POST-only buttons, back to the page."""

from flask import Blueprint, abort, redirect, request
from flask_login import current_user

from community.errors import RuleError
from community.extensions import db, limiter
from community.forms import EmptyForm, flash_error
from community.groups.access import access_for
from community.groups.models import Post
from community.mutual_help.models import HelpResponse
from community.security import account_key, safe_next
from community.thanks import service
from community.urls import path_for

bp = Blueprint("thanks", __name__)


@bp.post("/thanks/post/<int:post_id>")
@limiter.limit("120 per hour", key_func=account_key)
def post(post_id):
    found = db.session.get(Post, post_id)
    if found is None or not access_for(current_user, found.group).can_view or found.hidden_at is not None:
        abort(404)
    back = path_for("posts.detail", slug=found.group.slug, post_id=found.id)
    _say(service.thank_post, found)
    return redirect(safe_next(request.form.get("next"), back))


@bp.post("/thanks/help-answer/<int:response_id>")
@limiter.limit("120 per hour", key_func=account_key)
def help_answer(response_id):
    found = db.session.get(HelpResponse, response_id)
    if found is None or found.request.hidden_at is not None:
        abort(404)
    if not access_for(current_user, found.request.group).can_view:
        abort(404)
    if current_user.id not in (found.request.author_id, found.helper_id):
        abort(403)  # answers are read by the request's author (and each helper their own)
    _say(service.thank_answer, found)
    return redirect(path_for("help.detail", request_id=found.request_id) + f"#answer-{found.id}")


def _say(verb, thing):
    if EmptyForm().validate_on_submit():
        try:
            verb(current_user, thing)
        except RuleError as error:
            flash_error(error)


def register_template_helpers(app):
    """`post_thanks(posts)` and `answer_thanks(answers)`: {id: (count, I said it)}, one query."""
    app.jinja_env.globals.update(
        post_thanks=lambda posts: service.for_loaded_posts(list(posts), current_user),
        answer_thanks=lambda answers: service.for_answers([a.id for a in answers], current_user),
    )
