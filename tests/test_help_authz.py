"""Who may open what, for every help route: the role × route matrix."""

import pytest
from sqlalchemy import select

from community.extensions import db
from community.groups.models import Group
from community.mutual_help import service as help_service
from community.mutual_help.models import HelpResponse
from tests.authz_helpers import ROLES, add_outsiders, assert_every_route_listed, emails, expect, run_matrix
from tests.conftest import work
from tests.events_helpers import build_group, user

EMAILS = emails(member="member2@example.org")


AUTHOR_ONLY = expect(403)  # the author is member1; nobody in the matrix wrote the request
MATRIX = [
    ("GET", "/groups/{slug}/help/", expect(200)),
    ("GET", "/groups/{slug}/help/new", expect(200, admin=403)),
    ("GET", "/groups/{slug}/help/record", expect(403, leader=200)),
    ("GET", "/help/{request}", expect(200)),
    ("GET", "/help/{sensitive}", expect(200, specialist=403)),  # parents only; admins audited
    ("GET", "/help/{request}/edit", AUTHOR_ONLY),
    ("POST", "/help/{request}/respond", expect(200, admin=403)),  # 200: the empty form comes back with its error
    ("POST", "/help/{request}/responses/{response}/accept", AUTHOR_ONLY),
    ("GET", "/help/{request}/answer", expect(404, leader=200)),  # the leader answered it; nobody else did
    ("GET", "/help/{request}/answer/withdraw", expect(404, leader=200)),
    ("POST", "/help/{request}/thread", expect(302)),
    ("GET", "/help/{request}/resolve", AUTHOR_ONLY),
    ("GET", "/help/{request}/close", AUTHOR_ONLY),
    ("POST", "/help/{request}/reopen", AUTHOR_ONLY),
    ("POST", "/help/{request}/hide", expect(403, leader=302, admin=302)),
    ("GET", "/help/preferences", {role: (302 if role == "anonymous" else 200) for role in ROLES}),
]


def build(app, make_user):
    slug, group_id = build_group(app, make_user, members=2)
    add_outsiders(app, make_user, group_id)
    with work(app):
        help_request = help_service.create_request(
            user("member1@example.org"),
            db.session.get(Group, group_id),
            "need",
            "Подвезти",
            "",
            "transport",
            "week",
            None,
            False,
        )
        help_service.respond(user("leader@example.org"), help_request, "Могу")
        response_id = db.session.scalar(select(HelpResponse.id))
        sensitive = help_service.create_request(
            user("member1@example.org"),
            db.session.get(Group, group_id),
            "need",
            "Трудный разговор",
            "",
            "emotional",
            "week",
            None,
            True,
        )
        return {"slug": slug, "request": help_request.id, "response": response_id, "sensitive": sensitive.id}


@pytest.mark.parametrize("role", ROLES)
def test_help_authorization_matrix(app, make_user, role):
    run_matrix(app, role, EMAILS, MATRIX, build(app, make_user))


def test_every_help_route_is_in_the_matrix(app):
    assert_every_route_listed(app, "help", MATRIX)
