"""Registering for an event, the waiting list, attendance and feedback.

Capacity: every change to an event's registrations happens under the event's row lock,
and the event's counters are recomputed from the rows after it (a CHECK constraint keeps
`going_count <= capacity` behind that), so concurrent requests can neither overfill an
event nor leave its counters drifting from the rows.
"""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from community.audit import audit
from community.auth.models import User
from community.errors import RuleError
from community.events.models import CANCELLED, GOING, PUBLISHED, WAITLISTED, Event, EventFeedback, Registration
from community.events.service import (
    MIN_FEEDBACK_FOR_DETAILS,
    my_registration,
    registrations,
    tell_registered,
    when_text,
)
from community.extensions import db
from community.jobs import after_commit, job
from community.models import utcnow
from community.notifications.service import notify
from community.urls import path_for


def lock_event(event):
    """Take the event's row lock and re-read it: registrations of one event change one
    transaction at a time (SQLite's single writer gives the same on its own)."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    db.session.refresh(event)


def recount(event):
    """The counters follow the rows: recomputed from the registrations under the lock after
    every change, so they can never drift from what people hold."""
    counts = dict(
        db.session.execute(
            select(Registration.status, func.count(Registration.id))
            .where(Registration.event_id == event.id, Registration.status.in_([GOING, WAITLISTED]))
            .group_by(Registration.status)
        ).all()
    )
    event.going_count, event.waitlist_count = counts.get(GOING, 0), counts.get(WAITLISTED, 0)
    db.session.flush()


def _mine(user, event):
    """My registration as the database holds it now (after the lock), not as first loaded."""
    return db.session.scalar(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.user_id == user.id)
        .execution_options(populate_existing=True)
    )


def register(user, event):
    """Take a place if there is one, else join the waitlist. Places are counted and taken
    under the event's row lock, and a CHECK constraint stands behind the count."""
    lock_event(event)
    if event.status != PUBLISHED:
        raise RuleError("events.not-open")
    if event.starts_at <= utcnow():
        raise RuleError("events.started")
    registration = _mine(user, event)
    if registration is not None and registration.status in (GOING, WAITLISTED):
        raise RuleError("events.already-registered")
    going = _count(event, GOING)
    status = GOING if event.capacity is None or going < event.capacity else WAITLISTED
    now = utcnow()
    if registration is None:
        registration = Registration(event_id=event.id, user_id=user.id, status=status, queued_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(registration)
        except IntegrityError:
            raise RuleError("events.already-registered") from None
    else:
        registration.status, registration.queued_at, registration.updated_at = status, now, now
        registration.attended = None
    db.session.flush()
    recount(event)
    return registration


def _count(event, status):
    return db.session.scalar(
        select(func.count(Registration.id)).where(Registration.event_id == event.id, Registration.status == status)
    )


def cancel_registration(user, event):
    """Give up my place (or leave the waitlist); the first person waiting is promoted at once."""
    lock_event(event)
    registration = _mine(user, event)
    if registration is None or registration.status not in (GOING, WAITLISTED):
        raise RuleError("events.not-registered")
    release_place(registration, event)


def release_place(registration, event):
    """Cancel one registration (the caller holds the event's lock) and promote from the
    waiting list into a place it freed."""
    previous = registration.status
    registration.status, registration.updated_at = CANCELLED, utcnow()
    db.session.flush()
    if previous == GOING and event.status == PUBLISHED and event.starts_at > utcnow():
        fill_from_waitlist(event)
    recount(event)


def withdraw_from_group(user_id, group_id):
    """The person is no longer in the group: give up their places at its events to come, each
    under the event's lock (in event order, so two leavers never wait on each other), and
    promote the waiting list into the places freed."""
    event_ids = db.session.scalars(
        select(Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.user_id == user_id,
            Registration.status.in_([GOING, WAITLISTED]),
            Event.group_id == group_id,
            Event.starts_at > utcnow(),
        )
        .order_by(Registration.event_id)
    ).all()
    for event_id in event_ids:
        event = db.session.get(Event, event_id)
        lock_event(event)
        registration = db.session.scalar(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.user_id == user_id)
            .execution_options(populate_existing=True)
        )
        if registration is not None and registration.status in (GOING, WAITLISTED):
            release_place(registration, event)


def fill_from_waitlist(event):
    """Promote waiting people, first come first served, while places are free (under the
    event's lock, taken by the caller)."""
    going = _count(event, GOING)
    while event.capacity is None or going < event.capacity:
        promoted = db.session.scalar(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == WAITLISTED)
            .order_by(Registration.queued_at, Registration.id)
            .limit(1)
        )
        if promoted is None:
            break
        promoted.status, promoted.updated_at = GOING, utcnow()
        db.session.flush()
        going += 1
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
    recount(event)


def set_name_visibility(user, event, show):
    registration = my_registration(user, event)
    if registration is None:
        raise RuleError("events.not-registered")
    registration.show_name = bool(show)
    db.session.flush()


# --- after the event ------------------------------------------------------------------------------------


def mark_attendance(actor, event, attended_ids):
    """Organisers tick who came; everyone else registered as going is marked absent."""
    if event.starts_at > utcnow():
        raise RuleError("events.not-started")
    attended_ids = set(attended_ids)
    for registration in registrations(event, statuses=(GOING,)):
        registration.attended = registration.user_id in attended_ids
    audit(actor, "event.attendance", event, count=len(attended_ids))
    db.session.flush()


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
        raise RuleError("events.no-feedback")
    feedback = EventFeedback(
        event_id=event.id,
        user_id=user.id,
        feeling=feeling,
        helped=(helped or "").strip(),
        change=(change or "").strip(),
        anonymous=bool(anonymous),
    )
    try:
        with db.session.begin_nested():
            db.session.add(feedback)
    except IntegrityError:
        raise RuleError("events.feedback-given") from None


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
    """Organisers write to everyone going or waiting (by email and in-app); the messages
    are written after the commit. Returns how many people it reaches."""
    count = len(registrations(event))
    if count:
        after_commit("events.message_registered", event.id, actor.id, text.strip())
    return count


@job("events.message_registered")
def send_organisers_message(event_id, actor_id, text):
    """The organisers' message reaches everyone going or waiting."""
    event, actor = db.session.get(Event, event_id), db.session.get(User, actor_id)
    tell_registered(
        event,
        "event.message",
        "events/organiser_message",
        actor=actor,
        name=actor.display_name if actor else "",
        body=text,
    )
