"""Reminders before an event, and each person's private calendar feed."""

from sqlalchemy import and_, select, update

from community import email
from community.auth.models import User
from community.events.models import GOING, PUBLISHED, Event, Registration, new_feed_token
from community.events.service import REMINDER_WINDOW, when_text
from community.extensions import db
from community.groups.models import ACTIVE, Membership
from community.jobs import job
from community.models import utcnow
from community.urls import external_url


@job("events.send_reminders")
def send_reminders(now=None):
    """Email everyone going to an event that starts within 24 hours (and still in its group), once. Idempotent:
    each reminder is claimed with a conditional update before it is queued."""
    now = now or utcnow()
    due = (
        db.session.execute(
            select(Registration.id)
            .join(Event, Event.id == Registration.event_id)
            .join(
                Membership,
                and_(
                    Membership.group_id == Event.group_id,
                    Membership.user_id == Registration.user_id,
                    Membership.status == ACTIVE,
                ),
            )
            .where(
                Registration.status == GOING,
                Registration.reminded_at.is_(None),
                Event.status == PUBLISHED,
                Event.starts_at > now,
                Event.starts_at <= now + REMINDER_WINDOW,
            )
        )
        .scalars()
        .all()
    )
    sent = 0
    for registration_id in due:
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration_id, Registration.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        registration = db.session.get(Registration, registration_id)
        event = registration.event
        email.send(
            "events/reminder",
            registration.user,
            title=event.title,
            group=event.group.name,
            when=when_text(event, registration.user),
            place=event.place,
            online_url=event.online_url,
            link=external_url("events.detail", event_id=event.id),
        )
        sent += 1
    return sent


def calendar_token_for(user):
    if not user.calendar_token:
        user.calendar_token = new_feed_token()
        db.session.flush()
    return user.calendar_token


def reset_calendar_token(user):
    user.calendar_token = new_feed_token()
    db.session.flush()


def user_by_calendar_token(token):
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(User).where(User.calendar_token == token))
