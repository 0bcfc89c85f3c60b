"""Announcements that stay on top, and “спасибо” with one tap (issue #15, point 4)."""

import re

import pytest
from sqlalchemy import func, select

from community.audit import AuditEvent
from community.extensions import db
from community.groups import feed
from community.groups.access import access_for
from community.groups.models import Group, Post
from community.thanks.models import Thanks
from tests.conftest import work
from tests.events_helpers import user
from tests.safety_helpers import build_safety_world, signed_in, t


@pytest.fixture
def world(app, make_user, mailbox):
    return build_safety_world(app, make_user)


def announcements(app, group_id, count):
    with app.test_request_context(), work(app):
        group, leader = db.session.get(Group, group_id), user("leader@example.org")
        return [
            feed.create_post(leader, group, access_for(leader, group), "announcement", f"Важно {n}", "Текст").id
            for n in range(count)
        ]


def test_a_leader_pins_up_to_three_posts_shown_on_top(app, world):
    posts = announcements(app, world["group_id"], 4)
    leader = signed_in(app, "leader@example.org")
    for post_id in posts[:3]:
        url = f"/groups/{world['slug']}/posts/{post_id}/pin"
        assert leader.submit(url, page=f"/groups/{world['slug']}/posts/{post_id}").status_code == 302
    fourth = leader.submit(
        f"/groups/{world['slug']}/posts/{posts[3]}/pin",
        page=f"/groups/{world['slug']}/posts/{posts[3]}",
        follow_redirects=True,
    )
    assert t(app, "Three posts are pinned already. Unpin one first.") in fourth.get_data(as_text=True)
    page = signed_in(app, "member1@example.org").get(f"/groups/{world['slug']}/").get_data(as_text=True)
    pinned_part = page.split('class="pinned"', 1)[1].split("</section>", 1)[0]
    assert all(f"Важно {n}" in pinned_part for n in range(3)) and "Важно 3" not in pinned_part
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "moderation.pin")) == 3
    # Unpinned, or hidden: off the top.
    assert (
        leader.submit(
            f"/groups/{world['slug']}/posts/{posts[0]}/unpin", page=f"/groups/{world['slug']}/posts/{posts[0]}"
        ).status_code
        == 302
    )
    with app.app_context():
        feed.hide_post(user("leader@example.org"), db.session.get(Post, posts[1]))
        db.session.commit()
        assert [p.title for p in feed.pinned_posts(db.session.get(Group, world["group_id"]))] == ["Важно 2"]


def test_members_cannot_pin(app, world):
    member = signed_in(app, "member1@example.org")
    url = f"/groups/{world['slug']}/posts/{world['post']}/pin"
    assert member.submit(url, page=f"/groups/{world['slug']}/posts/{world['post']}").status_code == 403


def test_thank_you_is_one_tap_one_per_person_and_a_count(app, world):
    member = signed_in(app, "member1@example.org")
    url = f"/thanks/post/{world['post']}"
    page = f"/groups/{world['slug']}/posts/{world['post']}"
    assert member.submit(url, page=page).status_code == 302
    assert member.submit(url, page=page).status_code == 302  # a second tap changes nothing
    assert signed_in(app, "member3@example.org").submit(url, page=page).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Thanks.id))) == 2
    shown = member.get(page).get_data(as_text=True)
    assert 'class="thanks-count"' in shown and "2" in shown.split('class="thanks-count"', 1)[1][:80]
    # The feed reads the same counts with its page of posts: mine marked, others may still say it.
    feed_page = member.get(f"/groups/{world['slug']}/").get_data(as_text=True)
    assert t(app, "yours among them") in feed_page.split('class="thanks-count"', 1)[1][:200]
    leaders_feed = signed_in(app, "leader@example.org").get(f"/groups/{world['slug']}/").get_data(as_text=True)
    assert re.search(t(app, "Thank you") + r" · 2</button>", leaders_feed)
    # The author cannot thank themself; nothing names who said it (no leaderboard).
    own = signed_in(app, "member2@example.org").submit(url, page=page, follow_redirects=True)
    assert t(app, "This is yours: others can say thank you for it.") in own.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Thanks.id))) == 2


def test_the_author_of_a_help_request_thanks_an_answer(app, world):
    asker = signed_in(app, "member1@example.org")
    page = f"/help/{world['help_request']}"
    assert f"/thanks/help-answer/{world['help_answer']}" in asker.get(page).get_data(as_text=True)
    assert asker.submit(f"/thanks/help-answer/{world['help_answer']}", page=page).status_code == 302
    with app.app_context():
        row = db.session.scalar(select(Thanks))
        assert (row.help_response_id, row.post_id) == (world["help_answer"], None)
    helper = signed_in(app, "member2@example.org")
    refused = helper.submit(f"/thanks/help-answer/{world['help_answer']}", page=page, follow_redirects=True)
    assert t(app, "Only members of the group can say thank you here.") in refused.get_data(as_text=True)


def test_the_feed_stays_cheap_with_thanks_pins_and_blocks(app, world, make_user):
    from tests.test_groups_queries import queries_for

    member = signed_in(app, "member1@example.org")
    url = f"/groups/{world['slug']}/"
    few = len(queries_for(app, member, url))
    posts = announcements(app, world["group_id"], 6)
    with app.test_request_context(), work(app):
        from community.safety import service as safety
        from community.thanks import service as thanks

        for post_id in posts:
            thanks.thank_post(user("member1@example.org"), db.session.get(Post, post_id))
        feed.pin_post(user("leader@example.org"), db.session.get(Post, posts[0]))
        safety.block(user("member1@example.org"), user("member2@example.org"))
    assert len(queries_for(app, member, url)) == few
