"""Who is signed in, answered without a database query on most requests.

A browser's cookie holds the token of its `user_session` row. Checking the row, loading its
user, counting the unread notices for the header and finding the organisations the person
works for cost four queries on every page. Instead, two entries are cached:

- the session: its row id, its user, when it started and when it was last seen;
- the viewer (per user): the user's columns (never the password hash or the calendar
  token, which load from the database when a page needs them), the number of unread
  notices, the number of unread private messages, the organisations they work for and the
  people they blocked (whose posts are folded away on every group page).

Where:

- with `REDIS_URL`, in Redis, shared by every process, for `SESSION_CACHE_SECONDS`. Ending
  a session deletes its entry and sets a revocation key for twice that long, so every
  process refuses the session at its next request, even one that was re-reading the row
  from the database at that moment. One round trip (MGET) per request.
- without Redis, in this process's memory for at most one second: a session ended in
  another process is refused within a second, in this one at once.

A commit that changes a user, their notices, messages to them or their organisations drops that user's viewer
entry (SQLAlchemy events below), so the header never lags behind the database for long.
If Redis cannot be reached, every request asks the database, as before.
"""

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, g
from sqlalchemy import DateTime, event, func, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from community.auth.models import User, UserSession
from community.extensions import db
from community.models import utcnow

PREFIX = "krug:auth:"
# Secrets stay out of the cache; a page that needs them loads them.
UNCACHED = frozenset({"password_hash", "calendar_token"})
_DROP = "krug_auth_drop"


@dataclass
class Viewer:
    """The signed-in person of this request, with what every page's header shows."""

    user: User
    session_id: int
    unread: int = 0
    organisation_ids: list = field(default_factory=list)
    is_staff: bool = False
    unread_messages: int = 0
    blocked: frozenset | None = None  # None: not in the cached entry (read it from the database)


def token_key(token):
    return hashlib.sha256(token.encode()).hexdigest()[:40]


# --- the stores -----------------------------------------------------------------------------------


class RedisStore:
    """Entries shared by every process, with revocation keys."""

    def __init__(self, client, seconds):
        self.client, self.seconds = client, seconds

    def read(self, key, user_id):
        session, revoked, viewer = self.client.mget([f"{PREFIX}s:{key}", f"{PREFIX}r:{key}", f"{PREFIX}v:{user_id}"])
        return (json.loads(session) if session else None), bool(revoked), (json.loads(viewer) if viewer else None)

    def put_session(self, key, entry):
        self.client.set(f"{PREFIX}s:{key}", json.dumps(entry), ex=self.seconds)

    def put_viewer(self, user_id, entry):
        self.client.set(f"{PREFIX}v:{user_id}", json.dumps(entry), ex=self.seconds)

    def revoke(self, keys):
        with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.delete(f"{PREFIX}s:{key}")
                pipe.set(f"{PREFIX}r:{key}", "1", ex=2 * self.seconds)
            pipe.execute()

    def drop_viewers(self, user_ids):
        self.client.delete(*[f"{PREFIX}v:{uid}" for uid in user_ids])


class LocalStore:
    """This process's memory, for at most a second: other processes learn within a second."""

    MAX_ENTRIES = 10_000

    def __init__(self, seconds):
        self.seconds = seconds
        self.entries = {}
        self.lock = threading.Lock()

    def _get(self, name, now):
        hit = self.entries.get(name)
        if hit is None or hit[0] < now:
            return None
        return hit[1]

    def _put(self, name, value, seconds=None):
        with self.lock:
            if len(self.entries) >= self.MAX_ENTRIES:
                now = time.monotonic()
                self.entries = {k: v for k, v in self.entries.items() if v[0] >= now}
                if len(self.entries) >= self.MAX_ENTRIES:
                    self.entries.clear()
            self.entries[name] = (time.monotonic() + (seconds or self.seconds), value)

    def read(self, key, user_id):
        now = time.monotonic()
        return self._get(f"s:{key}", now), self._get(f"r:{key}", now) is not None, self._get(f"v:{user_id}", now)

    def put_session(self, key, entry):
        self._put(f"s:{key}", entry)

    def put_viewer(self, user_id, entry):
        self._put(f"v:{user_id}", entry)

    def revoke(self, keys):
        with self.lock:
            for key in keys:
                self.entries.pop(f"s:{key}", None)
        for key in keys:
            self._put(f"r:{key}", True, 2 * self.seconds)

    def drop_viewers(self, user_ids):
        with self.lock:
            for uid in user_ids:
                self.entries.pop(f"v:{uid}", None)


