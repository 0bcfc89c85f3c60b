"""What can happen to an account: the verbs, their rules and their transactions."""

import functools
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from community import email
from community.audit import audit
from community.auth import viewer
from community.auth.models import EmailFrequency, User, UserSession
from community.errors import RuleError
from community.extensions import db
from community.jobs import job
from community.models import utcnow
from community.urls import external_url

VERIFY, RESET, CHANGE_EMAIL = "verify-email", "reset-password", "change-email"


def normalise_email(address):
    return (address or "").strip().lower()


def get_user_by_email(address):
    return db.session.scalar(select(User).where(User.email == normalise_email(address)))


def hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


# --- tokens -------------------------------------------------------------------------


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"krug-{purpose}")


def _fingerprint(user):
    """Changes whenever the password or email changes, so used tokens stop working."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{user.password_hash}|{user.email}".encode(), hashlib.sha256).hexdigest()[:16]


def make_token(purpose, user, **extra):
    return _serializer(purpose).dumps({"uid": user.id, "fp": _fingerprint(user), **extra})


def read_token(purpose, token, max_age):
    """Return (user, payload) for a valid, unexpired, unused token, else raise RuleError."""
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as exc:
        raise RuleError("auth.link-expired") from exc
    except (BadSignature, TypeError, ValueError) as exc:
        raise RuleError("auth.link-invalid") from exc
    if not isinstance(payload, dict):
        raise RuleError("auth.link-invalid")
    user = db.session.get(User, payload.get("uid")) if isinstance(payload.get("uid"), int) else None
    if user is None or not hmac.compare_digest(str(payload.get("fp")), _fingerprint(user)):
        raise RuleError("auth.link-used")
    return user, payload


def _external(endpoint, **values):
    """An absolute link from SERVER_URL, never from the request's Host header."""
    return external_url(endpoint, **values)


# --- registration and verification -------------------------------------------------


def register_user(
    email_address, display_name, password, locale, timezone="Europe/Moscow", city="", *, password_hash=None
):
    """Create an unverified account with the consent recorded, and email the verification link.

    An address that already has an account gets no second one: its owner is emailed instead
    ("you already have an account"). The person registering sees the same answer either way,
    and the same work is done, so the form never tells whether an address is registered.
    Returns the new user, or None when the address was taken. `password_hash` instead of a
    password: one hash made once for many accounts (the demo's; a hash takes half a second)."""
    address = normalise_email(email_address)
    password_hash = password_hash or hash_password(password)
    owner = get_user_by_email(address)
    if owner is None:
        user = User(
            email=address,
            display_name=display_name.strip(),
            city=(city or "").strip()[:80],
            password_hash=password_hash,
            locale=locale,
            timezone=timezone,
            consent_at=utcnow(),
            consent_version=current_app.config["CONSENT_VERSION"],
        )
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:  # the same address was registered a moment ago by another request
            owner = get_user_by_email(address)
        else:
            send_verification(user)
            return user
    email.send(
        "register_existing",
        owner,
        login_link=_external("auth.login"),
        forgot_link=_external("auth.forgot_password"),
    )
    return None


def send_verification(user):
    link = _external("auth.verify_email", token=make_token(VERIFY, user, email=user.email))
    email.send("verify_email", user, link=link)


def resend_verification(user):
    if not user.email_verified:
        send_verification(user)


def verify_email(token):
    """Mark the address as confirmed; returns (user, first_time): the first confirmation of a
    new account also signs the person in (registration itself does not, see register_user)."""
    user, payload = read_token(VERIFY, token, current_app.config["VERIFY_TOKEN_MAX_AGE"])
    if payload.get("email") != user.email:
        raise RuleError("auth.link-used")
    first_time = not user.email_verified
    if first_time:
        user.email_verified_at = utcnow()
    return user, first_time


# --- signing in and out ------------------------------------------------------------


@functools.cache
def _dummy_hash(method):
    """A real hash to check against when the address is unknown, so timing tells nothing."""
    return generate_password_hash(secrets.token_hex(8), method=method)


