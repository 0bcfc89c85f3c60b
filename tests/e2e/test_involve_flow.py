"""The whole "Done when" of involvement in a real browser, in Russian on a 360-px phone and in
English on a 1280-px screen, with axe on every page: a specialist publishes an opportunity;
two parents apply; one is accepted, the other declined with a reason she then reads; a session
is held and who took part recorded; the accepted parent claims travel with a photo of the
receipt; the specialist approves and marks it paid; the accountant's CSV holds the claim."""

import re
from contextlib import ExitStack
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, log_in, translate, wait_for_mail
from tests.involve_helpers import SPECIALIST_EMAIL, build_world, parent

TITLE = "Родительский совет по службе передышки"
REASON = "Сейчас мы ищем семьи, которые уже пользовались передышкой. Позовём вас в следующий раз!"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + (
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\r\xefF\xb8\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize("locale, width", [("ru", 360), ("en", 1280)])
def test_from_an_invitation_to_costs_paid(live_server, page, make_user, mailbox, tmp_path, locale, width):
    app, base = live_server.app, live_server.url
    app.config["RECEIPTS_DIR"] = str(tmp_path / "receipts")

    def t(text, **values):
        return translate(app, text, locale, **values)

    build_world(app, make_user, parents=2)
    from community.auth.models import User
    from community.extensions import db
    from tests.conftest import work

    with work(app):
        for person in db.session.scalars(db.select(User)):
            person.locale = locale

    with ExitStack() as contexts:

        def open_screen(email):
            context = contexts.enter_context(
                page.context.browser.new_context(
                    viewport={"width": width, "height": 900}, locale=f"{locale}-RU", base_url=base
                )
            )
            screen = context.new_page()
            log_in(screen, t, email, base)
            return screen

        # The specialist publishes an opportunity with every part the framework asks for.
        specialist = open_screen(SPECIALIST_EMAIL)
        specialist.goto("/orgs/fond/involve/")
        assert_accessible(specialist)
        specialist.get_by_role("button", name=t("New opportunity"), exact=True).first.click()
        today = date.today()
        specialist.get_by_label(t("Title"), exact=True).fill(TITLE)
        specialist.get_by_label(t("Purpose: what we want to achieve together"), exact=True).fill(
            "Вместе сделать службу передышки удобнее."
        )
        specialist.get_by_label(t("What can change, and what cannot"), exact=True).fill(
            "Можем менять расписание; не можем менять бюджет."
        )
        specialist.get_by_label(t("Services: how the organisation's services work"), exact=True).check()
        specialist.get_by_label(t("Role of the parents who take part"), exact=True).select_option("consultant")
        specialist.get_by_label(t("Who can take part (open criteria)"), exact=True).fill(
            "Приёмная семья не меньше года; пользовались передышкой."
        )
        specialist.get_by_label(t("Places"), exact=True).fill("1")
        specialist.get_by_label(t("Apply by"), exact=True).fill((today + timedelta(days=10)).isoformat())
        specialist.get_by_label(t("Time asked"), exact=True).fill("Три встречи по два часа")
        specialist.get_by_label(t("Starts on"), exact=True).fill((today - timedelta(days=3)).isoformat())
        specialist.get_by_label(t("Ends on"), exact=True).fill((today + timedelta(days=60)).isoformat())
        specialist.get_by_label(t("Preparation and support we offer"), exact=True).fill("Встреча-знакомство заранее.")
        specialist.get_by_label(t("We pay travel costs"), exact=True).check()
        specialist.get_by_label(t("Most per session and kind of cost, in roubles (optional)"), exact=True).fill("500")
        assert_accessible(specialist)
        specialist.locator("main").get_by_role("button", name=t("Publish"), exact=True).click()
        expect(specialist).to_have_url(re.compile(re.escape(base) + r"/involve/\d+$"))
        expect(specialist.locator(".flashes .flash-success")).to_be_visible()
        opportunity_url = specialist.url
        assert_accessible(specialist)

        # Two parents find it on their home page and apply.
        for email, note in (
            (parent(1), "Мы приёмная семья пять лет, пользовались передышкой."),
            (parent(2), "Хочу помочь."),
        ):
            screen = open_screen(email)
            screen.get_by_role("link", name=TITLE).click()
            expect(screen).to_have_url(opportunity_url)
            screen.get_by_label(t("A few words about you"), exact=True).fill(note)
            screen.get_by_role("button", name=t("Send my application"), exact=True).click()
            expect(screen.locator(".flashes .flash-success")).to_be_visible()
            assert_accessible(screen)
            if email == parent(2):
                second = screen
            else:
                first = screen

        # The specialist accepts the first and declines the second with a reason.
        specialist.goto(opportunity_url + "/applicants")
        assert_accessible(specialist)
        specialist.locator("li", has_text="Родитель 1").get_by_role("button", name=t("Answer")).click()
        assert_accessible(specialist)
        specialist.get_by_role("button", name=t("Accept"), exact=True).click()
        expect(specialist.locator(".flashes .flash-success")).to_be_visible()
        specialist.locator("li", has_text="Родитель 2").get_by_role("button", name=t("Answer")).click()
        specialist.get_by_label(t("Your words to the applicant"), exact=True).fill(REASON)
        specialist.get_by_role("button", name=t("Decline"), exact=True).click()
        expect(specialist.locator(".flashes .flash-success")).to_be_visible()

        # The declined parent reads the reason on the page, and in her email.
        second.goto(opportunity_url)
        expect(second.locator("section[aria-labelledby=my-application]")).to_contain_text(REASON)
        assert_accessible(second)
        [answer] = wait_for_mail(mailbox, parent(2), subject=t("Your application: %(title)s", title=TITLE))
        assert REASON in mailbox.text(answer)

        # A session took place yesterday; the specialist records who took part.
        specialist.goto(opportunity_url)
        specialist.get_by_role("link", name=t("Add a session"), exact=True).click()
        specialist.get_by_label(t("Title"), exact=True).fill("Первая встреча совета")
        specialist.get_by_label(t("Date"), exact=True).fill((today - timedelta(days=1)).isoformat())
        specialist.get_by_label(t("Starts at"), exact=True).fill("11:00")
        specialist.get_by_label(t("Ends at"), exact=True).fill("13:00")
        assert_accessible(specialist)
        specialist.get_by_role("button", name=t("Add the session"), exact=True).click()
        expect(specialist.locator(".flashes .flash-success")).to_be_visible()
        specialist.get_by_role("link", name=t("Who took part"), exact=True).click()
        expect(specialist.get_by_label("Родитель 1")).to_be_checked()
        assert_accessible(specialist)
        specialist.get_by_role("button", name=t("Save"), exact=True).click()
        expect(specialist.locator(".flashes .flash-success")).to_contain_text(t("Saved: %(count)d took part.", count=1))

        # The accepted parent claims travel with a photo of the receipt.
        receipt = tmp_path / "bilet.png"
        receipt.write_bytes(PNG)
        first.goto("/claims/")
        assert_accessible(first)
        first.get_by_role("button", name=t("Claim costs"), exact=True).click()
        expect(first.get_by_label(t("travel"), exact=True)).to_be_checked()
        first.get_by_label(t("Amount in roubles"), exact=True).fill("350,50")
        first.get_by_label(t("Receipt (optional)"), exact=True).set_input_files(str(receipt))
        first.get_by_label(t("Note (optional)"), exact=True).fill("Метро туда и обратно")
        assert_accessible(first)
        first.get_by_role("button", name=t("Send the claim"), exact=True).click()
        expect(first).to_have_url(re.compile(re.escape(base) + r"/claims/\d+$"))
        claim_url = first.url
        expect(first.locator("h1")).to_contain_text("350")
        assert_accessible(first)

        # The specialist approves it, then marks it paid; the parent is told each time.
        specialist.goto("/orgs/fond/claims")
        assert_accessible(specialist)
        specialist.locator(f"a[href='{claim_url.removeprefix(base)}']").click()
        expect(specialist.get_by_role("link", name=t("Open the receipt"), exact=True)).to_be_visible()
        receipt_response = specialist.request.get(claim_url + "/receipt")
        assert receipt_response.status == 200 and receipt_response.body() == PNG
        specialist.get_by_role("button", name=t("Decide"), exact=True).click()
        assert_accessible(specialist)
        specialist.get_by_role("button", name=t("Approve the claim"), exact=True).click()
        expect(specialist.locator(".flashes .flash-success")).to_be_visible()
        specialist.get_by_role("button", name=t("Mark as paid"), exact=True).click()
        expect(specialist.locator(".register-box")).to_contain_text(t("Paid on %(date)s", date="").strip())
        assert_accessible(specialist)
        first.goto(claim_url)
        expect(first.locator(".register-box .flash-success")).to_be_visible()
        paid = t("Your cost claim: %(status)s", status=t("paid"))
        wait_for_mail(mailbox, parent(1), subject=paid)

        # The accountant's CSV holds the claim.
        csv = specialist.request.get(base + "/orgs/fond/claims.csv")
        assert csv.status == 200
        text = csv.text()
        assert "350.50" in text and "Родитель 1" in text and t("paid") in text
