"""Registering for an event, the waiting list, attendance and feedback.

Capacity is enforced by the database: a place is taken with one conditional UPDATE of the
event's `going_count` (and a CHECK constraint behind it), never by counting in Python.
"""

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from community.auth.models import User
from community.auth.service import audit
from community.events.models import CANCELLED, GOING, PUBLISHED, WAITLISTED, Event, EventFeedback, Registration
from community.events.service import MIN_FEEDBACK_FOR_DETAILS, EventError, my_registration, registrations, when_text
from community.extensions import db
from community.models import utcnow
from community.notifications.service import notify
from community.urls import path_for


def register(user, event):
    """Take a place if there is one, else join the waitlist. Safe under concurrency: the
    place is taken by a conditional UPDATE that the database serialises."""
    if event.status != PUBLISHED:
        raise EventError("not-open")
    if event.starts_at <= utcnow():
        raise EventError("started")
    existing = my_registration(user, event)
    if existing is not None and existing.status in (GOING, WAITLISTED):
        raise EventError("already-registered")
    took_place = db.session.execute(
        update(Event)
        .where(Event.id == event.id, Event.status == PUBLISHED)
        .where(or_(Event.capacity.is_(None), Event.going_count < Event.capacity))
        .values(going_count=Event.going_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    status = GOING if took_place else WAITLISTED
    if not took_place:
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(waitlist_count=Event.waitlist_count + 1)
            .execution_options(synchronize_session=False)
        )
    now = utcnow()
    if existing is None:
        registration = Registration(event_id=event.id, user_id=user.id, status=status, queued_at=now)
        db.session.add(registration)
    else:
        registration = existing
        registration.status, registration.queued_at, registration.updated_at = status, now, now
        registration.attended = None
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EventError("already-registered") from None
    db.session.refresh(event)
    return registration


def cancel_registration(user, event):
    """Give up my place (or leave the waitlist); the first person waiting is promoted at once."""
    registration = my_registration(user, event)
    if registration is None or registration.status not in (GOING, WAITLISTED):
        raise EventError("not-registered")
    previous = registration.status
    cancelled = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status == previous)
        .values(status=CANCELLED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not cancelled:
        db.session.rollback()
        raise EventError("not-registered")
    counter = Event.going_count if previous == GOING else Event.waitlist_count
    db.session.execute(
        update(Event)
        .where(Event.id == event.id)
        .values({counter: counter - 1})
        .execution_options(synchronize_session=False)
    )
    if previous == GOING and event.starts_at > utcnow():
        fill_from_waitlist(event)
    db.session.commit()
    db.session.refresh(event)


def fill_from_waitlist(event):
    """Promote waiting people, first come first served, while places are free."""
    while True:
        took_place = db.session.execute(
            update(Event)
            .where(Event.id == event.id, or_(Event.capacity.is_(None), Event.going_count < Event.capacity))
            .where(Event.waitlist_count > 0)
            .values(going_count=Event.going_count + 1, waitlist_count=Event.waitlist_count - 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not took_place:
            return
        promoted = _promote_first_waiting(event)
        if promoted is None:
            # Nobody was actually waiting: undo the place we took.
            db.session.execute(
                update(Event)
                .where(Event.id == event.id)
                .values(going_count=Event.going_count - 1, waitlist_count=0)
                .execution_options(synchronize_session=False)
            )
            return
        notify(
            promoted.user,
            "event.promoted",
            path_for("events.detail", event_id=event.id),
            email_template="events/promoted",
            force_email=True,
            title=event.title,
            group=event.group.name,
            when=when_text(event, promoted.user),
        )


def _promote_first_waiting(event):
    """Move the earliest waiting person to `going`; a conditional update, retried if a
    concurrent cancellation promoted the same person first."""
    for _ in range(20):
        candidate = db.session.scalar(
            select(Registration.id)
            .where(Registration.event_id == event.id, Registration.status == WAITLISTED)
            .order_by(Registration.queued_at, Registration.id)
            .limit(1)
        )
        if candidate is None:
            return None
        moved = db.session.execute(
            update(Registration)
            .where(Registration.id == candidate, Registration.status == WAITLISTED)
            .values(status=GOING, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved:
            return db.session.get(Registration, candidate)
    return None


def set_name_visibility(user, event, show):
    registration = my_registration(user, event)
    if registration is None:
        raise EventError("not-registered")
    registration.show_name = bool(show)
    db.session.commit()


# --- after the event ------------------------------------------------------------------------------------


def mark_attendance(actor, event, attended_ids):
    """Organisers tick who came; everyone else registered as going is marked absent."""
    if event.starts_at > utcnow():
        raise EventError("not-started")
    attended_ids = set(attended_ids)
    for registration in registrations(event, statuses=(GOING,)):
        registration.attended = registration.user_id in attended_ids
    audit(actor, "event.attendance", event, count=len(attended_ids))
    db.session.commit()


def can_give_feedback(user, event, registration):
    return (
        registration is not None
        and registration.status == GOING
        and registration.attended is not False
        and event.status == PUBLISHED
        and event.ends_at <= utcnow()
    )


def submit_feedback(user, event, feeling, helped, change, anonymous):
    registration = my_registration(user, event)
    if not can_give_feedback(user, event, registration):
        raise EventError("no-feedback")
    db.session.add(
        EventFeedback(
            event_id=event.id,
            user_id=user.id,
            feeling=feeling,
            helped=(helped or "").strip(),
            change=(change or "").strip(),
            anonymous=bool(anonymous),
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EventError("feedback-given") from None


def has_given_feedback(user, event):
    return (
        db.session.scalar(
            select(EventFeedback.id).where(EventFeedback.event_id == event.id, EventFeedback.user_id == user.id)
        )
        is not None
    )


def feedback_summary(event):
    """Counts always; the texts and the spread only from 3 answers on, so no one is identified."""
    rows = db.session.execute(
        select(EventFeedback, User.display_name)
        .outerjoin(User, User.id == EventFeedback.user_id)
        .where(EventFeedback.event_id == event.id)
        .order_by(EventFeedback.id)
    ).all()
    count = len(rows)
    summary = {"count": count, "details": count >= MIN_FEEDBACK_FOR_DETAILS}
    if summary["details"]:
        feelings = sorted(f.feeling for f, _ in rows)
        summary["median"] = feelings[count // 2] if count % 2 else (feelings[count // 2 - 1] + feelings[count // 2]) / 2
        summary["spread"] = {score: feelings.count(score) for score in range(1, 6)}
        summary["answers"] = [
            {"name": None if f.anonymous else name, "helped": f.helped, "change": f.change, "feeling": f.feeling}
            for f, name in rows
        ]
    return summary


def message_registered(actor, event, text):
    """Organisers write to everyone going or waiting (by email and in-app)."""
    people = registrations(event)
    for registration in people:
        notify(
            registration.user,
            "event.message",
            path_for("events.detail", event_id=event.id),
            email_template="events/organiser_message",
            force_email=True,
            title=event.title,
            group=event.group.name,
            name=actor.display_name,
            body=text.strip(),
        )
    db.session.commit()
    return len(people)
