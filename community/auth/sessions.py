"""The cookie side of signing in: a browser holds the token of its server-side session row."""

from flask import session
from flask_login import login_user, logout_user

from community.auth import service
from community.extensions import login_manager


def sign_in(user, user_agent=""):
    """Start a fresh session for this browser (a new cookie, so no fixation)."""
    lang = session.get("lang")
    session.clear()
    token = service.open_session(user, user_agent)
    session.permanent = True
    session["sid"] = token
    if lang:
        session["lang"] = lang
    login_user(user)


def sign_out():
    """End this browser's session: the row is deleted, so a copied cookie stops working."""
    service.close_session(session.get("sid"))
    logout_user()
    session.clear()


def current_token():
    return session.get("sid")


@login_manager.user_loader
def load_user(user_id):
    """A user is signed in only while their session row exists."""
    return service.user_for_session(user_id, session.get("sid"))
