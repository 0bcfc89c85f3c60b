"""A leader plans a monthly meeting ("the first Saturday, 11:00–13:00") in a real browser, in
Europe/Berlin (across the spring clock change) and in Europe/Moscow (no change), in Russian
on a 360-px phone and in English at 1280 px; moves "this and the following meetings" to
12:00; cancels one meeting, and the parent registered for it gets the email."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.events import registration
from community.events.models import CANCELLED, Event
from community.extensions import db
from community.groups import service as groups
from tests.conftest import work
from tests.e2e.helpers import assert_accessible, log_in, translate, wait_for_mail
from tests.events_helpers import user

LEADER, PARENT, LATER = "leader@example.org", "parent@example.org", "later@example.org"
TITLE = "Встреча клуба замещающих семей"


def meetings(app):
    with app.app_context():
        return db.session.scalars(select(Event).order_by(Event.starts_at)).all()


@pytest.mark.parametrize(
    "zone, locale, width",
    [("Europe/Berlin", "ru", 360), ("Europe/Moscow", "en", 1280), ("Europe/Berlin", "en", 1280)],
)
def test_leader_plans_a_monthly_meeting_edits_the_following_and_cancels_one(
    live_server, page, make_user, mailbox, zone, locale, width
):
    app, base = live_server.app, live_server.url

    def t(text, **values):
        return translate(app, text, locale, **values)

    make_user(LEADER, name="Марина", locale=locale)
    make_user(PARENT, name="Ольга", locale=locale)
    make_user(LATER, name="Пётр", locale=locale)
    with work(app):
        group = groups.create_group(user(LEADER), "Семьи Берлина", "Берлин", "О нас", "Для всех", "open", zone)
        groups.join_group(user(PARENT), group)
        groups.join_group(user(LATER), group)
        slug = group.slug
    page.set_viewport_size({"width": width, "height": 900})

    # The leader plans the series from the group's page.
    log_in(page, lambda text: translate(app, text), LEADER, base)  # the login page follows the browser: Russian
    page.goto(f"/groups/{slug}/")
    page.get_by_role("link", name=t("Plan a regular meeting (e.g. every first Saturday)")).click()
    expect(page.get_by_role("heading", name=t("New regular meeting"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label(t("Title"), exact=True).fill(TITLE)
    page.get_by_label(t("Monthly on a day of the week (e.g. the first Saturday)")).check()
    page.get_by_label(t("Day of the week"), exact=True).select_option(label=t("Saturday"))
    page.get_by_label(t("Which one in the month"), exact=True).select_option(label=t("first"))
    page.get_by_label(t("First meeting on or after"), exact=True).fill("2027-02-01")
    page.get_by_label(t("Starts at"), exact=True).fill("11:00")
    page.get_by_label(t("Ends at"), exact=True).fill("13:00")
    page.get_by_label(t("Place"), exact=True).fill("")
    page.get_by_role("button", name=t("Publish the meetings")).click()
    # A mistake is answered next to its field, and what was typed stays.
    expect(page.get_by_text(t("Please give a place or an online link."))).to_be_visible()
    expect(page.get_by_label(t("Title"), exact=True)).to_have_value(TITLE)
    assert_accessible(page)
    page.get_by_label(t("Place"), exact=True).fill("Библиотека, Hauptstraße 1")
    page.get_by_role("button", name=t("Publish the meetings")).click()

    clock = "11:00–13:00" if locale == "ru" else "11:00\u202fAM–1:00\u202fPM"
    rule = t("every first Saturday of the month") + ", " + clock
    expect(page.get_by_text(rule)).to_be_visible()
    assert_accessible(page)
    created = meetings(app)
    assert [m.starts_at.astimezone(ZoneInfo(zone)).date() for m in created] == [
        date(2027, 2, 6),
        date(2027, 3, 6),
        date(2027, 4, 3),
        date(2027, 5, 1),
    ]
    assert {m.starts_at.astimezone(ZoneInfo(zone)).hour for m in created} == {11}
    utc_hours = [m.starts_at.hour for m in created]
    assert utc_hours == ([10, 10, 9, 9] if zone == "Europe/Berlin" else [8, 8, 8, 8])
    first, second, third = created[:3]
    with work(app):
        registration.register(user(PARENT), db.session.get(Event, first.id))
        registration.register(user(LATER), db.session.get(Event, third.id))

    # This and the following: from the second meeting on, 12:00–14:00.
    page.goto(f"/events/{second.id}")
    expect(page.get_by_text(t("A regular meeting: %(rule)s.", rule=rule))).to_be_visible()
    page.get_by_role("link", name=t("Edit this and the following meetings")).click()
    assert_accessible(page)
    page.get_by_label(t("Starts at"), exact=True).fill("12:00")
    page.get_by_label(t("Ends at"), exact=True).fill("14:00")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(
        page.get_by_text(t("Saved for this and the following meetings. Registered people are told of any change."))
    ).to_be_visible()
    after = {m.id: m for m in meetings(app)}
    assert after[first.id].starts_at == first.starts_at
    assert after[third.id].starts_at.astimezone(ZoneInfo(zone)).hour == 12
    wait_for_mail(mailbox, LATER)  # told of the new time
    assert mailbox.to(PARENT) == []

    # One meeting cancelled: the parent registered for it hears.
    page.goto(f"/events/{first.id}")
    page.get_by_role("link", name=t("Cancel this meeting")).click()
    page.get_by_role("button", name=t("Cancel the event")).click()
    expect(page.get_by_text(t("The event is cancelled. Everyone who registered is told."))).to_be_visible()
    assert meetings(app)[0].status == CANCELLED
    wait_for_mail(mailbox, PARENT)

    # The series page lists what is coming, cancelled ones marked.
    page.goto(f"/series/{after[third.id].series_id}")
    expect(page.get_by_role("heading", name=t("Coming meetings"))).to_be_visible()
    assert_accessible(page)
