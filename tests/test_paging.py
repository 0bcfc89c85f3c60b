"""The notifications, a group's feed and its moderation record come in pages (`db.paginate`):
"Page 2 of 3" with links to the previous and next pages, a page past the end goes to the
last one, and a page costs the same number of queries with 40 entries as with 100 (but for
the count, which a page that is not full does not need)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from community.audit import AuditEvent
from community.auth.models import User
from community.extensions import db
from community.groups.feed import PAGE_SIZE as FEED_PAGE
from community.groups.models import DISCUSSION, Post
from community.models import utcnow
from community.notifications.models import Notification
from community.notifications.service import PAGE_SIZE as NOTICE_PAGE
from community.paging import paginate
from community.safety.service import LOG_PAGE_SIZE
from tests.conftest import work
from tests.events_helpers import build_group
from tests.safety_helpers import signed_in, t
from tests.test_groups_queries import counting_queries, page_counts, same_cost


@pytest.fixture
def world(app, make_user):
    """The Kazan group; `add(n)` gives the leader n more notifications, the feed n more posts
    and the moderation record n more steps, each newer than the last."""
    slug, group_id = build_group(app, make_user, members=1)
    added = [0]

    def add(count):
        with work(app):
            leader = db.session.scalar(select(User).where(User.email == "leader@example.org"))
            member = db.session.scalar(select(User).where(User.email == "member1@example.org"))
            start = utcnow()
            for n in range(added[0], added[0] + count):
                at = start + timedelta(seconds=n)
                db.session.add_all(
                    [
                        Notification(
                            user_id=leader.id,
                            actor_id=member.id,
                            kind="join.joined",
                            data={"name": f"Участник {n}", "group": "Семьи Казани"},
                            created_at=at,
                        ),
                        Post(
                            group_id=group_id,
                            author_id=member.id,
                            kind=DISCUSSION,
                            title=f"Тема номер {n}",
                            body="Текст",
                            created_at=at,
                        ),
                        AuditEvent(
                            at=at,
                            actor_id=member.id if n % 2 else None,  # every other one by a former member
                            action="moderation.pin",
                            target_type="group",
                            target_id=group_id,
                            detail={"item": "post", "count": n + 1},
                        ),
                    ]
                )
            added[0] += count

    add.slug = slug
    return add


def pages_of(world):
    return {
        "notifications": ("/notifications/", NOTICE_PAGE),
        "feed": (f"/groups/{world.slug}/", FEED_PAGE),
        "moderation record": (f"/groups/{world.slug}/moderation", LOG_PAGE_SIZE),
    }


def indicator(app, page, pages):
    return t(app, "Page %(page)d of %(pages)d", page=page, pages=pages)


@pytest.mark.parametrize("name", ["notifications", "feed", "moderation record"])
def test_a_long_list_comes_in_pages_with_an_indicator_and_links(app, world, name):
    url, size = pages_of(world)[name]
    world(2 * size + 1)
    leader = signed_in(app, "leader@example.org")

    first = leader.get(url).get_data(as_text=True)
    second = leader.get(f"{url}?page=2").get_data(as_text=True)
    last = leader.get(f"{url}?page=3").get_data(as_text=True)

    assert indicator(app, 1, 3) in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert indicator(app, 2, 3) in second and 'rel="next"' in second and 'rel="prev"' in second
    assert indicator(app, 3, 3) in last and 'rel="next"' not in last and 'rel="prev"' in last
    assert re.search(r'href="[^"]*page=3[^"]*" rel="next"', second)
    beyond = leader.get(f"{url}?page=9")
    assert beyond.status_code == 302 and "page=3" in beyond.headers["Location"]


def test_each_page_shows_its_own_entries_newest_first(app, world):
    world(2 * FEED_PAGE + 1)
    leader = signed_in(app, "leader@example.org")
    slug = world.slug
    first = leader.get(f"/groups/{slug}/").get_data(as_text=True)
    third = leader.get(f"/groups/{slug}/?page=3").get_data(as_text=True)
    newest, oldest = f"Тема номер {2 * FEED_PAGE}<", "Тема номер 0<"
    assert newest in first and oldest not in first
    assert oldest in third and newest not in third
    notices = leader.get("/notifications/?page=2").get_data(as_text=True)  # 41 and the join: 30 + 12
    assert "Участник 0 " in notices and f"Участник {2 * FEED_PAGE} " not in notices
    record = leader.get(f"/groups/{slug}/moderation").get_data(as_text=True)
    assert t(app, "A former member") in record and "Участник 1<" in record


def test_one_page_shows_no_pager(app, world):
    world(3)
    leader = signed_in(app, "leader@example.org")
    for url, _ in pages_of(world).values():
        html = leader.get(url).get_data(as_text=True)
        assert 'class="pagination"' not in html, url
        assert "Участник 2 " in html or "Тема номер 2<" in html or "Участник 1<" in html, url


def test_a_page_costs_the_same_queries_however_long_the_list(app, world):
    leader = signed_in(app, "leader@example.org")
    urls = [url for url, _ in pages_of(world).values()]
    world(40)
    few = {}
    for url in urls + [u + "?page=2" for u in urls]:
        leader.get(url)  # warm up: first-request work is not what we measure
        with counting_queries(app) as statements:
            assert leader.get(url).status_code == 200
        few[url] = list(statements)
    world(60)
    for url, before in few.items():
        leader.get(url)
        with counting_queries(app) as statements:
            assert leader.get(url).status_code == 200
        assert same_cost(before, statements), url


@pytest.mark.parametrize("rows", [0, 1, 2, 3, 4, 6, 7])
def test_a_page_that_is_not_full_tells_the_total_without_counting(app, make_user, rows):
    for n in range(rows):
        make_user(f"p{n}@example.org")
    with app.app_context():
        query = select(User).order_by(User.id)
        for page in (1, 2, 3, 4):
            with counting_queries(app) as statements:
                result = paginate(query, page=page, per_page=3)
            shown = max(0, min(3, rows - 3 * (page - 1)))
            assert (len(result.items), result.total, result.pages) == (shown, rows, -(-rows // 3)), page
            # a page with 1 or 2 of its 3 rows is the last one, and so is an empty first page
            counted = not (0 < shown < 3 or (shown == 0 and page == 1))
            assert len(page_counts(statements)) == int(counted), (rows, page)
            assert len([s for s in statements if s.startswith("SELECT")]) == 1 + int(counted)


def test_a_moderation_step_by_a_deleted_account_still_shows(app, world):
    world(1)  # step 0 has no actor
    html = signed_in(app, "leader@example.org").get(f"/groups/{world.slug}/moderation").get_data(as_text=True)
    assert t(app, "A former member") in html
