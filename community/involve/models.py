"""Opportunities to take part, the applications to them, their sessions and who took part."""

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.auth.models import User
from community.extensions import db
from community.groups.models import EngagementKind, Group
from community.models import TimestampMixin, one_of, utcnow
from community.orgs.models import Organisation


class Level(StrEnum):
    """The framework's levels of involvement (the working group's notes)."""

    INDIVIDUAL = "individual"
    COMMUNITY = "community"
    OPERATIONAL = "operational"
    STRATEGIC = "strategic"
    MONITORING = "monitoring"


class Format(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    MIXED = "mixed"


class OpportunityStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class ApplicationStatus(StrEnum):
    APPLIED = "applied"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


DRAFT, OPEN, CLOSED = OpportunityStatus
APPLIED, ACCEPTED, WAITLISTED, DECLINED, WITHDRAWN = ApplicationStatus
LIVE_APPLICATION = (APPLIED, ACCEPTED, WAITLISTED)
MAX_PLACES = 500


class Opportunity(TimestampMixin, db.Model):
    """An invitation to take part in the organisation's (or a group's) work, with its purpose
    and limits, who can take part, what it asks and what it gives (SPEC §3a).

    Published by an organisation for the members of every group it supports (`group_id`
    empty), or by a group's leaders for their group (`organisation_id` is then the group's
    organisation, if any: only an organisation pays costs)."""

    __tablename__ = "opportunity"
    __table_args__ = (
        CheckConstraint("organisation_id IS NOT NULL OR group_id IS NOT NULL", name="has_owner"),
        CheckConstraint(f"places BETWEEN 1 AND {MAX_PLACES}", name="places_range"),
        CheckConstraint("accepted_count >= 0 AND accepted_count <= places", name="places_respected"),
        CheckConstraint("waitlist_count >= 0", name="waitlist_count_positive"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("cost_limit IS NULL OR cost_limit > 0", name="cost_limit_positive"),
        Index("ix_opportunity_org_status", "organisation_id", "status"),
        Index("ix_opportunity_group_status", "group_id", "status"),
        one_of("status", OpportunityStatus),
        one_of("level", Level),
        one_of("role", EngagementKind),
        one_of("format", Format),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    # "What can change, what cannot": the purpose's limits, said before anyone applies.
    limits: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(12))
    role: Mapped[str] = mapped_column(String(12))
    criteria: Mapped[str] = mapped_column(Text)
    time_asked: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    format: Mapped[str] = mapped_column(String(10), default=Format.IN_PERSON)
    place: Mapped[str] = mapped_column(String(300), default="")
    preparation: Mapped[str] = mapped_column(Text, default="")
    # Shown only to accepted people and the organisers: texts and links to read beforehand.
    materials: Mapped[str] = mapped_column(Text, default="")
    covers_travel: Mapped[bool] = mapped_column(default=False)
    covers_childcare: Mapped[bool] = mapped_column(default=False)
    covers_other: Mapped[bool] = mapped_column(default=False)
    # Most a person can claim per session and kind of cost, in kopecks (empty: no set limit).
    cost_limit: Mapped[int | None]
    costs_note: Mapped[str] = mapped_column(String(500), default="")
    places: Mapped[int]
    deadline: Mapped[date]
    # Dates are read in this timezone (the organisation's or the group's).
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    # Kept from the rows under the opportunity's row lock; a CHECK stands behind the places.
    accepted_count: Mapped[int] = mapped_column(default=0)
    waitlist_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    # Set by the job that tells the parents, so a retried job never tells them twice.
    announced_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship()
    group: Mapped[Group | None] = relationship()

    @property
    def covered(self):
        """The kinds of cost this opportunity pays for, in a fixed order."""
        return [
            kind
            for kind, covered in (
                ("travel", self.covers_travel),
                ("childcare", self.covers_childcare),
                ("other", self.covers_other),
            )
            if covered
        ]

    @property
    def places_left(self):
        return max(0, self.places - self.accepted_count)

    @property
    def owner_name(self):
        """Who invites: the group, for a group's own opportunity, else the organisation."""
        return self.group.name if self.group_id is not None else self.organisation.name

    def today(self):
        """Today's date where the opportunity takes place (deadlines end at local midnight)."""
        return utcnow().astimezone(ZoneInfo(self.timezone)).date()

    @property
    def deadline_passed(self):
        return self.deadline < self.today()

    @property
    def has_ended(self):
        return self.ends_on < self.today()

    @property
    def takes_applications(self):
        return self.status == OpportunityStatus.OPEN and not self.deadline_passed

    def __repr__(self):
        return f"<Opportunity {self.id} {self.status}>"


class Application(db.Model):
    """A parent's application to an opportunity: their note, the decision and its reason."""

    __tablename__ = "opportunity_application"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "user_id"),
        Index("ix_opportunity_application_status", "opportunity_id", "status"),
        one_of("status", ApplicationStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=APPLIED)
    # The waiting list's order: the earliest chosen person gets the first free place.
    queued_at: Mapped[datetime | None]
    # What the organiser told the applicant with the decision (always shown to them).
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    opportunity: Mapped[Opportunity] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_live(self):
        return self.status in LIVE_APPLICATION


class OpportunitySession(db.Model):
    """One meeting of the opportunity: a panel's meeting, a training, a forum day."""

    __tablename__ = "opportunity_session"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the organiser last recorded who took part (empty: not recorded yet).
    attendance_at: Mapped[datetime | None]

    opportunity: Mapped[Opportunity] = relationship()


class SessionAttendance(db.Model):
    """Who took part in a session, as the organiser recorded it: what a cost claim rests on."""

    __tablename__ = "session_attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("opportunity_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
