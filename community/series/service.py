"""What can happen to a series of regular meetings: create it, keep its meetings created
three months ahead, edit "this and the following meetings" (a split, as phone calendars
do), and end it.

A meeting is an ordinary event: "this meeting" is edited and cancelled on the event's own
pages (community/events), and cancelling it tells the people who registered, as for any
event. A cancelled meeting keeps its place in the series, so it is never created again.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from community.audit import audit
from community.errors import RuleError
from community.events import service as events
from community.events.models import ACCEPTED, CANCELLED, PUBLISHED, Event, EventOrganiser
from community.extensions import db
from community.groups.models import ACTIVE as MEMBER_ACTIVE
from community.groups.models import Membership
from community.jobs import job
from community.models import utcnow
from community.series import rules
from community.series.models import ACTIVE, ENDED, MONTHLY_DATE, MONTHLY_WEEKDAY, WEEKLY, EventSeries

HORIZON = timedelta(days=92)  # meetings exist this far ahead: people can see and register
RULE_FIELDS = ("repeat", "interval", "weekday", "nth", "monthday", "starts_on", "until", "count")
TIME_FIELDS = ("starts_time", "ends_time")
DETAIL_FIELDS = ("title", "description", "place", "online_url", "capacity", "travel_reimbursed", "travel_note")


# --- reading ---------------------------------------------------------------------------------


def get_series(series_id):
    return db.session.get(EventSeries, series_id)


def meetings(series, upcoming=True, limit=12):
    """The series' meetings (cancelled ones too, marked so), the next or the last `limit`."""
    now = utcnow()
    query = select(Event).where(Event.series_id == series.id, Event.status != "draft")
    if upcoming:
        query = query.where(Event.ends_at >= now).order_by(Event.starts_at)
    else:
        query = query.where(Event.ends_at < now).order_by(Event.starts_at.desc())
    return db.session.scalars(query.limit(limit)).all()


def group_series(group):
    """The group's series that still have meetings to come, with the next one of each."""
    now = utcnow()
    upcoming = (
        select(Event.series_id, func.min(Event.starts_at).label("next_at"))
        .where(Event.group_id == group.id, Event.series_id.is_not(None), Event.status == PUBLISHED)
        .where(Event.starts_at >= now)
        .group_by(Event.series_id)
        .subquery()
    )
    return db.session.execute(
        select(EventSeries, upcoming.c.next_at)
        .join(upcoming, upcoming.c.series_id == EventSeries.id)
        .where(EventSeries.group_id == group.id)
        .order_by(upcoming.c.next_at)
    ).all()


def values_for(series, event=None):
    """The series as form values; from `event` on, the day is that meeting's own."""
    values = {key: getattr(series, key) for key in RULE_FIELDS + TIME_FIELDS + DETAIL_FIELDS}
    if event is not None:
        values["starts_on"] = event.occurrence_at.astimezone(ZoneInfo(series.timezone)).date()
        values["until"] = series.until
        if series.count is not None:
            values["count"] = max(1, series.count - rules.occurrences_before(series, event.occurrence_at))
    return values


# --- rules --------------------------------------------------------------------------------


