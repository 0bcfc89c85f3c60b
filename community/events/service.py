"""What can happen to an event: planning, changing, cancelling, co-organisers.

Registration and what follows the event are in `registration.py`; reminders and the
calendar feed in `reminders.py`.
"""

from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, func, or_, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from community.audit import audit
from community.auth.models import User
from community.errors import RuleError
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
    EventOrganiser,
    Registration,
)
from community.extensions import db
from community.groups.models import ACTIVE, SPECIALIST, Group, Membership
from community.jobs import after_commit, job
from community.models import utcnow
from community.notifications.service import mark_read, notify
from community.orgs.models import Specialist
from community.urls import path_for

REMINDER_WINDOW = timedelta(hours=24)
MIN_FEEDBACK_FOR_DETAILS = 3
MAX_CAPACITY = 10_000


# --- time ---------------------------------------------------------------------------------


def to_utc(day, clock, timezone):
    """A wall-clock time in `timezone` as an aware UTC datetime; refuses times that do not
    exist on that day because the clocks jump forward."""
    zone = ZoneInfo(timezone)
    local = datetime.combine(day, clock).replace(tzinfo=zone)
    as_utc = local.astimezone(ZoneInfo("UTC"))
    if as_utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise RuleError("events.time-gap", field="starts_time")
    return as_utc


def local(moment, timezone):
    return moment.astimezone(ZoneInfo(timezone))


# --- reading ---------------------------------------------------------------------------------


def is_specialist_user(user):
    from community.auth import viewer

    known = viewer.organisation_ids(user.id)  # the ids that came with the session, if it is theirs
    if known is not None:
        return bool(known)
    return db.session.scalar(select(Specialist.id).where(Specialist.user_id == user.id).limit(1)) is not None


def get_event(event_id):
    return db.session.scalar(select(Event).where(Event.id == event_id).options(joinedload(Event.group)))


def event_with_viewer(event_id, user):
    """(event with its group, the viewer's membership, organiser row, registration) in one
    query, Nones where there is none; None when there is no such event."""
    if not user.is_authenticated:
        event = get_event(event_id)
        return (event, None, None, None) if event is not None else None
    row = db.session.execute(_event_with_viewer(), {"event_id": event_id, "viewer": user.id}).one_or_none()
    return tuple(row) if row is not None else None


@cache
def _event_with_viewer():
    viewer = bindparam("viewer")
    return (
        select(Event, Membership, EventOrganiser, Registration)
        .outerjoin(Membership, and_(Membership.group_id == Event.group_id, Membership.user_id == viewer))
        .outerjoin(EventOrganiser, and_(EventOrganiser.event_id == Event.id, EventOrganiser.user_id == viewer))
        .outerjoin(Registration, and_(Registration.event_id == Event.id, Registration.user_id == viewer))
        .where(Event.id == bindparam("event_id"))
        .options(joinedload(Event.group))
    )


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
    """Upcoming and past events of a group: the next `limit` and the last `limit`, in one
    query (a UNION ALL of the two ends of the timeline)."""
    now = utcnow()
    params = {"group_id": group.id, "now": now, "limit": limit}
    events = db.session.scalars(_group_events_query(include_drafts), params).all()
    for event in events:  # the summary shows the group's timezone: no lazy load per event
        set_committed_value(event, "group", group)
    return (
        sorted((e for e in events if e.ends_at >= now), key=lambda e: (e.starts_at, e.id)),
        sorted((e for e in events if e.ends_at < now), key=lambda e: (e.starts_at, e.id), reverse=True),
    )


@cache
def _group_events_query(include_drafts):
    """`group_events`' statement, built once with bound parameters (`group_id`, `now`, `limit`)."""
    statuses = [PUBLISHED, CANCELLED] + ([DRAFT] if include_drafts else [])
    base = select(Event.id).where(Event.group_id == bindparam("group_id"), Event.status.in_(statuses))
    now, limit = bindparam("now"), bindparam("limit")
    upcoming = base.where(Event.ends_at >= now).order_by(Event.starts_at).limit(limit).subquery()
    past = base.where(Event.ends_at < now).order_by(Event.starts_at.desc()).limit(limit).subquery()
    ids = union_all(select(upcoming.c.id), select(past.c.id)).subquery()
    return select(Event).where(Event.id.in_(select(ids.c.id)))


