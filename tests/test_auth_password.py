"""Forgotten password, reset links, and changing the password."""

from datetime import timedelta

from sqlalchemy import func, select

from community.auth.models import UserSession
from community.extensions import db
from tests.conftest import PASSWORD, Browser

NEW = "another quiet evening"


def reset_link(mailbox, address="parent@example.org"):
    [message] = mailbox.to(address)
    [link] = [link for link in mailbox.links(message) if "/auth/reset/" in link]
    return link.replace("http://localhost", "")


def test_forgot_password_answers_the_same_whether_or_not_the_address_exists(browser, make_user, mailbox):
    make_user()
    known = browser.submit("/auth/forgot", {"email": "parent@example.org"})
    unknown = browser.submit("/auth/forgot", {"email": "nobody@example.org"})
    strip = lambda r: r.get_data(as_text=True).replace("parent@example.org", "X").replace("nobody@example.org", "X")  # noqa: E731
    assert known.status_code == unknown.status_code == 200
    assert strip(known).split("<main")[1].split("</main>")[0] == strip(unknown).split("<main")[1].split("</main>")[0]
    assert len(mailbox.to("parent@example.org")) == 1
    assert mailbox.to("nobody@example.org") == []


def test_reset_link_sets_a_new_password_once(app, browser, make_user, mailbox):
    make_user()
    browser.submit("/auth/forgot", {"email": "parent@example.org"})
    link = reset_link(mailbox)
    response = browser.submit(link, {"password": NEW, "password_confirm": NEW})
    assert response.status_code == 302
    browser.logout()
    Browser(app.test_client()).login(password=NEW)
    # The same link no longer works.
    again = app.test_client().get(link, follow_redirects=True)
    assert "flash-error" in again.get_data(as_text=True)


def test_reset_link_expires(make_app, make_user, mailbox):
    app = make_app(RESET_TOKEN_MAX_AGE=timedelta(seconds=-1))
    make_user()
    browser = Browser(app.test_client())
    browser.submit("/auth/forgot", {"email": "parent@example.org"})
    response = browser.get(reset_link(mailbox), follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)


def test_reset_ends_every_session(app, make_user, mailbox):
    make_user()
    other_device = Browser(app.test_client())
    other_device.login()
    Browser(app.test_client()).submit("/auth/forgot", {"email": "parent@example.org"})
    Browser(app.test_client()).submit(reset_link(mailbox), {"password": NEW, "password_confirm": NEW})
    assert other_device.get("/auth/account").status_code == 302


def test_change_password_needs_the_current_one(browser, make_user):
    make_user()
    browser.login()
    response = browser.submit(
        "/auth/password", {"current_password": "wrong one", "password": NEW, "password_confirm": NEW}
    )
    assert response.status_code == 200
    assert "field-error" in response.get_data(as_text=True)


def test_change_password_logs_out_other_devices_but_not_this_one(app, browser, make_user, mailbox):
    make_user()
    other_device = Browser(app.test_client())
    other_device.login()
    browser.login()
    response = browser.submit(
        "/auth/password", {"current_password": PASSWORD, "password": NEW, "password_confirm": NEW}
    )
    assert response.status_code == 302
    assert browser.get("/auth/account").status_code == 200
    assert other_device.get("/auth/account").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id))) == 1
    assert len(mailbox.to("parent@example.org")) == 1