def _clean_rule(data, timezone):
    """Keep only the fields the chosen repeat uses, and check the rule gives a meeting."""
    repeat = data["repeat"]
    data["interval"] = data.get("interval") or 1 if repeat == WEEKLY else 1
    if not 1 <= data["interval"] <= rules.MAX_INTERVAL:
        raise RuleError("series.bad-interval", field="interval")
    if repeat in (WEEKLY, MONTHLY_WEEKDAY) and data.get("weekday") is None:
        raise RuleError("series.no-weekday", field="weekday")
    if repeat == MONTHLY_WEEKDAY and data.get("nth") not in (1, 2, 3, 4, -1):
        raise RuleError("series.no-nth", field="nth")
    if repeat == MONTHLY_DATE and not 1 <= (data.get("monthday") or 0) <= 31:
        raise RuleError("series.no-monthday", field="monthday")
    data["weekday"] = data.get("weekday") if repeat != MONTHLY_DATE else None
    data["nth"] = data.get("nth") if repeat == MONTHLY_WEEKDAY else None
    data["monthday"] = data.get("monthday") if repeat == MONTHLY_DATE else None
    if data["ends_time"] <= data["starts_time"]:
        raise RuleError("events.ends-before-start", field="ends_time")
    if data.get("until") is not None and data.get("count") is not None:
        data["count"] = None  # one end at a time: the form sends only the chosen one
    if data.get("count") is not None and not 1 <= data["count"] <= rules.MAX_COUNT:
        raise RuleError("series.bad-count", field="count")
    if data.get("until") is not None and data["until"] < data["starts_on"]:
        raise RuleError("series.until-before-start", field="until")
    events._check_capacity(data.get("capacity"))
    first = rules.first_occurrence({**data, "timezone": timezone})
    if first is None:
        raise RuleError("series.no-meetings", field="until")
    if first.starts_at < utcnow() - timedelta(minutes=5):
        raise RuleError("events.in-the-past", field="starts_on")
    return data


# --- creating meetings ---------------------------------------------------------------------


def lock_series(series):
    """Take the series' row lock and re-read it: its meetings are created and moved one
    transaction at a time (SQLite's single writer gives the same on its own)."""
    db.session.flush()
    db.session.execute(select(EventSeries.id).where(EventSeries.id == series.id).with_for_update())
    db.session.refresh(series)


def _organiser_for(series):
    """The series' creator organises each new meeting while they can still organise events
    in the group; otherwise the meeting has no named organiser (the leaders edit it)."""
    if series.created_by_id is None:
        return None
    role = db.session.scalar(
        select(Membership.role).where(
            Membership.group_id == series.group_id,
            Membership.user_id == series.created_by_id,
            Membership.status == MEMBER_ACTIVE,
        )
    )
    return role if role in ("leader", "specialist") else None


def generate_meetings(series, now=None):
    """Create the meetings of `series` that start within the next three months (or its
    first three, when it starts later) and do not exist yet; returns how many. Idempotent: under the series' row lock, and the database
    refuses a second meeting for the same series and start."""
    now = now or utcnow()
    lock_series(series)
    if series.status != ACTIVE:
        return 0
    have = set(db.session.scalars(select(Event.occurrence_at).where(Event.series_id == series.id)))
    role = None
    created = 0
    # A series that starts months from now shows its first three months at once, too.
    first = rules.first_occurrence(series)
    horizon = max(now, first.starts_at if first else now) + HORIZON
    for occurrence in rules.occurrences(series, now, horizon):
        if occurrence.starts_at in have:
            continue
        if created == 0:
            role = _organiser_for(series)
        event = Event(
            group_id=series.group_id,
            created_by_id=series.created_by_id,
            status=PUBLISHED,
            series_id=series.id,
            occurrence_at=occurrence.starts_at,
            starts_at=occurrence.starts_at,
            ends_at=occurrence.ends_at,
            **{key: getattr(series, key) for key in DETAIL_FIELDS},
        )
        db.session.add(event)
        db.session.flush()
        if role is not None:
            db.session.add(
                EventOrganiser(
                    event_id=event.id,
                    user_id=series.created_by_id,
                    status=ACCEPTED,
                    answered_at=now,
                    is_specialist=role == "specialist",
                )
            )
        created += 1
    db.session.flush()
    return created


@job("series.generate")
def generate_all(now=None):
    """The scheduled job: every active series has its next three months of meetings."""
    created = 0
    for series_id in db.session.scalars(
        select(EventSeries.id).where(EventSeries.status == ACTIVE).order_by(EventSeries.id)
    ):
        created += generate_meetings(db.session.get(EventSeries, series_id), now)
    return created


# --- changing the series -------------------------------------------------------------------


def create_series(user, group, data):
    """A leader starts a regular meeting; the first three months of meetings appear at once."""
    data = _clean_rule(dict(data), group.timezone)
    series = EventSeries(group_id=group.id, timezone=group.timezone, created_by_id=user.id, status=ACTIVE, **data)
    db.session.add(series)
    db.session.flush()
    audit(user, "series.create", series, group_id=group.id)
    generate_meetings(series)
    return series


