"""Capacity holds when many people press the button at the same moment (SQLite file and
PostgreSQL), and concurrent cancellations promote exactly one waiting person each."""

from sqlalchemy import func, select

from community.auth.models import User
from community.events import registration
from community.events.models import GOING, WAITLISTED, Event, Registration
from community.extensions import db
from community.groups import service as groups
from tests.concurrency import codes, run_together
from tests.conftest import work
from tests.events_helpers import make_event, user


def crowd(app, make_user, size):
    make_user("leader@example.org", name="Ведущая")
    ids = [make_user(f"p{n}@example.org", name=f"Родитель {n}") for n in range(size)]
    with work(app):
        group = groups.create_group(user("leader@example.org"), "Большая группа", "Казань", "О нас", "Для всех", "open")
        for uid in ids:
            groups.join_group(db.session.get(User, uid), group)
        return group.id, ids


def counts(app, event_id):
    with app.app_context():
        rows = dict(
            db.session.execute(
                select(Registration.status, func.count())
                .where(Registration.event_id == event_id)
                .group_by(Registration.status)
            ).all()
        )
        event = db.session.get(Event, event_id)
        return rows, (event.going_count, event.waitlist_count)


def test_fifty_people_at_once_on_ten_places(app, make_user):
    group_id, ids = crowd(app, make_user, 50)
    event_id = make_event(app, group_id, capacity=10)

    def take_place(uid):
        registration.register(db.session.get(User, uid), db.session.get(Event, event_id))

    errors = run_together(app, take_place, ids)
    assert errors == []
    rows, counters = counts(app, event_id)
    assert rows == {GOING: 10, WAITLISTED: 40}
    assert counters == (10, 40)

    # Five people with places cancel at the same moment: five waiting people move up, in order.
    with app.app_context():
        going = db.session.scalars(
            select(Registration.user_id).where(Registration.event_id == event_id, Registration.status == GOING).limit(5)
        ).all()
        first_waiting = db.session.scalars(
            select(Registration.user_id)
            .where(Registration.event_id == event_id, Registration.status == WAITLISTED)
            .order_by(Registration.queued_at, Registration.id)
            .limit(5)
        ).all()

    def give_up(uid):
        registration.cancel_registration(db.session.get(User, uid), db.session.get(Event, event_id))

    errors = run_together(app, give_up, going)
    assert errors == []
    rows, counters = counts(app, event_id)
    assert rows == {GOING: 10, WAITLISTED: 35, "cancelled": 5}
    assert counters == (10, 35)
    with app.app_context():
        promoted = set(
            db.session.scalars(
                select(Registration.user_id).where(Registration.event_id == event_id, Registration.status == GOING)
            )
        )
        assert set(first_waiting) <= promoted


def test_one_account_registering_four_times_at_once_holds_one_place(app, make_user):
    """Issue #12, finding 3: register, cancel, then four simultaneous re-registrations of the
    same person. Exactly one row is `going` and the counter says 1, so the event never looks
    full with places free."""
    group_id, ids = crowd(app, make_user, 1)
    event_id = make_event(app, group_id, capacity=3)
    uid = ids[0]
    with work(app):
        registration.register(db.session.get(User, uid), db.session.get(Event, event_id))
    with work(app):
        registration.cancel_registration(db.session.get(User, uid), db.session.get(Event, event_id))

    def register_again(_):
        registration.register(db.session.get(User, uid), db.session.get(Event, event_id))

    errors = run_together(app, register_again, range(4))
    rows, counters = counts(app, event_id)
    assert rows == {GOING: 1}
    assert counters == (1, 0)
    assert codes(errors) == ["events.already-registered"] * 3
