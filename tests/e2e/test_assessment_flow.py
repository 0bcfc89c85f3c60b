"""Self-assessment in a real browser, in Russian on a 360-px phone and in English on a 1280-px
screen, with axe on every page: a specialist starts this year's round and rates the
organisation with evidence; five parents give their anonymous view; the gaps show first."""

from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from community.assessment.statements import STATEMENTS
from tests.e2e.helpers import assert_accessible, screens
from tests.involve_helpers import SPECIALIST_EMAIL, build_world, parent

URL = "/orgs/fond/self-assessment"


def css_id(key):
    """The id of a statement's radio buttons, escaped for a CSS selector."""
    return "level-" + key.replace(".", "\\.")


@pytest.mark.parametrize("locale, width", [("ru", 360), ("en", 1280)])
def test_the_organisation_and_parents_rate_and_the_gaps_show(live_server, page, make_user, locale, width):
    app = live_server.app
    build_world(app, make_user, parents=5)
    with ExitStack() as contexts:
        t, open_screen = screens(live_server, page, contexts, locale, width)

        specialist = open_screen(SPECIALIST_EMAIL)
        specialist.goto(URL)
        assert_accessible(specialist)
        specialist.get_by_role("button", name=t("Start this year's self-assessment")).click()
        specialist.get_by_role("button", name=t("Rate as the organisation")).click()
        for key, *_rest in STATEMENTS:
            specialist.locator(f"#{css_id(key)}-3").check()
        specialist.locator("#evidence-purpose\\.limits").fill("Каждое приглашение говорит, что можно изменить")
        assert_accessible(specialist)
        specialist.get_by_role("button", name=t("Save the ratings")).click()
        expect(specialist.get_by_text(t("The organisation's ratings are saved."))).to_be_visible()

        for n in range(1, 6):
            member = open_screen(parent(n))
            member.goto(URL)
            member.get_by_role("button", name=t("Give your view (anonymous)")).click()
            if n == 1:
                assert_accessible(member)
            for key, *_rest in STATEMENTS:
                member.locator(f"#{css_id(key)}-{0 if key == 'purpose.limits' else 3}").check()
            member.get_by_role("button", name=t("Send my view")).click()
            expect(member.get_by_text(t("Thank you! Your ratings are saved, without your name."))).to_be_visible()

        specialist.goto(URL)
        first_row = specialist.locator("table.figures tbody tr").first
        expect(first_row).to_contain_text(str(t("We say honestly what can change and what cannot.")))
        expect(first_row).to_contain_text("+3.0")
        expect(specialist.locator("svg.chart")).to_be_visible()
        assert_accessible(specialist)
        member.goto(URL)
        expect(member.locator("table.figures")).to_be_visible()
        assert_accessible(member)
