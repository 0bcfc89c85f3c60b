"""An event's page and the lists of events keep the same number of SQL queries however
many people register."""

from sqlalchemy import event as sa_event

from community.auth.models import User
from community.events import registration
from community.events.models import Event
from community.extensions import db
from community.groups import service as groups
from tests.conftest import Browser, work
from tests.events_helpers import make_event, user


def count_queries(app, browser, url):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        response = browser.get(url)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return len(statements)


def community_of(app, make_user, size):
    make_user("leader@example.org")
    ids = [make_user(f"p{n}@example.org", name=f"Родитель {n}") for n in range(size)]
    with work(app):
        group = groups.create_group(user("leader@example.org"), "Группа", "Казань", "О нас", "Для всех", "open")
        for uid in ids:
            groups.join_group(db.session.get(User, uid), group)
        group_id, slug = group.id, group.slug
    event_ids = [make_event(app, group_id, capacity=size // 2, days=d) for d in (5, 6, 7)]
    with work(app):
        for event_id in event_ids:
            for uid in ids:
                registration.register(db.session.get(User, uid), db.session.get(Event, event_id))
    return slug, event_ids[0]


def queries_for(make_app, make_user, size):
    app = make_app()
    slug, event_id = community_of(app, make_user, size)
    browser = Browser(app.test_client())
    browser.login("leader@example.org")
    return [count_queries(app, browser, url) for url in (f"/events/{event_id}", "/events/", f"/groups/{slug}/")]


def test_query_count_does_not_grow_with_registrations(make_app, make_user, database_url):
    small = queries_for(make_app, make_user, 6)
    with make_app().app_context():
        db.drop_all()
        db.create_all()
    large = queries_for(make_app, make_user, 40)
    assert small == large
