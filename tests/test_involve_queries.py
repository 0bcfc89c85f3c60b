"""Involvement pages keep the same number of SQL queries as applications, sessions and claims
grow."""

from datetime import date

from community.extensions import db
from community.involve.claims import service as claims
from tests.conftest import Browser, work
from tests.involve_helpers import (
    SPECIALIST_EMAIL,
    accept,
    apply,
    build_world,
    held_session,
    make_opportunity,
    parent,
    user,
)
from tests.test_help_queries import count_queries


def build(app, make_user, size):
    build_world(app, make_user, parents=size)
    opportunity_ids = [make_opportunity(app, places=size, title=f"Приглашение {n}") for n in range(size // 2)]
    first = opportunity_ids[0]
    for n in range(1, size + 1):
        accept(app, apply(app, first, parent(n)))
    session_ids = [held_session(app, first, took_part=[parent(n) for n in range(1, size + 1)]) for _ in range(2)]
    with work(app):
        for n in range(1, size + 1):
            me = user(parent(n))
            for session_id in session_ids:
                claims.submit_claim(
                    me, claims.claimable_session(me, session_id), "travel", 10000, date.today(), "", None
                )
    return first


def queries(make_app, make_user, size):
    app = make_app()
    first = build(app, make_user, size)
    specialist = Browser(app.test_client())
    specialist.login(SPECIALIST_EMAIL)
    parent1 = Browser(app.test_client())
    parent1.login(parent(1))
    counts = [
        count_queries(app, specialist, url)
        for url in ("/orgs/fond/involve/", f"/involve/{first}", f"/involve/{first}/applicants", "/orgs/fond/claims")
    ]
    counts += [
        count_queries(app, parent1, url) for url in ("/", f"/involve/{first}", "/claims/", "/groups/semi-kazani/")
    ]
    return counts


def test_involvement_pages_do_not_grow_with_the_data(make_app, make_user):
    small = queries(make_app, make_user, 4)
    with make_app().app_context():
        db.drop_all()
        db.create_all()
    large = queries(make_app, make_user, 12)
    assert large == small
