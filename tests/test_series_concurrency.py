"""The generator job run by several workers at the same moment (a repeated cron, two worker
processes) creates each meeting once: the series' row lock and the unique (series, start)."""

from datetime import timedelta

from sqlalchemy import func, select

from community.events.models import Event
from community.extensions import db
from community.models import utcnow
from community.series import rules, service
from community.series.models import EventSeries
from tests.concurrency import run_together, slow_after
from tests.events_helpers import build_group
from tests.series_helpers import make_series


def test_the_generator_racing_itself_creates_each_meeting_once(app, make_user):
    slug, group_id = build_group(app, make_user, members=1)
    series_ids = [make_series(app, group_id, repeat="weekly", weekday=day) for day in (1, 3, 5)]
    later = utcnow() + timedelta(days=60)
    # Widen the window between reading which meetings exist and creating the missing ones.
    with slow_after(app, "SELECT event.occurrence_at", seconds=0.2):
        errors = run_together(app, lambda _: service.generate_all(now=later), range(4))
    assert errors == []
    with app.app_context():
        rows = db.session.execute(
            select(Event.series_id, Event.occurrence_at, func.count(Event.id))
            .where(Event.series_id.in_(series_ids))
            .group_by(Event.series_id, Event.occurrence_at)
        ).all()
        assert rows and all(n == 1 for _, _, n in rows)
        expected = sum(
            len(
                rules.occurrences(
                    db.session.get(EventSeries, sid), utcnow() - timedelta(days=1), later + service.HORIZON
                )
            )
            for sid in series_ids
        )
        assert len(rows) == expected  # every week up to the job's horizon, once


def test_the_database_refuses_a_second_meeting_for_the_same_start(app, make_user):
    import pytest
    from sqlalchemy.exc import IntegrityError

    slug, group_id = build_group(app, make_user, members=1)
    series_id = make_series(app, group_id)
    with app.app_context():
        first = db.session.scalar(select(Event).where(Event.series_id == series_id).order_by(Event.starts_at))
        twin = Event(
            group_id=group_id,
            title=first.title,
            starts_at=first.starts_at,
            ends_at=first.ends_at,
            place=first.place,
            status="published",
            series_id=series_id,
            occurrence_at=first.occurrence_at,
        )
        db.session.add(twin)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
