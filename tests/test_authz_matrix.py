"""Who may open what: every route, for a visitor, a signed-in parent and an admin.

Groups, events and help add their roles (member, leader, specialist) to this matrix.
"""

import pytest

from tests.conftest import Browser

ANON, USER, ADMIN = "anonymous", "user", "admin"

# (method, url): {role: expected status}
MATRIX = {
    ("GET", "/"): {ANON: 200, USER: 200, ADMIN: 200},
    ("GET", "/privacy"): {ANON: 200, USER: 200, ADMIN: 200},
    ("GET", "/healthz"): {ANON: 200, USER: 200, ADMIN: 200},
    ("GET", "/auth/register"): {ANON: 200, USER: 302, ADMIN: 302},
    ("GET", "/auth/login"): {ANON: 200, USER: 302, ADMIN: 302},
    ("GET", "/auth/forgot"): {ANON: 200, USER: 200, ADMIN: 200},
    ("GET", "/auth/reset/bad-token"): {ANON: 302, USER: 302, ADMIN: 302},
    ("GET", "/auth/verify/bad-token"): {ANON: 302, USER: 302, ADMIN: 302},
    ("GET", "/auth/email/confirm/bad-token"): {ANON: 302, USER: 302, ADMIN: 302},
    ("GET", "/auth/account"): {ANON: 302, USER: 200, ADMIN: 200},
    ("GET", "/auth/password"): {ANON: 302, USER: 200, ADMIN: 200},
    ("GET", "/auth/email"): {ANON: 302, USER: 200, ADMIN: 200},
    ("GET", "/auth/my-data"): {ANON: 302, USER: 200, ADMIN: 200},
    ("GET", "/auth/my-data.json"): {ANON: 302, USER: 302, ADMIN: 302},
    ("POST", "/auth/my-data.json"): {ANON: 302, USER: 200, ADMIN: 200},  # 200: the password is asked
    ("GET", "/auth/delete"): {ANON: 302, USER: 200, ADMIN: 200},
    ("POST", "/auth/devices/99999/sign-out"): {ANON: 302, USER: 404, ADMIN: 404},
    ("POST", "/auth/logout"): {ANON: 302, USER: 302, ADMIN: 302},
    ("POST", "/auth/devices/sign-out-everywhere"): {ANON: 302, USER: 302, ADMIN: 302},
    ("POST", "/auth/verify/resend"): {ANON: 302, USER: 302, ADMIN: 302},
    ("POST", "/auth/language"): {ANON: 302, USER: 302, ADMIN: 302},
}


@pytest.fixture
def as_role(app, make_user):
    def _as(role):
        browser = Browser(app.test_client())
        if role == USER:
            make_user("user@example.org")
            browser.login("user@example.org")
        elif role == ADMIN:
            make_user("admin@example.org", is_admin=True)
            browser.login("admin@example.org")
        return browser

    return _as


@pytest.mark.parametrize("role", [ANON, USER, ADMIN])
def test_authorization_matrix(as_role, role):
    browser = as_role(role)
    for (method, url), expected in MATRIX.items():
        if method == "GET":
            status = browser.get(url).status_code
        else:
            status = browser.submit(url, {}, page="/").status_code
        assert status == expected[role], f"{role} {method} {url}: {status}, expected {expected[role]}"


def test_anonymous_is_sent_to_login_with_the_way_back(client):
    response = client.get("/auth/account")
    assert response.headers["Location"] == "/auth/login?next=%2Fauth%2Faccount"


def test_every_account_route_is_in_the_matrix(app):
    """A new route of the main or auth blueprints must be added to this matrix."""
    covered = {url.split("?")[0] for _, url in MATRIX}
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in ("main", "auth")}
    for rule in rules:
        if rule.startswith(("/", "/auth")) and "<" not in rule:
            assert rule in covered, f"{rule} is missing from the authorization matrix"
        elif "<" in rule:
            prefix = rule.split("<")[0]
            assert any(url.startswith(prefix) for url in covered), f"{rule} is missing from the matrix"
