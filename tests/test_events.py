"""Events co-organised with parents: creating, registering, waitlist, reminders, calendar."""

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from community.errors import RuleError
from community.events import registration
from community.events import service as events
from community.events.models import GOING, WAITLISTED, Event, EventOrganiser, Registration
from community.extensions import db
from community.models import utcnow
from tests.conftest import Browser, work
from tests.events_helpers import build_group, make_event, user


@pytest.fixture
def world(app, make_user):
    slug, group_id = build_group(app, make_user)
    return {"slug": slug, "group_id": group_id}


def in_english(browser):
    """Switch a signed-in person's language to English (their setting wins over ?lang=)."""
    browser.submit("/auth/language", {"lang": "en", "next": "/"}, page="/")
    return browser


def as_(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def form(day=None, **overrides):
    day = day or (date.today() + timedelta(days=10)).isoformat()
    return {
        "title": "Пикник",
        "description": "Берём пледы",
        "starts_date": day,
        "starts_time": "11:00",
        "ends_time": "13:00",
        "place": "Парк Горького",
        "capacity": "",
        "publish": "1",
        **overrides,
    }


def event_row(app, event_id):
    with app.app_context():
        return db.session.get(Event, event_id)


# --- creating -----------------------------------------------------------------------------------


def test_leader_creates_an_event_in_the_groups_timezone(app, world):
    leader = as_(app, "leader@example.org")
    day = (date.today() + timedelta(days=10)).isoformat()
    response = leader.submit(f"/groups/{world['slug']}/events/new", form(day))
    assert response.status_code == 302
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    event = event_row(app, event_id)
    assert event.status == "published"
    assert (event.starts_at.hour, event.starts_at.minute) == (8, 0)  # 11:00 in Moscow is 08:00 UTC
    page = leader.get(f"/events/{event_id}").get_data(as_text=True)
    assert "11:00–13:00" in page


def test_event_times_are_safe_across_daylight_saving(app, make_user):
    slug, group_id = build_group(app, make_user, timezone="Europe/Berlin")
    leader = as_(app, "leader@example.org")
    year = date.today().year + 1
    summer = leader.submit(f"/groups/{slug}/events/new", form(f"{year}-07-04"))
    winter = leader.submit(f"/groups/{slug}/events/new", form(f"{year}-12-05"))
    summer_event = event_row(app, int(summer.headers["Location"].rsplit("/", 1)[1]))
    winter_event = event_row(app, int(winter.headers["Location"].rsplit("/", 1)[1]))
    assert summer_event.starts_at.hour == 9  # CEST, UTC+2
    assert winter_event.starts_at.hour == 10  # CET, UTC+1
    # 02:30 on the last Sunday of March does not exist in Berlin.
    gap = leader.submit(
        f"/groups/{slug}/events/new",
        form(f"{year}-03-{_last_sunday(year, 3):02d}", starts_time="02:30", ends_time="04:00"),
    )
    assert gap.status_code == 200 and "field-error" in gap.get_data(as_text=True)


def _last_sunday(year, month):
    day = date(year, month + 1, 1) - timedelta(days=1)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day.day


@pytest.mark.parametrize(
    "overrides",
    [
        {"ends_time": "10:00"},
        {"starts_date": (date.today() - timedelta(days=3)).isoformat()},
        {"capacity": "0"},
        {"capacity": "-5"},
        {"capacity": "1000000"},
        {"capacity": "много"},
        {"starts_date": "31.02.2026"},
        {"starts_time": "25:99"},
        {"title": ""},
        {"title": "x" * 10_000},
        {"place": "", "online_url": ""},
        {"online_url": "javascript:alert(1)", "place": ""},
    ],
)
def test_bad_event_input_gets_a_clear_message_and_keeps_what_was_typed(app, world, overrides):
    leader = as_(app, "leader@example.org")
    response = leader.submit(f"/groups/{world['slug']}/events/new", form(**overrides))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "field-error" in body
    assert 'value="Парк Горького"' in body or overrides.get("place") == ""
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == 0


def test_members_cannot_create_events_but_specialists_can(app, world):
    member = as_(app, "member1@example.org")
    assert member.get(f"/groups/{world['slug']}/events/new").status_code == 403
    specialist = as_(app, "specialist@example.org")
    assert specialist.submit(f"/groups/{world['slug']}/events/new", form()).status_code == 302


def test_drafts_are_seen_only_by_organisers(app, world):
    event_id = make_event(app, world["group_id"], publish=False)
    assert as_(app, "member1@example.org").get(f"/events/{event_id}").status_code == 404
    leader = as_(app, "leader@example.org")
    assert leader.get(f"/events/{event_id}").status_code == 200
    leader.submit(f"/events/{event_id}/publish", {}, page=f"/events/{event_id}")
    assert as_(app, "member1@example.org").get(f"/events/{event_id}").status_code == 200


def test_outsiders_never_see_a_groups_events(app, world):
    event_id = make_event(app, world["group_id"])
    outsider = as_(app, "outsider@example.org")
    for url in (f"/events/{event_id}", f"/events/{event_id}.ics", f"/events/{event_id}/edit"):
        assert outsider.get(url).status_code == 404
    assert Browser(app.test_client()).get(f"/events/{event_id}").status_code == 302


def test_duplicate_prefills_the_next_event_a_week_later(app, world):
    event_id = make_event(app, world["group_id"], capacity=12)
    leader = as_(app, "leader@example.org")
    response = leader.get(f"/events/{event_id}/duplicate", follow_redirects=True)
    body = response.get_data(as_text=True)
    next_week = (event_row(app, event_id).starts_at + timedelta(days=7)).astimezone().date()
    assert 'value="Встреча клуба"' in body and 'value="12"' in body
    assert next_week.isoformat()[:7] in body


# --- co-organising ---------------------------------------------------------------------------------


def test_parent_co_organiser_accepts_and_the_event_says_so(app, world, mailbox):
    event_id = make_event(app, world["group_id"], creator="specialist@example.org")
    with app.app_context():
        member = user("member1@example.org")
    leader = as_(app, "specialist@example.org")
    assert 'class="badge badge-parent"' not in leader.get(f"/events/{event_id}").get_data(as_text=True)
    leader.submit(f"/events/{event_id}/organisers", {"user_id": str(member.id)})
    assert len(mailbox.to("member1@example.org")) == 1
    parent = as_(app, "member1@example.org")
    parent.submit(f"/events/{event_id}/organisers/accept", {}, page=f"/events/{event_id}")
    page = parent.get(f"/events/{event_id}").get_data(as_text=True)
    assert 'class="badge badge-parent"' in page
    # A co-organiser may edit the event.
    assert parent.get(f"/events/{event_id}/edit").status_code == 200


def test_a_specialist_organiser_does_not_make_it_co_organised_with_parents(app, world):
    event_id = make_event(app, world["group_id"], creator="specialist@example.org")
    with app.app_context():
        organiser = db.session.scalar(select(EventOrganiser).where(EventOrganiser.event_id == event_id))
        assert organiser.is_specialist
        assert not events.is_co_organised_with_parents(events.organisers(db.session.get(Event, event_id)))


# --- registering -------------------------------------------------------------------------------------


def register(app, email, event_id):
    return as_(app, email).submit(f"/events/{event_id}/register", {}, page=f"/events/{event_id}")


def statuses(app, event_id):
    with app.app_context():
        rows = db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event_id)
            .group_by(Registration.status)
        ).all()
        return dict(rows)


