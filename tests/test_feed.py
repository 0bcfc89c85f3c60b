"""The group feed: members discuss, leaders announce and record decisions that reach every
member, comments, authors' own edits, and leaders' moderation."""

from types import SimpleNamespace

import pytest
from flask_babel import force_locale, gettext, ngettext
from markupsafe import escape
from sqlalchemy import func, select

from community.audit import AuditEvent
from community.auth.models import User
from community.errors import RuleError
from community.extensions import db
from community.groups import feed, service
from community.groups.access import access_for
from community.groups.models import ANNOUNCEMENT, DECISION, DISCUSSION, OPEN, Comment, Group, Post
from community.notifications.models import Notification
from tests.conftest import Browser, work

NAME = "Опекуны Казани"


def say(app, text, locale="ru", **values):
    """The sentence as the app writes it in `locale` (so tests survive translation updates)."""
    with work(app), force_locale(locale):
        return gettext(text, **values)


def shown(app, text, **values):
    return str(escape(say(app, text, **values)))


def replies(app, num):
    with work(app), force_locale("ru"):
        return str(escape(ngettext("%(num)d reply", "%(num)d replies", num)))


def signed_in(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def group_by_slug(slug):
    return db.session.scalar(select(Group).where(Group.slug == slug))


def write(
    app, slug, user_id, kind=DISCUSSION, title="Как прошла неделя?", body="Расскажите, как дела.", members_said=""
):
    """Publish a post through the service, as `user_id`; returns its id."""
    with work(app):
        user, group = db.session.get(User, user_id), group_by_slug(slug)
        return feed.create_post(user, group, access_for(user, group), kind, title, body, members_said).id


def reply(app, slug, post_id, user_id, body="Спасибо!"):
    with work(app):
        user, group = db.session.get(User, user_id), group_by_slug(slug)
        return feed.add_comment(user, group, access_for(user, group), db.session.get(Post, post_id), body).id


def get(app, model, id_):
    with app.app_context():
        return db.session.get(model, id_)


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)).where(*where))


def notices(app, user_id, kind):
    with app.app_context():
        return db.session.scalars(
            select(Notification).where(Notification.user_id == user_id, Notification.kind == kind)
        ).all()


