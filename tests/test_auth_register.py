"""Registration, consent and email verification."""

from sqlalchemy import select

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


def get_user(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_registration_records_consent_and_sends_a_verification_link(app, browser, mailbox):
    response = browser.submit("/auth/register", FORM)
    assert response.status_code == 302
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


def test_registration_signs_the_person_in(browser):
    browser.submit("/auth/register", FORM)
    assert browser.get("/auth/account").status_code == 200


def test_duplicate_email_is_refused_with_a_helpful_message(browser, make_user):
    make_user("olga@example.org")
    response = browser.submit("/auth/register", FORM)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "уже есть" in body or "already exists" in body
    assert 'value="Olga@Example.org"' in body


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
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


def test_posting_without_csrf_token_is_refused(client, app):
    response = client.post("/auth/register", data=FORM)
    assert response.status_code == 400
    assert get_user(app, "olga@example.org") is None
