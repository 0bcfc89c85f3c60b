"""Double taps and simultaneous moderators: one open report per person per item, at most
three pinned posts, one “спасибо” per person, a hidden item's author told once. SQLite
serialises writers on its own; these tests matter on PostgreSQL."""

from sqlalchemy import func, select

from community.extensions import db
from community.groups import feed
from community.groups.access import access_for
from community.groups.models import Group, Post
from community.notifications.models import Notification
from community.safety import service as safety
from community.safety.items import load_item
from community.safety.models import Report
from community.thanks import service as thanks
from community.thanks.models import Thanks
from tests.concurrency import codes, run_together, slow_after
from tests.conftest import work
from tests.events_helpers import user
from tests.safety_helpers import build_safety_world


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_the_same_report_sent_twice_at_once_is_stored_once(app, make_user, mailbox):
    ids = build_safety_world(app, make_user)

    def send(_):
        safety.report_item(user("member1@example.org"), load_item("post", ids["post"]), "insult")

    with slow_after(app, "INSERT INTO report"):
        errors = run_together(app, send, [1, 2, 3])
    assert count(app, Report) == 1
    assert codes(errors) == ["safety.already-reported"] * 2


def test_pinning_four_posts_at_once_leaves_three_pinned(app, make_user, mailbox):
    ids = build_safety_world(app, make_user)
    with app.test_request_context(), work(app):
        group = db.session.get(Group, ids["group_id"])
        leader = user("leader@example.org")
        posts = [
            feed.create_post(leader, group, access_for(leader, group), "announcement", f"Объявление {n}", "Текст").id
            for n in range(5)
        ]
        feed.pin_post(leader, db.session.get(Post, posts[0]))

    def pin(post_id):
        feed.pin_post(user("leader@example.org"), db.session.get(Post, post_id))

    with slow_after(app, "FROM post"):
        errors = run_together(app, pin, posts[1:])
    with app.app_context():
        pinned = db.session.scalar(select(func.count(Post.id)).where(Post.pinned_at.is_not(None)))
    assert pinned == 3
    assert codes(errors) == ["posts.pin-limit"] * 2  # one was pinned already: two more fit


def test_a_double_tap_on_thank_you_counts_once(app, make_user, mailbox):
    ids = build_safety_world(app, make_user)

    def tap(_):
        thanks.thank_post(user("member1@example.org"), db.session.get(Post, ids["post"]))

    errors = run_together(app, tap, [1, 2, 3])
    assert errors == []
    assert count(app, Thanks) == 1


def test_two_leaders_hiding_at_once_tell_the_author_once(app, make_user, mailbox):
    ids = build_safety_world(app, make_user)
    with work(app):
        from community.groups import service as groups
        from community.groups.models import Membership

        helper = db.session.scalar(select(Membership).where(Membership.user_id == user("member3@example.org").id))
        groups.make_leader(user("leader@example.org"), helper)
    with app.test_request_context(), work(app):
        first = safety.report_item(user("member1@example.org"), load_item("post", ids["post"]), "insult").id
    with app.test_request_context(), work(app):
        second = safety.report_item(user("specialist@example.org"), load_item("post", ids["post"]), "other").id

    def hide(pair):
        email, report_id = pair
        safety.hide_reported(user(email), db.session.get(Report, report_id))

    errors = run_together(app, hide, [("leader@example.org", first), ("member3@example.org", second)])
    assert all(getattr(e, "code", None) == "safety.already-decided" for e in errors), errors
    with app.app_context():
        told = db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "safety.hidden"))
        statuses = set(db.session.scalars(select(Report.status)))
    assert told == 1 and statuses == {"hidden"}
