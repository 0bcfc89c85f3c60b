"""Tell people what happened: in-app always, by email when they allow it."""

from sqlalchemy import func, select, update

from community import email
from community.extensions import db
from community.models import utcnow
from community.notifications.models import Notification
from community.urls import absolute

PAGE_SIZE = 30


def notify(user, kind, /, url="", email_template=None, force_email=False, **data):
    """Add an in-app notice for `user` and, if they allow emails (or `force_email`), queue
    `email_template` with the same data. Part of the caller's transaction."""
    if user is None:
        return
    db.session.add(Notification(user_id=user.id, kind=kind, url=url, data=_plain(data)))
    if email_template and (force_email or user.email_notifications):
        email.send(email_template, user, link=absolute(url), **data)


def _plain(data):
    """Keep only JSON-friendly values (strings, numbers) for the stored notice."""
    return {k: v for k, v in data.items() if isinstance(v, str | int | float | bool)}


def unread_count(user):
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def list_for(user, page=1):
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    rows = db.session.scalars(query).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def mark_all_read(user):
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.flush()