def _following(series, event):
    """The meetings of `series` from `event` on (by the start the rule gave them)."""
    return db.session.scalars(
        select(Event)
        .where(Event.series_id == series.id, Event.occurrence_at >= event.occurrence_at)
        .order_by(Event.occurrence_at)
    ).all()


def _check_splittable(event):
    if event.series_id is None:
        raise RuleError("series.not-in-series")
    if event.starts_at <= utcnow():
        raise RuleError("series.meeting-started")


def _end_before(series, event):
    """Let `series` stop before `event`: the day before it is its last (a split or an end).
    Returns False when no meeting would be left before it (the series is then reused)."""
    if rules.occurrences_before(series, event.occurrence_at) == 0:
        return False
    local_day = event.occurrence_at.astimezone(ZoneInfo(series.timezone)).date()
    series.until = local_day - timedelta(days=1)
    series.count = None
    series.updated_at = utcnow()
    return True


def edit_following(user, event, data):
    """Edit "this and the following meetings", as phone calendars do: the series ends the day
    before this meeting and a new series takes over from it with the new rule and details.
    A coming meeting on a day the new rule still meets moves to the new time and details
    (registered people keep their places and are told if the time or place changed); one on
    a day the new rule no longer meets is cancelled (they are told); the new rule's other
    days get new meetings. Past meetings keep what they were."""
    _check_splittable(event)
    old = get_series(event.series_id)
    lock_series(old)
    data = _clean_rule(dict(data), old.timezone)
    if _end_before(old, event):
        series = EventSeries(
            group_id=old.group_id,
            timezone=old.timezone,
            created_by_id=user.id,
            previous_id=old.id,
            status=ACTIVE,
            **data,
        )
        db.session.add(series)
        db.session.flush()
    else:
        series = old
        for key, value in data.items():
            setattr(series, key, value)
        series.updated_at = utcnow()
    now = utcnow()
    zone = ZoneInfo(old.timezone)
    following = _following(old, event)
    # The new rule's days over every meeting that exists from this one on (they may reach
    # past three months from today when the series started later).
    first = rules.first_occurrence(series)
    until = max(now + HORIZON, (first.starts_at if first else now) + HORIZON, following[-1].occurrence_at + HORIZON)
    new_days = {o.starts_at.astimezone(zone).date(): o for o in rules.occurrences(series, now, until)}
    for meeting in following:
        day = meeting.occurrence_at.astimezone(zone).date()
        occurrence = new_days.pop(day, None)
        if meeting.starts_at <= now:
            continue
        if occurrence is None:
            if meeting.status != CANCELLED:
                events.cancel_event(user, meeting)
            continue
        if meeting.status != CANCELLED:
            values = {key: getattr(series, key) for key in DETAIL_FIELDS}
            values.update(starts_at=occurrence.starts_at, ends_at=occurrence.ends_at)
            events.update_event(user, meeting, values)
        # A cancelled day stays cancelled under the new rule (it is not created again).
        meeting.series_id, meeting.occurrence_at = series.id, occurrence.starts_at
        db.session.flush()
    db.session.flush()
    audit(user, "series.edit", series, group_id=series.group_id, from_event=event.id, previous=old.id)
    generate_meetings(series, now)
    return series


def end_following(user, event):
    """End the series from this meeting on: it and the following meetings are cancelled
    (everyone registered is told) and no more are created."""
    _check_splittable(event)
    series = get_series(event.series_id)
    lock_series(series)
    _end_before(series, event)
    series.status = ENDED
    series.updated_at = utcnow()
    cancelled = 0
    for meeting in _following(series, event):
        if meeting.status != CANCELLED and meeting.starts_at > utcnow():
            events.cancel_event(user, meeting)
            cancelled += 1
    audit(user, "series.end", series, group_id=series.group_id, from_event=event.id, cancelled=cancelled)
    db.session.flush()
    return cancelled
