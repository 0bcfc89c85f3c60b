"""Tell people what happened: in-app always, by email when they allow it."""

from sqlalchemy import func, or_, select, update

from community import email
from community.extensions import db
from community.models import utcnow
from community.notifications.models import Notification
from community.notifications.texts import STORED_KEYS
from community.paging import paginate
from community.urls import absolute

PAGE_SIZE = 30


def notify(user, kind, /, url="", email_template=None, force_email=False, actor=None, **data):
    """Add an in-app notice for `user` and, if they allow emails (or `force_email`), queue
    `email_template` with the same data. `actor` is the person whose action it reports (their
    name is in the data). Part of the caller's transaction."""
    if user is None or not user.email:
        return  # nobody, or a member without an account (community/offline): no notice, no email
    db.session.add(
        Notification(user_id=user.id, actor_id=getattr(actor, "id", None), kind=kind, url=url, data=_stored(data))
    )
    if email_template and (force_email or user.email_notifications):
        email.send(email_template, user, link=absolute(url), **data)


def _stored(data):
    """Keep what the notice's sentence shows (texts.py), nothing more: message bodies and
    details travel in the email only, never into the stored notice."""
    return {k: v for k, v in data.items() if k in STORED_KEYS and isinstance(v, str | int | float | bool)}


def forget_actor(user, their_pages=()):
    """`user` is deleting their account: their name leaves the notices others received, and
    so do the titles of what they wrote (notices that link to `their_pages`)."""
    pages = set(their_pages)
    for notice in db.session.scalars(select(Notification).where(Notification.actor_id == user.id)):
        notice.data = {k: v for k, v in (notice.data or {}).items() if k != "name"}
        notice.actor_id = None
    if pages:
        linking = or_(Notification.url.in_(pages), *[Notification.url.startswith(page + "#") for page in pages])
        for notice in db.session.scalars(select(Notification).where(linking)):
            notice.data = {k: v for k, v in (notice.data or {}).items() if k != "title"}
    db.session.flush()


def unread_count(user):
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def list_for(user, page=1):
    """One page of the person's notifications, newest first: a `paginate` result (two
    queries at most at any size: the page and its count)."""
    return paginate(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )


def mark_all_read(user):
    from community.auth.viewer import forget_user_after_commit

    forget_user_after_commit(user.id)
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.flush()


def mark_read(user, kind, url):
    """The notices of `kind` linking to `url` stop showing as new: what they announced was
    seen or answered (a message read in its conversation, an invitation answered)."""
    from community.auth.viewer import count_read, forget_user_after_commit

    forget_user_after_commit(user.id)
    read = db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.kind == kind,
            Notification.url == url,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    count_read(user.id, notices=read.rowcount)
