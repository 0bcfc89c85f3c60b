"""Issue 14, points 2, 3 and 4, in a real browser: in Russian on a 360-px phone and in English on
a 1280-px screen, axe clean on every page visited (the `page` fixture checks the HTML and
sideways scrolling on every load).

Point 2, notifications people control: an unread private message has its own count in the
header, outside the menu; a member chooses the weekly digest and leaves one group out of it, and
both choices are kept; an invitation stops showing as new once it is answered.

Point 3, search that forgives: the directory finds the Moscow group for "Moscow", "moskva",
"москва", "МОСКВА" and "Москва", and not the Kazan one; "Татарстан" finds Kazan; a member who
gives her city in her profile sees the groups near her first.

Point 4, help flow clarity: a helper offers help, sees their own answer and what happens next,
changes it; the author accepts and reaches their thread from the request page; the helper takes
the answer back and the request is open again. While a request has no answers "Mark as
resolved" is not its author's primary button, and the page says how resolved differs from
closed."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from community.auth.models import User
from community.extensions import db
from community.groups import service as groups
from community.groups.access import membership_of
from community.groups.models import Group
from community.messages.service import send_message
from community.mutual_help import service as help_service
from tests.conftest import work
from tests.e2e.helpers import assert_accessible, log_in, translate
from tests.events_helpers import build_group, user

WALKS = [("ru", 360), ("en", 1280)]
HELLO = "Привет! Придёшь в субботу?"
NEED = "Нужна коляска на выходные"
OFFER = "Есть прогулочная коляска, могу привезти в субботу."
OFFER_CHANGED = "Есть прогулочная коляска, привезу в воскресенье."


def start(live_server, page, make_user, locale, width, members=2):
    """The Kazan group (leader, members, specialist) with everyone reading `locale`, the
    browser at `width` px; returns `(t, slug, group_id)`."""
    app = live_server.app

    def t(text, **values):
        return translate(app, text, locale, **values)

    slug, group_id = build_group(app, make_user, members=members)
    with work(app):
        db.session.execute(update(User).values(locale=locale))
    page.set_viewport_size({"width": width, "height": 900})
    return t, slug, group_id


def sign_in(page, t, email, base, locale):
    page.context.clear_cookies()
    page.goto(f"/?lang={locale}")
    log_in(page, t, email, base)


def open_menu_link(page, name):
    """Open the header's menu and follow one of its links."""
    menu = page.locator("header details.dropdown")
    menu.locator("summary").click()
    menu.get_by_role("link", name=name).click()


@pytest.mark.parametrize(("locale", "width"), WALKS)
def test_a_member_controls_what_reaches_her(live_server, page, make_user, locale, width):
    app, base = live_server.app, live_server.url
    t, slug, group_id = start(live_server, page, make_user, locale, width)
    with work(app):
        member1, group = user("member1@example.org"), db.session.get(Group, group_id)
        send_message(user("member2@example.org"), member1, HELLO)
        groups.offer_engagement_role(user("leader@example.org"), membership_of(member1, group), "ambassador")
    my_roles = f"/groups/{slug}/my-roles"

    # The unread message has its own count on the header's "Messages", not under "Menu".
    sign_in(page, t, "member1@example.org", base, locale)
    messages = page.locator("header .nav-links").get_by_role("link", name=t("Messages"))
    expect(messages).to_be_visible()
    expect(messages.locator(".count")).to_be_visible()
    expect(messages.locator(".count [aria-hidden=true]")).to_have_text("1")
    expect(page.locator("header details.dropdown").get_by_role("link", name=t("Messages"))).to_have_count(0)
    assert_accessible(page)

    # Her account: one digest a week instead of an email for each thing; kept after a reload.
    open_menu_link(page, t("My account"))
    expect(page).to_have_url(base + "/auth/account")
    frequency = page.get_by_label(t("Emails about my groups, events and help requests"), exact=True)
    expect(frequency).to_have_value("now")
    frequency.select_option(label=t("One digest a week"))
    page.locator("main").get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.reload()
    expect(page.get_by_label(t("Emails about my groups, events and help requests"), exact=True)).to_have_value("weekly")
    expect(page.locator(".flash-success")).to_have_count(0)
    assert_accessible(page)

    # On the group's page she leaves this group out of her digest; kept after a reload.
    page.goto(f"/groups/{slug}")
    page.get_by_role("button", name=t("Leave this group out of my email digest")).click()
    expect(page.locator(".flash-success")).to_have_text(
        t("%(group)s is left out of your email digest.", group="Семьи Казани")
    )
    page.reload()
    expect(page.get_by_role("button", name=t("Put this group back in my email digest"))).to_be_visible()
    expect(page.get_by_role("button", name=t("Leave this group out of my email digest"))).to_have_count(0)
    assert_accessible(page)
    with work(app):
        assert membership_of(user("member1@example.org"), db.session.get(Group, group_id)).muted

    # The invitation to be an ambassador is new until she answers it, then no longer.
    open_menu_link(page, t("Notifications"))
    invitation = page.locator(".notice-list li").filter(has=page.locator(f'a[href="{my_roles}"]'))
    expect(invitation).to_have_class(re.compile(r"\bunread\b"))
    # The role by its name in her language, never its key ("ambassador" in Russian).
    expect(invitation.get_by_role("link")).to_have_text(
        t("%(group)s invites you to take a role: %(role)s.", group="Семьи Казани", role=t("ambassador"))
    )
    expect(invitation.locator(".visually-hidden")).to_have_text(t("New:"))
    assert_accessible(page)
    invitation.get_by_role("link").click()
    expect(page).to_have_url(base + my_roles)
    assert_accessible(page)
    page.locator("main").get_by_role("button", name=t("Accept"), exact=True).click()
    expect(page.locator(".flash-success")).to_have_text(t("Thank you for your answer."))
    open_menu_link(page, t("Notifications"))
    expect(invitation).to_have_count(1)
    expect(invitation).not_to_have_class(re.compile(r"\bunread\b"))
    expect(invitation.locator(".visually-hidden")).to_have_count(0)
    # The message, not yet read, is still new.
    wrote = page.locator(".notice-list li").filter(has_text=t("%(name)s wrote to you.", name="Участник 2"))
    expect(wrote).to_have_class(re.compile(r"\bunread\b"))
    assert_accessible(page)


