"""My notifications: what happened in my groups, newest first."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from community.forms import EmptyForm, page_number
from community.notifications import service
from community.notifications.texts import render

bp = Blueprint("notifications", __name__)


@bp.route("/")
def index():
    notifications = service.list_for(current_user, page_number())
    if notifications.page > max(notifications.pages, 1):
        return redirect(url_for("notifications.index", page=notifications.pages))
    return render_template("notifications/index.html", notifications=notifications, render=render)


@bp.post("/read")
def mark_read():
    if EmptyForm().validate_on_submit():
        service.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))
