"""What the browser tests share: text as the app shows it, waiting for an email, logging
in through the form, and the accessibility check."""

import time

from axe_playwright_python.sync_playwright import Axe
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from tests.conftest import PASSWORD, work

BLOCKING_IMPACTS = {"critical", "serious"}
# The page's width and the screen's, as laid out for the screen: a page whose load event is
# handled while a test emulates print (a print layout may be wider) counts as fitting.
WIDTHS_JS = "matchMedia('print').matches ? [0, 0] : [document.documentElement.scrollWidth, window.innerWidth]"


def translate(app, text, locale="ru", **values):
    """The string as the app shows it in `locale` (so the tests survive translation updates)."""
    with work(app), force_locale(locale):
        return gettext(text, **values)


def wait_for_mail(mailbox, address, subject=None, timeout=20):
    """The emails to `address` (only those with `subject`, if given), waiting for one."""

    def matching():
        return [m for m in mailbox.to(address) if subject is None or m["Subject"] == subject]

    deadline = time.monotonic() + timeout
    while not (messages := matching()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert messages, f"no email {subject or ''!r} arrived for {address}: {[m['Subject'] for m in mailbox.to(address)]}"
    return messages


def log_in(page, t, email, base_url, password=PASSWORD):
    """Log in through the form; `t` translates the labels."""
    page.goto("/auth/login")
    page.get_by_label(t("Email"), exact=True).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(password)
    page.locator("main").get_by_role("button", name=t("Log in")).click()
    expect(page).to_have_url(base_url + "/")


def assert_accessible(page):
    """No critical or serious axe violations on the current page."""
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]} {v['helpUrl']}"
        for v in violations
    )
    assert not violations, f"axe violations on {page.url}:\n{report}"


def screens(live_server, page, contexts, locale, width):
    """For flows where several people act: every account now reads `locale`, and
    `open_screen(email)` gives a logged-in window of `width` px (closed with `contexts`, which
    then fails if a page it loaded was wider than the screen).
    Returns `(t, open_screen)`, `t` translating as the app shows text in `locale`."""
    from community.auth.models import User
    from community.extensions import db

    app, base = live_server.app, live_server.url

    def t(text, **values):
        return translate(app, text, locale, **values)

    with work(app):
        for person in db.session.scalars(db.select(User)):
            person.locale = locale

    overflowing = []

    def check_width(loaded):
        """Nothing wider than the screen (no sideways scrolling), as for the `page` fixture."""
        scroll, inner = loaded.evaluate(WIDTHS_JS)
        if scroll > inner:
            overflowing.append(f"{loaded.url} is {scroll} px wide on a {inner} px screen")

    def all_fit():
        assert not overflowing, "\n".join(overflowing)

    contexts.callback(all_fit)

    def open_screen(email):
        context = contexts.enter_context(
            page.context.browser.new_context(
                viewport={"width": width, "height": 900}, locale=f"{locale}-RU", base_url=base
            )
        )
        screen = context.new_page()
        screen.on("load", check_width)
        log_in(screen, t, email, base)
        return screen

    return t, open_screen
