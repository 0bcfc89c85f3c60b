"""Mutual help in real browsers: one member asks for a lift, another offers it, the first
accepts, then marks the request resolved and thanks the helper, who gets the thanks by email."""

import re

from playwright.sync_api import expect

from community.extensions import db
from community.groups import service as groups
from tests.conftest import work
from tests.e2e.helpers import log_in, translate, wait_for_mail
from tests.events_helpers import user

ANNA, BORIS = "anna@example.org", "boris@example.org"
TITLE = "Подвезти до больницы в четверг утром"
DETAILS = "Нужно к 9:00 в детскую поликлинику на Чистопольской, обратно доберёмся сами."
OFFER = "Могу в четверг, выезжаю из центра в 8:15."
THANKS = "Борис, спасибо огромное — успели вовремя!"


def test_one_member_asks_for_a_lift_another_answers_accepts_resolves_thanks(live_server, page, make_user, mailbox):
    app, base = live_server.app, live_server.url

    def t(text, **values):
        return translate(app, text, **values)

    make_user("leader@example.org", name="Марина")
    make_user(ANNA, name="Анна Петрова")
    make_user(BORIS, name="Борис")
    with work(app):
        group = groups.create_group(
            user("leader@example.org"),
            "Семьи Казани",
            "Казань",
            "Встречаемся раз в месяц.",
            "Для приёмных семей Казани.",
            "open",
        )
        for email in (ANNA, BORIS):
            groups.join_group(user(email), group)
        db.session.commit()
        slug = group.slug

    # Anna asks for a lift from her group's help board.
    log_in(page, t, ANNA, base)
    page.goto(f"/groups/{slug}/help/")
    page.get_by_role("button", name=t("Ask for help"), exact=True).click()
    expect(page).to_have_url(f"{base}/groups/{slug}/help/new?kind=need")
    expect(page.get_by_label(t("I need help"), exact=True)).to_be_checked()
    page.get_by_label(t("In a few words"), exact=True).fill(TITLE)
    page.get_by_label(t("Details"), exact=True).fill(DETAILS)
    page.get_by_label(t("Kind of help"), exact=True).select_option("transport")
    page.get_by_label(t("This week"), exact=True).check()
    page.locator("main").get_by_role("button", name=t("Post"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/help/\d+$"))
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".help-detail .meta").first).to_contain_text(t("Transport"))
    expect(page.locator(".status-line")).to_contain_text(t("Open"))
    request_url = page.url

    boris_context = page.context.browser.new_context(
        viewport={"width": 360, "height": 800}, locale="ru-RU", base_url=base
    )
    try:
        # Boris finds it on the board and offers the lift.
        boris = boris_context.new_page()
        log_in(boris, t, BORIS, base)
        boris.goto(f"/groups/{slug}/help/")
        boris.get_by_role("link", name=TITLE).click()
        expect(boris).to_have_url(request_url)
        expect(boris.locator(".help-detail")).to_contain_text(DETAILS)
        boris.get_by_label(t("Your message"), exact=True).fill(OFFER)
        boris.get_by_role("button", name=t("I can help"), exact=True).click()
        expect(boris.locator(".flashes .flash-success")).to_be_visible()
        # He sees his own answer, what happens next, and that he can change it.
        mine = boris.locator("#my-answer")
        expect(mine).to_contain_text(OFFER)
        expect(mine).to_contain_text(
            t(
                "The author reads your answer and accepts it if it fits. "
                "Then you can agree on the details here; we will tell you by email."
            )
        )
        mine.get_by_role("link", name=t("Change my answer")).click()
        boris.get_by_label(t("Your message"), exact=True).fill(OFFER + "!")
        boris.get_by_role("button", name=t("Save"), exact=True).click()
        expect(boris.locator("#my-answer")).to_contain_text(OFFER + "!")

        # Anna sees the answer and accepts Boris; he is told by email.
        page.reload()
        answers = page.locator("section[aria-labelledby=answers]")
        expect(answers).to_contain_text("Борис")
        expect(answers).to_contain_text(OFFER + "!")
        answers.get_by_role("button", name=t("Accept"), exact=True).click()
        expect(page.locator(".flash-success")).to_be_visible()
        expect(answers.locator(".badge-parent")).to_have_text(t("accepted"))
        expect(page.locator(".status-line")).to_contain_text(t("Someone is helping"))
        wait_for_mail(mailbox, BORIS, subject=t("Your help is accepted"))

        # After the ride Anna marks it resolved: Boris is ticked already, she writes a thank-you.
        page.get_by_role("button", name=t("Mark as resolved"), exact=True).click()
        helper = page.get_by_label("Борис", exact=True)
        expect(helper).to_be_checked()
        page.get_by_label(t("A thank-you (optional; the helpers will see it)"), exact=True).fill(THANKS)
        page.locator("main").get_by_role("button", name=t("Resolved"), exact=True).click()
        expect(page).to_have_url(request_url)
        expect(page.locator(".flash-success")).to_be_visible()
        expect(page.locator(".status-line")).to_contain_text(t("Resolved"))
        expect(page.locator(".help-detail blockquote")).to_have_text(THANKS)
        expect(answers.locator(".badge-parent")).to_have_text(t("helped"))

        # Boris gets the thanks by email (with only Anna's first name) and sees the request resolved.
        [thanked] = wait_for_mail(mailbox, BORIS, subject=t("Thank you from %(name)s", name="Анна"))
        assert THANKS in mailbox.text(thanked)
        assert request_url in mailbox.links(thanked), mailbox.text(thanked)
        boris.goto(request_url)
        expect(boris.locator(".status-line")).to_contain_text(t("Resolved"))
        expect(boris.locator(".help-detail blockquote")).to_have_text(THANKS)

        # It has left the open board and is listed among the recently resolved.
        boris.goto(f"/groups/{slug}/help/")
        expect(boris.locator(".cards")).to_have_count(0)
        done = boris.locator("details").filter(has=boris.locator("summary", has_text=t("Recently resolved and closed")))
        done.locator("summary").click()
        expect(done.get_by_role("listitem")).to_have_text(f"{TITLE} · {t('resolved')}")
    finally:
        boris_context.close()
