"""A series of regular meetings: the rule that repeats, and what each meeting starts as.

Each meeting of a series is an ordinary `Event` (its own page, registrations, attendance,
feedback and calendar file) that points back with `series_id` and `occurrence_at`, the
start the rule gave it. The pair is unique, so the meetings are created once however often
(or however concurrently) the generator runs.
"""

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.groups.models import Group
from community.models import TimestampMixin, one_of


class Repeat(StrEnum):
    WEEKLY = "weekly"  # every `interval` weeks on `weekday`
    MONTHLY_WEEKDAY = "monthly_weekday"  # the `nth` `weekday` of each month (-1: the last)
    MONTHLY_DATE = "monthly_date"  # on day `monthday` of each month (months without it are skipped)


class SeriesStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"  # ended by a leader: no more meetings are created


WEEKLY, MONTHLY_WEEKDAY, MONTHLY_DATE = Repeat
ACTIVE, ENDED = SeriesStatus


class EventSeries(TimestampMixin, db.Model):
    """The rule of a group's regular meeting, in the group's wall-clock time, and the details
    every new meeting starts with."""

    __tablename__ = "event_series"
    __table_args__ = (
        one_of("repeat", Repeat),
        one_of("status", SeriesStatus),
        CheckConstraint("every_weeks BETWEEN 1 AND 12", name="every_weeks_range"),
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("nth IS NULL OR nth IN (-1, 1, 2, 3, 4)", name="nth_range"),
        CheckConstraint("monthday IS NULL OR monthday BETWEEN 1 AND 31", name="monthday_range"),
        CheckConstraint("meeting_count IS NULL OR meeting_count BETWEEN 1 AND 200", name="meeting_count_range"),
        CheckConstraint("ends_time > starts_time", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    # The rule (RFC 5545 terms: FREQ, INTERVAL, BYDAY with BYSETPOS, BYMONTHDAY, UNTIL, COUNT).
    repeat: Mapped[str] = mapped_column(String(20))
    interval: Mapped[int] = mapped_column("every_weeks", default=1)  # INTERVAL (weekly only)
    weekday: Mapped[int | None]  # Monday is 0
    nth: Mapped[int | None]
    monthday: Mapped[int | None]
    starts_on: Mapped[date]  # the first meeting is on this day or the first matching day after
    until: Mapped[date | None]  # the last day a meeting may fall on
    count: Mapped[int | None] = mapped_column("meeting_count")  # or: this many meetings in all
    starts_time: Mapped[time]
    ends_time: Mapped[time]
    # The wall clock the rule runs in (the group's zone when the series was made), so a
    # meeting at 11:00 stays at 11:00 across daylight-saving changes.
    timezone: Mapped[str] = mapped_column(String(64))
    # What each new meeting starts as.
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None]
    travel_reimbursed: Mapped[bool] = mapped_column(default=False)
    travel_note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The series this one continues after an edit of "this and the following meetings".
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None]

    group: Mapped[Group] = relationship()
