"""The demo (`flask seed-demo`) is built through the services, the way people would build it:
what the services keep true holds in it, its history lies in the past, and nobody is emailed
about that made-up history (its addresses are not real)."""

from datetime import timedelta

from sqlalchemy import func, select

from community.events.models import GOING, PUBLISHED, WAITLISTED, Event, EventFeedback, Registration
from community.extensions import db
from community.groups.models import ACTIVE, SPECIALIST, Comment, Group, Membership, Post
from community.models import utcnow
from community.mutual_help.models import HelpRequest, HelpResponse
from community.notifications.models import OutboxMessage


def count(*where, of):
    return db.session.scalar(select(func.count()).select_from(of).where(*where))


def test_the_demo_emails_nobody_and_keeps_the_services_rules(app, runner, mailbox):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert mailbox.messages == []
    with app.app_context():
        assert count(of=OutboxMessage) == 0
        # The counters the services keep follow the rows.
        for group in db.session.scalars(select(Group)):
            active = count(
                Membership.group_id == group.id,
                Membership.status == ACTIVE,
                Membership.role != SPECIALIST,
                of=Membership,
            )
            assert group.member_count == active, group.slug
        for event in db.session.scalars(select(Event)):
            assert event.going_count == count(
                Registration.event_id == event.id, Registration.status == GOING, of=Registration
            )
            assert event.waitlist_count == count(
                Registration.event_id == event.id, Registration.status == WAITLISTED, of=Registration
            )
            assert event.capacity is None or event.going_count <= event.capacity
        for post in db.session.scalars(select(Post)):
            assert post.comment_count == count(Comment.post_id == post.id, Comment.hidden_at.is_(None), of=Comment)
        for request in db.session.scalars(select(HelpRequest)):
            assert request.response_count == count(HelpResponse.request_id == request.id, of=HelpResponse)
        # A year of history, none of it in the future.
        now = utcnow()
        for column in (
            Post.created_at,
            Comment.created_at,
            HelpRequest.created_at,
            HelpResponse.created_at,
            Event.created_at,
            Registration.created_at,
            EventFeedback.created_at,
            Membership.joined_at,
        ):
            assert db.session.scalar(select(func.max(column))) <= now, column
        assert db.session.scalar(select(func.min(Event.starts_at))) < now - timedelta(days=270)
        assert count(Event.starts_at < now, Event.status == PUBLISHED, of=Event) >= 60