@pytest.mark.parametrize(("locale", "width"), WALKS)
def test_the_directory_finds_moscow_however_it_is_spelt(live_server, page, make_user, locale, width):
    app = live_server.app
    t, _, _ = start(live_server, page, make_user, locale, width, members=1)
    with work(app):
        moscow = groups.create_group(
            user("leader@example.org"), "Семьи столицы", "Москва", "О группе", "Как вступить", "open"
        ).slug

    cards = page.locator(".cards")
    search_box = page.get_by_label(t("Search by name, city or region"), exact=True)

    def search(query):
        search_box.fill(query)
        page.locator("main").get_by_role("button", name=t("Search"), exact=True).click()
        expect(page).to_have_url(re.compile(r"/groups/\?q="))
        expect(search_box).to_have_value(query)

    page.goto(f"/groups/?lang={locale}")
    expect(cards.get_by_role("link")).to_have_count(2)  # before a search, every group
    for query in ("Moscow", "moskva", "москва", "МОСКВА", "Москва"):
        search(query)
        found = cards.get_by_role("link")
        expect(found).to_have_text(["Семьи столицы"])  # and not the Kazan group
        expect(found).to_have_attribute("href", f"/groups/{moscow}/")
        expect(cards.locator(".group-card .meta")).to_contain_text("Москва")
        assert_accessible(page)

    # By region: Tatarstan finds the Kazan group, not the Moscow one.
    search("Татарстан")
    expect(cards.get_by_role("link")).to_have_text(["Семьи Казани"])

    # A member who gives her city in her profile sees the groups near her first (before, the
    # bigger Kazan group comes first).
    sign_in(page, t, "member1@example.org", live_server.url, locale)
    page.goto("/groups/")
    expect(cards.get_by_role("link")).to_have_text(["Семьи Казани", "Семьи столицы"])
    expect(cards.locator(".badge", has_text=t("near you"))).to_have_count(0)
    page.get_by_role("link", name=t("Add your city to your profile to see the groups near you first.")).click()
    page.get_by_label(t("City (optional)"), exact=True).fill("Москва")
    page.locator("main").get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto("/groups/")
    expect(page.get_by_text(t("Groups in %(city)s and near it come first.", city="Москва"))).to_be_visible()
    expect(cards.get_by_role("link")).to_have_text(["Семьи столицы", "Семьи Казани"])
    near = cards.locator(".group-card").first.locator(".badge", has_text=t("near you"))
    expect(near).to_be_visible()
    expect(cards.locator(".badge", has_text=t("near you"))).to_have_count(1)
    assert_accessible(page)


