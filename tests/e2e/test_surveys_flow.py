"""Pulse surveys in a real browser, in Russian on a 360-px phone and in English on a 1280-px
screen, with axe on every page: a specialist sends a survey to a group, five members answer
(one tries twice), and the results appear once the fifth has answered; a group's leader
does the same for their own group."""

from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, screens
from tests.involve_helpers import LEADER, SPECIALIST_EMAIL, build_world, parent

TITLE = "Как проходят встречи группы?"
LEADER_TITLE = "Как нам лучше встречаться?"
GROUP = "Семьи Казани"


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


@pytest.mark.parametrize("locale, width", [("ru", 360), ("en", 1280)])
def test_a_leader_asks_their_group_and_sees_the_results(live_server, page, make_user, mailbox, locale, width):
    """The group's leader sends a survey from the group's page; five members answer from theirs;
    the leader sees the results, and the foundation's specialist sees it marked as the group's."""
    app = live_server.app
    world = build_world(app, make_user, parents=5)
    surveys = f"/groups/{world['slug']}/surveys/"
    with ExitStack() as contexts:
        t, open_screen = screens(live_server, page, contexts, locale, width)

        leader = open_screen(LEADER)
        leader.goto(f"/groups/{world['slug']}/")
        expect(leader.locator(f'nav a[href="{surveys}"]')).to_have_count(1)
        leader.goto(surveys)
        assert_accessible(leader)
        leader.locator("main").get_by_role("button", name=t("New survey")).first.click()
        expect(
            leader.get_by_text(t("It goes to the parents of %(group)s: the members and leaders.", group=GROUP))
        ).to_be_visible()
        leader.get_by_label(t("Title"), exact=True).fill(LEADER_TITLE)
        leader.get_by_label(t("Question %(n)d", n=1), exact=True).fill("Удобно ли место встреч?")
        leader.get_by_label(t("Question %(n)d", n=2), exact=True).fill("Какую тему обсудить?")
        leader.get_by_label(t("How people answer question %(n)d", n=2), exact=True).select_option("text")
        # A bad number of days: the form says so and keeps what was typed.
        leader.get_by_label(t("Open for how many days"), exact=True).fill("0")
        leader.get_by_role("button", name=t("Send the survey")).click()
        expect(leader.get_by_text(t("Please enter a number from 1 to 60.")).first).to_be_visible()
        expect(leader.get_by_label(t("Title"), exact=True)).to_have_value(LEADER_TITLE)
        assert_accessible(leader)
        leader.get_by_label(t("Open for how many days"), exact=True).fill("14")
        leader.get_by_role("button", name=t("Send the survey")).click()
        expect(leader.get_by_role("heading", name=LEADER_TITLE)).to_be_visible()
        assert_accessible(leader)

        for n in range(1, 6):
            member = open_screen(parent(n))
            member.goto(surveys)
            member.get_by_role("link", name=LEADER_TITLE).click()
            assert_accessible(member)
            member.get_by_label(str(1 + n % 5), exact=True).check()
            member.get_by_label("Какую тему обсудить?", exact=True).fill(f"Тема {n}")
            member.get_by_role("button", name=t("Send my answers")).click()
            expect(member.get_by_text(t("Thank you! Your answers are saved, without your name."))).to_be_visible()
            if n < 5:
                expect(member.get_by_text("Тема 1")).to_have_count(0)

        leader.reload()
        expect(leader.get_by_role("heading", name=t("Results"))).to_be_visible()
        expect(leader.get_by_text("Тема 3")).to_be_visible()
        assert_accessible(leader)

        specialist = open_screen(SPECIALIST_EMAIL)
        specialist.goto("/orgs/fond/surveys/")
        expect(specialist.get_by_text(t("sent by the leaders of %(group)s", group=GROUP))).to_be_visible()
        specialist.get_by_role("link", name=LEADER_TITLE).click()
        expect(specialist.get_by_text("Тема 5")).to_be_visible()
        expect(specialist.get_by_role("link", name=t("Close the survey"))).to_have_count(0)
        assert_accessible(specialist)
