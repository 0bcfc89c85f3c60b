"""Logging in and out, sessions that end on the server, safe redirects, hashing."""

import pytest
from sqlalchemy import select

from community.auth.models import User
from community.extensions import db
from tests.conftest import PASSWORD


def test_login_with_the_right_password_and_logout(browser, make_user):
    make_user()
    response = browser.login()
    assert response.headers["Location"] == "/"
    assert browser.get("/auth/account").status_code == 200
    browser.logout()
    assert browser.get("/auth/account").status_code == 302


def test_wrong_password_answers_the_same_as_unknown_email(browser, make_user):
    make_user()
    wrong = browser.submit("/auth/login", {"email": "parent@example.org", "password": "not the password"})
    unknown = browser.submit("/auth/login", {"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 200
    assert error_of(wrong) == error_of(unknown) != ""
    assert 'value="nobody@example.org"' in unknown.get_data(as_text=True)


def error_of(response):
    html = response.get_data(as_text=True)
    return html.split('class="field-error">')[1].split("<")[0] if "field-error" in html else ""


def test_email_is_case_insensitive(browser, make_user):
    make_user()
    browser.login(email="  Parent@EXAMPLE.org ")


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/auth/account", "/auth/account"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_accepts_only_same_site_paths(browser, make_user, target, expected):
    make_user()
    response = browser.submit("/auth/login", {"email": "parent@example.org", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == expected


def test_a_copied_session_cookie_stops_working_after_logout(app, browser, make_user):
    make_user()
    browser.login()
    stolen = browser.client.get_cookie("session").value
    browser.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/auth/account").status_code == 302


def test_logout_needs_post_and_csrf(browser, make_user):
    make_user()
    browser.login()
    assert browser.client.get("/auth/logout").status_code == 405
    assert browser.client.post("/auth/logout").status_code == 400
    assert browser.get("/auth/account").status_code == 200


def test_weaker_hash_is_upgraded_on_login(make_app, make_user):
    app = make_app()
    make_user()  # hashed with the test method (1000 iterations)
    stronger = make_app(PASSWORD_HASH_METHOD="pbkdf2:sha256:2000")
    from tests.conftest import Browser

    Browser(stronger.test_client()).login()
    with stronger.app_context():
        user = db.session.scalar(select(User))
        assert user.password_hash.startswith("pbkdf2:sha256:2000$")
    assert app


def test_production_hash_meets_asvs_strength():
    import config as settings

    method = settings.from_env({"SECRET_KEY": "x"})["PASSWORD_HASH_METHOD"]
    algorithm, digest, iterations = method.split(":")
    assert (algorithm, digest) == ("pbkdf2", "sha256") and int(iterations) >= 600_000


def test_login_is_rate_limited_per_address(browser, make_user):
    make_user()
    statuses = [
        browser.submit("/auth/login", {"email": "parent@example.org", "password": "wrong password!"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    # Even the right password waits now: the limit protects the account.
    response = browser.submit("/auth/login", {"email": "parent@example.org", "password": PASSWORD})
    assert response.status_code == 429
    # Another address from the same place is not blocked by this account's limit.
    assert browser.submit("/auth/login", {"email": "other@example.org", "password": "x"}).status_code == 200


def test_signed_in_person_visiting_login_goes_home(browser, make_user):
    make_user()
    browser.login()
    assert browser.get("/auth/login").status_code == 302
