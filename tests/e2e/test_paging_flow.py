"""Long lists in a real browser, on a phone and on a wide screen: the leader goes through their
notifications, the group feed and the moderation record page by page with the "Next" and
"Previous" links, reading "Page 2 of 4"; axe and the HTML checker on every page."""

import os
from math import ceil

import pytest
from playwright.sync_api import expect

from community.groups.feed import PAGE_SIZE as FEED_PAGE
from community.notifications.service import PAGE_SIZE as NOTICE_PAGE
from community.safety.service import LOG_PAGE_SIZE
from tests.e2e.helpers import assert_accessible, log_in, translate
from tests.test_paging import world  # noqa: F401 (the fixture)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_leader_pages_through_long_lists(live_server, page, make_user, world, width):  # noqa: F811
    app, base = live_server.app, live_server.url

    def t(text, **values):
        return translate(app, text, **values)

    entries = 2 * max(FEED_PAGE, NOTICE_PAGE, LOG_PAGE_SIZE) + 1  # at least three pages of each
    world(entries)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, t, "leader@example.org", base)
    shots = os.environ.get("KRUG_SCREENSHOTS")  # a folder: keep a picture of each page there

    for name, url, pages in [
        ("notifications", "/notifications/", ceil((entries + 1) / NOTICE_PAGE)),  # and member1's joining
        ("feed", f"/groups/{world.slug}/", ceil(entries / FEED_PAGE)),
        ("moderation", f"/groups/{world.slug}/moderation", ceil(entries / LOG_PAGE_SIZE)),
    ]:
        page.goto(url)
        pager = page.locator("nav.pagination")
        expect(pager).to_contain_text(t("Page %(page)d of %(pages)d", page=1, pages=pages))
        pager.get_by_role("link", name=t("Next")).click()
        expect(pager).to_contain_text(t("Page %(page)d of %(pages)d", page=2, pages=pages))
        assert_accessible(page)
        if shots:
            page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
        pager.get_by_role("link", name=t("Previous")).click()
        expect(pager).to_contain_text(t("Page %(page)d of %(pages)d", page=1, pages=pages))
        expect(pager.get_by_role("link", name=t("Previous"))).to_have_count(0)
