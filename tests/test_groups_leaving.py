"""What a membership opened closes when it ends (issue #12, finding 2): leaving, removal by a
leader and the end of a specialist's link give up places at the group's coming events (the
waiting list moves up), end co-organiser and engagement roles, close the person's open help
requests, and take the group's events out of their calendar feed and reminders."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from community.errors import RuleError
from community.events import registration
from community.events import service as events
from community.events.models import ACCEPTED, CANCELLED, GOING, WAITLISTED, Event, EventOrganiser, Registration
from community.events.reminders import calendar_token_for, send_reminders
from community.extensions import db
from community.groups import service as groups
from community.groups.models import Group, Membership
from community.models import utcnow
from community.mutual_help import service as help_service
from community.mutual_help.models import CLOSED, HelpRequest, HelpResponse
from community.orgs import service as orgs
from tests.conftest import Browser, work
from tests.events_helpers import build_group, make_event, user


@pytest.fixture
def world(app, make_user):
    slug, group_id = build_group(app, make_user, members=3)
    return {"slug": slug, "group_id": group_id}


def membership(group_id, email):
    return db.session.scalar(
        select(Membership).where(Membership.group_id == group_id, Membership.user_id == user(email).id)
    )


def register(app, email, event_id):
    with work(app):
        return registration.register(user(email), db.session.get(Event, event_id)).status


def status_of(app, email, event_id):
    with app.app_context():
        return db.session.scalar(
            select(Registration.status).where(Registration.event_id == event_id, Registration.user_id == user(email).id)
        )


def counters(app, event_id):
    with app.app_context():
        event = db.session.get(Event, event_id)
        return event.going_count, event.waitlist_count


def leave(app, email, group_id):
    with work(app):
        groups.leave_group(user(email), db.session.get(Group, group_id))


def remove(app, email, group_id):
    with work(app):
        groups.remove_member(user("leader@example.org"), membership(group_id, email), "Нарушение правил")


@pytest.mark.parametrize("how", [leave, remove])
def test_leaving_gives_up_the_place_and_the_waiting_list_moves_up(app, world, mailbox, how):
    event_id = make_event(app, world["group_id"], capacity=1)
    assert register(app, "member1@example.org", event_id) == GOING
    assert register(app, "member2@example.org", event_id) == WAITLISTED
    mailbox.clear()

    how(app, "member1@example.org", world["group_id"])

    assert status_of(app, "member1@example.org", event_id) == CANCELLED
    assert status_of(app, "member2@example.org", event_id) == GOING
    assert counters(app, event_id) == (1, 0)
    assert len(mailbox.to("member2@example.org")) == 1  # "a place is yours"


def test_past_events_keep_who_came(app, world):
    event_id = make_event(app, world["group_id"])
    register(app, "member1@example.org", event_id)
    with work(app):
        event = db.session.get(Event, event_id)
        event.starts_at, event.ends_at = utcnow() - timedelta(days=3), utcnow() - timedelta(days=3, hours=-2)
    leave(app, "member1@example.org", world["group_id"])
    assert status_of(app, "member1@example.org", event_id) == GOING


def test_removal_ends_co_organiser_roles_of_coming_events_only(app, world):
    coming = make_event(app, world["group_id"])
    invited = make_event(app, world["group_id"])
    past = make_event(app, world["group_id"])
    with work(app):
        leader, member = user("leader@example.org"), user("member1@example.org")
        for event_id in (coming, past):
            events.invite_organiser(leader, db.session.get(Event, event_id), member.id)
            events.answer_organiser_invite(member, db.session.get(Event, event_id), accept=True)
        events.invite_organiser(leader, db.session.get(Event, invited), member.id)
        event = db.session.get(Event, past)
        event.starts_at, event.ends_at = utcnow() - timedelta(days=3), utcnow() - timedelta(days=3, hours=-2)

    remove(app, "member1@example.org", world["group_id"])

    with app.app_context():
        rows = db.session.execute(
            select(EventOrganiser.event_id, EventOrganiser.status).where(
                EventOrganiser.user_id == user("member1@example.org").id
            )
        ).all()
        assert rows == [(past, ACCEPTED)]


def test_leaving_ends_engagement_roles(app, world):
    with work(app):
        role = groups.offer_engagement_role(
            user("leader@example.org"), membership(world["group_id"], "member1@example.org"), "mentor"
        )
        groups.answer_engagement_role(user("member1@example.org"), role, accept=True)
    leave(app, "member1@example.org", world["group_id"])
    with work(app):
        assert membership(world["group_id"], "member1@example.org").engagement_roles == []
        groups.join_group(user("member1@example.org"), db.session.get(Group, world["group_id"]))
    with app.app_context():
        assert membership(world["group_id"], "member1@example.org").engagement_roles == []


def test_the_calendar_feed_drops_the_groups_events_and_their_online_links(app, world):
    event_id = make_event(app, world["group_id"], online_url="https://meet.example/secret-room")
    register(app, "member1@example.org", event_id)
    with work(app):
        token = calendar_token_for(user("member1@example.org"))
    feed = app.test_client().get(f"/calendar/{token}.ics")
    assert len(Calendar.from_ical(feed.data).walk("VEVENT")) == 1

    remove(app, "member1@example.org", world["group_id"])

    feed = app.test_client().get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    assert Calendar.from_ical(feed.data).walk("VEVENT") == []
    assert b"secret-room" not in feed.data


def test_an_organiser_who_left_no_longer_sees_the_event_in_their_feed(app, world):
    event_id = make_event(app, world["group_id"], online_url="https://meet.example/secret-room")
    with work(app):
        events.invite_organiser(
            user("leader@example.org"), db.session.get(Event, event_id), user("member1@example.org").id
        )
        events.answer_organiser_invite(user("member1@example.org"), db.session.get(Event, event_id), accept=True)
        token = calendar_token_for(user("member1@example.org"))
    leave(app, "member1@example.org", world["group_id"])
    assert b"secret-room" not in app.test_client().get(f"/calendar/{token}.ics").data


def test_no_reminder_reaches_someone_who_left(app, world, mailbox):
    event_id = make_event(app, world["group_id"])
    register(app, "member1@example.org", event_id)
    with work(app):
        event = db.session.get(Event, event_id)
        event.starts_at, event.ends_at = utcnow() + timedelta(hours=20), utcnow() + timedelta(hours=22)
    remove(app, "member1@example.org", world["group_id"])
    mailbox.clear()
    with work(app):
        assert send_reminders() == 0
    assert mailbox.to("member1@example.org") == []


def test_reminders_follow_the_membership_even_if_a_place_was_left_behind(app, world, mailbox):
    """Belt and braces: a `going` row of someone no longer in the group (older data) gets no reminder."""
    event_id = make_event(app, world["group_id"])
    register(app, "member1@example.org", event_id)
    with work(app):
        event = db.session.get(Event, event_id)
        event.starts_at, event.ends_at = utcnow() + timedelta(hours=20), utcnow() + timedelta(hours=22)
        membership(world["group_id"], "member1@example.org").status = "left"
    mailbox.clear()
    with work(app):
        assert send_reminders() == 0


def test_leaving_closes_my_open_help_requests_there(app, world):
    with work(app):
        group = db.session.get(Group, world["group_id"])
        mine = help_service.create_request(
            user("member1@example.org"), group, "need", "Подвезти", "", "transport", "week", None, False
        ).id
        theirs = help_service.create_request(
            user("member2@example.org"), group, "need", "Коляска", "", "things", "week", None, False
        ).id
    leave(app, "member1@example.org", world["group_id"])
    with app.app_context():
        assert db.session.get(HelpRequest, mine).status == CLOSED
        assert db.session.get(HelpRequest, theirs).status == "open"
    page = Browser(app.test_client())
    page.login("member1@example.org")
    with work(app):
        groups.join_group(user("member1@example.org"), db.session.get(Group, world["group_id"]))
    assert "закрыта: автор вышел из группы" in page.get(f"/help/{mine}").get_data(as_text=True)


def test_a_helper_who_left_hears_nothing_more_and_cannot_be_accepted(app, world, mailbox):
    with work(app):
        group = db.session.get(Group, world["group_id"])
        request = help_service.create_request(
            user("member1@example.org"), group, "need", "Подвезти", "", "transport", "week", None, False
        )
        first = help_service.respond(user("member2@example.org"), request, "Могу")
        second = help_service.respond(user("member3@example.org"), request, "И я")
        help_service.accept_helper(user("member1@example.org"), request, first)
        request_id, second_id = request.id, second.id
    leave(app, "member2@example.org", world["group_id"])
    leave(app, "member3@example.org", world["group_id"])
    mailbox.clear()
    with work(app):
        request = db.session.get(HelpRequest, request_id)
        help_service.post_to_thread(user("member1@example.org"), request, "Во сколько?")
        with pytest.raises(RuleError) as refused:
            help_service.accept_helper(user("member1@example.org"), request, db.session.get(HelpResponse, second_id))
        assert refused.value.code == "help.helper-left"
    with app.app_context():
        from community.notifications.models import Notification

        told = db.session.scalars(
            select(Notification.kind).where(Notification.user_id == user("member2@example.org").id)
        ).all()
        assert "help.thread" not in told


def test_a_specialist_whose_link_ends_gives_up_their_places(app, world):
    event_id = make_event(app, world["group_id"], capacity=1)
    assert register(app, "specialist@example.org", event_id) == GOING
    assert register(app, "member1@example.org", event_id) == WAITLISTED
    with work(app):
        orgs.end_link(user("leader@example.org"), db.session.get(Group, world["group_id"]))
    assert status_of(app, "specialist@example.org", event_id) == CANCELLED
    assert status_of(app, "member1@example.org", event_id) == GOING
    assert counters(app, event_id) == (1, 0)
