"""Issue 14, points 5 and 6, in a real browser: in Russian on a 360-px phone and in English on a
1280-px screen, axe clean, the HTML checker at zero errors and no sideways scrolling on every page
(the `page` fixture checks both on every load).

Point 5, the phone layout: the group's meetings come before its feed; the organisation
dashboard's stage filter and sort fit the screen; the language button stays on the header's
line; the group tabs are 44 px targets on aligned rows; the footer keeps off the screen edge;
the event form's date and time fields stay inside their card; the event page says its place
once; the members list has no "Remove" on its rows and 44 px actions; the health page's note on
"who takes part" is fully visible.

Point 6, the words: time zones by their local names; hours without ".0"; "New post", distinct
from messages; a leader badge that fits women and men; no "амбассадор" for parents except in
brackets; no "(.ics)" on a button; one "confirm your email" after registering."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from community.auth.models import User
from community.extensions import db
from community.groups import feed
from community.groups import service as groups
from community.groups.access import access_for, membership_of
from community.groups.models import Group, Membership
from community.health import service as health
from community.models import utcnow
from community.mutual_help import service as help_service
from community.mutual_help.models import HelpResponse
from tests.conftest import work
from tests.e2e.helpers import assert_accessible, log_in, translate
from tests.events_helpers import build_group, make_event, user

PLACE = "Казань, ул. Баумана, 1"
TAP = 44  # px: the smallest comfortable tap target
EDGE = 8  # px: text this close to the screen's edge touches it


def seed(app, make_user, locale):
    """A group in Moscow time with a meeting, a post, an ambassador and a help request answered
    after 30 hours last month, and its health checked for that month."""
    slug, group_id = build_group(app, make_user, members=3)
    make_event(app, group_id)
    with work(app):
        db.session.execute(update(User).values(locale=locale))
        group = db.session.get(Group, group_id)
        leader, member1, member2 = user("leader@example.org"), user("member1@example.org"), user("member2@example.org")
        feed.create_post(member2, group, access_for(member2, group), "discussion", "Про лето", "Кто куда едет?")
        role = groups.offer_engagement_role(leader, membership_of(member1, group), "ambassador")
        groups.answer_engagement_role(member1, role, True)
        # Last month: a request answered by another parent 30 hours later (the median is 30.0).
        period = health.last_complete_period()
        asked = utcnow().replace(year=period.year, month=period.month, day=5, hour=9, minute=0, second=0, microsecond=0)
        group.created_at = asked - timedelta(days=120)
        for membership in db.session.scalars(select(Membership).where(Membership.group_id == group_id)):
            membership.joined_at = asked - timedelta(days=100)
        need = help_service.create_request(member2, group, "need", "Нужна коляска", "", "things", "week", None, False)
        db.session.flush()
        help_service.respond(member1, need, "Есть коляска")
        db.session.flush()
        need.created_at = asked
        db.session.execute(
            update(HelpResponse)
            .where(HelpResponse.request_id == need.id)
            .values(created_at=asked + timedelta(hours=30))
        )
        db.session.flush()
        health.take_snapshots([period], [group_id], fill=0)
    return slug


def box(locator):
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on the page"
    return found


def within_screen(page, locator, margin=0):
    """The element lies inside the screen's width (with `margin` px to spare on each side)."""
    width = page.viewport_size["width"]
    for n in range(locator.count()):
        b = box(locator.nth(n))
        assert b["x"] >= margin and b["x"] + b["width"] <= width - margin + 0.5, (
            f"{locator.nth(n)} at x={b['x']:.0f}, {b['width']:.0f} px wide, leaves a {width}-px screen"
        )


def no_sideways_scroll(page):
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url} scrolls sideways: {scroll} px on a {inner}-px screen"


def check(page):
    """What every page of the walk must be: no sideways scroll, axe clean."""
    no_sideways_scroll(page)
    assert_accessible(page)


def main_text(page):
    return page.locator("main").inner_text()


def only_in_brackets(text, word="амбассадор"):
    """The framework's word may stay in brackets after a plain one; never on its own."""
    return word not in text.lower().replace(f"({word})", "")


