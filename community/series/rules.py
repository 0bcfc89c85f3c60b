"""The repeat rule of a series: when its meetings fall, and the rule in words (ru and en).

Meetings are computed with python-dateutil's `rrule` on the group's *wall clock* (naive
local times), then each is placed in the group's zone. So "11:00" stays 11:00 before and
after a daylight-saving change, and only the UTC instant moves. A start the clocks skip
(02:30 on the night they jump forward) is read with the offset before the jump, which moves
it forward by the jump (03:30), as phone calendars do.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import dates
from dateutil import rrule
from flask_babel import format_date, get_locale, ngettext

from community.i18n import lazy_gettext as _l
from community.series.models import MONTHLY_DATE, MONTHLY_WEEKDAY, WEEKLY

MAX_COUNT = 200
MAX_INTERVAL = 12
RRULE_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclass(frozen=True)
class Occurrence:
    """One meeting the rule gives: its start (the key of the meeting) and end, in UTC."""

    starts_at: datetime
    ends_at: datetime


def _rule(rule):
    """The dateutil rule of a series (or of a mapping with the same fields)."""
    get = rule.get if isinstance(rule, dict) else lambda key: getattr(rule, key)
    first_day = get("starts_on")
    if get("repeat") == WEEKLY:
        # Every other week counts from the first meeting, not from the week the day falls in.
        first_day += timedelta(days=(get("weekday") - first_day.weekday()) % 7)
    options = {"dtstart": datetime.combine(first_day, get("starts_time")), "cache": False}
    if get("until") is not None:
        options["until"] = datetime.combine(get("until"), time.max)
    if get("count") is not None:
        options["count"] = get("count")
    repeat = get("repeat")
    if repeat == WEEKLY:
        return rrule.rrule(rrule.WEEKLY, interval=get("interval") or 1, byweekday=RRULE_DAYS[get("weekday")], **options)
    if repeat == MONTHLY_WEEKDAY:
        return rrule.rrule(rrule.MONTHLY, byweekday=RRULE_DAYS[get("weekday")](get("nth")), **options)
    if repeat == MONTHLY_DATE:
        return rrule.rrule(rrule.MONTHLY, bymonthday=get("monthday"), **options)
    raise ValueError(f"unknown repeat {repeat!r}")


def place(local_start, rule):
    """A wall-clock start of the rule as an `Occurrence` in UTC."""
    get = rule.get if isinstance(rule, dict) else lambda key: getattr(rule, key)
    zone = ZoneInfo(get("timezone"))
    starts = local_start.replace(tzinfo=zone).astimezone(UTC)
    ends = datetime.combine(local_start.date(), get("ends_time")).replace(tzinfo=zone).astimezone(UTC)
    return Occurrence(starts, max(ends, starts + timedelta(minutes=1)))


def occurrences(rule, start, end):
    """The meetings of `rule` starting in [start, end) (aware datetimes), in order."""
    get = rule.get if isinstance(rule, dict) else lambda key: getattr(rule, key)
    zone = ZoneInfo(get("timezone"))
    low = start.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    high = end.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    found = (place(moment, rule) for moment in _rule(rule).between(low, high, inc=True))
    return [o for o in found if start <= o.starts_at < end]


def first_occurrence(rule):
    """The first meeting the rule gives at all, or None (an end before the first match)."""
    moment = next(iter(_rule(rule)), None)
    return None if moment is None else place(moment, rule)


def occurrences_before(rule, moment):
    """How many meetings the rule gave before `moment` (to carry a count across a split)."""
    get = rule.get if isinstance(rule, dict) else lambda key: getattr(rule, key)
    local = moment.astimezone(ZoneInfo(get("timezone"))).replace(tzinfo=None)
    return sum(1 for _ in _rule(rule).between(datetime.min, local, inc=False))


# --- in words --------------------------------------------------------------------------------

EVERY_WEEKDAY = (
    _l("every Monday"),
    _l("every Tuesday"),
    _l("every Wednesday"),
    _l("every Thursday"),
    _l("every Friday"),
    _l("every Saturday"),
    _l("every Sunday"),
)
ON_WEEKDAYS = (
    _l("on Mondays"),
    _l("on Tuesdays"),
    _l("on Wednesdays"),
    _l("on Thursdays"),
    _l("on Fridays"),
    _l("on Saturdays"),
    _l("on Sundays"),
)
WEEKDAY_NAMES = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
# Russian ordinals agree with the weekday's gender, so each pair is one whole phrase.
NTH_WEEKDAY = {
    1: (
        _l("every first Monday of the month"),
        _l("every first Tuesday of the month"),
        _l("every first Wednesday of the month"),
        _l("every first Thursday of the month"),
        _l("every first Friday of the month"),
        _l("every first Saturday of the month"),
        _l("every first Sunday of the month"),
    ),
    2: (
        _l("every second Monday of the month"),
        _l("every second Tuesday of the month"),
        _l("every second Wednesday of the month"),
        _l("every second Thursday of the month"),
        _l("every second Friday of the month"),
        _l("every second Saturday of the month"),
        _l("every second Sunday of the month"),
    ),
    3: (
        _l("every third Monday of the month"),
        _l("every third Tuesday of the month"),
        _l("every third Wednesday of the month"),
        _l("every third Thursday of the month"),
        _l("every third Friday of the month"),
        _l("every third Saturday of the month"),
        _l("every third Sunday of the month"),
    ),
    4: (
        _l("every fourth Monday of the month"),
        _l("every fourth Tuesday of the month"),
        _l("every fourth Wednesday of the month"),
        _l("every fourth Thursday of the month"),
        _l("every fourth Friday of the month"),
        _l("every fourth Saturday of the month"),
        _l("every fourth Sunday of the month"),
    ),
    -1: (
        _l("every last Monday of the month"),
        _l("every last Tuesday of the month"),
        _l("every last Wednesday of the month"),
        _l("every last Thursday of the month"),
        _l("every last Friday of the month"),
        _l("every last Saturday of the month"),
        _l("every last Sunday of the month"),
    ),
}
NTH_NAMES = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), -1: _l("last")}


def _clock(moment):
    """A wall-clock time of the group in the reader's style (11:00, 11:00 AM): no zone to convert."""
    return dates.format_time(moment, "short", locale=get_locale() or "ru")


def describe(series):
    """The rule in the viewer's language: "every first Saturday of the month, 11:00–13:00"."""
    if series.repeat == WEEKLY and series.interval > 1:
        days = ngettext(
            "every %(num)d week, %(days)s",
            "every %(num)d weeks, %(days)s",
            series.interval,
            days=ON_WEEKDAYS[series.weekday],
        )
    elif series.repeat == WEEKLY:
        days = str(EVERY_WEEKDAY[series.weekday])
    elif series.repeat == MONTHLY_WEEKDAY:
        days = str(NTH_WEEKDAY[series.nth][series.weekday])
    else:
        days = str(_l("every month on day %(day)d", day=series.monthday))
    clock = f"{_clock(series.starts_time)}–{_clock(series.ends_time)}"
    text = str(_l("%(days)s, %(time)s", days=days, time=clock))
    if series.until is not None:
        text = str(_l("%(rule)s, until %(date)s", rule=text, date=format_date(series.until, "d MMMM y")))
    elif series.count is not None:
        text = str(
            ngettext("%(rule)s, %(num)d meeting in all", "%(rule)s, %(num)d meetings in all", series.count, rule=text)
        )
    return text
