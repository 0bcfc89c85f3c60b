"""Who may open what, for every events route: the role × route matrix."""

import pytest
from sqlalchemy import select

from community.events.models import EventOrganiser
from community.extensions import db
from community.groups.models import SPECIALIST, Membership
from tests.authz_helpers import ROLES, add_outsiders, assert_every_route_listed, emails, expect, run_matrix
from tests.events_helpers import build_group, make_event, user

EMAILS = emails(member="member1@example.org")


VIEW = expect(200)
EDIT = expect(403, leader=200)
EDIT_POST = expect(403, leader=302)
VIEW_POST = expect(302)
SIGNED_IN = {role: (302 if role == "anonymous" else 200) for role in ROLES}
SIGNED_IN_POST = {role: 302 for role in ROLES}

# (method, url template, expected)
MATRIX = [
    ("GET", "/groups/{slug}/events/new", expect(403, leader=200, specialist=200)),
    ("GET", "/events/", SIGNED_IN),
    ("GET", "/events/{event}", VIEW),
    ("GET", "/events/{event}.ics", VIEW),
    ("GET", "/events/{event}/edit", EDIT),
    ("POST", "/events/{event}/publish", EDIT_POST),
    ("GET", "/events/{event}/cancel", EDIT),
    ("GET", "/events/{event}/duplicate", expect(403, leader=302)),
    ("POST", "/events/{event}/register", expect(302, admin=403)),
    ("POST", "/events/{event}/unregister", VIEW_POST),
    ("POST", "/events/{event}/show-name", VIEW_POST),
    ("GET", "/events/{event}/organisers", EDIT),
    ("POST", "/events/{event}/organisers/accept", VIEW_POST),
    ("POST", "/events/{event}/organisers/{organiser}/remove", EDIT_POST),
    ("GET", "/events/{event}/attendance", expect(403, leader=302)),
    ("GET", "/events/{event}/feedback", VIEW_POST),
    ("GET", "/events/{event}/feedback/summary", EDIT),
    ("GET", "/events/{event}/message", EDIT),
    ("POST", "/events/calendar/reset", SIGNED_IN_POST),
    ("POST", "/events/calendar/create", SIGNED_IN_POST),
    ("GET", "/calendar/{token}.ics", {role: 404 for role in ROLES}),
]


def build(app, make_user):
    slug, group_id = build_group(app, make_user, members=1)
    add_outsiders(app, make_user, group_id)
    with app.app_context():
        specialist_role = db.session.scalar(
            select(Membership.role).where(Membership.user_id == user("specialist@example.org").id)
        )
        assert specialist_role == SPECIALIST
    event_id = make_event(app, group_id)
    with app.app_context():
        organiser = db.session.scalar(select(EventOrganiser.id).where(EventOrganiser.event_id == event_id))
    return {"slug": slug, "event": event_id, "organiser": organiser, "token": "no-such-token"}


@pytest.mark.parametrize("role", ROLES)
def test_events_authorization_matrix(app, make_user, role):
    run_matrix(app, role, EMAILS, MATRIX, build(app, make_user))


def test_every_events_route_is_in_the_matrix(app):
    assert_every_route_listed(app, "events", MATRIX)