def my_upcoming_events(user, limit=50):
    """Published upcoming events in my groups, with my registration if any (one query)."""
    now = utcnow()
    return db.session.execute(
        select(Event, Registration)
        .join(Group, Group.id == Event.group_id)
        .join(
            Membership,
            and_(Membership.group_id == Group.id, Membership.user_id == user.id, Membership.status == ACTIVE),
        )
        .outerjoin(Registration, and_(Registration.event_id == Event.id, Registration.user_id == user.id))
        .where(Event.status == PUBLISHED, Event.ends_at >= now)
        .options(joinedload(Event.group))
        .order_by(Event.starts_at)
        .limit(limit)
    ).all()


def calendar_events(user):
    """Events I go to, wait for, or organise, in groups I am still in (my private calendar feed)."""
    registered = select(Registration.event_id).where(
        Registration.user_id == user.id, Registration.status.in_([GOING, WAITLISTED])
    )
    organised = select(EventOrganiser.event_id).where(
        EventOrganiser.user_id == user.id, EventOrganiser.status == ACCEPTED
    )
    member_of = select(Membership.group_id).where(Membership.user_id == user.id, Membership.status == ACTIVE)
    return db.session.scalars(
        select(Event)
        .where(or_(Event.id.in_(registered), Event.id.in_(organised)), Event.status.in_([PUBLISHED, CANCELLED]))
        .where(Event.group_id.in_(member_of))
        .where(Event.ends_at >= utcnow() - timedelta(days=90))
        .options(joinedload(Event.group))
        .order_by(Event.starts_at)
    ).all()


# --- creating and changing -----------------------------------------------------------------


def _check_times(starts_at, ends_at, new=True):
    if ends_at <= starts_at:
        raise RuleError("events.ends-before-start", field="ends_time")
    if new and starts_at < utcnow() - timedelta(minutes=5):
        raise RuleError("events.in-the-past", field="starts_date")
    if ends_at - starts_at > timedelta(days=14):
        raise RuleError("events.too-long", field="ends_date")


def _check_capacity(capacity):
    if capacity is not None and not 0 < capacity <= MAX_CAPACITY:
        raise RuleError("events.bad-capacity", field="capacity")


def create_event(user, group, data, publish):
    """Create an event; its creator is its first (accepted) organiser."""
    _check_times(data["starts_at"], data["ends_at"])
    _check_capacity(data["capacity"])
    event = Event(group_id=group.id, created_by_id=user.id, status=PUBLISHED if publish else DRAFT, **data)
    db.session.add(event)
    db.session.flush()
    db.session.add(
        EventOrganiser(
            event_id=event.id,
            user_id=user.id,
            status=ACCEPTED,
            answered_at=utcnow(),
            is_specialist=_counts_as_specialist(user, group),
        )
    )
    audit(user, "event.create", event, group_id=group.id)
    db.session.flush()
    return event


def _counts_as_specialist(user, group):
    role = db.session.scalar(
        select(Membership.role).where(Membership.group_id == group.id, Membership.user_id == user.id)
    )
    return role == SPECIALIST or is_specialist_user(user)


def update_event(user, event, data, publish=False):
    """Change an event; people who registered are told when the time or place changes."""
    from community.events.registration import fill_from_waitlist, lock_event

    _check_times(data["starts_at"], data["ends_at"], new=False)
    _check_capacity(data["capacity"])
    lock_event(event)
    if data["capacity"] is not None and data["capacity"] < event.going_count:
        raise RuleError("events.capacity-below-going", field="capacity")
    moved = (data["starts_at"], data["ends_at"], data["place"], data["online_url"]) != (
        event.starts_at,
        event.ends_at,
        event.place,
        event.online_url,
    )
    old_capacity = event.capacity
    for key, value in data.items():
        setattr(event, key, value)
    if publish and event.status == DRAFT:
        event.status = PUBLISHED
    event.updated_at = utcnow()
    if moved and event.status == PUBLISHED:
        after_commit("events.tell_changed", event.id)
    db.session.flush()
    if event.capacity is None or (old_capacity is not None and event.capacity > old_capacity):
        fill_from_waitlist(event)


