"""Who may open what, for every regular-meeting route: the role × route matrix."""

import pytest
from sqlalchemy import select

from community.events.models import Event
from community.extensions import db
from tests.authz_helpers import ROLES, add_outsiders, assert_every_route_listed, emails, expect, run_matrix
from tests.events_helpers import build_group, make_event
from tests.series_helpers import make_series

EMAILS = emails(member="member1@example.org")

ORGANISE = expect(403, leader=200, specialist=200)

# (method, url template, expected)
MATRIX = [
    ("GET", "/groups/{slug}/series/new", ORGANISE),
    ("POST", "/groups/{slug}/series/new", ORGANISE),  # an empty form: answered on the page
    ("GET", "/series/{series}", expect(200)),
    ("GET", "/series/{series}.ics", expect(200)),
    ("GET", "/events/{meeting}/following/edit", ORGANISE),
    ("POST", "/events/{meeting}/following/edit", ORGANISE),
    ("GET", "/events/{meeting}/following/end", ORGANISE),
    ("GET", "/events/{event}/following/end", expect(404, **{"non-member": 404})),  # not a meeting of a series
]


def build(app, make_user):
    slug, group_id = build_group(app, make_user, members=1)
    add_outsiders(app, make_user, group_id)
    series_id = make_series(app, group_id)
    with app.app_context():
        meeting = db.session.scalar(select(Event.id).where(Event.series_id == series_id).order_by(Event.starts_at))
    return {"slug": slug, "series": series_id, "meeting": meeting, "event": make_event(app, group_id)}


@pytest.mark.parametrize("role", ROLES)
def test_series_authorization_matrix(app, make_user, role):
    run_matrix(app, role, EMAILS, MATRIX, build(app, make_user))


@pytest.mark.parametrize("role", ROLES)
def test_ending_a_series_is_for_its_groups_organisers(app, make_user, role):
    """The POST that ends a series: only a leader or the group's specialist gets through."""
    ids = build(app, make_user)
    run_matrix(
        app, role, EMAILS, [("POST", "/events/{meeting}/following/end", expect(403, leader=302, specialist=302))], ids
    )


def test_every_series_route_is_in_the_matrix(app):
    assert_every_route_listed(app, "series", MATRIX)


def test_a_missing_series_or_meeting_is_not_found(app, make_user):
    from tests.conftest import Browser

    build_group(app, make_user, members=1)
    browser = Browser(app.test_client())
    browser.login("leader@example.org")
    for url in ("/series/999", "/series/999.ics", "/events/999/following/edit", "/series/99999999999999999999"):
        assert browser.get(url).status_code == 404
