"""What the impact report keeps of its own: the unplanned results an organisation notes down
(monitoring question 5). Everything else in the report is read from the other features."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models import utcnow


class UnplannedResult(db.Model):
    """A result of involving families that nobody planned for, as the organisation saw it:
    when it happened and what it was (shown in every report whose period holds the date)."""

    __tablename__ = "unplanned_result"
    __table_args__ = (Index("ix_unplanned_result_org_day", "organisation_id", "happened_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    happened_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
