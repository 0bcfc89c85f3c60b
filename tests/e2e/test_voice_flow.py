"""You said — we did in a real browser, in Russian on a 360-px phone and in English on a
1280-px screen, with axe on every page: a member suggests to her group, another supports it,
the leader answers through heard, considering and doing to done (what changed, at which
level), the author and the supporter are emailed each answer and read what changed."""

from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, screens, wait_for_mail
from tests.involve_helpers import LEADER, build_world, parent

TITLE = "Встречаться в субботу утром"
CHANGE = "Встречи теперь по субботам в 11:00"


@pytest.mark.parametrize("locale, width", [("ru", 360), ("en", 1280)])
def test_from_a_suggestion_to_done(live_server, page, make_user, mailbox, locale, width):
    app = live_server.app
    world = build_world(app, make_user, parents=2)
    with ExitStack() as contexts:
        t, open_screen = screens(live_server, page, contexts, locale, width)

        # A member opens the group's suggestions (empty: it says what to do) and suggests.
        author = open_screen(parent(1))
        author.goto(f"/groups/{world['slug']}/")
        author.get_by_role("link", name=t("Suggestions"), exact=True).click()
        assert_accessible(author)
        author.locator("main").get_by_role("button", name=t("Make a suggestion")).first.click()
        # Nothing typed: the form says what is missing.
        author.get_by_role("button", name=t("Send the suggestion")).click()
        expect(author.get_by_text(t("Please write your suggestion in one line.")).first).to_be_visible()
        assert_accessible(author)
        author.get_by_label(t("Your suggestion, in one line"), exact=True).fill(TITLE)
        author.get_by_label(t("Why, and what would help (optional)"), exact=True).fill(
            "Работающие родители не успевают к семи вечера."
        )
        author.get_by_role("button", name=t("Send the suggestion")).click()
        expect(author.get_by_role("heading", name=TITLE)).to_be_visible()
        assert_accessible(author)

        # Another member supports it.
        supporter = open_screen(parent(2))
        supporter.goto(f"/groups/{world['slug']}/voice/")
        supporter.get_by_role("link", name=TITLE).click()
        supporter.get_by_role("button", name=t("I support this")).click()
        expect(supporter.get_by_role("button", name=t("Withdraw my support"))).to_be_visible()
        assert_accessible(supporter)

        # The leader answers step by step, always with a reason; done says what changed and where.
        leader = open_screen(LEADER)
        leader.goto(f"/groups/{world['slug']}/voice/")
        assert_accessible(leader)
        leader.get_by_role("link", name=TITLE).click()
        steps = [
            ("Heard: we have read it and will think about it.", "Спасибо! Спросим всех на встрече."),
            ("Considering: we are weighing it up, and say what it depends on.", "Ищем помещение на субботу."),
            ("Doing: we have started to make it happen.", "Договорились с центром, пробуем с февраля."),
        ]
        for label, reason in steps:
            leader.get_by_role("button", name=t("Answer"), exact=True).click()
            leader.get_by_label(t(label), exact=True).check()
            leader.get_by_label(t("Why: what you tell the author and the supporters"), exact=True).fill(reason)
            assert_accessible(leader)
            leader.get_by_role("button", name=t("Send the answer")).click()
            expect(leader.get_by_text(reason)).to_be_visible()
        leader.get_by_role("button", name=t("Answer"), exact=True).click()
        leader.get_by_label(t("Done: it has changed. Say what changed and at which level."), exact=True).check()
        leader.get_by_label(t("Why: what you tell the author and the supporters"), exact=True).fill(
            "Попробовали месяц — приходит больше семей."
        )
        leader.get_by_role("button", name=t("Send the answer")).click()
        expect(leader.get_by_text(t("Please say what changed: this is what “done” tells everyone."))).to_be_visible()
        leader.get_by_label(t("What changed (for “done”)"), exact=True).fill(CHANGE)
        leader.get_by_label(t("At which level it changed (for “done”)"), exact=True).select_option("community")
        leader.get_by_role("button", name=t("Send the answer")).click()
        expect(leader.get_by_role("heading", name=t("What changed"))).to_be_visible()
        assert_accessible(leader)

        # The author and the supporter got every answer by email; the last says what changed.
        subject = t("An answer to “%(title)s”", title=TITLE)
        for email in (parent(1), parent(2)):
            messages = wait_for_mail(mailbox, email, subject)
            for _ in range(100):
                if len(mailbox.to(email)) >= 4:
                    break
                page.wait_for_timeout(50)
            assert len([m for m in mailbox.to(email) if m["Subject"] == subject]) == 4
            assert CHANGE in mailbox.text(mailbox.to(email)[-1])
            assert messages
        author.goto(f"/groups/{world['slug']}/voice/?show=answered")
        expect(author.get_by_text(CHANGE)).to_be_visible()
        assert_accessible(author)
