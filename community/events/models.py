"""Events, their organisers, registrations and feedback."""

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.auth.models import User
from community.extensions import db
from community.groups.models import Group
from community.models import TimestampMixin, one_of, utcnow


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class RegistrationStatus(StrEnum):
    GOING = "going"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class OrganiserStatus(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


DRAFT, PUBLISHED, CANCELLED = EventStatus
GOING, WAITLISTED = RegistrationStatus.GOING, RegistrationStatus.WAITLISTED  # and CANCELLED
INVITED, ACCEPTED, DECLINED = OrganiserStatus


class Event(TimestampMixin, db.Model):
    """A meeting, picnic or training of a group. Times are stored in UTC and shown in the
    group's timezone."""

    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("capacity IS NULL OR going_count <= capacity", name="capacity_respected"),
        CheckConstraint("going_count >= 0", name="going_count_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        one_of("status", EventStatus),
        # A series creates each of its meetings once, however often its job runs.
        UniqueConstraint("series_id", "occurrence_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None]
    # Kept by conditional updates, so capacity holds even under concurrent registrations.
    going_count: Mapped[int] = mapped_column(default=0)
    waitlist_count: Mapped[int] = mapped_column(default=0)
    travel_reimbursed: Mapped[bool] = mapped_column(default=False)
    travel_note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default=DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # Organisers may record an event that happened offline (for the health indicators).
    offline: Mapped[bool] = mapped_column(default=False)
    # A meeting of a regular series (community/series), and the start its rule gave it.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id", ondelete="SET NULL"), index=True)
    occurrence_at: Mapped[datetime | None]

    group: Mapped[Group] = relationship()
    series: Mapped["EventSeries | None"] = relationship()  # noqa: F821 (community/series/models.py)
    organisers: Mapped[list["EventOrganiser"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True, order_by="EventOrganiser.id"
    )

    @property
    def is_full(self):
        return self.capacity is not None and self.going_count >= self.capacity


class EventOrganiser(db.Model):
    """A co-organiser: a parent or a specialist, invited and accepted."""

    __tablename__ = "event_organiser"
    __table_args__ = (UniqueConstraint("event_id", "user_id"), one_of("status", OrganiserStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # Recorded when invited: was this person a specialist (else a parent)?
    is_specialist: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=INVITED)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship(back_populates="organisers")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Registration(db.Model):
    """A person's place at an event: going, on the waitlist, or cancelled."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_registration_event_status", "event_id", "status"),
        # Who attended each event, read from the index alone (the health indicators).
        Index("ix_registration_event_attended", "event_id", "attended", "user_id"),
        one_of("status", RegistrationStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    # Waitlist order: the earliest waiting person is promoted first.
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    attended: Mapped[bool | None]
    reminded_at: Mapped[datetime | None]
    # Whether fellow attendees may see this person's name on the event page.
    show_name: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()


class EventFeedback(db.Model):
    """How an attendee felt about an event (1-5), what helped, what to change."""

    __tablename__ = "event_feedback"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint("feeling BETWEEN 1 AND 5", name="feeling_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # Kept so one person answers once; never shown when `anonymous`.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    feeling: Mapped[int]
    helped: Mapped[str] = mapped_column(Text, default="")
    change: Mapped[str] = mapped_column(Text, default="")
    anonymous: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def new_feed_token():
    return secrets.token_urlsafe(24)
