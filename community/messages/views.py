"""Messages between members: my conversations and one conversation."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from community.errors import RuleError
from community.extensions import limiter
from community.forms import flash_error
from community.i18n import gettext as _
from community.messages import service
from community.messages.forms import MessageForm
from community.safety.service import has_blocked
from community.security import account_key

bp = Blueprint("messages", __name__)


@bp.route("/")
def inbox():
    return render_template("messages/inbox.html", conversations=service.conversations(current_user))


@bp.route("/with/<int:user_id>", methods=["GET", "POST"])
@limiter.limit("60 per hour", key_func=account_key, methods=["POST"])
def thread(user_id):
    other = service.get_user(user_id)
    # A member without an account (community/offline) has nobody to read a message.
    if other is None or other.id == current_user.id or not other.email:
        abort(404)
    group = service.shared_group(current_user, other)
    if group is None and not service.has_conversation(current_user, other):
        abort(404)
    form = MessageForm()
    blocked_by_them, blocked_by_me = has_blocked(other, current_user), has_blocked(current_user, other)
    if group is not None and not blocked_by_them and form.validate_on_submit():
        try:
            service.send_message(current_user, other, form.body.data)
        except RuleError as error:
            flash_error(error)
        else:
            flash(
                _("Your message is sent. %(name)s will get it in Krug and by email.", name=other.display_name),
                "success",
            )
            return redirect(url_for("messages.thread", user_id=other.id, _anchor="write"))
    return render_template(
        "messages/thread.html",
        other=other,
        group=group,
        form=form,
        messages=service.thread(current_user, other),
        blocked_by_them=blocked_by_them,
        blocked_by_me=blocked_by_me,
    )
