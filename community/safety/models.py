"""Reports of what someone wrote, and the people a member has blocked."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.auth.models import User
from community.extensions import db
from community.models import one_of, utcnow


class Reason(StrEnum):
    CHILD_DATA = "child_data"
    INSULT = "insult"
    ADVERTISING = "advertising"
    OTHER = "other"


class ReportStatus(StrEnum):
    OPEN = "open"
    HIDDEN = "hidden"  # the leaders (or an admin) hid the item
    DISMISSED = "dismissed"  # they looked and left it


class ItemKind(StrEnum):
    """What can be reported: everything a member writes that others read."""

    POST = "post"
    COMMENT = "comment"
    HELP_REQUEST = "help_request"
    HELP_ANSWER = "help_answer"
    HELP_MESSAGE = "help_message"
    MESSAGE = "message"


OPEN, HIDDEN, DISMISSED = ReportStatus


class Report(db.Model):
    """A member says something in the group breaks its rules. The group's leaders (admins for
    private messages, which leaders never read) hide the item or dismiss the report."""

    __tablename__ = "report"
    __table_args__ = (
        # One open report per person per item: a second tap finds the first.
        Index(
            "uq_report_open_per_reporter",
            "reporter_id",
            "kind",
            "item_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_report_group_status", "group_id", "status"),
        Index("ix_report_item", "kind", "item_id"),
        one_of("kind", ItemKind),
        one_of("reason", Reason),
        one_of("status", ReportStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for private messages: only the installation's admins see those reports.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    group = relationship("Group")


class Block(db.Model):
    """A member no longer wants to hear from another: no private messages from them, and
    what they write in groups is folded away (one tap shows it)."""

    __tablename__ = "block"
    __table_args__ = (
        UniqueConstraint("blocker_id", "blocked_id"),
        CheckConstraint("blocker_id <> blocked_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    blocked: Mapped[User] = relationship(foreign_keys=[blocked_id])