def test_full_event_waitlists_and_a_cancellation_promotes_the_first_waiting(app, world, mailbox):
    event_id = make_event(app, world["group_id"], capacity=1)
    register(app, "member1@example.org", event_id)
    register(app, "member2@example.org", event_id)
    register(app, "member3@example.org", event_id)
    assert statuses(app, event_id) == {GOING: 1, WAITLISTED: 2}
    first = as_(app, "member1@example.org")
    first.submit(f"/events/{event_id}/unregister", {}, page=f"/events/{event_id}")
    with app.app_context():
        promoted = db.session.scalar(
            select(Registration).where(Registration.event_id == event_id, Registration.status == GOING)
        )
        assert promoted.user.email == "member2@example.org"
    [message] = mailbox.to("member2@example.org")
    assert "мест" in message["Subject"].lower() or "place" in message["Subject"].lower()
    assert mailbox.to("member3@example.org") == []
    event = event_row(app, event_id)
    assert (event.going_count, event.waitlist_count) == (1, 1)


def test_registering_twice_and_cancelling_twice_are_answered_clearly(app, world):
    event_id = make_event(app, world["group_id"])
    member = as_(app, "member1@example.org")
    member.submit(f"/events/{event_id}/register", {}, page=f"/events/{event_id}")
    again = member.submit(f"/events/{event_id}/register", {}, page=f"/events/{event_id}", follow_redirects=True)
    assert "flash-error" in again.get_data(as_text=True)
    member.submit(f"/events/{event_id}/unregister", {}, page=f"/events/{event_id}")
    twice = member.submit(f"/events/{event_id}/unregister", {}, page=f"/events/{event_id}", follow_redirects=True)
    assert "flash-error" in twice.get_data(as_text=True)
    assert event_row(app, event_id).going_count == 0


