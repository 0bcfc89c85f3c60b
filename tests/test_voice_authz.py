"""Who may open what, for every "you said — we did" route: the role × route matrix.

"member" is a parent of the supported group (the author of `mine`); "leader" leads it;
"specialist" works for the foundation that supports it (and is a specialist member of it)."""

import pytest

from tests.authz_helpers import assert_every_route_listed, run_matrix
from tests.involve_helpers import (
    build_world,
    parent,
)
from tests.test_involve_authz import LOGINS, ROLES, insiders
from tests.voice_helpers import suggest

MATRIX = [
    ("GET", "/groups/{slug}/voice/", insiders(200)),
    ("GET", "/groups/{slug}/voice/?show=answered&page=2", insiders(200)),
    ("GET", "/orgs/{org}/voice/", insiders(200)),
    ("GET", "/groups/{slug}/voice/new", insiders(403, member=200, leader=200)),
    ("GET", "/orgs/{org}/voice/new", insiders(403, member=200, leader=200)),
    ("GET", "/voice/{theirs}", insiders(200)),
    ("GET", "/voice/{to_org}", insiders(200)),
    ("POST", "/voice/{theirs}/support", insiders(403, member=302, leader=302)),
    ("POST", "/voice/{theirs}/unsupport", insiders(403, member=302, leader=302)),
    ("GET", "/voice/{theirs}/answer", insiders(403, leader=200, specialist=200)),
    ("GET", "/voice/{to_org}/answer", insiders(403, specialist=200)),
    ("GET", "/voice/{mine}/withdraw", insiders(403, member=200)),
]


def build(app, make_user):
    world = build_world(app, make_user, parents=2)
    return {
        "slug": world["slug"],
        "org": world["org"],
        "mine": suggest(app, parent(1), "Моё предложение", group_slug=world["slug"]),
        "theirs": suggest(app, parent(2), "Собираться по субботам", group_slug=world["slug"]),
        "to_org": suggest(app, parent(2), "Няня на время встреч", anonymous=True),
    }


@pytest.mark.parametrize("role", ROLES)
def test_voice_authorization_matrix(app, make_user, role):
    run_matrix(app, role, LOGINS, MATRIX, build(app, make_user))


def test_every_voice_route_is_in_the_matrix(app):
    assert_every_route_listed(app, "voice", MATRIX)


def test_a_missing_suggestion_or_place_is_404(app, make_user):
    from tests.voice_helpers import signed_in

    build_world(app, make_user, parents=1)
    browser = signed_in(app, parent(1))
    for url in ("/voice/999999", "/voice/999999/answer", "/groups/nope/voice/", "/orgs/nope/voice/new"):
        assert browser.get(url).status_code == 404, url
