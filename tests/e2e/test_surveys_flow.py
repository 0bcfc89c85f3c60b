"""Pulse surveys in a real browser, in Russian on a 360-px phone and in English on a 1280-px
screen, with axe on every page: a specialist sends a survey to a group, five members answer
(one tries twice), and the results appear once the fifth has answered."""

from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, screens
from tests.involve_helpers import SPECIALIST_EMAIL, build_world, parent

TITLE = "Как проходят встречи группы?"


@pytest.mark.parametrize("locale, width", [("ru", 360), ("en", 1280)])
def test_a_survey_from_sending_to_results(live_server, page, make_user, mailbox, locale, width):
    app = live_server.app
    build_world(app, make_user, parents=5)
    with ExitStack() as contexts:
        t, open_screen = screens(live_server, page, contexts, locale, width)

        specialist = open_screen(SPECIALIST_EMAIL)
        specialist.goto("/orgs/fond/surveys/")
        assert_accessible(specialist)
        specialist.locator("main").get_by_role("button", name=t("New survey")).first.click()
        specialist.get_by_label(t("Title"), exact=True).fill(TITLE)
        specialist.get_by_label(t("Question %(n)d", n=1), exact=True).fill("Насколько полезны встречи?")
        specialist.get_by_label(t("Question %(n)d", n=2), exact=True).fill("Что добавить?")
        specialist.get_by_label(t("How people answer question %(n)d", n=2), exact=True).select_option("text")
        # No group chosen: the form says so and keeps what was typed.
        specialist.get_by_role("button", name=t("Send the survey")).click()
        expect(specialist.get_by_text(t("Please choose at least one group the organisation supports."))).to_be_visible()
        expect(specialist.get_by_label(t("Title"), exact=True)).to_have_value(TITLE)
        assert_accessible(specialist)
        specialist.get_by_label("Семьи Казани · Казань").check()
        specialist.get_by_role("button", name=t("Send the survey")).click()
        expect(specialist.get_by_role("heading", name=TITLE)).to_be_visible()
        assert_accessible(specialist)

        for n in range(1, 6):
            member = open_screen(parent(n))
            member.goto("/orgs/fond/surveys/")
            member.get_by_role("link", name=TITLE).click()
            assert_accessible(member)
            member.get_by_label(str(2 + n % 4), exact=True).check()
            member.get_by_label("Что добавить?", exact=True).fill(f"Пожелание {n}")
            member.get_by_role("button", name=t("Send my answers")).click()
            expect(member.get_by_text(t("Thank you! Your answers are saved, without your name."))).to_be_visible()
            if n < 5:
                expect(member.get_by_text("Пожелание 1")).to_have_count(0)
            else:
                expect(member.get_by_role("heading", name=t("Results"))).to_be_visible()
                expect(member.get_by_text("Пожелание 1")).to_be_visible()
                assert_accessible(member)

        specialist.reload()
        expect(specialist.get_by_text("Пожелание 3")).to_be_visible()
        assert_accessible(specialist)