def test_no_registration_for_cancelled_or_past_events(app, world):
    cancelled = make_event(app, world["group_id"])
    past_id = make_event(app, world["group_id"])
    with work(app):
        events.cancel_event(user("leader@example.org"), db.session.get(Event, cancelled))
        with pytest.raises(RuleError):
            registration.register(user("member1@example.org"), db.session.get(Event, cancelled))
        past = db.session.get(Event, past_id)
        past.starts_at, past.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=2, hours=-2)
        db.session.commit()
        with pytest.raises(RuleError):
            registration.register(user("member1@example.org"), past)


def test_online_link_is_shown_only_to_registered_people(app, world):
    event_id = make_event(app, world["group_id"], online_url="https://meet.example.org/krug-room")
    member = as_(app, "member1@example.org")
    assert "meet.example.org/krug-room" not in member.get(f"/events/{event_id}").get_data(as_text=True)
    assert "krug-room" not in ics_description(member, event_id)
    member.submit(f"/events/{event_id}/register", {}, page=f"/events/{event_id}")
    assert "meet.example.org/krug-room" in member.get(f"/events/{event_id}").get_data(as_text=True)
    assert "krug-room" in ics_description(member, event_id)


def ics_description(browser, event_id):
    [item] = Calendar.from_ical(browser.get(f"/events/{event_id}.ics").data).walk("VEVENT")
    return str(item["description"])


def test_names_are_shown_to_organisers_and_to_attendees_only_if_allowed(app, world):
    event_id = make_event(app, world["group_id"])
    register(app, "member1@example.org", event_id)
    register(app, "member2@example.org", event_id)
    leader_page = as_(app, "leader@example.org").get(f"/events/{event_id}").get_data(as_text=True)
    assert "Участник 1" in leader_page and "Участник 2" in leader_page
    second = as_(app, "member2@example.org")
    assert "Участник 1" not in second.get(f"/events/{event_id}").get_data(as_text=True)
    as_(app, "member1@example.org").submit(f"/events/{event_id}/show-name", {"show": "1"}, page=f"/events/{event_id}")
    assert "Участник 1" in second.get(f"/events/{event_id}").get_data(as_text=True)


# --- changes ---------------------------------------------------------------------------------------------


def test_moving_an_event_tells_the_registered_and_cancelling_tells_everyone(app, world, mailbox):
    event_id = make_event(app, world["group_id"])
    register(app, "member1@example.org", event_id)
    leader = as_(app, "leader@example.org")
    day = (date.today() + timedelta(days=12)).isoformat()
    leader.submit(f"/events/{event_id}/edit", form(day, title="Встреча клуба", place="Новое место"))
    assert len(mailbox.to("member1@example.org")) == 1
    leader.submit(f"/events/{event_id}/cancel", {"reason": "Заболел ведущий"})
    assert len(mailbox.to("member1@example.org")) == 2
    assert "Заболел ведущий" in mailbox.text(mailbox.to("member1@example.org")[1])
    assert event_row(app, event_id).status == "cancelled"