def store(app=None):
    """The process's store: Redis when `REDIS_URL` is set, else this process's memory."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("krug_auth_store")
    if found is None:
        from community.jobs import redis_connection

        client = redis_connection(app)
        if client is not None:
            found = RedisStore(client, app.config["SESSION_CACHE_SECONDS"])
        else:
            found = LocalStore(app.config["SESSION_LOCAL_CACHE_SECONDS"])
        app.extensions["krug_auth_store"] = found
    return found


def _safely(action, *args):
    """Run a store action; with Redis away, log it and go on (the database still decides)."""
    try:
        return action(*args)
    except Exception:  # redis.RedisError and friends: never fail a page over the cache
        current_app.logger.warning("session cache unreachable", exc_info=True)
        return None


# --- the user's columns, to and from the cache -----------------------------------------------------


def _columns():
    return [c for c in inspect(User).column_attrs if c.key not in UNCACHED]


def _is_datetime(attr):
    column_type = attr.columns[0].type
    return isinstance(getattr(column_type, "impl", column_type), DateTime)


def _dump_user(user):
    values = {}
    for attr in _columns():
        value = getattr(user, attr.key)
        values[attr.key] = value.isoformat() if isinstance(value, datetime) else value
    return values


def _load_user(values):
    """The cached user as a persistent object of this request's session, without a query:
    changes to it are saved as usual; an uncached column loads when it is first read."""
    existing = db.session.identity_map.get(identity_key(User, values["id"]))
    if existing is not None:
        return existing
    kwargs = {}
    for attr in _columns():
        value = values.get(attr.key)
        if value is not None and _is_datetime(attr):
            value = datetime.fromisoformat(value)
        kwargs[attr.key] = value
    user = User(**kwargs)
    make_transient_to_detached(user)
    db.session.add(user)
    return user


# --- the check on every request ----------------------------------------------------------------------


def limits(is_staff):
    """(idle timeout, absolute lifetime) in seconds: shorter for admins and specialists."""
    config = current_app.config
    if is_staff:
        return config["STAFF_SESSION_IDLE_TIMEOUT"].total_seconds(), config["STAFF_SESSION_LIFETIME"].total_seconds()
    return config["SESSION_IDLE_TIMEOUT"].total_seconds(), config["SESSION_LIFETIME"].total_seconds()


def _unread(user_id):
    from community.notifications.models import Notification

    return (
        select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def _unread_messages(user_id):
    from community.messages.models import Message

    return (
        select(func.count(Message.id))
        .where(Message.recipient_id == user_id, Message.read_at.is_(None))
        .scalar_subquery()
    )


def _viewer_entry(user, unread, unread_messages=0):
    from community.orgs.models import Specialist
    from community.safety.models import Block

    organisations = db.session.scalars(select(Specialist.organisation_id).where(Specialist.user_id == user.id)).all()
    blocked = db.session.scalars(select(Block.blocked_id).where(Block.blocker_id == user.id)).all()
    return {
        "user": _dump_user(user),
        "unread": unread,
        "messages": unread_messages,
        "orgs": sorted(organisations),
        "staff": bool(user.is_admin or organisations),
        "blocked": sorted(blocked),
    }


def find_viewer(user_id, token):
    """The viewer whose session `token` is alive, else None (an expired session ends here)."""
    key = token_key(token)
    cache = store()
    cached = _safely(cache.read, key, user_id)
    entry, revoked, viewer = cached if cached else (None, False, None)
    if revoked:
        return None
    user = None
    if entry is None or entry.get("uid") != user_id:
        row = db.session.execute(
            select(UserSession, User, _unread(user_id), _unread_messages(user_id))
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token == token, UserSession.user_id == user_id)
        ).first()
        if row is None:
            return None
        session_row, user, unread, unread_messages = row
        entry = {
            "id": session_row.id,
            "uid": user_id,
            "created": session_row.created_at.timestamp(),
            "seen": session_row.last_seen_at.timestamp(),
        }
        _safely(cache.put_session, key, entry)
        viewer = None  # read the viewer fresh with the row
    if viewer is None:
        if user is None:
            row = db.session.execute(
                select(User, _unread(user_id), _unread_messages(user_id)).where(User.id == user_id)
            ).first()
            if row is None:
                return None
            user, unread, unread_messages = row
        viewer = _viewer_entry(user, unread, unread_messages)
        _safely(cache.put_viewer, user_id, viewer)
    else:
        user = _load_user(viewer["user"])

    now = time.time()
    idle, lifetime = limits(viewer["staff"])
    if now - entry["created"] > lifetime or now - entry["seen"] > idle:
        end_expired(entry["id"], token)
        return None
    if now - entry["seen"] > current_app.config["SESSION_TOUCH_SECONDS"]:
        db.session.execute(
            UserSession.__table__.update().where(UserSession.id == entry["id"]).values(last_seen_at=utcnow())
        )
        entry["seen"] = now
        _safely(cache.put_session, key, entry)
    blocked = viewer.get("blocked")
    return Viewer(
        user,
        entry["id"],
        viewer["unread"],
        viewer["orgs"],
        viewer["staff"],
        viewer.get("messages", 0),
        None if blocked is None else frozenset(blocked),
    )


def end_expired(session_id, token):
    db.session.execute(UserSession.__table__.delete().where(UserSession.id == session_id))
    revoke_after_commit([token])


def current():
    """This request's viewer (None for a visitor); set when Flask-Login loads the user."""
    return g.get("viewer")


