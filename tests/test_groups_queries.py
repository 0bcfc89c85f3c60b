"""The number of SQL queries a page makes does not grow with the data: the same with 5 and with
50 groups, members, requests, posts and comments."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from community.auth.models import User
from community.extensions import db
from community.groups import service
from community.groups.models import (
    ACTIVE,
    DISCUSSION,
    LEADER,
    MEMBER,
    OPEN,
    PENDING,
    Comment,
    EngagementRole,
    Group,
    Membership,
    Post,
)
from community.models import utcnow
from tests.conftest import Browser, work

PAGES = {
    "directory": "/groups/",
    "directory search": "/groups/?q=казань",
    "group feed": "/groups/{slug}/",
    "members": "/groups/{slug}/members",
    "requests": "/groups/{slug}/requests",
    "post with comments": "/groups/{slug}/posts/{post}",
}


@contextmanager
def counting_queries(app):
    """Collect every SQL statement the app's engine runs while the block is open."""
    statements = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", remember)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", remember)


@pytest.fixture
def community(app, make_user):
    """Anna leads a group in Kazan with one post; `grow(n)` adds n more of everything."""
    leader_id = make_user("leader@example.org", name="Анна")
    with work(app):
        leader = db.session.get(User, leader_id)
        group = service.create_group(leader, "Приёмные семьи", "Казань", "О нас", "Пишите", OPEN)
        post = Post(group_id=group.id, author_id=leader_id, kind=DISCUSSION, title="Главная тема", body="Текст")
        db.session.add(post)
        db.session.commit()
        slug, post_id, password_hash = group.slug, post.id, db.session.get(User, leader_id).password_hash
    added = [0]

    def grow(count):
        """Members (with an accepted role) who each write a post and a comment and lead a group of
        their own, and people waiting for approval — all straight in the database, in one commit."""
        with app.app_context():
            group = db.session.scalar(select(Group).where(Group.slug == slug))
            now = utcnow()
            for i in range(added[0], added[0] + count):
                member = User(
                    email=f"m{i}@example.org",
                    display_name=f"Участник {i}",
                    city="Казань",
                    password_hash=password_hash,
                    email_verified_at=now,
                    consent_at=now,
                    consent_version="1",
                )
                waiting = User(
                    email=f"w{i}@example.org",
                    display_name=f"Ждёт {i}",
                    password_hash=password_hash,
                    email_verified_at=now,
                    consent_at=now,
                    consent_version="1",
                )
                own = Group(
                    name=f"Группа {i}",
                    slug=f"gruppa-{i}",
                    city="Казань",
                    description=f"Группа номер {i}",
                    how_to_join="Пишите",
                    join_policy=OPEN,
                    member_count=1,
                    search_text=service.search_key(f"Группа {i}", "Казань"),
                )
                db.session.add_all([member, waiting, own])
                db.session.flush()
                membership = Membership(group_id=group.id, user_id=member.id, role=MEMBER, status=ACTIVE, joined_at=now)
                db.session.add_all(
                    [
                        membership,
                        Membership(
                            group_id=group.id, user_id=waiting.id, role=MEMBER, status=PENDING, request_message="Я"
                        ),
                        Membership(group_id=own.id, user_id=member.id, role=LEADER, status=ACTIVE, joined_at=now),
                        Post(
                            group_id=group.id,
                            author_id=member.id,
                            kind=DISCUSSION,
                            title=f"Тема {i}",
                            body="Текст",
                            comment_count=1,
                        ),
                        Comment(post_id=post_id, author_id=member.id, body=f"Ответ {i}"),
                    ]
                )
                db.session.flush()
                db.session.add(
                    EngagementRole(
                        membership_id=membership.id, role="mentor", status="accepted", offered_by_id=leader_id
                    )
                )
            added[0] += count
            group.member_count = added[0] + 1
            db.session.get(Post, post_id).comment_count = added[0]
            db.session.commit()

    grow.slug, grow.post = slug, post_id
    return grow


def page_counts(statements):
    """The paginator's count (community/paging.py): asked only when a list runs past its page."""
    return [s for s in statements if s.startswith("SELECT count(*) AS count_1 \nFROM (SELECT")]


def same_cost(few, many):
    """Equal numbers of queries, but for at most one count per list that now spans pages."""
    rest_few = [s for s in few if s not in page_counts(few)]
    rest_many = [s for s in many if s not in page_counts(many)]
    return len(rest_few) == len(rest_many) and len(page_counts(many)) <= 1 + len(page_counts(few))


def queries_for(app, browser, url):
    browser.get(url)  # warm up: first-request work is not what we measure
    with counting_queries(app) as statements:
        response = browser.get(url)
    assert response.status_code == 200, url
    return statements


def test_queries_do_not_grow_with_the_data(app, community):
    leader, visitor = Browser(app.test_client()), Browser(app.test_client())
    leader.login("leader@example.org")
    pages = [(name, leader, url.format(slug=community.slug, post=community.post)) for name, url in PAGES.items()]
    pages.append(("directory for a visitor", visitor, "/groups/"))

    community(5)
    few = {name: (queries_for(app, browser, url), len(browser.get(url).data)) for name, browser, url in pages}
    community(45)
    many = {name: (queries_for(app, browser, url), len(browser.get(url).data)) for name, browser, url in pages}

    failures = []
    for name, _, _ in pages:
        (few_queries, few_size), (many_queries, many_size) = few[name], many[name]
        assert many_size > few_size, f"{name}: the page should show more with more data"
        assert any("membership" in s or '"group"' in s for s in few_queries), f"{name}: no page queries counted"
        if not same_cost(few_queries, many_queries):
            extra = "\n---\n".join(s for s in many_queries if s not in few_queries)
            failures.append(f"{name}: {len(few_queries)} queries with 5, {len(many_queries)} with 50:\n{extra}")
    assert not failures, "\n\n".join(failures)
