"""A parent opens Krug on a phone and the home answers "what's new for me": she says she is
going to the next meeting in one tap, sees who needs help and who answered her, and her
unread message has its own count in the header; the leader sees who waits to join. In
Russian and English, at 360 px and 1280 px, axe clean and no sideways scrolling."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from community.auth.models import User
from community.extensions import db
from community.groups.models import Group
from community.messages.service import send_message
from community.mutual_help import service as help_service
from tests.conftest import work
from tests.e2e.helpers import assert_accessible, log_in, translate
from tests.events_helpers import build_group, make_event, user


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways: {width}px"


@pytest.mark.parametrize(("locale", "width"), [("ru", 360), ("en", 1280)])
def test_a_parent_sees_what_is_new_and_answers_in_one_tap(live_server, page, make_user, locale, width):
    app, base = live_server.app, live_server.url

    def t(text, **values):
        return translate(app, text, locale, **values)

    slug, group_id = build_group(app, make_user, members=3)
    with work(app):
        db.session.execute(update(User).values(locale=locale))
    make_event(app, group_id)
    with work(app):
        group = db.session.get(Group, group_id)
        need = help_service.create_request(
            user("member2@example.org"), group, "need", "Нужна коляска на выходные", "", "things", "week", None, False
        )
        mine = help_service.create_request(
            user("member1@example.org"), group, "need", "Посоветуйте юриста", "", "advice", "week", None, False
        )
        db.session.flush()
        help_service.respond(user("member3@example.org"), mine, "Знаю хорошего юриста")
        send_message(user("member2@example.org"), user("member1@example.org"), "Привет! Придёшь в субботу?")
        need_id = need.id

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/?lang={locale}")
    log_in(page, t, "member1@example.org", base)
    expect(page.get_by_role("heading", name=t("My next meetings"))).to_be_visible()
    expect(page.get_by_role("link", name="Нужна коляска на выходные")).to_have_attribute("href", f"/help/{need_id}")
    expect(page.get_by_role("heading", name=t("Answers to my requests"))).to_be_visible()
    messages = page.locator("header").get_by_role("link", name=t("Messages"))
    expect(messages.locator(".count")).to_contain_text("1")
    no_sideways_scroll(page)
    assert_accessible(page)

    # One tap: going, and the home says so; one more: can't come after all.
    page.get_by_role("button", name=t("I'm going")).click()
    expect(page).to_have_url(base + "/")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_text(t("You are going"), exact=True)).to_be_visible()
    page.get_by_role("button", name=t("I can't come")).click()
    expect(page.get_by_text(t("You said you cannot come."))).to_be_visible()

    # Reading the message clears its count in the header.
    messages.click()
    page.get_by_role("link", name="Участник 2").first.click()
    expect(page.get_by_text("Привет! Придёшь в субботу?")).to_be_visible()
    expect(page.locator("header").get_by_role("link", name=t("Messages")).locator(".count")).to_have_count(0)

    # The leader's home puts what waits for her on top.
    page.context.clear_cookies()
    page.goto(f"/?lang={locale}")
    log_in(page, t, "leader@example.org", base)
    box = page.locator(".home-leading")
    expect(box).to_contain_text(t("Waiting for you in the groups you lead"))
    expect(box).to_contain_text("Семьи Казани")
    no_sideways_scroll(page)
    assert_accessible(page)
