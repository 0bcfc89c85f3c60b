"""Access and hardening helpers: the login-by-default guard, safe redirects, headers."""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def public(view):
    """Mark a view as open to visitors; every other view requires a signed-in user."""
    view.is_public = True
    return view


def admin_required(view):
    """Only installation admins may call the view (others get 403)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def require_login():
    """`before_request`: send visitors to the login page unless the view is public."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "is_public", False) or current_user.is_authenticated:
        return None
    return current_app.login_manager.unauthorized()


def safe_next(target, default="/"):
    """Return `target` only if it is a path on this site (no scheme, host or `//`)."""
    if not target or not isinstance(target, str):
        return default
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def set_security_headers(response):
    """`after_request`: strict CSP and friends on every response, errors included."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if current_user and current_user.is_authenticated and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


def succeeded(response):
    """For `deduct_when`: count only what was done (a redirect), not a form sent back with errors."""
    return response.status_code in (301, 302, 303)


def account_key():
    """Rate-limit key for signed-in actions: the account, not the network address."""
    from flask_login import current_user

    return f"account:{current_user.get_id()}"