def organisation_ids(user_id):
    """The organisations the signed-in person works for, from their cached entry; None when
    `user_id` is not the person signed in (then ask the database)."""
    signed_in = current()
    if signed_in is None or signed_in.user.id != user_id:
        return None
    return list(signed_in.organisation_ids)


def count_read(user_id, notices=0, messages=0):
    """This request marked notices or messages read: the header it renders shows the counts
    without them at once (the cached entry is dropped after the commit)."""
    found = current()
    if found is not None and found.user.id == user_id:
        found.unread = max(0, found.unread - notices)
        found.unread_messages = max(0, found.unread_messages - messages)


# --- dropping entries after a commit ----------------------------------------------------------------


def _pending(session):
    return session.info.setdefault(_DROP, {"tokens": set(), "users": set()})


def revoke_after_commit(tokens):
    """End these sessions in every process's cache once the transaction commits."""
    _pending(db.session)["tokens"].update(t for t in tokens if t)


def forget_user_after_commit(user_id):
    """Drop the user's cached viewer once the transaction commits (for bulk UPDATEs, which
    the flush events below do not see)."""
    _pending(db.session)["users"].add(user_id)


@event.listens_for(Session, "after_flush")
def _collect(session, flush_context):
    from community.messages.models import Message
    from community.notifications.models import Notification
    from community.orgs.models import Specialist

    users = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, User):
            if obj in session.deleted or session.is_modified(obj, include_collections=False):
                users.add(obj.id)
        elif isinstance(obj, Notification | Specialist):
            users.add(obj.user_id)
        elif isinstance(obj, Message) and obj.recipient_id is not None:
            users.add(obj.recipient_id)
    if users:
        _pending(session)["users"].update(users)


@event.listens_for(Session, "after_commit")
def _apply(session):
    pending = session.info.pop(_DROP, None)
    if not pending or not (pending["tokens"] or pending["users"]):
        return
    try:
        cache = store()
    except RuntimeError:  # no app context (a bare engine session): nothing is cached there
        return
    if pending["tokens"]:
        _safely(cache.revoke, [token_key(t) for t in pending["tokens"]])
    if pending["users"]:
        _safely(cache.drop_viewers, sorted(pending["users"]))


@event.listens_for(Session, "after_rollback")
def _discard(session):
    session.info.pop(_DROP, None)
