"""A specialist in a real browser: opens the demo organisation's dashboard, filters it to the
groups at risk, and drills into one group's health page (its stage and its trend charts)."""

import re

from axe_playwright_python.sync_playwright import Axe
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from community.demo import DEMO_PASSWORD
from tests.conftest import work

ORG = "semya-ryadom"


def translate(app, text):
    """The string as the app shows it in Russian (so the test survives translation updates)."""
    with work(app), force_locale("ru"):
        return gettext(text)


def seed(app):
    from community.demo import seed_demo
    from community.health.service import backfill

    with work(app):
        seed_demo(app.config)
        backfill()


def log_in(page, app, base_url, email="specialist@demo.krug"):
    def t(text):
        return translate(app, text)

    page.goto("/auth/login")
    page.get_by_label(t("Email"), exact=True).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=t("Log in")).click()
    expect(page).to_have_url(base_url + "/")


def test_a_specialist_filters_the_dashboard_to_at_risk_and_opens_a_group(live_server, page):
    app = live_server.app
    seed(app)

    def t(text):
        return translate(app, text)

    log_in(page, app, live_server.url)
    page.goto(f"/orgs/{ORG}/health")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("How our groups are doing"))
    cards = page.locator("article.group-card")
    expect(cards.first).to_be_visible()
    all_groups = cards.count()

    at_risk = page.locator("nav.stage-filter a[href*='stage=at_risk']")
    expect(at_risk).to_have_count(1)
    at_risk.click()
    expect(page).to_have_url(re.compile(r"[?&]stage=at_risk(&|$)"))
    expect(page.locator("nav.stage-filter a[aria-current='page']")).to_have_attribute(
        "href", re.compile("stage=at_risk")
    )

    risky = page.locator("article.group-card")
    assert risky.count() >= 1, "the demo organisation has no group at risk"
    assert risky.count() <= all_groups
    for n in range(risky.count()):
        expect(risky.nth(n).locator(".stage")).to_have_class(re.compile(r"\bstage-at_risk\b"))
    expect(risky.first.locator(".stage-at_risk")).to_have_text(t("At risk"))

    name = risky.first.locator("h2 a").inner_text()
    risky.first.locator("h2 a").click()
    expect(page).to_have_url(re.compile(r"/groups/[^/]+/health$"))
    expect(page.get_by_text(name).first).to_be_visible()
    verdict = page.locator("section.verdict")
    expect(verdict).to_be_visible()
    expect(verdict.locator(".stage")).to_have_class(re.compile(r"\bstage-at_risk\b"))
    expect(page.locator("svg.sparkline").first).to_be_visible()
    assert page.locator("svg.sparkline").count() >= 2


def test_the_health_pages_have_no_serious_accessibility_problems(live_server, page):
    """WCAG 2.1 AA on a phone (regression: the wide tables' scrolling wrapper could not be
    reached by keyboard — axe scrollable-region-focusable)."""
    seed(live_server.app)
    log_in(page, live_server.app, live_server.url)
    problems = []
    for url in (
        f"/orgs/{ORG}/health",
        f"/orgs/{ORG}/health?stage=at_risk",
        "/groups/opekuny-kazani/health",
        "/health/how",
    ):
        page.goto(url)
        for violation in Axe().run(page).response["violations"]:
            if violation["impact"] in {"critical", "serious"}:
                problems.append(
                    f"{url}: {violation['id']} ({violation['impact']}) — "
                    f"{[node['target'] for node in violation['nodes']]}"
                )
    assert not problems, "\n".join(problems)
