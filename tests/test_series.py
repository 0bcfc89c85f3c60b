"""Regular meetings: the rule across daylight-saving changes, the meetings created ahead
(idempotently), "this meeting" and "this and the following", ending, the calendar file,
the rule in words, and the health indicators counting held meetings."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from community.events import registration
from community.events import service as events
from community.events.models import CANCELLED, PUBLISHED, Event, Registration
from community.extensions import db
from community.models import utcnow
from community.scheduler import SCHEDULE
from community.series import rules, service
from community.series.models import EventSeries
from tests.conftest import Browser, work
from tests.events_helpers import build_group, user
from tests.series_helpers import form, make_series, rule


@pytest.fixture
def world(app, make_user):
    slug, group_id = build_group(app, make_user)
    return {"slug": slug, "group_id": group_id}


def as_(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def meetings_of(app, series_id):
    with app.app_context():
        return db.session.scalars(select(Event).where(Event.series_id == series_id).order_by(Event.starts_at)).all()


def local_times(items, zone):
    from zoneinfo import ZoneInfo

    return [
        (e.starts_at.astimezone(ZoneInfo(zone)).date(), e.starts_at.astimezone(ZoneInfo(zone)).time()) for e in items
    ]


# --- the rule, on the wall clock --------------------------------------------------------------


def _occurrences(zone, **overrides):
    values = {**rule(**overrides), "timezone": zone}
    return rules.occurrences(values, datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    "zone, winter_utc, summer_utc",
    [
        ("Europe/Berlin", time(10, 0), time(9, 0)),  # CET -> CEST on 28 March 2027
        ("America/New_York", time(16, 0), time(15, 0)),  # EST -> EDT on 14 March 2027
        ("Europe/Moscow", time(8, 0), time(8, 0)),  # no daylight saving
        ("Asia/Novosibirsk", time(4, 0), time(4, 0)),  # no daylight saving
    ],
)
def test_first_saturday_stays_at_eleven_local_across_daylight_saving(zone, winter_utc, summer_utc):
    found = _occurrences(zone, starts_on=date(2027, 1, 1))
    assert len(found) == 12
    for occurrence in found:
        local = occurrence.starts_at.astimezone(__import__("zoneinfo").ZoneInfo(zone))
        assert local.weekday() == 5 and local.day <= 7 and local.time() == time(11, 0)
        assert occurrence.ends_at - occurrence.starts_at == timedelta(hours=2)
    assert found[0].starts_at.time() == winter_utc  # 2 January 2027
    assert found[5].starts_at.time() == summer_utc  # 5 June 2027


def test_last_friday_every_other_week_and_a_date_each_month():
    last = _occurrences("Europe/Berlin", nth=-1, weekday=4, starts_on=date(2027, 1, 1), count=3)
    assert [o.starts_at.date() for o in last] == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26)]
    fortnightly = _occurrences("Europe/Berlin", repeat="weekly", interval=2, weekday=2, starts_on=date(2027, 1, 1))
    days = [o.starts_at.date() for o in fortnightly]
    assert days[:3] == [date(2027, 1, 6), date(2027, 1, 20), date(2027, 2, 3)]
    assert all(b - a == timedelta(days=14) for a, b in zip(days, days[1:], strict=False))
    on_31st = _occurrences("Europe/Berlin", repeat="monthly_date", monthday=31, starts_on=date(2027, 1, 1))
    assert [o.starts_at.month for o in on_31st] == [1, 3, 5, 7, 8, 10, 12]  # months without a 31st are skipped
    until = _occurrences("Europe/Berlin", starts_on=date(2027, 1, 1), until=date(2027, 3, 6))
    assert [o.starts_at.date() for o in until] == [date(2027, 1, 2), date(2027, 2, 6), date(2027, 3, 6)]


def test_a_time_the_clocks_skip_moves_forward_by_the_jump():
    found = _occurrences(
        "Europe/Berlin",
        nth=-1,
        weekday=6,
        starts_time=time(2, 30),
        ends_time=time(4, 0),
        starts_on=date(2027, 3, 1),
        count=1,
    )
    assert found[0].starts_at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 summer time


# --- creating meetings ahead ------------------------------------------------------------------------


def test_a_series_publishes_three_months_of_real_events_at_once(app, world):
    series_id = make_series(app, world["group_id"])
    found = meetings_of(app, series_id)
    assert 2 <= len(found) <= 4
    assert all(e.status == PUBLISHED and e.occurrence_at == e.starts_at for e in found)
    assert all(e.starts_at < found[0].starts_at + service.HORIZON for e in found)
    assert local_times(found, "Europe/Moscow")[0][1] == time(11, 0)
    with app.app_context():
        organisers = events.organisers(db.session.get(Event, found[0].id))
        assert [o.user.email for o in organisers] == ["leader@example.org"]


def test_the_job_is_scheduled_and_running_it_twice_creates_nothing_twice(app, world):
    assert "series.generate" in [entry.job for entry in SCHEDULE]
    series_id = make_series(app, world["group_id"])
    before = len(meetings_of(app, series_id))
    later = utcnow() + timedelta(days=70)
    with work(app):
        assert service.generate_all(now=later) >= 2
    with work(app):
        assert service.generate_all(now=later) == 0
    found = meetings_of(app, series_id)
    assert len(found) > before
    assert len({e.occurrence_at for e in found}) == len(found)


def test_a_monthly_series_across_daylight_saving_in_berlin_keeps_local_time(app, make_user):
    slug, group_id = build_group(app, make_user, timezone="Europe/Berlin")
    series_id = make_series(app, group_id, starts_on=date.today() + timedelta(days=1))
    with work(app):
        for month in range(0, 8):  # the job running month after month, over a spring and an autumn change
            service.generate_all(now=utcnow() + timedelta(days=30 * month))
    found = meetings_of(app, series_id)
    assert len(found) >= 9
    assert {t for _, t in local_times(found, "Europe/Berlin")} == {time(11, 0)}
    assert len({e.starts_at.astimezone(UTC).time() for e in found}) == 2  # 10:00 UTC in winter, 09:00 in summer


def test_a_count_or_an_end_date_stops_the_series(app, world):
    counted = make_series(app, world["group_id"], count=2)
    until = make_series(app, world["group_id"], until=date.today() + timedelta(days=40))
    with work(app):
        service.generate_all(now=utcnow() + timedelta(days=200))
    assert len(meetings_of(app, counted)) == 2
    assert all(e.starts_at.date() <= date.today() + timedelta(days=41) for e in meetings_of(app, until))


def test_rules_that_give_no_meeting_are_refused(app, world):
    from community.errors import RuleError

    with work(app), pytest.raises(RuleError) as refused:
        group = db.session.get(__import__("community.groups.models", fromlist=["Group"]).Group, world["group_id"])
        service.create_series(
            user("leader@example.org"),
            group,
            rule(repeat="monthly_date", monthday=31, until=date.today() + timedelta(days=1)),
        )
    assert refused.value.code in ("series.no-meetings", "events.in-the-past")


# --- one meeting, and this and the following ---------------------------------------------------


def register(app, email, event_id):
    with work(app):
        registration.register(user(email), db.session.get(Event, event_id))


def test_cancelling_one_meeting_tells_the_registered_and_it_is_not_created_again(app, world, mailbox):
    series_id = make_series(app, world["group_id"])
    first = meetings_of(app, series_id)[0]
    register(app, "member1@example.org", first.id)
    as_(app, "leader@example.org").submit(f"/events/{first.id}/cancel", {"reason": "Праздник"})
    assert any("Праздник" in mailbox.text(m) for m in mailbox.to("member1@example.org"))
    with work(app):
        service.generate_all()
    found = meetings_of(app, series_id)
    assert [e.status for e in found if e.occurrence_at == first.occurrence_at] == [CANCELLED]


def test_editing_this_meeting_changes_only_it(app, world):
    series_id = make_series(app, world["group_id"])
    first, second = meetings_of(app, series_id)[:2]
    page = as_(app, "leader@example.org").get(f"/events/{first.id}/edit").get_data(as_text=True)
    assert "только эта встреча" in page
    with work(app):
        values = events.event_values(db.session.get(Event, first.id))
        values["place"] = "Библиотека"
        events.update_event(user("leader@example.org"), db.session.get(Event, first.id), values)
    with work(app):
        service.generate_all()
    found = meetings_of(app, series_id)
    assert [e.place for e in found[:2]] == ["Библиотека", "Казань, ул. Баумана, 1"]


def test_this_and_the_following_splits_the_series_and_moves_the_registered(app, world, mailbox):
    series_id = make_series(app, world["group_id"], repeat="weekly", weekday=2)
    found = meetings_of(app, series_id)
    first, second, third = found[:3]
    register(app, "member1@example.org", second.id)
    register(app, "member2@example.org", first.id)
    leader = as_(app, "leader@example.org")
    page = leader.get(f"/events/{second.id}/following/edit").get_data(as_text=True)
    assert 'value="2"' in page  # Wednesday, pre-filled
    response = leader.submit(
        f"/events/{second.id}/following/edit",
        form(
            repeat="weekly",
            weekday="2",
            starts_on=local_times([second], "Europe/Moscow")[0][0].isoformat(),
            starts_time="18:00",
            ends_time="20:00",
            place="Новое место",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    after = {e.id: e for e in meetings_of(app, series_id) + meetings_of(app, series_id + 1)}
    assert local_times([after[first.id]], "Europe/Moscow")[0][1] == time(11, 0)
    assert local_times([after[second.id], after[third.id]], "Europe/Moscow")[0][1] == time(18, 0)
    assert after[second.id].place == "Новое место" and after[first.id].place != "Новое место"
    with app.app_context():
        old, new = db.session.get(EventSeries, series_id), db.session.get(EventSeries, series_id + 1)
        assert new.previous_id == old.id and after[second.id].series_id == new.id
        assert old.until == local_times([second], "Europe/Moscow")[0][0] - timedelta(days=1)
        still = db.session.scalar(
            select(Registration.status).where(
                Registration.event_id == second.id, Registration.user_id == user("member1@example.org").id
            )
        )
        assert still == "going"
    assert len(mailbox.to("member1@example.org")) == 1  # told of the new time
    assert mailbox.to("member2@example.org") == []  # the earlier meeting did not change
    # No duplicates when the job runs after the split.
    with work(app):
        service.generate_all()
    days = [d for d, _ in local_times(meetings_of(app, series_id + 1), "Europe/Moscow")]
    assert len(days) == len(set(days))


def test_a_new_rule_cancels_the_meetings_on_days_it_no_longer_meets(app, world, mailbox):
    series_id = make_series(app, world["group_id"], repeat="weekly", weekday=2)
    first, second, third = meetings_of(app, series_id)[:3]
    register(app, "member1@example.org", third.id)
    day = local_times([first], "Europe/Moscow")[0][0]
    with work(app):
        service.edit_following(
            user("leader@example.org"),
            db.session.get(Event, first.id),
            rule(repeat="weekly", interval=2, weekday=2, starts_on=day),
        )
    with app.app_context():
        statuses = {
            e.id: e.status
            for e in db.session.scalars(select(Event).where(Event.id.in_([first.id, second.id, third.id])))
        }
        assert statuses == {first.id: PUBLISHED, second.id: CANCELLED, third.id: PUBLISHED}
        # Editing from the first meeting changes the series itself: nothing to split.
        assert db.session.scalar(select(func.count(EventSeries.id))) == 1
    register(app, "member2@example.org", first.id)
    assert mailbox.to("member1@example.org") == []  # the third meeting stayed on its day and time


def test_ending_the_series_cancels_the_following_and_tells_the_registered(app, world, mailbox):
    series_id = make_series(app, world["group_id"], repeat="weekly", weekday=3)
    first, second = meetings_of(app, series_id)[:2]
    register(app, "member1@example.org", second.id)
    leader = as_(app, "leader@example.org")
    assert "Завершить регулярную встречу?" in leader.get(f"/events/{second.id}/following/end").get_data(as_text=True)
    assert leader.submit(f"/events/{second.id}/following/end").status_code == 302
    found = meetings_of(app, series_id)
    assert found[0].status == PUBLISHED and {e.status for e in found[1:]} == {CANCELLED}
    with app.app_context():
        from community.audit import AuditEvent

        assert db.session.get(EventSeries, series_id).status == "ended"
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "eventseries")))
        assert actions == {"series.create", "series.end"}
    assert len(mailbox.to("member1@example.org")) == 1
    with work(app):
        service.generate_all(now=utcnow() + timedelta(days=60))
    assert len(meetings_of(app, series_id)) == len(found)


def test_a_started_meeting_cannot_be_the_start_of_a_change(app, world):
    from community.errors import RuleError

    series_id = make_series(app, world["group_id"])
    first = meetings_of(app, series_id)[0]
    with work(app):
        meeting = db.session.get(Event, first.id)
        meeting.starts_at = utcnow() - timedelta(hours=1)
    with work(app), pytest.raises(RuleError) as refused:
        service.end_following(user("leader@example.org"), db.session.get(Event, first.id))
    assert refused.value.code == "series.meeting-started"


# --- forms -------------------------------------------------------------------------------------


def test_the_form_creates_a_series_and_the_page_says_the_rule(app, world):
    leader = as_(app, "leader@example.org")
    response = leader.submit(f"/groups/{world['slug']}/series/new", form())
    assert response.status_code == 302
    page = leader.get(response.headers["Location"]).get_data(as_text=True)
    assert "каждую первую субботу месяца, 11:00–13:00" in page
    leader.submit("/auth/language", {"lang": "en", "next": "/"}, page="/")
    english = leader.get(response.headers["Location"]).get_data(as_text=True)
    assert "every first Saturday of the month, 11:00\u202fAM–1:00\u202fPM" in english


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"repeat": "monthly_date", "monthday": ""}, "day of the month"),
        ({"ends": "until", "until": ""}, "last day"),
        ({"ends": "count", "count": "0"}, "number of meetings"),
        ({"ends_time": "10:00"}, "end must be after the start"),
        ({"starts_on": "2020-01-01"}, "in the past"),
        ({"interval": "99", "repeat": "weekly"}, "weeks from 1 to 12"),
        ({"place": ""}, "place or an online link"),
        ({"weekday": "9"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_answered_next_to_the_field_and_kept(app, world, overrides, message):
    leader = as_(app, "leader@example.org")
    leader.submit("/auth/language", {"lang": "en", "next": "/"}, page="/")
    response = leader.submit(f"/groups/{world['slug']}/series/new", form(title="Наш клуб", **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message.lower() in page.lower()
    assert 'value="Наш клуб"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(EventSeries.id))) == 0


# --- calendar, words, health -----------------------------------------------------------------


def test_the_series_calendar_file_carries_each_meeting_with_its_zone(app, world):
    series_id = make_series(app, world["group_id"])
    first = meetings_of(app, series_id)[0]
    with work(app):
        events.cancel_event(user("leader@example.org"), db.session.get(Event, first.id))
    body = as_(app, "member1@example.org").get(f"/series/{series_id}.ics")
    assert body.mimetype == "text/calendar"
    calendar = Calendar.from_ical(body.data)
    items = [c for c in calendar.walk("VEVENT")]
    assert len(items) == len(meetings_of(app, series_id))
    assert str(items[0]["uid"]) == f"event-{first.id}@krug" and str(items[0]["status"]) == "CANCELLED"
    assert items[1]["dtstart"].dt.tzinfo is not None and "Europe/Moscow" in body.get_data(as_text=True)
    assert "RRULE" not in body.get_data(as_text=True)


@pytest.mark.parametrize(
    "values, russian, english",
    [
        (
            {},
            "каждую первую субботу месяца, 11:00–13:00",
            "every first Saturday of the month, 11:00\u202fAM–1:00\u202fPM",
        ),
        ({"nth": -1, "weekday": 6}, "каждое последнее воскресенье месяца", "every last Sunday of the month"),
        (
            {"repeat": "weekly", "weekday": 2},
            "каждую среду, 11:00–13:00",
            "every Wednesday, 11:00\u202fAM–1:00\u202fPM",
        ),
        (
            {"repeat": "weekly", "weekday": 0, "interval": 2},
            "раз в 2 недели, по понедельникам",
            "every 2 weeks, on Mondays",
        ),
        ({"repeat": "monthly_date", "monthday": 15}, "каждый месяц 15-го числа", "every month on day 15"),
        ({"count": 5}, "5 встреч", "5 meetings in all"),
        ({"until": date(2027, 5, 31)}, "по 31 мая 2027", "until 31 May 2027"),
    ],
)
def test_the_rule_in_words(app, values, russian, english):
    series = EventSeries(timezone="Europe/Moscow", **rule(**values))
    for lang, expected in (("ru", russian), ("en", english)):
        with app.test_request_context(f"/?lang={lang}"):
            from flask_babel import refresh

            refresh()
            assert expected in rules.describe(series)


def test_held_meetings_count_in_the_health_indicators_like_any_event(app, world):
    from community.health import indicators

    series_id = make_series(app, world["group_id"])
    first = meetings_of(app, series_id)[0]
    people = [f"member{n}@example.org" for n in (1, 2, 3)]
    for email in people:
        register(app, email, first.id)
    held_at = (utcnow() - timedelta(days=2)).replace(microsecond=0)
    with work(app):
        meeting = db.session.get(Event, first.id)
        meeting.starts_at, meeting.ends_at = held_at, held_at + timedelta(hours=2)
    with work(app):
        registration.mark_attendance(
            user("leader@example.org"), db.session.get(Event, first.id), {user(email).id for email in people}
        )
    with app.app_context():
        since = held_at - timedelta(days=30)
        assert indicators.last_held_meeting(world["group_id"], since, utcnow(), []) == held_at
        month = held_at.date().replace(day=1)
        facts = indicators.month_facts([world["group_id"]], month, month, [])[(world["group_id"], month)]
        assert facts["meetings"] == 1 and facts["parent_meeting"] is True


def test_the_job_runs_from_the_command_line_too(app, world):
    series_id = make_series(app, world["group_id"], repeat="weekly", weekday=4)
    before = len(meetings_of(app, series_id))
    result = app.test_cli_runner().invoke(args=["series", "generate"])
    assert result.exit_code == 0 and "meetings created: 0" in result.output
    assert len(meetings_of(app, series_id)) == before


@pytest.mark.parametrize(
    "field",
    [
        "title",
        "description",
        "repeat",
        "weekday",
        "nth",
        "interval",
        "monthday",
        "starts_on",
        "starts_time",
        "ends_time",
        "ends",
        "until",
        "count",
        "place",
        "online_url",
        "capacity",
    ],
)
def test_hostile_input_in_any_series_field_is_answered_without_error(app, world, field):
    from tests.test_bad_input import HOSTILE

    leader = as_(app, "leader@example.org")
    values = HOSTILE + ["-1", "99999999999999999999", "2027-02-30", "25:61"]
    meeting = meetings_of(app, make_series(app, world["group_id"]))[0]
    for value in values:
        for url in (f"/groups/{world['slug']}/series/new", f"/events/{meeting.id}/following/edit"):
            response = leader.submit(url, form(**{field: value}))
            assert response.status_code in (200, 302), (field, value, url)