@pytest.mark.parametrize(("locale", "width"), WALKS)
def test_a_helper_answers_changes_and_takes_back_and_resolved_is_explained(live_server, page, make_user, locale, width):
    app, base = live_server.app, live_server.url
    t, slug, group_id = start(live_server, page, make_user, locale, width)
    with work(app):
        need = help_service.create_request(
            user("member1@example.org"),
            db.session.get(Group, group_id),
            "need",
            NEED,
            "",
            "things",
            "week",
            None,
            False,
        )
        db.session.flush()
        request_url = f"/help/{need.id}"
    resolved_vs_closed = t(
        "Resolved: you got the help, and you can thank who helped. Closed: you no longer need it, "
        "or nobody could help; nobody is thanked. You can reopen either later."
    )

    def resolve_button():
        return page.locator("main .actions").get_by_role("button", name=t("Mark as resolved"), exact=True)

    def not_primary():
        button = resolve_button()
        expect(button).to_have_class(re.compile(r"\bsecondary\b"))
        expect(button).to_have_class(re.compile(r"\boutline\b"))
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgba(0, 0, 0, 0)"

    # The author, before anyone answers: "Mark as resolved" is a quiet outline button, and the
    # page says how resolved differs from closed.
    sign_in(page, t, "member1@example.org", base, locale)
    page.goto(request_url)
    not_primary()
    expect(page.locator(".help-detail .hint")).to_have_text(resolved_vs_closed)
    expect(page.locator("section[aria-labelledby=answers] .empty")).to_be_visible()
    assert_accessible(page)

    # A helper offers help and sees her answer with what happens next.
    sign_in(page, t, "member2@example.org", base, locale)
    page.goto(request_url)
    page.get_by_label(t("Your message"), exact=True).fill(OFFER)
    page.get_by_role("button", name=t("I can help"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(base + request_url)))
    expect(page.locator(".flash-success")).to_be_visible()
    mine = page.locator("#my-answer")
    expect(mine.get_by_role("heading", name=t("Your answer"))).to_be_visible()
    expect(mine.locator(".prose")).to_have_text(OFFER)
    expect(mine).to_contain_text(t("What happens next"))
    expect(mine).to_contain_text(
        t(
            "The author reads your answer and accepts it if it fits. "
            "Then you can agree on the details here; we will tell you by email."
        )
    )
    expect(page.get_by_role("button", name=t("I can help"), exact=True)).to_have_count(0)
    assert_accessible(page)

    # She changes it.
    mine.get_by_role("link", name=t("Change my answer")).click()
    message = page.get_by_label(t("Your message"), exact=True)
    expect(message).to_have_value(OFFER)
    assert_accessible(page)
    message.fill(OFFER_CHANGED)
    page.locator("main").get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.locator(".flash-success")).to_have_text(t("Your answer is changed."))
    expect(mine.locator(".prose")).to_have_text(OFFER_CHANGED)

    # The author now has an answer: "Mark as resolved" becomes her main button. She accepts the
    # helper and reaches their thread from the request page.
    sign_in(page, t, "member1@example.org", base, locale)
    page.goto(request_url)
    answers = page.locator("section[aria-labelledby=answers]")
    expect(answers).to_contain_text(OFFER_CHANGED)
    expect(resolve_button()).not_to_have_class(re.compile(r"\b(secondary|outline)\b"))
    assert resolve_button().evaluate("b => getComputedStyle(b).backgroundColor") != "rgba(0, 0, 0, 0)"
    expect(page.locator(".help-detail .hint")).to_have_text(resolved_vs_closed)
    assert_accessible(page)
    answers.get_by_role("button", name=t("Accept"), exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".status-line")).to_contain_text(t("Someone is helping"))
    talk = page.locator(".help-detail .notice").get_by_role("link")
    expect(talk).to_have_text(t("Talk with %(names)s about the details", names="Участник 2"))
    expect(talk).to_have_attribute("href", "#thread")
    talk.click()
    thread = page.locator("#thread")
    expect(thread.get_by_role("heading", level=2)).to_have_text(t("Talk about the details"))
    expect(thread.get_by_role("button", name=t("Send"), exact=True)).to_be_visible()
    expect(thread).to_be_in_viewport()
    assert_accessible(page)

    # The helper sees she is accepted and what comes next; then she takes her answer back, after
    # a confirmation, and can answer again.
    sign_in(page, t, "member2@example.org", base, locale)
    page.goto(request_url)
    expect(page.locator("#my-answer")).to_contain_text(t("The author accepted your help. Agree on the details below."))
    page.locator("#my-answer").get_by_role("link", name=t("Take my answer back")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Take your answer back?"))
    assert_accessible(page)
    page.locator("main").get_by_role("button", name=t("Yes, take my answer back"), exact=True).click()
    expect(page).to_have_url(base + request_url)
    expect(page.locator(".flash-success")).to_have_text(
        t("Your answer is taken back. The author no longer counts on you.")
    )
    expect(page.locator("#my-answer")).to_have_count(0)
    expect(page.get_by_label(t("Your message"), exact=True)).to_have_value("")
    assert_accessible(page)

    # The author sees no answer again, the request open again, and "Mark as resolved" quiet again.
    sign_in(page, t, "member1@example.org", base, locale)
    page.goto(request_url)
    expect(page.locator(".status-line")).to_contain_text(t("Open"))
    expect(page.locator("#thread")).to_have_count(0)
    expect(page.locator("section[aria-labelledby=answers]")).not_to_contain_text(OFFER_CHANGED)
    not_primary()
