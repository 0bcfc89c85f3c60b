"""Calendar files (RFC 5545) for one event, a series of regular meetings, and a person's
private feed."""

from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as IcsEvent

from community.events.models import CANCELLED


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", "-//Krug//krug//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _component(event, url, show_link):
    zone = ZoneInfo(event.group.timezone)
    item = IcsEvent()
    item.add("uid", f"event-{event.id}@krug")
    item.add("summary", event.title)
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    item.add("dtstamp", (event.updated_at or event.created_at))
    item.add("url", url)
    description = event.description
    if show_link and event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    item.add("description", f"{description}\n\n{url}".strip())
    if event.place:
        item.add("location", event.place)
    item.add("status", "CANCELLED" if event.status == CANCELLED else "CONFIRMED")
    return item


def event_calendar(event, url, show_link):
    """The .ics file of one event; the online link only for registered people."""
    calendar = _calendar(event.title)
    calendar.add_component(_component(event, url, show_link))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_calendar(name, events, url_for_event):
    """A person's feed: every event they go to, wait for, or organise."""
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_component(event, url_for_event(event), show_link=True))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def series_calendar(series, meetings, url_for_event):
    """The calendar file of a regular meeting: each of its meetings as its own VEVENT, not one
    VEVENT with an RRULE.

    Why: every meeting is a real event that can differ from the rule (moved, cancelled,
    another place) and has its own page and registrations. As an RRULE those differences
    must travel as EXDATEs and RECURRENCE-ID overrides, which calendar apps handle unevenly
    (overrides dropped on import, EXDATEs matched against the wrong zone, a split series'
    UNTIL misread across a daylight-saving change), while plain events are shown the same
    everywhere. The meetings carry the same UIDs as each meeting's own .ics and the
    private feed, so adding both never shows a meeting twice; a cancelled meeting is sent
    with STATUS:CANCELLED, so a calendar that had it removes it. The file holds the meetings
    already created (the next three months, and the last fifty held): downloading it again, or
    subscribing to the private feed, brings the later ones.
    """
    calendar = _calendar(series.title)
    for event in meetings:
        item = _component(event, url_for_event(event), show_link=False)
        item.add("categories", [series.title])
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
