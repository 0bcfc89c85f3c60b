"""What the impact report keeps of its own: the unplanned results an organisation notes down,
and the items of its groups it marks as unexpected results (monitoring question 5). Everything
else in the report is read from the other features."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models import one_of, utcnow


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


class UnexpectedKind(StrEnum):
    """What an organisation can mark as an unexpected result: an item of its groups."""

    SUGGESTION = "suggestion"
    EVENT = "event"
    OPPORTUNITY = "opportunity"
    DECISION = "decision"


# The column that points at the item of each kind (a decision is a post of the decisions log).
ITEM_COLUMNS = {
    UnexpectedKind.SUGGESTION: "suggestion_id",
    UnexpectedKind.EVENT: "event_id",
    UnexpectedKind.OPPORTUNITY: "opportunity_id",
    UnexpectedKind.DECISION: "post_id",
}
NOTE_MAX = 500


def _one_item_of_its_kind():
    """Exactly the kind's column is set: a mark points at one item, of the kind it says."""
    cases = []
    for kind, column in ITEM_COLUMNS.items():
        others = " AND ".join(f"{c} IS NULL" for c in ITEM_COLUMNS.values() if c != column)
        cases.append(f"(kind = '{kind}' AND {column} IS NOT NULL AND {others})")
    return " OR ".join(cases)


class UnexpectedMark(db.Model):
    """An item of the organisation's groups that the organisation marked as an unexpected result
    (monitoring question 5), with what was unexpected about it. One mark per item; the mark goes
    with its item (each item column cascades). Seen only by the organisation's specialists, the
    admins and in the impact report."""

    __tablename__ = "unexpected_mark"
    __table_args__ = (
        CheckConstraint(_one_item_of_its_kind(), name="one_item_of_its_kind"),
        CheckConstraint(f"length(note) BETWEEN 1 AND {NOTE_MAX}", name="note_length"),
        Index("ix_unexpected_mark_org_kind", "organisation_id", "kind"),
        one_of("kind", UnexpectedKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"), unique=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"), unique=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), unique=True)
    note: Mapped[str] = mapped_column(String(NOTE_MAX))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def item_id(self):
        return getattr(self, ITEM_COLUMNS[UnexpectedKind(self.kind)])
