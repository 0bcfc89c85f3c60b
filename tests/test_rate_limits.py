"""Rate limits on what reaches other people (issue #12, finding 12): replies, help-thread
messages, organisers' messages to everyone registered (each one emails them all), new groups
and new events. Counted per account; a form sent back with an error does not count."""

from datetime import date, timedelta

import pytest

from community.extensions import db
from community.groups import feed
from community.groups.access import access_for
from community.groups.models import Group
from community.mutual_help import service as help_service
from tests.conftest import Browser, work
from tests.events_helpers import build_group, make_event, user


@pytest.fixture
def world(app, make_user):
    slug, group_id = build_group(app, make_user, members=2)
    return {"slug": slug, "group_id": group_id}


def as_(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def statuses(browser, url, data, times, page=None):
    return [browser.submit(url, data(n) if callable(data) else data, page=page).status_code for n in range(times)]


def test_replies_are_limited(app, world):
    with work(app):
        group = db.session.get(Group, world["group_id"])
        leader = user("leader@example.org")
        with app.test_request_context():
            post_id = feed.create_post(leader, group, access_for(leader, group), "discussion", "Тема", "Текст").id
    url = f"/groups/{world['slug']}/posts/{post_id}"
    result = statuses(as_(app, "member1@example.org"), url, lambda n: {"body": f"Ответ {n}"}, 11)
    assert result == [302] * 10 + [429]
    assert statuses(as_(app, "member2@example.org"), url, {"body": "Я тоже"}, 1) == [302]  # per account


def test_help_thread_messages_are_limited(app, world):
    with work(app):
        request = help_service.create_request(
            user("member1@example.org"),
            db.session.get(Group, world["group_id"]),
            "need",
            "Подвезти",
            "",
            "transport",
            "week",
            None,
            False,
        )
        help_service.accept_helper(
            user("member1@example.org"), request, help_service.respond(user("member2@example.org"), request, "Могу")
        )
        request_id = request.id
    result = statuses(
        as_(app, "member1@example.org"),
        f"/help/{request_id}/thread",
        lambda n: {"body": f"Сообщение {n}"},
        11,
        page=f"/help/{request_id}",
    )
    assert result == [302] * 10 + [429]


def test_organisers_messages_to_everyone_are_limited(app, world, mailbox):
    event_id = make_event(app, world["group_id"])
    result = statuses(as_(app, "leader@example.org"), f"/events/{event_id}/message", {"body": "Напоминаю"}, 6)
    assert result == [302] * 5 + [429]


def group_form(n):
    return {
        "name": f"Группа номер {n}",
        "city": "Казань",
        "description": "О нас",
        "how_to_join": "Приходите",
        "join_policy": "open",
        "timezone": "Europe/Moscow",
    }


def test_new_groups_are_limited_but_forms_with_errors_do_not_count(app, world):
    leader = as_(app, "leader@example.org")
    assert statuses(leader, "/groups/new", {**group_form(0), "name": ""}, 6) == [200] * 6
    assert statuses(leader, "/groups/new", group_form, 6) == [302] * 5 + [429]


def test_new_events_are_limited(app, world):
    day = (date.today() + timedelta(days=10)).isoformat()
    form = {
        "title": "Встреча",
        "starts_date": day,
        "starts_time": "11:00",
        "ends_time": "13:00",
        "place": "Казань",
        "capacity": "",
        "publish": "1",
    }
    result = statuses(as_(app, "leader@example.org"), f"/groups/{world['slug']}/events/new", form, 21)
    assert result == [302] * 20 + [429]


def test_join_requests_are_limited(app, world, make_user):
    make_user("joiner@example.org")
    joiner = as_(app, "joiner@example.org")
    for _ in range(10):
        assert joiner.submit(f"/groups/{world['slug']}/join", {}).status_code == 302
        assert joiner.submit(f"/groups/{world['slug']}/leave", {}).status_code == 302
    assert joiner.submit(f"/groups/{world['slug']}/join", {}).status_code == 429
