"""Cost claims: what a parent spent to take part, and what the organisation decided."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.auth.models import User
from community.events.models import Event
from community.extensions import db
from community.involve.models import OpportunitySession
from community.models import one_of, utcnow
from community.orgs.models import Organisation


class ClaimCategory(StrEnum):
    TRAVEL = "travel"
    CHILDCARE = "childcare"
    OTHER = "other"


class ClaimStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    DECLINED = "declined"
    PAID = "paid"


class ReceiptType(StrEnum):
    """Receipt formats, recognised by their first bytes (never by the name or the browser's word)."""

    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    HEIC = "heic"


SUBMITTED, APPROVED, DECLINED, PAID = ClaimStatus
CATEGORIES = tuple(ClaimCategory)
# The most one claim can be for (100 000 roubles), in kopecks.
MAX_AMOUNT = 100_000 * 100


class CostClaim(db.Model):
    """A parent's claim for what taking part cost them: for a session of an opportunity they
    took part in, or an event they attended that reimburses travel. One per person, session
    or event, and kind of cost (unique constraints; rows with no session or no event never
    collide with each other, so each constraint covers its own kind)."""

    __tablename__ = "cost_claim"
    __table_args__ = (
        UniqueConstraint("user_id", "session_id", "category", name="uq_cost_claim_session_category"),
        UniqueConstraint("user_id", "event_id", "category", name="uq_cost_claim_event_category"),
        CheckConstraint("(session_id IS NULL) <> (event_id IS NULL)", name="session_or_event"),
        CheckConstraint(f"amount > 0 AND amount <= {MAX_AMOUNT}", name="amount_range"),
        Index("ix_cost_claim_org_status", "organisation_id", "status"),
        one_of("category", ClaimCategory),
        one_of("status", ClaimStatus),
        one_of("receipt_type", ReceiptType),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The organisation that pays: its specialists decide.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity_session.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(10))
    # Kopecks: money is counted in whole kopecks, never in floating point.
    amount: Mapped[int]
    spent_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    # The receipt is a file outside the web root, named by a random key; served only to the
    # claimant and the organisation's specialists.
    receipt_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    receipt_type: Mapped[str | None] = mapped_column(String(5))
    receipt_size: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default=SUBMITTED)
    # Why it was declined (or a note with the approval): the claimant always sees it.
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    paid_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship()
    session: Mapped[OpportunitySession | None] = relationship()
    event: Mapped[Event | None] = relationship()
