"""A group leader plans a one-place event in a real browser and a parent co-organises it; two
members register, the first gives the place up, and the waiting list hands it to the second."""

import re
from contextlib import ExitStack
from datetime import date, timedelta

from playwright.sync_api import expect

from community.extensions import db
from community.groups import service as groups
from tests.conftest import work
from tests.e2e.helpers import log_in, translate, wait_for_mail
from tests.events_helpers import user

TITLE = "Пикник в парке Горького"
PLACE = "Казань, парк Горького, у фонтана"
LEADER, PARENT = "leader@example.org", "parent@example.org"
FIRST, SECOND = "member1@example.org", "member2@example.org"


def test_leader_and_parent_co_organise_and_the_waitlist_promotes(live_server, page, make_user, mailbox):
    app, base = live_server.app, live_server.url

    def t(text, **values):
        return translate(app, text, **values)

    make_user(LEADER, name="Марина")
    make_user(PARENT, name="Ольга")
    make_user(FIRST, name="Пётр")
    make_user(SECOND, name="Светлана")
    with work(app):
        group = groups.create_group(
            user(LEADER), "Семьи Казани", "Казань", "Встречаемся раз в месяц.", "Для приёмных семей Казани.", "open"
        )
        for email in (PARENT, FIRST, SECOND):
            groups.join_group(user(email), group)
        db.session.commit()
        slug = group.slug

    with ExitStack() as contexts:  # closes every phone opened below

        def open_phone(email):
            """Another person on their own phone, logged in."""
            context = contexts.enter_context(
                page.context.browser.new_context(viewport={"width": 360, "height": 800}, locale="ru-RU", base_url=base)
            )
            phone = context.new_page()
            log_in(phone, t, email, base)
            return phone

        # The leader plans a picnic with one place from the group page.
        log_in(page, t, LEADER, base)
        page.goto(f"/groups/{slug}/")
        page.get_by_role("button", name=t("Plan an event"), exact=True).click()
        expect(page).to_have_url(f"{base}/groups/{slug}/events/new")
        day = date.today() + timedelta(days=10)
        page.get_by_label(t("Title"), exact=True).fill(TITLE)
        page.get_by_label(t("Date"), exact=True).fill(day.isoformat())
        page.get_by_label(t("Starts at"), exact=True).fill("11:00")
        page.get_by_label(t("Ends at"), exact=True).fill("13:00")
        page.get_by_label(t("Place"), exact=True).fill(PLACE)
        page.get_by_label(t("Places (optional)"), exact=True).fill("1")
        page.locator("main").get_by_role("button", name=t("Publish"), exact=True).click()
        expect(page).to_have_url(re.compile(re.escape(base) + r"/events/\d+$"))
        expect(page.locator(".flash-success")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.locator(".event-when")).to_contain_text("11:00–13:00")
        event_url = page.url

        # She invites Olga, a parent of the group, to organise it with her.
        page.get_by_role("link", name=t("Invite co-organisers"), exact=True).click()
        page.get_by_label(t("Who will organise with you"), exact=True).select_option(label="Ольга")
        page.get_by_role("button", name=t("Invite"), exact=True).click()
        expect(page.locator(".flash-success")).to_contain_text("Ольга")
        expect(page.locator(".member-list")).to_contain_text(t("invited, no answer yet"))

        # Olga follows the link in her email and accepts.
        [invitation] = wait_for_mail(mailbox, PARENT, subject=t("Will you co-organise “%(title)s”?", title=TITLE))
        assert event_url in mailbox.links(invitation), mailbox.text(invitation)
        olga = open_phone(PARENT)
        olga.goto(event_url)
        expect(olga.locator(".register-box .notice")).to_be_visible()
        olga.get_by_role("button", name=t("Accept"), exact=True).click()
        expect(olga.locator(".flash-success")).to_be_visible()
        badge = olga.locator(".badge-parent")
        expect(badge).to_have_text(t("Co-organised with parents"))
        organisers = olga.locator("section[aria-labelledby=organisers]")
        expect(organisers).to_contain_text(f"Ольга · {t('parent')}")
        expect(olga.get_by_role("link", name=t("Invite co-organisers"), exact=True)).to_be_visible()  # may edit now

        # Pyotr takes the one place; Svetlana lands on the waiting list.
        pyotr = open_phone(FIRST)
        pyotr.goto(event_url)
        pyotr.get_by_role("button", name=t("I will come"), exact=True).click()
        expect(pyotr.locator(".register-box")).to_contain_text(t("You are going."))
        svetlana = open_phone(SECOND)
        svetlana.goto(event_url)
        svetlana.get_by_role("button", name=t("Join the waiting list"), exact=True).click()
        waiting = t("You are on the waiting list. If a place frees up, it is yours and we will tell you by email.")
        expect(svetlana.locator(".register-box .notice")).to_have_text(waiting)
        expect(svetlana.locator(".register-box")).not_to_contain_text(t("You are going."))

        # Pyotr cannot come after all: the place goes to Svetlana at once, and she is told by email.
        pyotr.get_by_role("button", name=t("Cancel my registration"), exact=True).click()
        expect(pyotr.locator(".flash-success")).to_be_visible()
        # The place is taken again at once: Pyotr could only join the waiting list now.
        expect(pyotr.get_by_role("button", name=t("Join the waiting list"), exact=True)).to_be_visible()
        svetlana.reload()
        expect(svetlana.locator(".register-box")).to_contain_text(t("You are going."))
        expect(svetlana.locator(".register-box .notice")).to_have_count(0)
        [promoted] = wait_for_mail(mailbox, SECOND, subject=t("A place is yours: %(title)s", title=TITLE))
        assert event_url in mailbox.links(promoted), mailbox.text(promoted)
        assert not mailbox.to(FIRST)  # nothing for the one who gave the place up

        # The organisers see one of one place taken and nobody waiting.
        page.goto(event_url)
        expect(page.locator(".facts")).to_contain_text(t("%(going)d of %(capacity)d taken", going=1, capacity=1))
        expect(page.locator("section[aria-labelledby=people]")).to_contain_text("Светлана")
        expect(page.locator("section[aria-labelledby=people]")).not_to_contain_text(t("waiting list"))