def test_raising_capacity_promotes_people_from_the_waitlist(app, world):
    # The form has no end date, so the event must not cross midnight in Moscow whatever the hour of the run.
    starts = (utcnow() + timedelta(days=10)).replace(hour=8, minute=0, second=0, microsecond=0)
    event_id = make_event(app, world["group_id"], capacity=1, starts_at=starts, ends_at=starts + timedelta(hours=2))
    register(app, "member1@example.org", event_id)
    register(app, "member2@example.org", event_id)
    leader = as_(app, "leader@example.org")
    event = event_row(app, event_id)
    local_start = events.local(event.starts_at, "Europe/Moscow")
    local_end = events.local(event.ends_at, "Europe/Moscow")
    leader.submit(
        f"/events/{event_id}/edit",
        form(
            local_start.date().isoformat(),
            title="Встреча клуба",
            starts_time=local_start.strftime("%H:%M"),
            ends_time=local_end.strftime("%H:%M"),
            place="Казань, ул. Баумана, 1",
            capacity="2",
        ),
    )
    assert statuses(app, event_id) == {GOING: 2}


# --- after the event --------------------------------------------------------------------------------------


def _finish(app, event_id):
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.starts_at, event.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
        db.session.commit()


def test_attendance_and_feedback_with_small_numbers_shown_only_as_counts(app, world):
    event_id = make_event(app, world["group_id"])
    for n in (1, 2, 3):
        register(app, f"member{n}@example.org", event_id)
    _finish(app, event_id)
    leader = in_english(as_(app, "leader@example.org"))
    with app.app_context():
        ids = [str(user(f"member{n}@example.org").id) for n in (1, 2)]
    leader.submit(f"/events/{event_id}/attendance", {"attended": ids})
    with app.app_context():
        marks = dict(
            db.session.execute(
                select(Registration.user_id, Registration.attended).where(Registration.event_id == event_id)
            ).all()
        )
        assert sorted(marks.values()) == [False, True, True]
    # Someone who did not come cannot answer.
    absent = as_(app, "member3@example.org")
    assert absent.get(f"/events/{event_id}/feedback").status_code == 302
    first = as_(app, "member1@example.org")
    first.submit(f"/events/{event_id}/feedback", {"feeling": "5", "helped": "Чай", "change": "", "anonymous": ""})
    summary = leader.get(f"/events/{event_id}/feedback/summary").get_data(as_text=True)
    assert "1 answer" in summary and "Чай" not in summary and "Участник 1" not in summary
    as_(app, "member2@example.org").submit(f"/events/{event_id}/feedback", {"feeling": "4", "anonymous": "y"})
    again = first.submit(f"/events/{event_id}/feedback", {"feeling": "1"}, page=f"/events/{event_id}")
    assert again.status_code == 302


def test_feedback_details_appear_from_three_answers_and_anonymity_holds(app, make_user):
    slug, group_id = build_group(app, make_user, members=4)
    event_id = make_event(app, group_id)
    for n in (1, 2, 3):
        register(app, f"member{n}@example.org", event_id)
    _finish(app, event_id)
    as_(app, "member1@example.org").submit(
        f"/events/{event_id}/feedback", {"feeling": "5", "helped": "Тёплая атмосфера", "anonymous": "y"}
    )
    as_(app, "member2@example.org").submit(
        f"/events/{event_id}/feedback", {"feeling": "3", "change": "Позже начинать", "anonymous": ""}
    )
    as_(app, "member3@example.org").submit(f"/events/{event_id}/feedback", {"feeling": "4", "anonymous": "y"})
    summary = (
        in_english(as_(app, "leader@example.org")).get(f"/events/{event_id}/feedback/summary").get_data(as_text=True)
    )
    assert "3 answers" in summary and "Median feeling: 4 of 5" in summary
    assert "Тёплая атмосфера" in summary and "Позже начинать" in summary
    assert "Участник 2" in summary and "Участник 1" not in summary


# --- reminders and calendars ----------------------------------------------------------------------------------


def test_reminders_go_once_to_people_going_within_24_hours(app, world, mailbox, runner):
    soon = make_event(app, world["group_id"], days=0, hours=2)
    with app.app_context():
        event = db.session.get(Event, soon)
        event.starts_at, event.ends_at = utcnow() + timedelta(hours=20), utcnow() + timedelta(hours=22)
        db.session.commit()
    later = make_event(app, world["group_id"], days=5)
    register(app, "member1@example.org", soon)
    register(app, "member1@example.org", later)
    mailbox.clear()
    first = runner.invoke(args=["send-reminders"])
    assert "reminders queued: 1" in first.output
    [message] = mailbox.to("member1@example.org")
    assert "Встреча клуба" in message["Subject"]
    second = runner.invoke(args=["send-reminders"])
    assert "reminders queued: 0" in second.output
    assert len(mailbox.to("member1@example.org")) == 1


