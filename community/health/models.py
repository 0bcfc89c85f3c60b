"""Monthly snapshots of each group's indicators and stage, and the breaks leaders declare."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models import utcnow


class HealthSnapshot(db.Model):
    """A group's indicators and stage at the end of one month (`period` = that month's first day)."""

    __tablename__ = "health_snapshot"
    __table_args__ = (UniqueConstraint("group_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    period: Mapped[date]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    # The stage the rules give for this month alone, and the stage shown after the
    # two-snapshot rule (at risk shows at once).
    raw_stage: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str] = mapped_column(String(12))
    reasons: Mapped[list] = mapped_column(JSON, default=list)


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
