"""What can happen to an event: the verbs, their rules, their transactions.

Capacity is enforced by the database: a place is taken with one conditional UPDATE of the
event's `going_count` (and a CHECK constraint behind it), never by counting in Python.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import url_for
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community import email
from community.auth.models import User
from community.auth.service import audit
from community.events.models import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    DRAFT,
    GOING,
    INVITED,
    PUBLISHED,
    WAITLISTED,
    Event,
    EventFeedback,
    EventOrganiser,
    Registration,
)
from community.extensions import db
from community.groups.models import ACTIVE, SPECIALIST, Group, Membership
from community.models import utcnow
from community.notifications.service import notify
from community.orgs.models import Specialist

REMINDER_WINDOW = timedelta(hours=24)
MIN_FEEDBACK_FOR_DETAILS = 3
MAX_CAPACITY = 10_000


class EventError(Exception):
    """A rule was broken; `code` picks the message, `field` the form field."""

    def __init__(self, code, field=None):
        super().__init__(code)
        self.code = code
        self.field = field


# --- time ---------------------------------------------------------------------------------


def to_utc(day, clock, timezone):
    """A wall-clock time in `timezone` as an aware UTC datetime; refuses times that do not
    exist on that day because the clocks jump forward."""
    zone = ZoneInfo(timezone)
    local = datetime.combine(day, clock).replace(tzinfo=zone)
    as_utc = local.astimezone(ZoneInfo("UTC"))
    if as_utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise EventError("time-gap", field="starts_time")
    return as_utc


def local(moment, timezone):
    return moment.astimezone(ZoneInfo(timezone))


# --- reading ---------------------------------------------------------------------------------


def is_specialist_user(user):
    return db.session.scalar(select(Specialist.id).where(Specialist.user_id == user.id).limit(1)) is not None


def get_event(event_id):
    return db.session.scalar(select(Event).where(Event.id == event_id).options(joinedload(Event.group)))


def organisers(event):
    return db.session.scalars(
        select(EventOrganiser)
        .where(EventOrganiser.event_id == event.id)
        .options(joinedload(EventOrganiser.user))
        .order_by(EventOrganiser.id)
    ).all()


def my_organiser_row(user, event):
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(EventOrganiser).where(EventOrganiser.event_id == event.id, EventOrganiser.user_id == user.id)
    )


def my_registration(user, event):
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.user_id == user.id)
    )


def registrations(event, statuses=(GOING, WAITLISTED)):
    return db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(statuses))
        .options(joinedload(Registration.user))
        .order_by(Registration.status, Registration.queued_at, Registration.id)
    ).all()


def is_co_organised_with_parents(event_organisers):
    return any(o.status == ACCEPTED and not o.is_specialist for o in event_organisers)


def group_events(group, include_drafts=False, limit=20):
    """Upcoming and past events of a group (two queries)."""
    now = utcnow()
    statuses = [PUBLISHED, CANCELLED] + ([DRAFT] if include_drafts else [])
    base = select(Event).where(Event.group_id == group.id, Event.status.in_(statuses))
    upcoming = db.session.scalars(base.where(Event.ends_at >= now).order_by(Event.starts_at).limit(limit)).all()
    past = db.session.scalars(base.where(Event.ends_at < now).order_by(Event.starts_at.desc()).limit(limit)).all()
    return upcoming, past


def my_upcoming_events(user, limit=50):
    """Published upcoming events in my groups, with my registration if any (one query)."""
    now = utcnow()
    return db.session.execute(
        select(Event, Registration)
        .join(Group, Group.id == Event.group_id)
        .join(Membership, and_(Membership.group_id == Group.id, Membership.user_id == user.id, Membership.status == ACTIVE))
        .outerjoin(Registration, and_(Registration.event_id == Event.id, Registration.user_id == user.id))
        .where(Event.status == PUBLISHED, Event.ends_at >= now)
        .options(joinedload(Event.group))
        .order_by(Event.starts_at)
        .limit(limit)
    ).all()


def calendar_events(user):
    """Events I go to, wait for, or organise (for my private calendar feed)."""
    registered = select(Registration.event_id).where(
        Registration.user_id == user.id, Registration.status.in_([GOING, WAITLISTED])
    )
    organised = select(EventOrganiser.event_id).where(
        EventOrganiser.user_id == user.id, EventOrganiser.status == ACCEPTED
    )
    return db.session.scalars(
        select(Event)
        .where(or_(Event.id.in_(registered), Event.id.in_(organised)), Event.status.in_([PUBLISHED, CANCELLED]))
        .where(Event.ends_at >= utcnow() - timedelta(days=90))
        .options(joinedload(Event.group))
        .order_by(Event.starts_at)
    ).all()


# --- creating and changing -----------------------------------------------------------------


def _check_times(starts_at, ends_at, new=True):
    if ends_at <= starts_at:
        raise EventError("ends-before-start", field="ends_time")
    if new and starts_at < utcnow() - timedelta(minutes=5):
        raise EventError("in-the-past", field="starts_date")
    if ends_at - starts_at > timedelta(days=14):
        raise EventError("too-long", field="ends_date")


def _check_capacity(capacity):
    if capacity is not None and not 0 < capacity <= MAX_CAPACITY:
        raise EventError("bad-capacity", field="capacity")


def create_event(user, group, data, publish):
    """Create an event; its creator is its first (accepted) organiser."""
    _check_times(data["starts_at"], data["ends_at"])
    _check_capacity(data["capacity"])
    event = Event(group_id=group.id, created_by_id=user.id, status=PUBLISHED if publish else DRAFT, **data)
    db.session.add(event)
    db.session.flush()
    db.session.add(EventOrganiser(event_id=event.id, user_id=user.id, status=ACCEPTED, answered_at=utcnow(),
                                  is_specialist=_counts_as_specialist(user, group)))
    audit(user, "event.create", event, group_id=group.id)
    db.session.commit()
    return event


def _counts_as_specialist(user, group):
    role = db.session.scalar(
        select(Membership.role).where(Membership.group_id == group.id, Membership.user_id == user.id)
    )
    return role == SPECIALIST or is_specialist_user(user)


def update_event(user, event, data, publish=False):
    """Change an event; people who registered are told when the time or place changes."""
    _check_times(data["starts_at"], data["ends_at"], new=False)
    _check_capacity(data["capacity"])
    if data["capacity"] is not None and data["capacity"] < event.going_count:
        raise EventError("capacity-below-going", field="capacity")
    moved = (data["starts_at"], data["ends_at"], data["place"], data["online_url"]) != (
        event.starts_at, event.ends_at, event.place, event.online_url)
    old_capacity = event.capacity
    for key, value in data.items():
        setattr(event, key, value)
    if publish and event.status == DRAFT:
        event.status = PUBLISHED
    event.updated_at = utcnow()
    if moved and event.status == PUBLISHED:
        for registration in registrations(event):
            notify(registration.user, "event.changed", url_for("events.detail", event_id=event.id),
                   email_template="events/changed", force_email=True, title=event.title, group=event.group.name,
                   when=_when_text(event, registration.user), place=event.place)
    db.session.flush()
    if event.capacity is None or (old_capacity is not None and event.capacity > old_capacity):
        _fill_from_waitlist(event)
    db.session.commit()


def publish_event(user, event):
    if event.status == DRAFT:
        event.status = PUBLISHED
        event.updated_at = utcnow()
        db.session.commit()


def cancel_event(user, event, reason=""):
    """Cancel an event; everyone registered is told."""
    if event.status == CANCELLED:
        raise EventError("cancelled")
    was_published = event.status == PUBLISHED
    event.status = CANCELLED
    event.cancelled_at = utcnow()
    audit(user, "event.cancel", event, group_id=event.group_id)
    if was_published:
        for registration in registrations(event):
            notify(registration.user, "event.cancelled", url_for("events.detail", event_id=event.id),
                   email_template="events/cancelled", force_email=True, title=event.title,
                   group=event.group.name, when=_when_text(event, registration.user), reason=(reason or "").strip())
    db.session.commit()


def _when_text(event, user):
    """The event's time in the group's timezone, for emails and notices."""
    from flask_babel import format_datetime, force_locale

    with force_locale(user.locale or "ru"):
        return format_datetime(local(event.starts_at, event.group.timezone).replace(tzinfo=None), "d MMMM, HH:mm")


EDITABLE = ("title", "description", "starts_at", "ends_at", "place", "online_url", "capacity",
            "travel_reimbursed", "travel_note")


def event_values(event, shift=timedelta(0)):
    """The editable values of an event; `shift` moves it in time (to plan the next one)."""
    values = {key: getattr(event, key) for key in EDITABLE}
    values["starts_at"] += shift
    values["ends_at"] += shift
    return values


def duplicate_values(event):
    """Field values for planning the next event like this one, a week later."""
    return event_values(event, shift=timedelta(days=7))


# --- co-organisers --------------------------------------------------------------------------------


def organiser_candidates(event):
    """Active members of the group who are not yet organisers of the event."""
    taken = select(EventOrganiser.user_id).where(EventOrganiser.event_id == event.id)
    return db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == event.group_id, Membership.status == ACTIVE, User.id.not_in(taken))
        .order_by(User.display_name)
    ).all()


def invite_organiser(actor, event, user_id):
    row = db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == event.group_id, Membership.status == ACTIVE, User.id == user_id)
    ).first()
    if row is None:
        raise EventError("not-member", field="user_id")
    user, role = row
    organiser = EventOrganiser(event_id=event.id, user_id=user.id, invited_by_id=actor.id,
                               is_specialist=role == SPECIALIST or is_specialist_user(user))
    db.session.add(organiser)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise EventError("already-organiser", field="user_id") from None
    notify(user, "event.organiser_invited", url_for("events.detail", event_id=event.id),
           email_template="events/organiser_invited", title=event.title, group=event.group.name,
           name=actor.display_name)
    db.session.commit()
    return organiser


def answer_organiser_invite(user, event, accept):
    answered = db.session.execute(
        update(EventOrganiser)
        .where(EventOrganiser.event_id == event.id, EventOrganiser.user_id == user.id, EventOrganiser.status == INVITED)
        .values(status=ACCEPTED if accept else DECLINED, answered_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not answered:
        db.session.rollback()
        raise EventError("no-invitation")
    db.session.commit()


def remove_organiser(actor, organiser):
    """Withdraw an invitation or remove a co-organiser; an event keeps at least one."""
    accepted = db.session.scalar(
        select(func.count(EventOrganiser.id)).where(
            EventOrganiser.event_id == organiser.event_id, EventOrganiser.status == ACCEPTED
        )
    )
    if organiser.status == ACCEPTED and accepted <= 1:
        raise EventError("last-organiser")
    db.session.delete(organiser)
    db.session.commit()


# --- registration ------------------------------------------------------------------------------------


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
            update(Event).where(Event.id == event.id).values(waitlist_count=Event.waitlist_count + 1)
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
        update(Event).where(Event.id == event.id).values({counter: counter - 1})
        .execution_options(synchronize_session=False)
    )
    if previous == GOING and event.starts_at > utcnow():
        _fill_from_waitlist(event)
    db.session.commit()
    db.session.refresh(event)


def _fill_from_waitlist(event):
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
                update(Event).where(Event.id == event.id)
                .values(going_count=Event.going_count - 1, waitlist_count=0)
                .execution_options(synchronize_session=False)
            )
            return
        notify(promoted.user, "event.promoted", url_for("events.detail", event_id=event.id),
               email_template="events/promoted", force_email=True, title=event.title,
               group=event.group.name, when=_when_text(event, promoted.user))


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
    db.session.add(EventFeedback(event_id=event.id, user_id=user.id, feeling=feeling, helped=(helped or "").strip(),
                                 change=(change or "").strip(), anonymous=bool(anonymous)))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EventError("feedback-given") from None


def has_given_feedback(user, event):
    return db.session.scalar(
        select(EventFeedback.id).where(EventFeedback.event_id == event.id, EventFeedback.user_id == user.id)
    ) is not None


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
        notify(registration.user, "event.message", url_for("events.detail", event_id=event.id),
               email_template="events/organiser_message", force_email=True, title=event.title,
               group=event.group.name, name=actor.display_name, body=text.strip())
    db.session.commit()
    return len(people)


# --- reminders and calendar ---------------------------------------------------------------------------------


def send_reminders(now=None):
    """Email everyone going to an event that starts within 24 hours, once. Idempotent:
    each reminder is claimed with a conditional update before it is queued."""
    now = now or utcnow()
    due = db.session.execute(
        select(Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == GOING,
            Registration.reminded_at.is_(None),
            Event.status == PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + REMINDER_WINDOW,
        )
    ).scalars().all()
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
        email.send("events/reminder", registration.user, title=event.title, group=event.group.name,
                   when=_when_text(event, registration.user), place=event.place, online_url=event.online_url,
                   link=url_for("events.detail", event_id=event.id, _external=True))
        db.session.commit()
        sent += 1
    return sent


def calendar_token_for(user):
    from community.events.models import new_feed_token

    if not user.calendar_token:
        user.calendar_token = new_feed_token()
        db.session.commit()
    return user.calendar_token


def reset_calendar_token(user):
    from community.events.models import new_feed_token

    user.calendar_token = new_feed_token()
    db.session.commit()


def user_by_calendar_token(token):
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(User).where(User.calendar_token == token))
