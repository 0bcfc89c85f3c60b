"""Keeping the group safe, and announcements on top, in a real browser: in Russian on a 360-px
phone and in English on a 1280-px screen, axe on every page. A parent posts a phone number and
is asked once before it goes; a member reports a post; the leader sees the number in the tab,
hides it with a word, and the author is told in Krug and by email; the leader pins an
announcement and a member says thank you; an admin suspends the author, who is signed out and
cannot log in again."""

from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from community.auth.models import User
from community.extensions import db
from community.groups import feed
from community.groups.access import access_for
from community.groups.models import Group
from community.safety import service as safety
from community.safety.items import load_item
from tests.conftest import work
from tests.e2e.helpers import assert_accessible, log_in, translate, wait_for_mail
from tests.events_helpers import user
from tests.safety_helpers import build_safety_world

PHONE_POST = "Отдам коляску, звоните +7 912 345-67-89"


@pytest.mark.parametrize("locale, width", [("ru", 360), ("en", 1280)])
def test_report_hide_pin_thank_and_suspend(live_server, page, html_checker, make_user, mailbox, locale, width):
    app, base = live_server.app, live_server.url

    def t(text, **values):
        return translate(app, text, locale, **values)

    ids = build_safety_world(app, make_user)
    make_user("admin@example.org", name="Админ", is_admin=True)
    slug = ids["slug"]
    with app.test_request_context(), work(app):
        group, leader = db.session.get(Group, ids["group_id"]), user("leader@example.org")
        announcement = feed.create_post(
            leader, group, access_for(leader, group), "announcement", "Встреча в субботу", "В 11:00"
        ).id
    with app.test_request_context(), work(app):
        # An older report, so the admin finds the author among the open reports.
        safety.report_item(user("member3@example.org"), load_item("comment", ids["comment"]), "advertising")
    with work(app):
        for person in db.session.scalars(db.select(User)):
            person.locale = locale

    documents, overflowing = [], []

    def keep_html(response):
        html = "text/html" in response.headers.get("content-type", "")
        if response.request.resource_type == "document" and html and not 300 <= response.status < 400:
            documents.append((response.url, response.text()))

    def check_width(loaded):
        scroll, screen = loaded.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > screen:
            overflowing.append(f"{loaded.url} is {scroll} px wide on a {screen} px screen")

    with ExitStack() as contexts:

        def open_screen(email):
            context = contexts.enter_context(
                page.context.browser.new_context(
                    viewport={"width": width, "height": 900}, locale=f"{locale}-RU", base_url=base
                )
            )
            screen = context.new_page()
            # Every page each person sees is valid HTML and fits the screen, as the `page` fixture checks.
            if html_checker is not None:
                screen.on("response", keep_html)
            screen.on("load", check_width)
            log_in(screen, t, email, base)
            return screen

        # The author writes a post with a phone number: asked once, then sends it as it is.
        author = open_screen("member2@example.org")
        author.goto(f"/groups/{slug}/posts/new")
        author.get_by_label(t("Title"), exact=True).fill("Коляска")
        author.get_by_label(t("Text"), exact=True).fill(PHONE_POST)
        author.locator("main").get_by_role("button", name=t("Publish"), exact=True).click()
        expect(author.locator(".privacy-nudge")).to_contain_text(t("Before you send"))
        expect(author.get_by_label(t("Text"), exact=True)).to_have_value(PHONE_POST)
        assert_accessible(author)
        author.get_by_role("button", name=t("Send as it is"), exact=True).click()
        expect(author.locator("h1")).to_have_text("Коляска")
        post_url = author.url

        # A member reports it.
        member = open_screen("member1@example.org")
        member.goto(post_url)
        member.get_by_role("link", name=t("Report"), exact=True).first.click()
        assert_accessible(member)
        member.get_by_label(t("An insult or a threat"), exact=True).check()
        member.get_by_label(t("Anything the leaders should know (optional)"), exact=True).fill("Это не по-доброму")
        member.get_by_role("button", name=t("Send the report"), exact=True).click()
        expect(member.locator(".flashes")).to_contain_text(
            t("Thank you. The leaders of the group will look at it soon.")
        )

        # The leader sees the number in the tab, hides the post with a word; the author is told.
        lead = open_screen("leader@example.org")
        lead.goto(f"/groups/{slug}/")
        tab = lead.locator(".group-nav").get_by_role("link", name=t("Reports"))
        expect(tab).to_contain_text("2")
        tab.click()
        assert_accessible(lead)
        lead.locator("li.report", has_text="Коляска").get_by_role("button", name=t("Hide it"), exact=True).click()
        assert_accessible(lead)
        lead.get_by_label(t("A word to the author (optional)"), exact=True).fill("Телефоны лучше в личных сообщениях")
        mailbox.clear()
        lead.locator("main").get_by_role("button", name=t("Hide it"), exact=True).click()
        expect(lead.locator("main")).to_contain_text(t("Hidden. The author is told why, in Krug and by email."))
        subject = t("Your %(what)s in %(group)s was hidden", what=t("post"), group="Семьи Казани")
        [mail] = wait_for_mail(mailbox, "member2@example.org", subject)
        assert "Телефоны лучше в личных сообщениях" in mail.get_body(("plain",)).get_content()
        author.goto("/notifications/")
        expect(author.locator("main")).to_contain_text(
            t(
                "Your %(what)s was hidden by the moderators. Why: %(why)s.",
                what=t("post"),
                why=t("An insult or a threat"),
            )
        )
        lead.goto(f"/groups/{slug}/moderation")
        expect(lead.locator("main")).to_contain_text(t("hid"))
        assert_accessible(lead)

        # The leader pins the announcement; a member says thank you with one tap.
        lead.goto(f"/groups/{slug}/posts/{announcement}")
        lead.get_by_role("button", name=t("Pin on top"), exact=True).click()
        member.goto(f"/groups/{slug}/")
        expect(member.locator(".pinned")).to_contain_text("Встреча в субботу")
        member.locator(".post-list li", has_text="Про лето").get_by_role("button", name=t("Thank you")).click()
        expect(member.locator(".post-list li", has_text="Про лето").locator(".thanks-count")).to_contain_text("1")
        assert_accessible(member)

        # The admin suspends the author from the open reports: signed out, and refused at login.
        admin = open_screen("admin@example.org")
        admin.goto("/admin/reports")
        assert_accessible(admin)
        admin.get_by_role("link", name=t("Suspend the author")).first.click()
        admin.get_by_label(t("Why (the person reads it in the email)"), exact=True).fill("Реклама в группе")
        admin.get_by_label(t("Also hide everything this person has written, in every group"), exact=True).check()
        assert_accessible(admin)
        admin.locator("main").get_by_role("button", name=t("Suspend"), exact=True).click()
        expect(admin.locator(".flashes")).to_be_visible()
        author.goto("/auth/account")
        expect(author).to_have_url(base + "/auth/login?next=%2Fauth%2Faccount")
        author.get_by_label(t("Email"), exact=True).fill("member2@example.org")
        author.get_by_label(t("Password"), exact=True).fill("a long walk in the park")
        author.locator("main").get_by_role("button", name=t("Log in")).click()
        expect(author.locator("main")).to_contain_text(
            t(
                "This account is suspended by the Krug admins. If you think this is a mistake, "
                "please answer the email we sent you."
            )
        )
        assert_accessible(author)

    assert not overflowing, "\n".join(overflowing)
    if html_checker is not None:
        report = [
            f"{url}:\n  " + "\n  ".join(errors) for url, html in documents if (errors := html_checker.errors(html))
        ]
        assert not report, "HTML errors (Nu HTML Checker):\n" + "\n".join(report)
