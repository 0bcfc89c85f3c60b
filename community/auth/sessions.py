"""The cookie side of signing in: a browser holds the token of its server-side session row.

The cookie is signed once, when it changes (signing in, a flash message, the language),
not on every response (`SESSION_REFRESH_EACH_REQUEST` is off): the server decides how long
a session lives (idle timeout, absolute lifetime), so re-sending the cookie buys nothing.
"""

from flask import current_app, g, session
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf

from community.auth import service, viewer
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
    # A fresh CSRF secret now (the login form's is cached in g), so the next page need not
    # send the cookie again.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()
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
    """A user is signed in only while their session is alive (cached; see viewer.py)."""
    token = session.get("sid")
    if not token or not str(user_id).isdigit():
        return None
    found = viewer.find_viewer(int(user_id), token)
    if found is not None and found.user.suspended_at is not None:
        found = None  # suspended by an admin: its sessions end, and none is honoured meanwhile
    g.viewer = found
    return found.user if found else None
