"""Error pages in the user's language, never with a traceback."""

from flask import current_app, render_template, request
from flask.globals import request_ctx as _request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadHost, HTTPException, InternalServerError, SecurityError

from community.extensions import db
from community.i18n import gettext as _

MESSAGES = {
    400: lambda: (_("Something in the request was not right"), _("Please go back and try again.")),
    403: lambda: (
        _("This is not open to you"),
        _("You do not have access to this page. If you think you should, ask the group's leader."),
    ),
    404: lambda: (_("Page not found"), _("The page does not exist, or it is visible only to members of a group.")),
    405: lambda: (_("This action is not available here"), _("Please go back and use the buttons on the page.")),
    413: lambda: (_("Too much data"), _("What you sent is too large. Please shorten the text or send a smaller file.")),
    429: lambda: (_("Too many attempts"), _("Please wait a few minutes and try again.")),
    500: lambda: (
        _("Something went wrong on our side"),
        _("We are sorry. Please try again in a minute. Nothing you typed was sent to anyone."),
    ),
    503: lambda: (_("Krug is briefly unavailable"), _("Please try again in a minute.")),
}


def render_error(code):
    title, message = MESSAGES.get(code, MESSAGES[400])()
    if request.accept_mimetypes.best == "application/json":
        return {"error": title}, code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def handle_http(error: HTTPException):
    if isinstance(error, SecurityError | BadHost) or _request_ctx.url_adapter is None:
        # An untrusted or malformed Host header (one too long to encode, say): no URL can be
        # built for the error page, so answer in plain text.
        return "Bad Request", 400, {"Content-Type": "text/plain; charset=utf-8"}
    if error.code == 403:
        _audit_denied()
    return render_error(error.code or 500)


def _audit_denied():
    """A refusal is audited: who, which page (its route, never the path) and in which group.
    Nothing the refused request had started is kept."""
    from flask import g
    from flask_login import current_user

    from community.audit import audit

    db.session.rollback()
    audit(
        current_user if current_user.is_authenticated else None,
        "access.denied",
        method=request.method,
        page=request.endpoint or "",
        group_ids=sorted(g.get("_group_access", {})),
    )


def handle_csrf(error: CSRFError):
    title = _("The form has expired")
    message = _(
        "For your safety, forms expire when you log in or out. Please go back, reload the page and send it again."
    )
    return render_template("errors/error.html", code=400, title=title, message=message), 400


def handle_unexpected(error):
    if isinstance(error, HTTPException):
        return handle_http(error)
    # The route's pattern, not the path: a path may hold a secret link or someone's search.
    rule = request.url_rule.rule if request.url_rule else "?"
    current_app.logger.exception("unhandled error on %s %s", request.method, rule)
    db.session.rollback()
    return render_error(500)


def register(app):
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, lambda e: render_error(500))
    app.register_error_handler(Exception, handle_unexpected)
