"""The help board and a request page keep the same number of SQL queries as answers grow."""

from sqlalchemy import event as sa_event

from community.auth.models import User
from community.extensions import db
from community.groups import service as groups
from community.groups.models import Group
from community.mutual_help import service as help_service
from tests.conftest import Browser, work
from tests.events_helpers import user
from tests.test_groups_queries import same_cost


def count_queries(app, browser, url):
    return len(statements_for(app, browser, url))


def statements_for(app, browser, url):
    statements = []
    with app.app_context():
        engine = db.engine

    def record(*args):
        statements.append(args[2])

    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        assert browser.get(url).status_code == 200
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    return statements


def build(app, make_user, size):
    make_user("leader@example.org")
    ids = [make_user(f"p{n}@example.org", name=f"Родитель {n}") for n in range(size)]
    with work(app):
        group = groups.create_group(user("leader@example.org"), "Группа", "Казань", "О нас", "Для всех", "open")
        for uid in ids:
            groups.join_group(db.session.get(User, uid), group)
        group = db.session.get(Group, group.id)
        first = None
        for n in range(size):
            request = help_service.create_request(
                user("leader@example.org"), group, "need", f"Нужда {n}", "", "transport", "week", None, False
            )
            first = first or request
        for uid in ids:
            help_service.respond(db.session.get(User, uid), first, "Могу помочь")
        return group.slug, first.id


def queries(make_app, make_user, size):
    app = make_app()
    slug, request_id = build(app, make_user, size)
    browser = Browser(app.test_client())
    browser.login("leader@example.org")
    return [statements_for(app, browser, url) for url in (f"/groups/{slug}/help/", f"/help/{request_id}")]


def test_help_pages_do_not_grow_with_answers(make_app, make_user):
    small = queries(make_app, make_user, 4)
    with make_app().app_context():
        db.drop_all()
        db.create_all()
    large = queries(make_app, make_user, 30)
    assert all(same_cost(few, many) for few, many in zip(small, large, strict=True)), (small, large)
