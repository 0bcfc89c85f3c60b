"""A specialist in a real browser: opens the demo organisation's dashboard, reads the counts per
stage, filters it to the groups at risk, reads a card's reasons and next step, and drills into
the group's health page (its stage, why, its charts and their tables)."""

import re

from axe_playwright_python.sync_playwright import Axe
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from community.demo import DEMO_PASSWORD
from tests.conftest import work

ORG = "semya-ryadom"


def translate(app, text, **values):
    """The string as the app shows it in Russian (so the test survives translation updates)."""
    with work(app), force_locale("ru"):
        return gettext(text, **values)


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

    def t(text, **values):
        return translate(app, text, **values)

    log_in(page, app, live_server.url)
    page.goto(f"/orgs/{ORG}/health")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("How our groups are doing"))
    counts = page.get_by_role("navigation", name=t("Groups by stage"))
    expect(counts).to_be_visible()
    cards = page.locator("article.group-card")
    expect(cards.first).to_be_visible()
    all_groups = cards.count()

    at_risk = counts.locator("a[href*='stage=at_risk']")
    expect(at_risk).to_have_count(1)
    expect(at_risk).to_contain_text(t("At risk"))
    at_risk.click()
    expect(page).to_have_url(re.compile(r"[?&]stage=at_risk(&|$)"))
    expect(counts.locator("a[aria-current='page']")).to_have_attribute("href", re.compile("stage=at_risk"))

    risky = page.locator("article.group-card")
    assert risky.count() >= 1, "the demo organisation has no group at risk"
    assert risky.count() <= all_groups
    for n in range(risky.count()):
        expect(risky.nth(n).locator(".stage")).to_have_class(re.compile(r"\bstage-at_risk\b"))
    card = risky.filter(has_text="Опекуны Казани")
    expect(card).to_have_count(1)
    # The card says why, and what to do: never a status message instead of reasons.
    expect(card.get_by_role("heading", name=t("Why"))).to_be_visible()
    expect(card.locator("li").first).to_contain_text("2")
    expect(card.locator(".next-step")).to_contain_text(
        t("Look at the help requests without an answer and ask someone you know who could help.")
    )

    card.locator("h2 a").click()
    expect(page).to_have_url(re.compile(r"/groups/opekuny-kazani/health$"))
    verdict = page.locator("section.verdict")
    expect(verdict).to_be_visible()
    expect(verdict.locator(".stage")).to_have_class(re.compile(r"\bstage-at_risk\b"))
    expect(verdict.get_by_role("heading", name=t("Why"))).to_be_visible()
    expect(verdict.locator(".next-step")).to_be_visible()

    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 5
    # A share chart has its 0–100 % scale and month labels; its data is a click away.
    share_chart = page.locator("figure", has=page.get_by_role("heading", name=t("Peer answer rate"))).locator("svg")
    expect(share_chart.locator("text", has_text=t("%(value)d %%", value=100))).to_have_count(1)
    first = page.locator("details.chart-table").first
    first.locator("summary").click()
    expect(first.locator("table")).to_be_visible()


def test_the_health_pages_have_no_serious_accessibility_problems(live_server, page):
    """WCAG 2.1 AA on a phone (regression: the wide tables' scrolling wrapper could not be
    reached by keyboard — axe scrollable-region-focusable)."""
    seed(live_server.app)
    log_in(page, live_server.app, live_server.url)
    page.set_viewport_size({"width": 360, "height": 800})
    problems = []
    for url in (
        f"/orgs/{ORG}/health",
        f"/orgs/{ORG}/health?stage=at_risk",
        f"/orgs/{ORG}/health?sort=active",
        "/groups/opekuny-kazani/health",
        "/groups/klub-usynovitelei-novosibirska/health",
        "/health/how",
    ):
        page.goto(url)
        page.eval_on_selector_all("main details", "all => all.forEach(d => d.open = true)")  # tables too
        for violation in Axe().run(page).response["violations"]:
            if violation["impact"] in {"critical", "serious"}:
                problems.append(
                    f"{url}: {violation['id']} ({violation['impact']}) — "
                    f"{[node['target'] for node in violation['nodes']]}"
                )
    assert not problems, "\n".join(problems)