def authenticate(email_address, password):
    """Return the user if the password is right (rehashing a weaker hash), else None."""
    user = get_user_by_email(email_address)
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        audit(None, "auth.login_failed", known_account=False)
        return None
    if not check_password_hash(user.password_hash, password):
        audit(None, "auth.login_failed", user, known_account=True)
        return None
    if user.suspended_at is not None:
        audit(None, "auth.login_suspended", user)
        raise RuleError("auth.suspended")
    if not user.password_hash.startswith(current_app.config["PASSWORD_HASH_METHOD"] + "$"):
        user.password_hash = hash_password(password)
    audit(user, "auth.login", user)
    return user


def open_session(user, user_agent=""):
    """A fresh server-side session row for a browser that signs in; returns its token."""
    row = UserSession(user=user, user_agent=(user_agent or "")[:200])
    db.session.add(row)
    db.session.flush()
    return row.token


def _end_sessions(*conditions):
    """Delete the matching session rows; every process's cache forgets them at the commit."""
    tokens = db.session.scalars(select(UserSession.token).where(*conditions)).all()
    if tokens:
        db.session.execute(delete(UserSession).where(*conditions))
        viewer.revoke_after_commit(tokens)
    return len(tokens)


def close_session(token):
    """Sign one browser out for good: its row is deleted, so a copied cookie stops working."""
    if token:
        _end_sessions(UserSession.token == token)


def end_other_sessions(user, keep_token=None):
    """Sign out every other browser of `user` (after a password change)."""
    _end_sessions(UserSession.user_id == user.id, UserSession.token != keep_token)


def end_all_sessions(user):
    """ "Sign out everywhere": every browser of `user`, this one included."""
    count = _end_sessions(UserSession.user_id == user.id)
    audit(user, "sessions.end_all", user, count=count)
    return count


def end_sessions_of(user):
    """Sign out every browser of `user` at once (an admin suspended the account)."""
    return _end_sessions(UserSession.user_id == user.id)


def end_device(user, session_id):
    """Sign out one of `user`'s browsers; False when it is not theirs (or already gone)."""
    return bool(_end_sessions(UserSession.id == session_id, UserSession.user_id == user.id))


def devices_of(user):
    """The browsers where `user` is signed in, the most recently seen first."""
    return db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()


def session_expires_at(row, is_staff):
    """When this session ends if the browser stays away: the idle timeout or the absolute
    lifetime, whichever comes first."""
    idle, lifetime = viewer.limits(is_staff)
    return min(row.last_seen_at + timedelta(seconds=idle), row.created_at + timedelta(seconds=lifetime))


@job("auth.purge_sessions")
def purge_expired_sessions():
    """Delete the rows of sessions past their idle timeout or absolute lifetime (hourly)."""
    from community.orgs.models import Specialist

    now = utcnow()
    config = current_app.config
    staff = or_(User.is_admin, exists().where(Specialist.user_id == User.id))
    expired = or_(
        UserSession.created_at < now - config["SESSION_LIFETIME"],
        UserSession.last_seen_at < now - config["SESSION_IDLE_TIMEOUT"],
        and_(
            staff,
            or_(
                UserSession.created_at < now - config["STAFF_SESSION_LIFETIME"],
                UserSession.last_seen_at < now - config["STAFF_SESSION_IDLE_TIMEOUT"],
            ),
        ),
    )
    ids = db.session.scalars(select(UserSession.id).join(User, User.id == UserSession.user_id).where(expired)).all()
    ended = 0
    for start in range(0, len(ids), 500):
        ended += _end_sessions(UserSession.id.in_(ids[start : start + 500]))
    return ended


# --- passwords and email -------------------------------------------------------------


def request_password_reset(email_address):
    """Email a reset link if the account exists; the caller answers the same either way."""
    user = get_user_by_email(email_address)
    if user is None:
        return
    audit(None, "password.reset_requested", user)
    link = _external("auth.reset_password", token=make_token(RESET, user))
    email.send("reset_password", user, link=link)


