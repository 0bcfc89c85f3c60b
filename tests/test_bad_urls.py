"""Hostile URLs and headers get a clear 4xx, never a 500 (issue #12, finding 13)."""

import pytest

from tests.conftest import Browser
from tests.events_helpers import build_group, make_event

NUL_PATHS = [
    "/groups/%00/",
    "/groups/%00/members",
    "/groups/%00/events/new",
    "/groups/%00/help/",
    "/groups/%00/health",
    "/groups/%00/health.csv",
    "/orgs/%00/",
    "/orgs/%00/health",
    "/orgs/invitations/%00",
    "/calendar/%00.ics",
    "/auth/reset/%00",
    "/auth/verify/%00",
    "/groups/a%0Ab/",
    "/static/%00",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_nul_byte_or_control_character_in_a_path_is_not_found(app, make_user, path):
    make_user(is_admin=True)
    browser = Browser(app.test_client())
    browser.login()
    assert browser.get(path).status_code in (302, 404)


@pytest.mark.parametrize("value", ["99999999999999", "2147483648", "-1", "0", "١٢", "abc"])
def test_planning_from_an_event_that_cannot_exist_shows_an_empty_form(app, make_user, value):
    slug, group_id = build_group(app, make_user)
    make_event(app, group_id)
    browser = Browser(app.test_client())
    browser.login("leader@example.org")
    assert browser.get(f"/groups/{slug}/events/new?from={value}").status_code == 200


@pytest.mark.parametrize("host", ["a" * 300, ("a" * 70 + ".") * 4, "x" * 64 + ".example.org"])
def test_an_overlong_host_header_is_a_bad_request(app, host):
    for path in ("/", "/groups/", "/auth/login", "/no-such-page"):
        response = app.test_client().get(path, headers={"Host": host})
        assert response.status_code == 400, path
