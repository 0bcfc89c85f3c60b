"""Two parents in real browsers: one starts a group that admits by approval, the other asks to
join, the first approves from the email link, and the newcomer's first post appears in the feed."""

from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, log_in, translate, wait_for_mail

NAME, CITY = "Приёмные семьи Казани", "Казань"
SLUG = "priemnye-semi-kazani"


def test_a_parent_starts_a_group_another_joins_and_posts(live_server, page, chromium, make_user, mailbox):
    app = live_server.app

    def t(text):
        return translate(app, text)

    make_user("anna@example.org", name="Анна")
    make_user("boris@example.org", name="Борис")

    # Anna starts a group that admits by approval.
    log_in(page, t, "anna@example.org", live_server.url)
    page.goto("/groups/new")
    assert_accessible(page)
    page.get_by_label(t("Group name"), exact=True).fill(NAME)
    page.get_by_label(t("City or region"), exact=True).fill(CITY)
    page.get_by_label(t("What the group is about"), exact=True).fill("Встречаемся раз в месяц и делимся опытом.")
    page.get_by_label(t("How to join"), exact=True).fill("Для приёмных родителей Казани.")
    page.get_by_label(t("A leader approves each request")).check()
    page.get_by_role("button", name=t("Create the group")).click()
    expect(page).to_have_url(f"{live_server.url}/groups/{SLUG}/")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    assert_accessible(page)

    # Boris, on his own phone, finds it by city and asks to join.
    boris_context = chromium.new_context(
        viewport={"width": 360, "height": 800}, locale="ru-RU", base_url=live_server.url
    )
    try:
        boris = boris_context.new_page()
        log_in(boris, t, "boris@example.org", live_server.url)
        boris.goto("/groups/")
        boris.get_by_label(t("Search by name, city or region")).fill("казань")
        boris.get_by_role("button", name=t("Search")).click()
        assert_accessible(boris)
        boris.get_by_role("link", name=NAME).click()
        expect(boris.get_by_text("Для приёмных родителей Казани.")).to_be_visible()
        boris.get_by_role("button", name=t("Ask to join")).click()
        assert_accessible(boris)
        boris.get_by_label(t("A few words to the leaders (optional)")).fill("Мы опекуны, сыну восемь лет.")
        boris.get_by_role("button", name=t("Send the request")).click()
        expect(boris.locator(".flash-success")).to_be_visible()

        # Anna follows the link in her email and approves.
        [request_email] = wait_for_mail(mailbox, "anna@example.org")
        [link] = [link for link in mailbox.links(request_email) if link.endswith(f"/groups/{SLUG}/requests")]
        assert link.startswith(live_server.url)
        page.goto(link)
        expect(page.locator("main")).to_contain_text("Мы опекуны, сыну восемь лет.")
        assert_accessible(page)
        page.get_by_role("button", name=t("Approve")).click()
        expect(page.locator(".flash-success")).to_contain_text("Борис")

        # Boris is welcomed by email and writes his first post.
        [welcome] = wait_for_mail(mailbox, "boris@example.org")
        assert any(link.endswith(f"/groups/{SLUG}/") for link in mailbox.links(welcome))
        boris.goto(f"/groups/{SLUG}/")
        boris.get_by_role("button", name=t("New post")).click()
        assert_accessible(boris)
        boris.get_by_label(t("Title"), exact=True).fill("Кто идёт в субботу в парк?")
        boris.get_by_label(t("Text"), exact=True).fill("Можем встретиться у входа в 11:00.")
        boris.get_by_role("button", name=t("Publish")).click()
        expect(boris.locator(".flash-success")).to_be_visible()
        boris.get_by_role("link", name=NAME).click()
        expect(boris.locator(".post-list")).to_contain_text("Кто идёт в субботу в парк?")
    finally:
        boris_context.close()

    # Anna sees it in her feed.
    page.goto(f"/groups/{SLUG}/")
    expect(page.locator(".post-list")).to_contain_text("Кто идёт в субботу в парк?")
