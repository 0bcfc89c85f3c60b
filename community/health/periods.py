"""Calendar months, a group's age, and the break months leaders declare (SPEC §4 conventions).

A monthly snapshot describes one calendar month, `period` (its first day), as it stood at the
month's end, `period_end(period)` (the first instant of the next month, UTC). A *break month*
is a month at least half inside a declared break; "the last N months" rules skip them.
"""

from datetime import UTC, date, datetime, time, timedelta

DAY = timedelta(days=1)


def month_start(day):
    """The first day of the month `day` falls in."""
    return date(day.year, day.month, 1)


def add_months(period, months):
    index = period.year * 12 + period.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(earlier, later):
    """Calendar months from the month of `earlier` to the month of `later` (0 when the same)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def period_start(period):
    """The first instant of the month `period` (UTC)."""
    return datetime.combine(period, time(0), tzinfo=UTC)


def period_end(period):
    """The moment a monthly snapshot describes: the first instant of the next month (UTC)."""
    return period_start(add_months(period, 1))


def days_in(period):
    return (add_months(period, 1) - period).days


def age_in_months(created_at, at):
    """Whole months from a group's creation to `at`: a group created on 15 January is 2 months
    old on 1 April and 3 months old on 15 April."""
    months = months_between(created_at, at)
    if (at.day, at.time()) < (created_at.day, created_at.astimezone(UTC).time()):
        months -= 1
    return max(0, months)


def break_days(breaks, first_day, last_day):
    """The days in [first_day, last_day] covered by declared breaks (overlaps counted once)."""
    covered = set()
    for starts_on, ends_on in breaks:
        day = max(first_day, starts_on)
        while day <= min(last_day, ends_on):
            covered.add(day)
            day += DAY
    return covered


def is_break_month(period, breaks):
    """At least half of the month's days fall inside declared breaks."""
    last_day = add_months(period, 1) - DAY
    return 2 * len(break_days(breaks, period, last_day)) >= days_in(period)


def break_months(breaks, first, last):
    """The break months between the periods `first` and `last` (inclusive)."""
    result = set()
    period = first
    while period <= last:
        if is_break_month(period, breaks):
            result.add(period)
        period = add_months(period, 1)
    return result


def non_break_months(period, breaks_months, created_period, count):
    """The last `count` months up to `period` (newest first) that are not break months and not
    before the group's creation month."""
    months = []
    current = period
    # A break lasts at most 120 days, so a few years back always holds enough months.
    while len(months) < count and current >= created_period and months_between(current, period) < 48:
        if current not in breaks_months:
            months.append(current)
        current = add_months(current, -1)
    return months


def quiet_days(last_at, since, at, breaks):
    """Days from `last_at` (or `since`, when nothing happened yet) to `at`, not counting the days
    of declared breaks."""
    start = last_at or since
    if start >= at:
        return 0
    days = (at - start).days
    return days - len(break_days(breaks, start.date(), (at - DAY).date()))


def ninety_non_break_days_start(at, breaks, days=90):
    """The start of the window holding the last `days` days before `at` that are outside breaks."""
    covered = break_days(breaks, (at - timedelta(days=days + 366)).date(), (at - DAY).date())
    day = (at - DAY).date()
    counted = 0
    while counted < days:
        if day not in covered:
            counted += 1
        day -= DAY
    return datetime.combine(day + DAY, time(0), tzinfo=UTC)
