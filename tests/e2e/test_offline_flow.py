"""A member without an account, in a real browser: in Russian on a 360-px phone and in English
on a 1280-px screen, axe on every page (the `page` fixture checks the HTML and that nothing is
wider than the screen). The leader adds a parent with no smartphone or email (a wrong phone
number is answered next to the field, what was typed stays), registers her for a meeting,
marks her as come, sees her badge on the members list with no "Write", and deletes her at her
request, after a confirmation."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.events.models import Event, Registration
from community.extensions import db
from community.models import utcnow
from community.offline.models import OfflineMember
from tests.conftest import work
from tests.e2e.helpers import assert_accessible, log_in, translate
from tests.events_helpers import build_group, make_event

NAME = "Галина Петровна"


@pytest.mark.parametrize("locale, width", [("ru", 360), ("en", 1280)])
def test_leader_adds_registers_marks_and_deletes_a_member_without_an_account(
    live_server, page, make_user, mailbox, locale, width
):
    app, base = live_server.app, live_server.url

    def t(text, **values):
        return translate(app, text, locale, **values)

    slug, group_id = build_group(app, make_user)
    event_id = make_event(app, group_id)
    with work(app):
        from community.auth.models import User

        for person in db.session.scalars(select(User)):
            person.locale = locale
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, lambda text: translate(app, text), "leader@example.org", base)

    page.goto(f"/groups/{slug}/members")
    page.get_by_role("link", name=t("Members without an account"), exact=True).click()
    expect(
        page.get_by_text(
            t(
                "Nobody yet. When a parent without a smartphone or email comes to the group, ask whether they agree to be written down, then add them."
            )
        )
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=t("Add a member without an account")).click()

    # A wrong phone number: answered next to the field, the name stays.
    page.get_by_label(t("Name (as the group knows them)")).fill(NAME)
    page.get_by_label(t("Phone number (optional, only if they agreed to give it)")).fill("позвоните")
    page.get_by_role("button", name=t("Add to the group")).click()
    expect(
        page.get_by_text(t("This does not look like a phone number: digits, with + ( ) - and spaces if you like."))
    ).to_be_visible()
    expect(page.get_by_label(t("Name (as the group knows them)"))).to_have_value(NAME)
    assert_accessible(page)
    page.get_by_label(t("Phone number (optional, only if they agreed to give it)")).fill("+7 912 345-67-89")
    page.get_by_role("button", name=t("Add to the group")).click()
    expect(page.get_by_text(t("%(name)s is now a member of the group.", name=NAME))).to_be_visible()
    assert_accessible(page)

    # Registered for the meeting from her page.
    meeting = page.locator("#meetings li").filter(has_text="Встреча клуба")
    meeting.get_by_role("button", name=t("Register")).click()
    expect(page.get_by_text(t("%(name)s is registered.", name=NAME))).to_be_visible()
    expect(meeting.get_by_role("button", name=t("Cancel registration"))).to_be_visible()
    assert_accessible(page)

    # The meeting is held; the leader marks who came, her among them.
    with work(app):
        event = db.session.get(Event, event_id)
        event.starts_at = utcnow().replace(microsecond=0) - timedelta(hours=3)
        event.ends_at = event.starts_at + timedelta(hours=2)
    page.goto(f"/events/{event_id}/attendance")
    expect(page.get_by_label(NAME)).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name=t("Save")).click()
    with work(app):
        person_id = db.session.scalar(select(OfflineMember.user_id))
        assert db.session.scalar(select(Registration.attended).where(Registration.user_id == person_id)) is True

    # On the members list: a badge, and no "Write".
    page.goto(f"/groups/{slug}/members")
    row = page.locator(".member-list li").filter(has_text=NAME)
    expect(row.get_by_text(t("no account"), exact=True)).to_be_visible()
    expect(row.get_by_role("link", name=t("Write"))).to_have_count(0)
    assert_accessible(page)

    # Deleted at her request, after a confirmation.
    row.get_by_role("link", name=t("Meetings and details")).click()
    page.locator(".member-list li").filter(has_text=NAME).get_by_role("link", name=t("Meetings and details")).click()
    page.get_by_role("link", name=t("Delete at their request")).click()
    expect(page.get_by_role("heading", name=t("Delete %(name)s?", name=NAME))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=t("Delete %(name)s", name=NAME)).click()
    expect(page.get_by_text(t("%(name)s and their records are deleted.", name=NAME))).to_be_visible()
    expect(page.get_by_text(t("deleted a member at their request"))).to_be_visible()
    assert_accessible(page)
    with work(app):
        assert db.session.scalar(select(OfflineMember.id)) is None
