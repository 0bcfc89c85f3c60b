"""Who may open what, for every route of members without an account: the group's leaders
only (admins moderate, they do not register people for a group); outsiders get 404."""

import pytest

from community.extensions import db
from community.groups.models import Group
from community.offline import service
from tests.authz_helpers import ROLES, add_outsiders, assert_every_route_listed, emails, expect, run_matrix
from tests.conftest import work
from tests.events_helpers import build_group, make_event, user

EMAILS = emails(member="member1@example.org")
LEADERS = expect(403, leader=200)
LEADERS_POST = expect(403, leader=302)
BASE = "/groups/{slug}/without-account"
MATRIX = [
    ("GET", BASE, LEADERS),
    ("GET", BASE + "/new", LEADERS),
    ("GET", BASE + "/{offline}", LEADERS),
    ("GET", BASE + "/{offline}/edit", LEADERS),
    ("GET", BASE + "/{offline}/data.json", LEADERS),
    ("GET", BASE + "/{offline}/delete", LEADERS),
    ("POST", BASE + "/{offline}/events/{event}/register", LEADERS_POST),
    ("POST", BASE + "/{offline}/events/{event}/cancel", LEADERS_POST),
    ("POST", BASE + "/new", expect(403, leader=200)),  # empty form: answered on the page
    ("POST", BASE + "/{offline}/edit", expect(403, leader=200)),
    ("GET", BASE + "/{offline}/link", LEADERS),
    ("POST", BASE + "/{offline}/link", expect(403, leader=200)),  # nobody chosen: answered on the page
    # A confirmation link that is not the viewer's: everyone is sent away (anonymous to log in).
    ("GET", "/without-account/confirm/{token}", {role: 302 for role in ROLES}),
    ("POST", "/without-account/confirm/{token}", {role: 302 for role in ROLES}),
]


def build(app, make_user):
    slug, group_id = build_group(app, make_user)
    add_outsiders(app, make_user, group_id)
    event_id = make_event(app, group_id)
    with work(app):
        offline = service.add(user("leader@example.org"), db.session.get(Group, group_id), "Галина", "", "Встречи")
        return {"slug": slug, "offline": offline.id, "event": event_id, "token": "not-a-link"}


@pytest.mark.parametrize("role", ROLES)
def test_offline_authorization_matrix(app, make_user, mailbox, role):
    run_matrix(app, role, EMAILS, MATRIX, build(app, make_user))


def test_every_offline_route_is_in_the_matrix(app):
    assert_every_route_listed(app, "offline", MATRIX)


def test_the_delete_is_leaders_only_and_outsiders_see_nothing(app, make_user, mailbox):
    ids = build(app, make_user)
    url = BASE.format(**ids) + f"/{ids['offline']}/delete"
    expected = expect(403, leader=302)
    for role in ROLES:
        from tests.conftest import Browser

        browser = Browser(app.test_client())
        if role != "anonymous":
            browser.login(EMAILS[role])
        if role == "leader":
            continue  # the leader's delete is in test_offline.py; here the others are refused
        status = browser.submit(url, {}, page="/privacy").status_code
        assert status == expected[role], role
    with work(app):
        from community.offline.models import OfflineMember

        assert db.session.get(OfflineMember, ids["offline"]) is not None
