"""A newcomer's first visit in a real browser: register, confirm the email (which signs them in),
log out and in, switch language."""

from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, translate, wait_for_mail

EMAIL = "newcomer@example.org"
PASSWORD = "blue kettle on a quiet shelf"


def test_register_verify_login_switch_language(live_server, page, mailbox):
    app = live_server.app

    def t(text):
        return translate(app, text)

    header = page.locator("header.site-header")
    logout_button = header.locator("form[action='/auth/logout'] button")
    language_button = header.locator("form[action='/auth/language'] button[name=lang]")
    account_link = header.locator("a[href='/auth/account']")

    # A visitor from a Russian-speaking phone lands on the home page.
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert_accessible(page)

    # Register, filling the form by its visible labels.
    page.goto("/auth/register")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert_accessible(page)
    page.get_by_label(t("Email"), exact=True).fill(EMAIL)
    page.get_by_label(t("Your name"), exact=True).fill("Анна")
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(t("Repeat the password"), exact=True).fill(PASSWORD)
    page.get_by_label(t("I agree to the processing of my personal data as described in the privacy notice.")).check()
    page.get_by_role("button", name=t("Create my account")).click()
    # The same answer whether or not the address already has an account: check your email.
    expect(page.get_by_role("heading", name=t("Check your email"))).to_be_visible()
    expect(page.locator("main")).to_contain_text(EMAIL)
    assert_accessible(page)

    # The verification email links back to the server that sent it.
    [message] = wait_for_mail(mailbox, EMAIL)
    links = [link for link in mailbox.links(message) if "/auth/verify/" in link]
    assert len(links) == 1, mailbox.text(message)
    assert links[0].startswith(live_server.url + "/auth/verify/"), links[0]
    page.goto(links[0])  # the first confirmation signs the newcomer in
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator(".flash-success")).to_contain_text(EMAIL)
    expect(page.locator(".notice")).to_have_count(0)  # no more "please confirm your email"

    # Log out from the header, then log in again.
    header.locator("details.dropdown summary").click()  # the menu opens without JavaScript
    logout_button.click()
    expect(account_link).to_have_count(0)
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto("/auth/login")
    page.get_by_label(t("Email"), exact=True).fill(EMAIL)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name=t("Log in")).click()
    expect(page).to_have_url(live_server.url + "/")
    expect(account_link).to_have_count(1)

    # Switch to English and back with the header button.
    expect(language_button).to_have_text("English")
    language_button.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(account_link).to_have_text("My account")
    expect(page.get_by_role("heading", name="Start here")).to_be_visible()
    expect(language_button).to_have_text("Русский")
    language_button.click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(account_link).to_have_text(t("My account"))
    expect(language_button).to_have_text("English")
