"""Suggestions to a group or an organisation, the answers to them, and who supports them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.auth.models import User
from community.extensions import db
from community.groups.models import Group, Post
from community.involve.models import Level
from community.models import TimestampMixin, one_of, utcnow
from community.orgs.models import Organisation


class SuggestionStatus(StrEnum):
    """Where a suggestion stands: waiting, then each answer moves it forward."""

    NEW = "new"
    HEARD = "heard"
    CONSIDERING = "considering"
    DOING = "doing"
    DONE = "done"
    NOT_POSSIBLE = "not_possible"


NEW, HEARD, CONSIDERING, DOING, DONE, NOT_POSSIBLE = SuggestionStatus
# The order answers move in; *done* and *not possible* end it.
STEPS = (NEW, HEARD, CONSIDERING, DOING, DONE)
FINAL = (DONE, NOT_POSSIBLE)
OPEN_STATUSES = (NEW, HEARD, CONSIDERING, DOING)
ANSWER_STATUSES = (HEARD, CONSIDERING, DOING, DONE, NOT_POSSIBLE)


class Suggestion(TimestampMixin, db.Model):
    """A member's suggestion to their group (`group_id`) or to the organisation that supports
    their group (`organisation_id`). An anonymous one keeps its author (for moderation and
    the author's own data) but never shows who it is."""

    __tablename__ = "suggestion"
    __table_args__ = (
        CheckConstraint("(group_id IS NULL) <> (organisation_id IS NULL)", name="one_owner"),
        CheckConstraint("support_count >= 0", name="support_count_positive"),
        CheckConstraint("status <> 'done' OR done_level IS NOT NULL", name="done_has_level"),
        Index("ix_suggestion_group_status", "group_id", "status"),
        Index("ix_suggestion_org_status", "organisation_id", "status"),
        one_of("status", SuggestionStatus),
        one_of("done_level", Level),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    anonymous: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=NEW)
    # Kept from the support rows in the same statement that adds or removes one.
    support_count: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime | None]
    # *Done*: what changed, in plain words, and at which level of involvement.
    done_change: Mapped[str] = mapped_column(Text, default="")
    done_level: Mapped[str | None] = mapped_column(String(12))
    # The decision in the group's decisions log that answers it, if any.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"), index=True)

    group: Mapped[Group | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    author: Mapped[User] = relationship()
    decision: Mapped[Post | None] = relationship()

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def owner_name(self):
        return self.group.name if self.group_id is not None else self.organisation.name

    def next_statuses(self):
        """The answers that may follow this status: forward along the steps, or *not possible*."""
        if self.status in FINAL:
            return ()
        later = STEPS[STEPS.index(self.status) + 1 :]
        return (*later, NOT_POSSIBLE)

    def __repr__(self):
        return f"<Suggestion {self.id} {self.status}>"


class SuggestionAnswer(db.Model):
    """One answer of the leaders or specialists: the status it moved to, and why."""

    __tablename__ = "suggestion_answer"
    __table_args__ = (one_of("status", SuggestionStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    suggestion: Mapped[Suggestion] = relationship()
    answered_by: Mapped[User | None] = relationship()


class SuggestionSupport(db.Model):
    """A member supports a suggestion: one each, held by the unique constraint."""

    __tablename__ = "suggestion_support"
    __table_args__ = (UniqueConstraint("suggestion_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
