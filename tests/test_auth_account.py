"""Profile, change of email, my data, deleting the account."""

import json

from sqlalchemy import func, select

from community.audit import AuditEvent
from community.auth.models import User, UserSession
from community.extensions import db
from tests.conftest import PASSWORD, Browser


def user_by_id(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def test_profile_saves_name_city_language_timezone_and_preferences(app, browser, make_user):
    user_id = make_user()
    browser.login()
    response = browser.submit(
        "/auth/account",
        {
            "display_name": "Анна Викторовна",
            "city": "Казань",
            "locale": "en",
            "timezone": "Asia/Yekaterinburg",
            "email_frequency": "never",
            "family_form": "guardianship",
            "experience_years": "7",
        },
    )
    assert response.status_code == 302
    user = user_by_id(app, user_id)
    assert (user.display_name, user.city, user.locale, user.timezone) == (
        "Анна Викторовна",
        "Казань",
        "en",
        "Asia/Yekaterinburg",
    )
    assert (user.email_frequency, user.email_notifications) == ("never", False)
    assert (user.family_form, user.experience_years) == ("guardianship", 7)
    # The page now speaks the chosen language.
    assert '<html lang="en">' in browser.get("/auth/account").get_data(as_text=True)


def test_profile_rejects_bad_values_and_keeps_what_was_typed(app, browser, make_user):
    user_id = make_user()
    browser.login()
    response = browser.submit(
        "/auth/account",
        {
            "display_name": "<b>Анна</b>",
            "city": "Казань",
            "locale": "xx",
            "timezone": "Mars/Olympus",
            "family_form": "orphanage",
            "experience_years": "много",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.count('class="field-error"') >= 4
    assert "&lt;b&gt;Анна&lt;/b&gt;" in body and 'value="Казань"' in body
    assert user_by_id(app, user_id).display_name == "Анна"


def test_change_email_needs_the_password_and_a_link_to_the_new_address(app, browser, make_user, mailbox):
    user_id = make_user()
    browser.login()
    wrong = browser.submit("/auth/email", {"email": "new@example.org", "password": "not my password"})
    assert wrong.status_code == 200 and mailbox.messages == []
    response = browser.submit("/auth/email", {"email": "New@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert user_by_id(app, user_id).email == "parent@example.org"
    assert len(mailbox.to("parent@example.org")) == 1  # a heads-up to the old address
    [message] = mailbox.to("new@example.org")
    [link] = [link for link in mailbox.links(message) if "/auth/email/confirm/" in link]
    browser.get(link.replace("http://localhost", ""))
    assert user_by_id(app, user_id).email == "new@example.org"
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "email.change"))


def test_change_email_to_an_address_in_use_looks_the_same_and_tells_its_owner(browser, make_user, mailbox):
    """Issue #12, finding 14: the form must not tell which addresses have an account."""
    make_user()
    make_user("taken@example.org")
    browser.login()
    response = browser.submit("/auth/email", {"email": "taken@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert len(mailbox.to("parent@example.org")) == 1  # the same heads-up as for a free address
    [owner] = mailbox.to("taken@example.org")
    assert "/auth/email/confirm/" not in mailbox.text(owner)


def test_download_my_data_gives_everything_as_json(app, browser, make_user):
    make_user(city="Казань")
    browser.login()
    response = browser.submit("/auth/my-data.json", {"password": PASSWORD}, page="/auth/my-data")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "parent@example.org"
    assert data["account"]["city"] == "Казань"
    assert data["account"]["consent"]["text_version"] == app.config["CONSENT_VERSION"]
    assert "password_hash" not in json.dumps(data)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "data.export")) == 1


def test_delete_account_asks_for_confirmation(app, browser, make_user):
    make_user()
    browser.login()
    response = browser.submit("/auth/delete", {"password": PASSWORD})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_delete_account_removes_the_data_and_ends_every_session(app, browser, make_user, mailbox):
    make_user()
    other_device = Browser(app.test_client())
    other_device.login()
    browser.login()
    response = browser.submit("/auth/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
        assert db.session.scalar(select(func.count(UserSession.id))) == 0
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "account.delete"))
    assert browser.get("/auth/account").status_code == 302
    assert other_device.get("/auth/account").status_code == 302
    assert len(mailbox.to("parent@example.org")) == 1
    # The address is free again.
    assert (
        Browser(app.test_client())
        .submit("/auth/login", {"email": "parent@example.org", "password": PASSWORD})
        .status_code
        == 200
    )


def test_download_asks_the_password_again(app, browser, make_user):
    """Issue #12 (finding 10): a session left open is not enough to take someone's data."""
    make_user()
    browser.login()
    assert browser.get("/auth/my-data.json").headers["Location"] == "/auth/my-data"
    wrong = browser.submit("/auth/my-data.json", {"password": "not mine"}, page="/auth/my-data")
    assert wrong.status_code == 200 and wrong.mimetype == "text/html"
    assert "field-error" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "data.export")) == 0