def audits(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def circle(app, make_user):
    """An open group led by Anna with members Boris and Vera."""
    ids = {
        "leader": make_user("leader@example.org", name="Анна"),
        "member": make_user("member@example.org", name="Борис"),
        "other": make_user("other@example.org", name="Вера"),
    }
    with work(app):
        group = service.create_group(db.session.get(User, ids["leader"]), NAME, "Казань", "О нас", "Пишите", OPEN)
        for key in ("member", "other"):
            service.join_group(db.session.get(User, ids[key]), group)
        slug = group.slug
    return SimpleNamespace(slug=slug, **{f"{k}_id": v for k, v in ids.items()})


def new_post_form(circle, **fields):
    return {"kind": DISCUSSION, "title": "Ищем няню на субботу", "body": "Кто может посоветовать?", **fields}


# --- writing ------------------------------------------------------------------------------------------------


def test_members_write_discussions_that_appear_in_the_feed(app, circle):
    boris = signed_in(app, "member@example.org")

    response = boris.submit(f"/groups/{circle.slug}/posts/new", new_post_form(circle))

    [post] = feed_posts(app)
    assert (post.kind, post.author_id, post.title) == (DISCUSSION, circle.member_id, "Ищем няню на субботу")
    assert response.headers["Location"] == f"/groups/{circle.slug}/posts/{post.id}"
    assert "Ищем няню на субботу" in signed_in(app, "other@example.org").get(f"/groups/{circle.slug}/").get_data(
        as_text=True
    )


def feed_posts(app):
    with app.app_context():
        return db.session.scalars(select(Post).order_by(Post.id)).all()


def test_members_are_offered_only_discussions(app, circle):
    body = signed_in(app, "member@example.org").get(f"/groups/{circle.slug}/posts/new").get_data(as_text=True)
    assert 'value="announcement"' not in body and 'value="decision"' not in body
    leader_form = signed_in(app, "leader@example.org").get(f"/groups/{circle.slug}/posts/new").get_data(as_text=True)
    assert 'value="announcement"' in leader_form and 'value="decision"' in leader_form


def test_only_leaders_announce_a_member_is_refused(app, circle, mailbox):
    boris = signed_in(app, "member@example.org")
    for kind in (ANNOUNCEMENT, DECISION):
        response = boris.submit(f"/groups/{circle.slug}/posts/new", new_post_form(circle, kind=kind))

        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "form-summary" in body, kind
        assert "Ищем няню на субботу" in body, kind
    assert feed_posts(app) == []
    assert mailbox.messages == []


def test_the_service_refuses_announcements_from_members(app, circle):
    with pytest.raises(RuleError) as error:
        write(app, circle.slug, circle.member_id, kind=ANNOUNCEMENT)
    assert error.value.code == "posts.leaders-only"
    assert feed_posts(app) == []


def test_an_unknown_kind_is_refused(app, circle):
    response = signed_in(app, "leader@example.org").submit(
        f"/groups/{circle.slug}/posts/new", new_post_form(circle, kind="advert")
    )
    assert response.status_code == 200 and feed_posts(app) == []


def test_announcement_reaches_every_active_member_but_the_author(app, circle, make_user, mailbox):
    quiet = make_user("quiet@example.org", name="Галина", email_notifications=False)
    waiting = make_user("waiting@example.org", name="Дмитрий")
    gone = make_user("gone@example.org", name="Елена")
    with work(app):
        group = group_by_slug(circle.slug)
        service.join_group(db.session.get(User, quiet), group)
        service.join_group(db.session.get(User, gone), group)
        service.leave_group(db.session.get(User, gone), group)
        group.join_policy = "approval"
        db.session.commit()
        service.join_group(db.session.get(User, waiting), group)
    anna = signed_in(app, "leader@example.org")
    mailbox.clear()  # the join request told the leader; only the announcement counts here

    response = anna.submit(
        f"/groups/{circle.slug}/posts/new",
        {"kind": ANNOUNCEMENT, "title": "Встреча переносится", "body": "Встречаемся в воскресенье в 12:00."},
    )

    assert response.status_code == 302
    assert sorted(m["To"] for m in mailbox.messages) == ["member@example.org", "other@example.org"]
    for address in ("member@example.org", "other@example.org"):
        [message] = mailbox.to(address)
        assert "Встречаемся в воскресенье в 12:00." in mailbox.text(message)
        assert "Встреча переносится" in message["Subject"]
        [post] = feed_posts(app)
        assert any(link.endswith(f"/groups/{circle.slug}/posts/{post.id}") for link in mailbox.links(message))
    for user_id in (circle.member_id, circle.other_id, quiet):
        [notice] = notices(app, user_id, "post.announcement")
        assert notice.data["title"] == "Встреча переносится"
    for user_id in (circle.leader_id, waiting, gone):
        assert notices(app, user_id, "post.announcement") == []


def test_a_discussion_is_not_emailed(app, circle, mailbox):
    signed_in(app, "leader@example.org").submit(f"/groups/{circle.slug}/posts/new", new_post_form(circle))
    assert mailbox.messages == []


def test_a_decision_shows_and_sends_what_members_said(app, circle, mailbox):
    anna = signed_in(app, "leader@example.org")

    anna.submit(
        f"/groups/{circle.slug}/posts/new",
        {
            "kind": DECISION,
            "title": "Встречаемся по субботам",
            "body": "С марта встречи по субботам в 11:00.",
            "members_said": "Семеро из десяти сказали, что в будни не успевают.",
        },
    )

    [post] = feed_posts(app)
    assert post.kind == DECISION
    page = signed_in(app, "member@example.org").get(f"/groups/{circle.slug}/posts/{post.id}").get_data(as_text=True)
    assert shown(app, "What members said") in page
    assert "Семеро из десяти сказали, что в будни не успевают." in page
    [message] = mailbox.to("member@example.org")
    assert "Семеро из десяти сказали, что в будни не успевают." in mailbox.text(message)
    assert say(app, "What members said") in mailbox.text(message)


def test_what_members_said_is_kept_only_for_decisions(app, make_user):
    leader = make_user("alone@example.org")
    with work(app):
        slug = service.create_group(db.session.get(User, leader), "Новая группа", "Казань", "О", "П", OPEN).slug
    post_id = write(app, slug, leader, kind=ANNOUNCEMENT, members_said="лишнее")
    assert get(app, Post, post_id).members_said == ""
    decision_id = write(app, slug, leader, kind=DECISION, members_said="Все за")
    assert get(app, Post, decision_id).members_said == "Все за"


def test_leaders_can_announce_in_a_group_with_members(app, circle):
    response = signed_in(app, "leader@example.org").submit(
        f"/groups/{circle.slug}/posts/new", {"kind": ANNOUNCEMENT, "title": "Важно", "body": "Встреча в субботу"}
    )
    assert response.status_code == 302
    assert [p.kind for p in feed_posts(app)] == [ANNOUNCEMENT]


# --- comments -----------------------------------------------------------------------------------------------


def test_a_comment_updates_the_count_and_tells_the_author(app, circle):
    post_id = write(app, circle.slug, circle.leader_id)
    boris = signed_in(app, "member@example.org")

    response = boris.submit(f"/groups/{circle.slug}/posts/{post_id}", {"body": "Я приду с детьми."})

    [comment] = comments_of(app, post_id)
    assert response.headers["Location"] == f"/groups/{circle.slug}/posts/{post_id}#comment-{comment.id}"
    assert get(app, Post, post_id).comment_count == 1
    assert replies(app, 1) in boris.get(f"/groups/{circle.slug}/").get_data(as_text=True)
    [notice] = notices(app, circle.leader_id, "post.comment")
    assert notice.data["name"] == "Борис" and notice.url.endswith(f"#comment-{comment.id}")
    assert "Я приду с детьми." in boris.get(f"/groups/{circle.slug}/posts/{post_id}").get_data(as_text=True)


def comments_of(app, post_id):
    with app.app_context():
        return db.session.scalars(select(Comment).where(Comment.post_id == post_id).order_by(Comment.id)).all()


def test_replying_to_your_own_post_does_not_notify_you(app, circle):
    post_id = write(app, circle.slug, circle.leader_id)
    reply(app, circle.slug, post_id, circle.leader_id)
    assert notices(app, circle.leader_id, "post.comment") == []
    assert get(app, Post, post_id).comment_count == 1


def test_an_empty_or_oversized_comment_is_refused_and_kept(app, circle):
    post_id = write(app, circle.slug, circle.leader_id)
    boris = signed_in(app, "member@example.org")
    for body in ("   ", "я" * 5001):
        response = boris.submit(f"/groups/{circle.slug}/posts/{post_id}", {"body": body})
        assert response.status_code == 200 and "field-error" in response.get_data(as_text=True)
        assert body.strip() in response.get_data(as_text=True)
    assert get(app, Post, post_id).comment_count == 0


# --- authors edit and delete their own ----------------------------------------------------------------------


def test_author_edits_their_post(app, circle):
    post_id = write(app, circle.slug, circle.member_id)
    boris = signed_in(app, "member@example.org")
    assert boris.get(f"/groups/{circle.slug}/posts/{post_id}/edit").status_code == 200

    response = boris.submit(
        f"/groups/{circle.slug}/posts/{post_id}/edit",
        {"kind": DISCUSSION, "title": "Новый заголовок", "body": "Новый текст"},
    )

    assert response.status_code == 302
    post = get(app, Post, post_id)
    assert (post.title, post.body, post.kind) == ("Новый заголовок", "Новый текст", DISCUSSION)
    assert post.edited_at is not None


def test_an_edit_cannot_turn_a_discussion_into_an_announcement(app, circle):
    post_id = write(app, circle.slug, circle.leader_id)
    signed_in(app, "leader@example.org").submit(
        f"/groups/{circle.slug}/posts/{post_id}/edit", {"kind": ANNOUNCEMENT, "title": "Т", "body": "Б"}
    )
    assert get(app, Post, post_id).kind == DISCUSSION


def test_nobody_else_edits_or_deletes_a_post_not_even_a_leader(app, circle):
    post_id = write(app, circle.slug, circle.member_id)
    for who in ("other@example.org", "leader@example.org"):
        browser = signed_in(app, who)
        for action in ("edit", "delete"):
            url = f"/groups/{circle.slug}/posts/{post_id}/{action}"
            assert browser.get(url).status_code == 403, (who, action)
            response = browser.submit(url, {"title": "Взлом", "body": "Взлом"}, page=f"/groups/{circle.slug}/")
            assert response.status_code == 403, (who, action)
    post = get(app, Post, post_id)
    assert post is not None and post.title == "Как прошла неделя?"


def test_author_deletes_their_post_with_its_comments(app, circle):
    post_id = write(app, circle.slug, circle.member_id)
    reply(app, circle.slug, post_id, circle.other_id)
    boris = signed_in(app, "member@example.org")
    assert boris.get(f"/groups/{circle.slug}/posts/{post_id}/delete").status_code == 200
    assert get(app, Post, post_id) is not None

    response = boris.submit(f"/groups/{circle.slug}/posts/{post_id}/delete")

    assert response.headers["Location"] == f"/groups/{circle.slug}/"
    assert get(app, Post, post_id) is None
    assert count(app, Comment) == 0


def test_author_edits_and_deletes_their_comment_others_cannot(app, circle):
    post_id = write(app, circle.slug, circle.leader_id)
    comment_id = reply(app, circle.slug, post_id, circle.member_id, "Первый вариант")
    base = f"/groups/{circle.slug}/posts/{post_id}/comments/{comment_id}"
    for who in ("other@example.org", "leader@example.org"):
        browser = signed_in(app, who)
        assert browser.get(f"{base}/edit").status_code == 403
        assert browser.submit(f"{base}/delete", page=f"/groups/{circle.slug}/").status_code == 403
    boris = signed_in(app, "member@example.org")

    boris.submit(f"{base}/edit", {"body": "Исправленный вариант"})
    comment = get(app, Comment, comment_id)
    assert comment.body == "Исправленный вариант" and comment.edited_at is not None

    boris.submit(f"{base}/delete")
    assert get(app, Comment, comment_id) is None
    assert get(app, Post, post_id).comment_count == 0


# --- moderation ---------------------------------------------------------------------------------------------


def test_leader_hides_a_post_audited_and_gone_for_members(app, circle):
    post_id = write(app, circle.slug, circle.member_id, title="Реклама чудо-таблеток")
    anna = signed_in(app, "leader@example.org")

    response = anna.submit(f"/groups/{circle.slug}/posts/{post_id}/hide", page=f"/groups/{circle.slug}/posts/{post_id}")

    assert response.status_code == 302
    post = get(app, Post, post_id)
    assert post.hidden_at is not None and post.hidden_by_id == circle.leader_id
    [event] = audits(app, "post.hide")
    assert (event.actor_id, event.target_type, event.target_id) == (circle.leader_id, "post", post_id)
    vera = signed_in(app, "other@example.org")
    assert vera.get(f"/groups/{circle.slug}/posts/{post_id}").status_code == 404
    assert "Реклама чудо-таблеток" not in vera.get(f"/groups/{circle.slug}/").get_data(as_text=True)
    assert shown(app, "hidden by the leaders") in anna.get(f"/groups/{circle.slug}/posts/{post_id}").get_data(
        as_text=True
    )
    # The author still sees it, marked hidden, and can no longer gather replies under it.
    boris = signed_in(app, "member@example.org")
    assert shown(app, "hidden by the leaders") in boris.get(f"/groups/{circle.slug}/posts/{post_id}").get_data(
        as_text=True
    )
    boris.submit(f"/groups/{circle.slug}/posts/{post_id}", {"body": "А всё-таки"})
    assert count(app, Comment) == 0


def test_leader_shows_a_hidden_post_again(app, circle):
    post_id = write(app, circle.slug, circle.member_id)
    anna = signed_in(app, "leader@example.org")
    anna.submit(f"/groups/{circle.slug}/posts/{post_id}/hide", page=f"/groups/{circle.slug}/posts/{post_id}")
    anna.submit(f"/groups/{circle.slug}/posts/{post_id}/unhide", page=f"/groups/{circle.slug}/posts/{post_id}")
    assert get(app, Post, post_id).hidden_at is None
    assert len(audits(app, "post.unhide")) == 1
    assert signed_in(app, "other@example.org").get(f"/groups/{circle.slug}/posts/{post_id}").status_code == 200


def test_members_cannot_hide_posts_or_comments(app, circle):
    post_id = write(app, circle.slug, circle.leader_id)
    comment_id = reply(app, circle.slug, post_id, circle.other_id)
    boris = signed_in(app, "member@example.org")
    page = f"/groups/{circle.slug}/posts/{post_id}"
    assert boris.submit(f"{page}/hide", page=page).status_code == 403
    assert boris.submit(f"{page}/comments/{comment_id}/hide", page=page).status_code == 403
    assert get(app, Post, post_id).hidden_at is None and get(app, Comment, comment_id).hidden_at is None


def test_leader_hides_a_comment_audited_and_gone_for_members(app, circle):
    post_id = write(app, circle.slug, circle.leader_id)
    comment_id = reply(app, circle.slug, post_id, circle.member_id, "Грубый ответ")
    anna = signed_in(app, "leader@example.org")
    page = f"/groups/{circle.slug}/posts/{post_id}"

    anna.submit(f"{page}/comments/{comment_id}/hide", page=page)

    assert get(app, Comment, comment_id).hidden_at is not None
    assert get(app, Post, post_id).comment_count == 0
    [event] = audits(app, "comment.hide")
    assert (event.actor_id, event.target_id) == (circle.leader_id, comment_id)
    assert "Грубый ответ" not in signed_in(app, "other@example.org").get(page).get_data(as_text=True)
    assert "Грубый ответ" in anna.get(page).get_data(as_text=True)


# --- who sees posts -----------------------------------------------------------------------------------------


def test_outsiders_get_404_for_posts_and_visitors_are_sent_to_log_in(app, circle, make_user):
    post_id = write(app, circle.slug, circle.leader_id)
    make_user("outsider@example.org")
    outsider = signed_in(app, "outsider@example.org")
    for url in (f"/groups/{circle.slug}/posts/{post_id}", f"/groups/{circle.slug}/posts/new"):
        assert outsider.get(url).status_code == 404
    response = outsider.submit(f"/groups/{circle.slug}/posts/{post_id}", {"body": "Привет"}, page="/groups/")
    assert response.status_code == 404
    visitor = Browser(app.test_client()).get(f"/groups/{circle.slug}/posts/{post_id}")
    assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/auth/login")
    assert count(app, Comment) == 0


def test_a_post_is_only_found_under_its_own_group(app, circle, make_user):
    post_id = write(app, circle.slug, circle.leader_id)
    with work(app):
        boris = db.session.get(User, circle.member_id)
        other_slug = service.create_group(boris, "Другая группа", "Самара", "О", "П", OPEN).slug
    boris = signed_in(app, "member@example.org")
    assert boris.get(f"/groups/{other_slug}/posts/{post_id}").status_code == 404
    assert boris.get(f"/groups/{other_slug}/posts/{post_id}/edit").status_code == 404
    assert boris.submit(f"/groups/{other_slug}/posts/{post_id}/hide", page="/groups/").status_code == 404
    assert boris.get(f"/groups/{circle.slug}/posts/999999").status_code == 404


def test_people_who_left_lose_the_feed(app, circle):
    post_id = write(app, circle.slug, circle.leader_id)
    with work(app):
        service.leave_group(db.session.get(User, circle.member_id), group_by_slug(circle.slug))
    assert signed_in(app, "member@example.org").get(f"/groups/{circle.slug}/posts/{post_id}").status_code == 404


# --- hostile input ------------------------------------------------------------------------------------------

HOSTILE = {
    "empty": "",
    "blank": "   ",
    "10k": "я" * 10_000,
    "20k": "я" * 20_001,
    "script": "<script>alert(1)</script>",
    "emoji": "Семья 👩‍👧 ΣΩ 李",
}


@pytest.mark.parametrize("field", ["title", "body"])
def test_post_form_survives_hostile_input(app, circle, field):
    boris = signed_in(app, "member@example.org")

    for label, value in HOSTILE.items():
        response = boris.submit(f"/groups/{circle.slug}/posts/new", {**new_post_form(circle), field: value})

        body = response.get_data(as_text=True)
        assert response.status_code in (200, 302), label
        assert "<script>alert(1)</script>" not in body, label
        kept = str(escape(value.strip()))[:40]
        if response.status_code == 200:
            assert f'id="{field}-error"' in body and kept in body, label
        else:
            page = boris.get(response.headers["Location"])
            text = page.get_data(as_text=True)
            assert page.status_code == 200 and "<script>alert(1)</script>" not in text and kept in text, label
    accepted = feed_posts(app)
    assert all(p.author_id == circle.member_id for p in accepted)
    assert len(accepted) == {"title": 2, "body": 3}[field]  # script and emoji; and a 10k body


@pytest.mark.parametrize("field", ["title", "body"])
def test_post_form_with_a_nul_character_never_fails(app, circle, request, database_url, field):
    response = signed_in(app, "member@example.org").submit(
        f"/groups/{circle.slug}/posts/new", {**new_post_form(circle), field: "\x00\x01"}
    )
    assert response.status_code in (200, 302)


def test_decisions_log_lists_decisions_with_what_members_said(app, make_user):
    """The decisions log shows decisions only, with what members said that led to them."""
    from community.groups import feed
    from community.groups import service as groups
    from community.groups.access import access_for
    from tests.conftest import Browser

    make_user("lead@example.org", name="Лена")
    with work(app):
        from sqlalchemy import select

        from community.auth.models import User

        lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        group = groups.create_group(lead, "Круг решений", "Казань", "О нас", "Для всех", "open")
        access = access_for(lead, group)
        feed.create_post(lead, group, access, "decision", "Встречаемся по субботам", "С 11 до 13", "9 из 12 за субботу")
        feed.create_post(lead, group, access, "discussion", "Просто разговор", "Привет")
        slug = group.slug
    browser = Browser(app.test_client())
    browser.login("lead@example.org")
    page = browser.get(f"/groups/{slug}/decisions").get_data(as_text=True)
    assert "Встречаемся по субботам" in page and "9 из 12 за субботу" in page
    assert "Просто разговор" not in page
