"""Who may open what, for every events route: the role × route matrix."""

import pytest
from sqlalchemy import select

from community.events.models import EventOrganiser
from community.extensions import db
from community.groups import service as groups
from community.groups.models import SPECIALIST, Membership
from community.orgs.models import Organisation, Specialist
from tests.conftest import Browser
from tests.events_helpers import build_group, make_event, user

ROLES = ["anonymous", "non-member", "pending", "member", "leader", "specialist", "other-specialist", "admin"]
EMAILS = {
    "non-member": "outsider@example.org",
    "pending": "pending@example.org",
    "member": "member1@example.org",
    "leader": "leader@example.org",
    "specialist": "specialist@example.org",
    "other-specialist": "other-spec@example.org",
    "admin": "admin@example.org",
}


def expect(default, **per_role):
    """Expected status per role: anonymous is sent to log in; outsiders get 404."""
    table = {"anonymous": 302, "non-member": 404, "pending": 404, "other-specialist": 404}
    table.update({role: default for role in ("member", "leader", "specialist", "admin")})
    table.update({k.replace("_", "-"): v for k, v in per_role.items()})
    return table


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
    ("GET", "/calendar/no-such-token.ics", {role: 404 for role in ROLES}),
]


def build(app, make_user):
    slug, group_id = build_group(app, make_user, members=1)
    make_user("pending@example.org")
    make_user("other-spec@example.org")
    make_user("admin@example.org", is_admin=True)
    with app.test_request_context():
        from community.groups.models import Group

        group = db.session.get(Group, group_id)
        group.join_policy = "approval"
        db.session.commit()
        groups.join_group(user("pending@example.org"), group)
        other = Organisation(name="Другой фонд", slug="drugoi")
        db.session.add(other)
        db.session.flush()
        db.session.add(Specialist(organisation_id=other.id, user_id=user("other-spec@example.org").id))
        db.session.commit()
        assert (
            db.session.scalar(select(Membership.role).where(Membership.user_id == user("specialist@example.org").id))
            == SPECIALIST
        )
    event_id = make_event(app, group_id)
    with app.app_context():
        organiser = db.session.scalar(select(EventOrganiser.id).where(EventOrganiser.event_id == event_id))
    return {"slug": slug, "event": event_id, "organiser": organiser}


@pytest.mark.parametrize("role", ROLES)
def test_events_authorization_matrix(app, make_user, role):
    ids = build(app, make_user)
    browser = Browser(app.test_client())
    if role != "anonymous":
        browser.login(EMAILS[role])
    failures = []
    for method, template, expected in MATRIX:
        url = template.format(**ids)
        if method == "GET":
            status = browser.get(url).status_code
        else:
            status = browser.submit(url, {}, page="/privacy").status_code
        if status != expected[role]:
            failures.append(f"{method} {url}: {status}, expected {expected[role]}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


def test_every_events_route_is_in_the_matrix(app):
    covered = {template.split("{")[0] for _, template, _ in MATRIX}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("events."):
            prefix = rule.rule.split("<")[0]
            assert any(c.startswith(prefix) or prefix.startswith(c) for c in covered), rule.rule
