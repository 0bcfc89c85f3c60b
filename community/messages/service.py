"""Members write to each other through Krug. Addresses are never exchanged: the message
arrives by email from Krug with a link back to the conversation."""

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from community.auth import viewer
from community.auth.models import User
from community.errors import RuleError
from community.extensions import db
from community.groups.models import ACTIVE, Group, Membership
from community.messages.models import Message
from community.models import utcnow
from community.notifications.service import mark_read, notify
from community.urls import path_for

INBOX_LIMIT = 300
THREAD_LIMIT = 200


def shared_group(user, other):
    """A live group where both are active members (what allows them to write), or None."""
    mine, theirs = aliased(Membership), aliased(Membership)
    return db.session.scalar(
        select(Group)
        .join(mine, and_(mine.group_id == Group.id, mine.user_id == user.id, mine.status == ACTIVE))
        .join(theirs, and_(theirs.group_id == Group.id, theirs.user_id == other.id, theirs.status == ACTIVE))
        .where(Group.archived_at.is_(None))
        .order_by(Group.name)
        .limit(1)
    )


def has_conversation(user, other):
    return db.session.scalar(select(Message.id).where(_between(user, other)).limit(1)) is not None


def _between(user, other):
    return or_(
        and_(Message.sender_id == user.id, Message.recipient_id == other.id),
        and_(Message.sender_id == other.id, Message.recipient_id == user.id),
    )


def send_message(sender, recipient, body):
    """Send a message to a fellow member; it arrives in Krug and by email."""
    group = shared_group(sender, recipient)
    if group is None:
        raise PermissionError("no shared group")
    from community.safety.service import has_blocked

    if has_blocked(recipient, sender):
        raise RuleError("messages.blocked")
    message = Message(group_id=group.id, sender_id=sender.id, recipient_id=recipient.id, body=body.strip())
    db.session.add(message)
    db.session.flush()
    notify(
        recipient,
        "message.received",
        path_for("messages.thread", user_id=sender.id),
        email_template="messages/received",
        force_email=True,
        actor=sender,
        name=sender.display_name,
        group=group.name,
        body=message.body,
    )
    db.session.flush()
    return message


def conversations(user):
    """One row per person I have written with: the last message and whether it is unread."""
    rows = db.session.scalars(
        select(Message)
        .where(or_(Message.sender_id == user.id, Message.recipient_id == user.id))
        .options(joinedload(Message.sender), joinedload(Message.recipient))
        .order_by(Message.id.desc())
        .limit(INBOX_LIMIT)
    ).all()
    seen, result = set(), []
    for message in rows:
        other = message.recipient if message.sender_id == user.id else message.sender
        if other is None or other.id in seen:
            continue
        seen.add(other.id)
        unread = message.recipient_id == user.id and message.read_at is None
        result.append({"other": other, "last": message, "unread": unread})
    return result


def thread(user, other):
    """The conversation with `other`, oldest first; marks what I received as read."""
    messages = db.session.scalars(
        select(Message).where(_between(user, other)).order_by(Message.id.desc()).limit(THREAD_LIMIT)
    ).all()
    read = db.session.execute(
        update(Message)
        .where(Message.sender_id == other.id, Message.recipient_id == user.id, Message.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if read.rowcount:
        # What was read is no longer news in the header, nor among the notices.
        viewer.count_read(user.id, messages=read.rowcount)
        mark_read(user, "message.received", path_for("messages.thread", user_id=other.id))
    db.session.flush()
    return list(reversed(messages))


def unread_count(user):
    """Private messages to `user` not opened yet (the header's count)."""
    return db.session.scalar(
        select(func.count(Message.id)).where(Message.recipient_id == user.id, Message.read_at.is_(None))
    )


def get_user(user_id):
    return db.session.get(User, user_id)