def tell_registered(event, kind, template, **data):
    """Tell everyone going or waiting, in-app and by email, each with the time in their language
    (the fan-out jobs below run this after the commit)."""
    for registration in registrations(event):
        notify(
            registration.user,
            kind,
            path_for("events.detail", event_id=event.id),
            email_template=template,
            force_email=True,
            title=event.title,
            group=event.group.name,
            when=when_text(event, registration.user),
            **data,
        )


@job("events.tell_changed")
def tell_changed(event_id):
    """People registered hear the new time or place."""
    event = db.session.get(Event, event_id)
    tell_registered(event, "event.changed", "events/changed", place=event.place)


def publish_event(user, event):
    if event.status == DRAFT:
        event.status = PUBLISHED
        event.updated_at = utcnow()
        db.session.flush()


def cancel_event(user, event, reason=""):
    """Cancel an event; everyone registered is told."""
    if event.status == CANCELLED:
        raise RuleError("events.cancelled")
    was_published = event.status == PUBLISHED
    event.status = CANCELLED
    event.cancelled_at = utcnow()
    audit(user, "event.cancel", event, group_id=event.group_id)
    db.session.flush()
    if was_published:
        after_commit("events.tell_cancelled", event.id, (reason or "").strip())


@job("events.tell_cancelled")
def tell_cancelled(event_id, reason):
    """Everyone who was going or waiting hears of the cancellation."""
    tell_registered(db.session.get(Event, event_id), "event.cancelled", "events/cancelled", reason=reason)


def when_text(event, user):
    """The event's time in the group's timezone, for emails and notices."""
    from flask_babel import force_locale, format_datetime

    with force_locale(user.locale or "ru"):
        return format_datetime(local(event.starts_at, event.group.timezone).replace(tzinfo=None), "d MMMM, HH:mm")


EDITABLE = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "travel_reimbursed",
    "travel_note",
)


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
        raise RuleError("events.not-member", field="user_id")
    user, role = row
    organiser = EventOrganiser(
        event_id=event.id,
        user_id=user.id,
        invited_by_id=actor.id,
        is_specialist=role == SPECIALIST or is_specialist_user(user),
    )
    try:
        with db.session.begin_nested():
            db.session.add(organiser)
    except IntegrityError:
        raise RuleError("events.already-organiser", field="user_id") from None
    notify(
        user,
        "event.organiser_invited",
        path_for("events.detail", event_id=event.id),
        email_template="events/organiser_invited",
        title=event.title,
        group=event.group.name,
        actor=actor,
        name=actor.display_name,
    )
    db.session.flush()
    return organiser


def answer_organiser_invite(user, event, accept):
    answered = db.session.execute(
        update(EventOrganiser)
        .where(EventOrganiser.event_id == event.id, EventOrganiser.user_id == user.id, EventOrganiser.status == INVITED)
        .values(status=ACCEPTED if accept else DECLINED, answered_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not answered:
        raise RuleError("events.no-invitation")
    mark_read(user, "event.organiser_invited", path_for("events.detail", event_id=event.id))  # answered: not news
    db.session.flush()


def remove_organiser(actor, organiser):
    """Withdraw an invitation or remove a co-organiser; an event keeps at least one. Counted
    under the event's row lock, so two organisers removing each other cannot both succeed."""
    from community.events.registration import lock_event

    lock_event(organiser.event)
    organiser = db.session.scalar(
        select(EventOrganiser).where(EventOrganiser.id == organiser.id).execution_options(populate_existing=True)
    )
    if organiser is None:
        return  # removed a moment ago by another organiser
    accepted = db.session.scalar(
        select(func.count(EventOrganiser.id)).where(
            EventOrganiser.event_id == organiser.event_id, EventOrganiser.status == ACCEPTED
        )
    )
    if organiser.status == ACCEPTED and accepted <= 1:
        raise RuleError("events.last-organiser")
    db.session.delete(organiser)
    db.session.flush()