def test_event_calendar_file_has_the_right_time_and_zone(app, world):
    event_id = make_event(app, world["group_id"])
    member = as_(app, "member1@example.org")
    response = member.get(f"/events/{event_id}.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [item] = calendar.walk("VEVENT")
    start = item.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Moscow"
    assert start == event_row(app, event_id).starts_at
    assert str(item["summary"]) == "Встреча клуба"
    assert calendar.walk("VTIMEZONE")


def test_private_calendar_feed_lists_my_events_and_can_be_reset(app, world):
    event_id = make_event(app, world["group_id"])
    member = as_(app, "member1@example.org")
    member.submit(f"/events/{event_id}/register", {}, page=f"/events/{event_id}")
    member.submit("/events/calendar/create", {}, page="/events/")
    with app.app_context():
        token = user("member1@example.org").calendar_token
    anonymous = app.test_client()
    feed = anonymous.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    assert len(Calendar.from_ical(feed.data).walk("VEVENT")) == 1
    member.submit("/events/calendar/reset", {}, page="/events/")
    assert anonymous.get(f"/calendar/{token}.ics").status_code == 404
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404


def test_my_events_lists_upcoming_events_across_my_groups(app, world):
    make_event(app, world["group_id"])
    page = as_(app, "member1@example.org").get("/events/").get_data(as_text=True)
    assert "Встреча клуба" in page
    assert "Встреча клуба" not in as_(app, "outsider@example.org").get("/events/").get_data(as_text=True)


def test_organisers_message_everyone_registered(app, world, mailbox):
    event_id = make_event(app, world["group_id"])
    register(app, "member1@example.org", event_id)
    register(app, "member2@example.org", event_id)
    mailbox.clear()
    as_(app, "leader@example.org").submit(f"/events/{event_id}/message", {"body": "Возьмите сменку"})
    assert len(mailbox.to("member1@example.org")) == len(mailbox.to("member2@example.org")) == 1
    assert "Возьмите сменку" in mailbox.text(mailbox.to("member1@example.org")[0])


def test_the_group_pages_events_box_follows_the_events_and_the_viewer(app, world):
    """Each process keeps the group page's events box (community/groups/pages.py) by what it
    shows: a renamed, moved or cancelled event shows at once; drafts and the planning links only
    to organisers; the language is the reader's."""
    event_id = make_event(app, world["group_id"])
    draft_id = make_event(app, world["group_id"], publish=False, days=12, title="Черновик встречи")
    url = f"/groups/{world['slug']}/"

    def box(email):
        page = as_(app, email).get(url).get_data(as_text=True)
        return page.split('id="events-title"')[1].split("</section>")[0]

    member, leader = box("member1@example.org"), box("leader@example.org")
    assert "Встреча клуба" in member and "Встреча клуба" in leader
    assert "Черновик встречи" not in member and "Черновик встречи" in leader
    assert f"/groups/{world['slug']}/events/new" in leader and "/events/new" not in member
    with work(app):
        db.session.get(Event, event_id).title = "Встреча клуба перенесена"
        db.session.commit()
    assert "Встреча клуба перенесена" in box("member1@example.org")
    with work(app):
        db.session.get(Event, event_id).place = "Казань, библиотека"
        db.session.commit()
    assert "Казань, библиотека" in box("member1@example.org")
    with work(app):
        events.cancel_event(user("leader@example.org"), db.session.get(Event, event_id), "Болеем")
        db.session.commit()
    russian = box("member1@example.org")
    assert "badge-cancelled" in russian and ">Events</h2>" not in russian
    with work(app):
        user("member1@example.org").locale = "en"
        db.session.commit()
    english = box("member1@example.org")
    assert ">Events</h2>" in english and ">cancelled</span>" in english
    assert draft_id
