""" "You said — we did" pages keep the same number of SQL queries as suggestions, supports,
answers and late ones grow."""

from community.extensions import db
from tests.conftest import Browser
from tests.involve_helpers import LEADER, SPECIALIST_EMAIL, build_world, parent
from tests.test_help_queries import count_queries
from tests.voice_helpers import answer, suggest, support


def build(app, make_user, size):
    world = build_world(app, make_user, parents=size)
    first = None
    for n in range(1, size + 1):
        sid = suggest(app, parent(n), f"Предложение {n}", group_slug=world["slug"], anonymous=n % 2 == 0, days_ago=20)
        suggest(app, parent(n), f"Фонду {n}", days_ago=20)
        first = first or sid
        for m in range(1, size + 1):
            if m != n and m <= 3:
                support(app, sid, parent(m))
        if n % 3 == 0:
            answer(app, sid, LEADER, "heard")
    for status in ("considering", "doing"):
        answer(app, first, LEADER, status)
    return world["slug"], first


def queries(make_app, make_user, size):
    app = make_app()
    slug, first = build(app, make_user, size)
    counts = []
    for email in (parent(1), LEADER, SPECIALIST_EMAIL):
        browser = Browser(app.test_client())
        browser.login(email)
        counts += [
            count_queries(app, browser, url)
            for url in (
                f"/groups/{slug}/voice/",
                f"/groups/{slug}/voice/?show=all",
                "/orgs/fond/voice/",
                f"/voice/{first}",
                "/",
                f"/groups/{slug}/decisions",
            )
        ]
    return counts


def test_voice_pages_do_not_grow_with_the_data(make_app, make_user):
    small = queries(make_app, make_user, 4)
    with make_app().app_context():
        db.drop_all()
        db.create_all()
    large = queries(make_app, make_user, 12)
    assert large == small