@pytest.mark.parametrize(("locale", "width"), [("ru", 360), ("en", 1280)])
def test_phone_layout_and_plain_words(live_server, page, make_user, locale, width):
    app, base = live_server.app, live_server.url
    phone = width < 576

    def t(text, **values):
        return translate(app, text, locale, **values)

    def sign_in(email):
        page.context.clear_cookies()
        page.goto(f"/?lang={locale}")  # the login page in the walk's language
        log_in(page, t, email, base)

    slug = seed(app, make_user, locale)
    page.set_viewport_size({"width": width, "height": 800})

    # --- A newcomer registers: one "confirm your email", not two --------------------------------------
    page.goto(f"/auth/register?lang={locale}")
    page.get_by_label(t("Email"), exact=True).fill("newcomer@example.org")
    page.get_by_label(t("Your name"), exact=True).fill("Вера")
    page.get_by_label(t("Password"), exact=True).fill("blue kettle on a quiet shelf")
    page.get_by_label(t("Repeat the password"), exact=True).fill("blue kettle on a quiet shelf")
    page.get_by_label(t("I agree to the processing of my personal data as described in the privacy notice.")).check()
    page.get_by_role("button", name=t("Create my account")).click()
    expect(page.get_by_role("heading", name=t("Check your email"))).to_be_visible()
    expect(page.locator("main").get_by_text("newcomer@example.org")).to_have_count(1)
    expect(page.locator("main .notice")).to_have_count(0)
    check(page)
    # Signed in before confirming, creating a group: the request to confirm is said once.
    log_in(page, t, "newcomer@example.org", base, password="blue kettle on a quiet shelf")
    page.goto("/groups/new")
    confirm = t("Please confirm your email address: open the link we sent to %(email)s.", email="newcomer@example.org")
    expect(page.locator("main").get_by_text(confirm)).to_have_count(1)
    expect(page.locator("main .notice")).to_have_count(1)
    assert t("Please confirm your email address first: open the link we sent you.") not in main_text(page)

    # --- A parent (an ambassador) on her group's page ----------------------------------------------------
    sign_in("member1@example.org")
    page.goto(f"/groups/{slug}/")
    header = page.locator("header.site-header")
    language = header.locator("form[action='/auth/language'] button[name=lang]")
    brand = header.locator("a.brand")
    # The language button sits on the brand's line, in one piece, inside the screen.
    lang_box, brand_box = box(language), box(brand)
    middle = lang_box["y"] + lang_box["height"] / 2
    assert brand_box["y"] <= middle <= brand_box["y"] + brand_box["height"], (lang_box, brand_box)
    within_screen(page, language)

    # The meetings come before the feed: above it on a phone, beside it on a wide screen, and on
    # the first screen either way.
    events, feed_box = box(page.locator("section.events-box")), box(page.locator("section.feed"))
    if phone:
        assert events["y"] + events["height"] <= feed_box["y"], (events, feed_box)
    else:
        assert events["y"] <= feed_box["y"] + 1 and events["x"] >= feed_box["x"] + feed_box["width"], (events, feed_box)
    assert events["y"] < page.viewport_size["height"], f"the meetings start {events['y']:.0f} px down"
    expect(page.locator("section.events-box").get_by_role("link", name="Встреча клуба")).to_be_visible()

    # The group's tabs: 44 px tall, rows that start at the same left edge and share their top.
    tabs = page.get_by_role("navigation", name=t("Group sections")).get_by_role("link")
    rows = {}
    for n in range(tabs.count()):
        b = box(tabs.nth(n))
        assert b["height"] >= TAP, f"the tab {tabs.nth(n).inner_text()!r} is {b['height']:.0f} px tall"
        rows.setdefault(round(b["y"]), []).append(b)
    assert all(len({round(b["height"]) for b in row}) == 1 for row in rows.values()), rows
    assert len({round(min(b["x"] for b in row)) for row in rows.values()}) == 1, f"rows start apart: {rows}"
    within_screen(page, tabs)

    # The button that starts a post says so, and is not the messages' word.
    new_post = page.locator("section.feed").get_by_role("button", name=t("New post"))
    expect(new_post).to_have_attribute("href", f"/groups/{slug}/posts/new")
    if locale == "ru":
        expect(new_post).to_have_text("Новая запись")
    assert new_post.inner_text().strip() not in {t("Messages"), t("Write")}
    # The footer keeps off the screen's edges.
    within_screen(page, page.locator("footer.site-footer p"), margin=EDGE)
    if locale == "ru":
        assert only_in_brackets(main_text(page))
    check(page)

    # Her roles, in plain words.
    page.goto(f"/groups/{slug}/my-roles")
    expect(page.locator("main")).to_contain_text(t("ambassador"))
    if locale == "ru":
        assert only_in_brackets(main_text(page)), main_text(page)
    check(page)

    # --- The meeting: its place once, a calendar link without "(.ics)", times in Moscow time -----------
    page.locator("header.site-header").get_by_role("link", name=t("Events")).click()
    expect(page.locator("main")).to_contain_text("Встреча клуба")
    labels = page.locator("main").get_by_role("link").all_inner_texts()
    labels += page.locator("main").get_by_role("button").all_inner_texts()
    assert not [label for label in labels if ".ics" in label], labels
    check(page)
    page.locator("main").get_by_role("link", name="Встреча клуба").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Встреча клуба")
    assert main_text(page).count(PLACE) == 1, main_text(page)
    calendar = page.locator("main").get_by_role("link", name=t("Add to my calendar"))
    expect(calendar).to_have_text(t("Add to my calendar"))
    labels = page.locator("main").get_by_role("link").all_inner_texts()
    labels += page.locator("main").get_by_role("button").all_inner_texts()
    assert not [label for label in labels if ".ics" in label], labels
    check(page)

    # Her account page names time zones as people know them.
    page.goto("/auth/account")
    moscow = "Москва" if locale == "ru" else "Moscow"
    zone = page.get_by_label(t("Time zone"), exact=True)
    expect(zone.locator("option:checked")).to_have_text(re.compile(rf"^{moscow} \(UTC\+3\)$"))
    assert not re.search(r"Europe[/ _]", zone.inner_text()), zone.inner_text()

    # --- The leader ---------------------------------------------------------------------------------------
    sign_in("leader@example.org")

    # The event form: its date and time fields inside the card, the group's time zone by name.
    page.goto(f"/groups/{slug}/events/new")
    card = box(page.locator("main article"))
    fieldset = page.locator("main fieldset").filter(has=page.get_by_text(t("When"), exact=True))
    for field in ("starts_date", "starts_time", "ends_time", "ends_date"):
        b = box(page.locator(f"#{field}"))
        assert card["x"] <= b["x"] and b["x"] + b["width"] <= card["x"] + card["width"] + 0.5, (field, b, card)
        f = box(fieldset)
        assert f["x"] <= b["x"] and b["x"] + b["width"] <= f["x"] + f["width"] + 0.5, (field, b, f)
    hint = fieldset.locator("p.hint")
    expect(hint).to_have_text(t("Times are in the group's time zone: %(tz)s.", tz=f"{moscow} (UTC+3)"))
    assert "Europe" not in main_text(page)
    check(page)

    # The members list: no "Remove" on a row; each row's action a 44 px target; the leader's badge
    # fits a woman or a man.
    page.goto(f"/groups/{slug}/members")
    rows = page.locator("ul.member-list > li")
    expect(rows).to_have_count(5)  # the leader, three parents, the specialist
    expect(rows.get_by_role("button", name=t("Remove"))).to_have_count(0)
    expect(rows.get_by_role("link", name=t("Remove"), exact=True)).to_have_count(0)
    actions = rows.locator(".member-actions a, .member-actions button")
    assert actions.count() >= 4
    for n in range(actions.count()):
        b = box(actions.nth(n))
        assert b["height"] >= TAP, f"{actions.nth(n).inner_text()!r} is {b['height']:.0f} px tall"
    within_screen(page, actions)
    badge = rows.filter(has_text="Марина").locator(".badge-parent")
    expect(badge).to_have_text(t("leader"))
    if locale == "ru":
        assert not re.search(r"ведущ(ий|ая)", badge.inner_text()), badge.inner_text()
        assert only_in_brackets(main_text(page)), main_text(page)
    check(page)
    # Removing someone is one step away, on the member's own page.
    rows.filter(has_text="Участник 3").get_by_role("link", name=re.compile(t("Roles and removal"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Участник 3")
    expect(page.locator("main").get_by_role("link", name=t("Remove"), exact=True)).to_be_visible()

    # The group's health: hours without ".0", the note on who takes part fully on screen.
    page.goto(f"/groups/{slug}/health")
    expect(page.locator("main")).to_contain_text(t("Median time to the first answer: %(hours)s hours.", hours="30"))
    assert not re.search(r"\b30[.,]0\b", main_text(page))
    note = page.locator("#representation-note")
    expect(note).to_have_text(
        t(
            "Members, active members and leaders by family form and experience (6 months). "
            "Groups of fewer than 5 people are not shown."
        )
    )
    within_screen(page, note)
    assert note.evaluate("n => !n.closest('.table-wrap') && n.scrollWidth <= n.clientWidth")
    caption = page.locator("section[aria-labelledby=representation-title] caption")
    expect(caption).to_have_text(t("Who takes part"))
    # The table's own caption is short: read by screen readers, never cut off on screen.
    assert caption.evaluate("c => c.scrollWidth <= c.clientWidth || c.classList.contains('visually-hidden')")
    check(page)

    # --- The specialist's dashboard: the stage filter and the sort fit the screen ------------------------
    sign_in("specialist@example.org")
    page.goto("/orgs/fond/health")
    stages = page.get_by_role("navigation", name=t("Groups by stage")).get_by_role("link")
    assert stages.count() >= 2
    within_screen(page, stages)
    if phone:
        # An even grid: the links of a row are equally wide and at least a tap target tall.
        rows = {}
        for n in range(stages.count()):
            b = box(stages.nth(n))
            assert b["height"] >= TAP, b
            rows.setdefault(round(b["y"]), []).append(round(b["width"]))
        assert all(max(row) - min(row) <= 1 for row in rows.values()), rows
    within_screen(page, page.locator("main form.sort-form select, main form.sort-form button"))
    check(page)
