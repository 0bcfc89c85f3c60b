"""The group's invariants hold when people press buttons at the same moment (issue #12,
finding 4 and 13). SQLite serialises writers on its own; these tests matter on PostgreSQL,
where two transactions that count and then update without a lock both succeed."""

from sqlalchemy import func, select

from community.auth.models import User
from community.events import service as events
from community.events.models import ACCEPTED, Event, EventOrganiser
from community.extensions import db
from community.groups import service as groups
from community.groups.models import ACTIVE, APPROVAL, LEADER, PENDING, Group, Membership
from tests.concurrency import codes, run_together, slow_after
from tests.conftest import work
from tests.events_helpers import make_event, user


def group_with_leaders(app, make_user, leaders=2, members=1):
    """A group led by lead0..N, with member0..M; returns the group's id."""
    for n in range(leaders):
        make_user(f"lead{n}@example.org", name=f"Ведущая {n}")
    for n in range(members):
        make_user(f"member{n}@example.org", name=f"Участник {n}")
    with work(app):
        group = groups.create_group(user("lead0@example.org"), "Круг", "Казань", "О нас", "Для всех", "open")
        for n in range(1, leaders):
            groups.join_group(user(f"lead{n}@example.org"), group)
        for n in range(members):
            groups.join_group(user(f"member{n}@example.org"), group)
        for n in range(1, leaders):
            groups.make_leader(user("lead0@example.org"), _membership(group.id, f"lead{n}@example.org"))
        return group.id


def _membership(group_id, email):
    return db.session.scalar(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.group_id == group_id, User.email == email)
    )


def leader_count(app, group_id):
    with app.app_context():
        return db.session.scalar(
            select(func.count()).where(
                Membership.group_id == group_id, Membership.role == LEADER, Membership.status == ACTIVE
            )
        )


def test_two_co_leaders_stepping_down_at_once_leave_one_leader(app, make_user):
    group_id = group_with_leaders(app, make_user, leaders=2)

    def step_down(email):
        groups.step_down(user(email), _membership(group_id, email))

    errors = run_together(app, step_down, ["lead0@example.org", "lead1@example.org"])
    assert leader_count(app, group_id) == 1
    assert codes(errors) == ["groups.last-leader"]


def test_two_co_leaders_leaving_at_once_leave_one_leader(app, make_user):
    group_id = group_with_leaders(app, make_user, leaders=2)

    def leave(email):
        groups.leave_group(user(email), db.session.get(Group, group_id))

    errors = run_together(app, leave, ["lead0@example.org", "lead1@example.org"])
    assert leader_count(app, group_id) == 1
    assert codes(errors) == ["groups.last-leader"]


def test_two_leaders_removing_each_other_at_once_leave_one_leader(app, make_user):
    group_id = group_with_leaders(app, make_user, leaders=2)
    pairs = [("lead0@example.org", "lead1@example.org"), ("lead1@example.org", "lead0@example.org")]

    def remove(pair):
        actor, victim = pair
        groups.remove_member(user(actor), _membership(group_id, victim), "по ошибке")

    errors = run_together(app, remove, pairs)
    assert leader_count(app, group_id) == 1
    assert len(errors) == 1


def test_three_leaders_stepping_down_at_once_keep_exactly_one(app, make_user):
    group_id = group_with_leaders(app, make_user, leaders=3)
    emails = [f"lead{n}@example.org" for n in range(3)]

    def step_down(email):
        groups.step_down(user(email), _membership(group_id, email))

    errors = run_together(app, step_down, emails)
    assert leader_count(app, group_id) == 1
    assert codes(errors) == ["groups.last-leader"]


def test_many_people_joining_at_once_are_all_counted(app, make_user):
    group_id = group_with_leaders(app, make_user, leaders=1, members=0)
    emails = [f"p{n}@example.org" for n in range(12)]
    for email in emails:
        make_user(email)

    def join(email):
        groups.join_group(user(email), db.session.get(Group, group_id))

    assert run_together(app, join, emails) == []
    with app.app_context():
        assert db.session.get(Group, group_id).member_count == 13


def test_two_join_requests_at_once_make_one_request(app, make_user):
    """The same person sends the join form twice at once: one request, one clear answer, no 500."""
    group_id = group_with_leaders(app, make_user, leaders=1, members=0)
    make_user("twice@example.org")
    with work(app):
        db.session.get(Group, group_id).join_policy = APPROVAL

    def join(_):
        groups.join_group(user("twice@example.org"), db.session.get(Group, group_id))

    errors = run_together(app, join, range(2))
    assert codes(errors) == ["groups.already-pending"]
    with app.app_context():
        rows = db.session.scalars(
            select(Membership.status).join(User, User.id == Membership.user_id).where(User.email == "twice@example.org")
        ).all()
        assert rows == [PENDING]


def test_two_organisers_removing_each_other_at_once_keep_one(app, make_user):
    group_id = group_with_leaders(app, make_user, leaders=1, members=1)
    event_id = make_event(app, group_id, creator="lead0@example.org")
    with work(app):
        event = db.session.get(Event, event_id)
        events.invite_organiser(user("lead0@example.org"), event, user("member0@example.org").id)
        events.answer_organiser_invite(user("member0@example.org"), event, accept=True)
        rows = {o.user.email: o.id for o in events.organisers(event)}

    def remove(pair):
        actor, organiser_email = pair
        events.remove_organiser(user(actor), db.session.get(EventOrganiser, rows[organiser_email]))

    pairs = [("lead0@example.org", "member0@example.org"), ("member0@example.org", "lead0@example.org")]
    with slow_after(app, "count(event_organiser.id)"):
        errors = run_together(app, remove, pairs)
    assert codes(errors) == ["events.last-organiser"]
    with app.app_context():
        accepted = db.session.scalar(
            select(func.count()).where(EventOrganiser.event_id == event_id, EventOrganiser.status == ACCEPTED)
        )
        assert accepted == 1
