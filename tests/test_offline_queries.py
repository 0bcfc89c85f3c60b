"""The page of members without an account makes as many queries for 2 people as for 20."""

from community.extensions import db
from community.groups.models import Group
from community.offline import service
from tests.conftest import Browser, work
from tests.events_helpers import build_group, make_event, user
from tests.test_groups_queries import counting_queries


def test_the_list_and_a_person_s_page_do_not_grow_with_the_data(app, make_user, mailbox):
    slug, group_id = build_group(app, make_user)

    def grow(n):
        with work(app):
            group, leader = db.session.get(Group, group_id), user("leader@example.org")
            for i in range(n):
                service.add(leader, group, f"Родитель {i}", "+7 900 000-00-00", "Встречи")
        for _ in range(n):
            make_event(app, group_id)

    def count(url):
        browser = Browser(app.test_client())
        browser.login("leader@example.org")
        browser.get(url)  # warm up
        with counting_queries(app) as statements:
            assert browser.get(url).status_code == 200
        return len(statements)

    grow(2)
    with work(app):
        first = service.offline_members(db.session.get(Group, group_id))[0].id
    pages = [f"/groups/{slug}/without-account", f"/groups/{slug}/without-account/{first}"]
    before = [count(url) for url in pages]
    grow(18)
    assert [count(url) for url in pages] == before
