"""Monthly snapshots of each group's indicators and stage, who took part in each month, and
the breaks leaders declare."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.health.verdict import BREAK, STAGES
from community.models import utcnow

_STAGE_LIST = ", ".join(f"'{stage}'" for stage in STAGES)


class HealthSnapshot(db.Model):
    """A group's indicators and stage at the end of one month (`period` = that month's first day).

    `values` holds every indicator (a ratio always with its numerator and denominator);
    `explanation` the facts, what changed, the warnings and the next step. A few figures are
    columns too, so the organisation dashboard can count, sort and draw trends without decoding
    the JSON of every group."""

    __tablename__ = "health_snapshot"
    __table_args__ = (
        UniqueConstraint("group_id", "period"),
        CheckConstraint(f"stage IN ({_STAGE_LIST})", name="stage_known"),
        CheckConstraint(f"raw_stage IN ({_STAGE_LIST}, '{BREAK}')", name="raw_stage_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    period: Mapped[date]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    # The stage the rules give for this month alone, and the label shown (SPEC §4 "Label shown").
    raw_stage: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str] = mapped_column(String(12))
    explanation: Mapped[dict] = mapped_column(JSON, default=dict)
    members: Mapped[int] = mapped_column(default=0)
    active: Mapped[int] = mapped_column(default=0)  # A1
    answer_rate: Mapped[int | None]  # P1 in percent, when judged (5 requests or more)
    is_break: Mapped[bool] = mapped_column(default=False)
    meeting_at: Mapped[datetime | None]  # the month's last held meeting (3 or more parents), if any
    parent_meeting: Mapped[bool] = mapped_column(default=False)  # one of them had no specialist organising


class HealthActivity(db.Model):
    """Who took part in a group in one calendar month, and how: a roll-up of the activity tables
    written with the month's snapshot, so that the quarterly and half-yearly indicators read a
    few rows per person and month instead of rescanning every registration, post and answer.

    A row counts a parent only while they were a member; specialists and admins never appear."""

    __tablename__ = "health_activity"
    __table_args__ = (Index("ix_health_activity_period", "period"),)

    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[date] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    # Participation level (SPEC L3): 1 attended or replied, 2 posted, asked or answered,
    # 3 organised a meeting; 0 only welcomed a newcomer (leading, but not "active").
    level: Mapped[int] = mapped_column(SmallInteger)
    led: Mapped[bool]  # organised a held meeting or welcomed a newcomer (L2)
    attended: Mapped[int] = mapped_column(SmallInteger)  # meetings attended (A3)
    crowd: Mapped[bool]  # attended a meeting with at least 3 parents (P4: tied to two others)
    first_at: Mapped[datetime | None]  # first activity of the month (G1)


class HealthBreak(db.Model):
    """A pause the leaders declared (summer, New Year): no meetings expected."""

    __tablename__ = "health_break"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
