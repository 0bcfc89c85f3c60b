"""Who may open what, for every route of keeping the group safe and of “спасибо”: the role ×
route matrix (the ordinary member is member3, who wrote nothing and is in no help thread)."""

import pytest

from community.safety import service as safety
from community.safety.items import load_item
from tests.authz_helpers import ROLES, add_outsiders, assert_every_route_listed, emails, expect, run_matrix
from tests.conftest import work
from tests.events_helpers import user
from tests.safety_helpers import build_safety_world

EMAILS = emails(member="member3@example.org")

NOBODY = expect(404)  # not theirs to read: the thread, an answer, a private message
MODERATORS = expect(403, leader=200, admin=200)
ADMINS = {role: 302 if role == "anonymous" else (200 if role == "admin" else 403) for role in ROLES}
SIGNED_IN = {role: 302 if role == "anonymous" else 200 for role in ROLES}
MATRIX = [
    ("GET", "/report/post/{post}", expect(200, admin=404)),  # admins hide directly, they do not report
    ("GET", "/report/comment/{comment}", expect(200, admin=404)),
    ("GET", "/report/help_request/{help_request}", expect(200, admin=404)),
    ("GET", "/report/help_answer/{help_answer}", NOBODY),
    ("GET", "/report/help_message/{help_message}", NOBODY),
    ("GET", "/report/message/{message}", NOBODY),
    ("GET", "/groups/{slug}/reports", MODERATORS),
    ("GET", "/groups/{slug}/moderation", MODERATORS),
    ("GET", "/reports/{report}/hide", MODERATORS),
    ("GET", "/admin/reports", ADMINS),
    ("GET", "/admin/people/{author}/suspend", ADMINS),
    ("GET", "/account/blocked", SIGNED_IN),
    ("POST", "/reports/{report}/dismiss", expect(403, leader=302, admin=302)),
    (
        "POST",
        "/admin/people/{author}/unsuspend",
        {role: 302 if role in ("anonymous", "admin") else 403 for role in ROLES},
    ),
    ("POST", "/people/{author}/block", expect(302, admin=404)),  # someone you share a group with
    ("POST", "/people/{author}/unblock", {role: 302 for role in ROLES}),
    ("POST", "/thanks/post/{post}", expect(302)),
    ("POST", "/thanks/help-answer/{help_answer}", expect(403)),  # the request's author (member1) only
]


def build(app, make_user):
    ids = build_safety_world(app, make_user)
    add_outsiders(app, make_user, ids["group_id"])
    with app.test_request_context(), work(app):
        found = safety.report_item(user("member1@example.org"), load_item("post", ids["post"]), "insult")
        ids["report"] = found.id
    return ids


@pytest.mark.parametrize("role", ROLES)
def test_safety_authorization_matrix(app, make_user, mailbox, role):
    run_matrix(app, role, EMAILS, MATRIX, build(app, make_user))


def test_every_safety_and_thanks_route_is_in_the_matrix(app):
    assert_every_route_listed(app, "safety", MATRIX)
    assert_every_route_listed(app, "thanks", MATRIX)
