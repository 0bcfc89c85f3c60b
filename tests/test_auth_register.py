"""Registration, consent and email verification."""

import re

from sqlalchemy import func, select

from community.auth.models import User
from community.extensions import db
from tests.conftest import PASSWORD, Browser

FORM = {
    "email": "Olga@Example.org",
    "display_name": "Ольга",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "consent": "y",
}


def same_page(response):
    """The page without its CSRF tokens (different in every session)."""
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", response.get_data(as_text=True))


def get_user(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_registration_records_consent_and_sends_a_verification_link(app, browser, mailbox):
    response = browser.submit("/auth/register", FORM)
    assert response.status_code == 200
    assert "olga@example.org" in response.get_data(as_text=True)
    user = get_user(app, "olga@example.org")
    assert user is not None and not user.email_verified
    assert user.consent_at is not None
    assert user.consent_version == app.config["CONSENT_VERSION"]
    assert user.locale == "ru"
    assert user.password_hash.startswith("pbkdf2:sha256:")

    [message] = mailbox.to("olga@example.org")
    assert "Подтвердите" in message["Subject"]
    [link] = [link for link in mailbox.links(message) if "/auth/verify/" in link]
    assert link in mailbox.html(message)

    response = browser.get(link.replace("http://localhost", ""), follow_redirects=True)
    assert "подтверждена" in response.get_data(as_text=True)
    assert get_user(app, "olga@example.org").email_verified


def test_registration_in_english_writes_the_email_in_english(app, browser, mailbox):
    browser.get("/?lang=en")
    browser.submit("/auth/register", FORM)
    [message] = mailbox.to("olga@example.org")
    assert message["Subject"] == "Confirm your email for Krug"
    assert get_user(app, "olga@example.org").locale == "en"


def test_the_first_confirmation_signs_the_person_in_and_a_second_does_not(app, browser, mailbox):
    browser.submit("/auth/register", FORM)
    assert browser.get("/auth/account").status_code == 302  # not signed in by registering
    [link] = [link for link in mailbox.links(mailbox.to("olga@example.org")[0]) if "/verify/" in link]
    path = link.replace("http://localhost", "")
    assert browser.get(path).headers["Location"] == "/"
    assert browser.get("/auth/account").status_code == 200
    browser.logout()
    assert browser.get(path).headers["Location"] == "/auth/login"
    assert browser.get("/auth/account").status_code == 302


def test_registering_a_taken_address_looks_the_same_and_tells_its_owner(app, make_user, mailbox):
    """Issue #12, finding 14: the form must not reveal which addresses have an account."""
    make_user("olga@example.org", name="Ольга Петровна")
    taken = Browser(app.test_client()).submit("/auth/register", FORM)
    new = Browser(app.test_client()).submit("/auth/register", {**FORM, "email": "Nina@Example.org"})
    assert taken.status_code == new.status_code == 200
    assert same_page(taken).replace("olga@", "X@") == same_page(new).replace("nina@", "X@")
    assert "Set-Cookie" not in taken.headers or "Set-Cookie" in new.headers

    [owner] = mailbox.to("olga@example.org")
    assert "/auth/login" in mailbox.text(owner) and "/auth/forgot" in mailbox.text(owner)
    assert "/verify/" not in mailbox.text(owner)
    with app.app_context():
        assert db.session.scalar(select(User.display_name).where(User.email == "olga@example.org")) == "Ольга Петровна"
    [verify] = mailbox.to("nina@example.org")
    assert "/verify/" in mailbox.text(verify)


def test_two_registrations_with_one_address_at_once_make_one_account(app, mailbox):
    """Issue #12, finding 13: the loser of the race is answered like any taken address, not with a 500."""
    from community.auth import service
    from tests.concurrency import run_together

    def register(_):
        with app.test_request_context():
            service.register_user("race@example.org", "Гонка", PASSWORD, locale="ru")

    assert run_together(app, register, range(2)) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.email == "race@example.org")) == 1
    assert len(mailbox.to("race@example.org")) == 2  # one link to confirm, one "you already have an account"


def test_consent_is_required(app, browser):
    response = browser.submit("/auth/register", {**FORM, "consent": ""})
    assert response.status_code == 200
    assert get_user(app, "olga@example.org") is None


def test_verification_link_tampered_or_reused_is_refused(app, browser, mailbox):
    browser.submit("/auth/register", FORM)
    [link] = [link for link in mailbox.links(mailbox.to("olga@example.org")[0]) if "/verify/" in link]
    path = link.replace("http://localhost", "")
    response = browser.get(path[:-3] + "abc", follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    assert not get_user(app, "olga@example.org").email_verified


def test_resend_verification_sends_a_new_link(browser, make_user, mailbox):
    make_user(verified=False)
    browser.login()
    response = browser.submit("/auth/verify/resend", page="/auth/account")
    assert response.status_code == 302
    assert len(mailbox.to("parent@example.org")) == 1


def test_registration_is_rate_limited_per_network_address(app):
    statuses = [
        Browser(app.test_client()).submit("/auth/register", {**FORM, "email": f"p{i}@example.org"}).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_posting_without_csrf_token_is_refused(client, app):
    response = client.post("/auth/register", data=FORM)
    assert response.status_code == 400
    assert get_user(app, "olga@example.org") is None