def check_reset_token(token):
    user, _ = read_token(RESET, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    return user


def reset_password(token, new_password):
    """Set a new password from an emailed link; the link then stops working, and every
    session ends. Following the link also proves the address, so it counts as verified."""
    user = check_reset_token(token)
    user.password_hash = hash_password(new_password)
    if not user.email_verified:
        user.email_verified_at = utcnow()
    _end_sessions(UserSession.user_id == user.id)
    audit(user, "password.reset", user)
    return user


def change_password(user, current_password, new_password, keep_token=None):
    if not check_password_hash(user.password_hash, current_password):
        raise RuleError("auth.wrong-password", field="current_password")
    user.password_hash = hash_password(new_password)
    end_other_sessions(user, keep_token)
    audit(user, "password.change", user)
    email.send("password_changed", user)


def request_email_change(user, new_address, password):
    """Re-authenticate, then send a confirmation link to the new address."""
    if not check_password_hash(user.password_hash, password):
        raise RuleError("auth.wrong-password", field="password")
    new_address = normalise_email(new_address)
    if new_address == user.email:
        raise RuleError("auth.same-email", field="email")
    owner = get_user_by_email(new_address)
    if owner is not None:
        # Answered as any other address would be (no enumeration); its owner is told instead.
        email.send("address_in_use", owner, login_link=_external("auth.login"))
    else:
        link = _external("auth.confirm_email_change", token=make_token(CHANGE_EMAIL, user, new=new_address))
        # Sent to the new address, in the user's language.
        email.send("confirm_email_change", _Recipient(new_address, user.locale), link=link, user=user)
    email.send("email_change_requested", user, new_address=new_address)


def confirm_email_change(token):
    user, payload = read_token(CHANGE_EMAIL, token, current_app.config["VERIFY_TOKEN_MAX_AGE"])
    new_address = normalise_email(payload.get("new"))
    if not new_address or get_user_by_email(new_address):
        raise RuleError("auth.new-email-taken")
    audit(user, "email.change", user, old=user.email, new=new_address)
    user.email = new_address
    user.email_verified_at = utcnow()
    return user


class _Recipient:
    """An address that is not (yet) a user's, with the language to write in."""

    def __init__(self, address, locale):
        self.email = address
        self.locale = locale
        self.display_name = ""


# --- profile, my data, deletion ------------------------------------------------------


def update_profile(user, **fields):
    for name in (
        "display_name",
        "city",
        "locale",
        "timezone",
        "email_frequency",
        "opportunity_emails",
        "family_form",
        "experience_years",
    ):
        if name in fields:
            value = fields[name]
            setattr(user, name, value.strip() if isinstance(value, str) else value)
    if "email_frequency" in fields:
        # Separate emails only for "now"; digests are sent by the digest job instead.
        user.email_notifications = user.email_frequency == EmailFrequency.NOW


def confirm_password(user, password, field="password"):
    """Re-authenticate before a sensitive step (export, role changes by admins)."""
    if not check_password_hash(user.password_hash, password or ""):
        raise RuleError("auth.wrong-password", field=field)


def export_user_data(user, password):
    """Everything Krug holds about the user, as a JSON-ready dict (the password asked again);
    what it holds, table by table, is listed in `personal_data.HOLDINGS`."""
    from community.auth import personal_data

    confirm_password(user, password)
    audit(user, "data.export", user)
    return personal_data.export(user)


def delete_account(user, password):
    """Delete the account: memberships end (places go to the waiting list), and every table
    is treated as `personal_data.HOLDINGS` says (and /privacy tells). Every session ends."""
    from community.auth import personal_data

    confirm_password(user, password)
    address, locale = user.email, user.locale
    personal_data.erase(user)
    email.send("account_deleted", _Recipient(address, locale))


def set_language(user, lang):
    """Remember the chosen language in the profile of a signed-in person."""
    if user.is_authenticated and user.locale != lang:
        user.locale = lang


def create_admin(email_address, display_name, password):
    """Create (or promote) a verified admin account, for `flask create-admin`."""
    user = get_user_by_email(email_address)
    if user is None:
        user = User(
            email=normalise_email(email_address),
            display_name=display_name,
            password_hash=hash_password(password),
            consent_at=utcnow(),
            consent_version=current_app.config["CONSENT_VERSION"],
        )
        db.session.add(user)
    user.is_admin = True
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.flush()
    audit(None, "admin.create", user)
    return user


def count_users():
    return db.session.scalar(select(func.count(User.id)))
