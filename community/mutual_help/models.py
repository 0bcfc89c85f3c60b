"""Help requests (needs and offers), the answers to them, their threads, and who wants to
hear about which kind of help."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.auth.models import User
from community.extensions import db
from community.groups.models import Group
from community.models import TimestampMixin, one_of, utcnow


class HelpKind(StrEnum):
    NEED = "need"
    OFFER = "offer"


class HelpStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Category(StrEnum):
    CHILDCARE = "childcare"
    RESPITE = "respite"
    TRANSPORT = "transport"
    THINGS = "things"
    ADVICE = "advice"
    DOCUMENTS = "documents"
    EMOTIONAL = "emotional"
    OTHER = "other"


class Urgency(StrEnum):
    TODAY = "today"
    WEEK = "week"
    WHENEVER = "whenever"


NEED, OFFER = HelpKind
OPEN, IN_PROGRESS, RESOLVED, CLOSED = HelpStatus
CATEGORIES = tuple(Category)
URGENCIES = tuple(Urgency)


class HelpRequest(TimestampMixin, db.Model):
    """A need ("I need…") or an offer ("I can give…") on a group's help board."""

    __tablename__ = "help_request"
    __table_args__ = (
        Index("ix_help_request_group_status", "group_id", "status"),
        one_of("kind", HelpKind),
        one_of("status", HelpStatus),
        one_of("category", Category),
        one_of("urgency", Urgency),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(6), default=NEED)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(12))
    urgency: Mapped[str] = mapped_column(String(10), default="whenever")
    needed_by: Mapped[date | None]
    # Sensitive: details stay out of emails and previews.
    sensitive: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default=OPEN)
    updated_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    response_count: Mapped[int] = mapped_column(default=0)
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_note: Mapped[str] = mapped_column(String(500), default="")
    thank_you: Mapped[str] = mapped_column(Text, default="")
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Keeping the board alive: when leaders were told nobody answered, when the author was
    # asked to resolve or close.
    leaders_nudged_at: Mapped[datetime | None]
    author_nudged_at: Mapped[datetime | None]
    # Help that happened offline, recorded by a leader so the indicators see it.
    offline: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    group: Mapped[Group] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    responses: Mapped[list["HelpResponse"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", passive_deletes=True, order_by="HelpResponse.id"
    )

    @property
    def is_active(self):
        return self.status in (OPEN, IN_PROGRESS)


class HelpResponse(db.Model):
    """ "I can help" (or "I'd like this" for an offer), with a message."""

    __tablename__ = "help_response"
    __table_args__ = (UniqueConstraint("request_id", "helper_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"), index=True)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    # Confirmed by the author when resolving: this person really helped.
    helped: Mapped[bool] = mapped_column(default=False)
    # Hidden after a report (community/safety): the text is no longer shown.
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    request: Mapped[HelpRequest] = relationship(back_populates="responses")
    helper: Mapped[User | None] = relationship(foreign_keys=[helper_id])


class HelpMessage(db.Model):
    """A message in a request's thread, between its author and the accepted helpers."""

    __tablename__ = "help_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Hidden after a report (community/safety): the text is no longer shown.
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class HelpSubscription(db.Model):
    """A member wants an email when someone in their groups needs this kind of help."""

    __tablename__ = "help_subscription"
    __table_args__ = (UniqueConstraint("user_id", "category"), one_of("category", Category))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(12))
