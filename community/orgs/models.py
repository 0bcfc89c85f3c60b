"""Organisations, their specialists, invitations, and offers of support to groups."""

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.auth.models import User
from community.extensions import db
from community.models import TimestampMixin, one_of, utcnow


class SupportStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class InvitationState(StrEnum):
    """Whether a person may accept a specialist invitation (worked out, not stored); the
    states other than OK are also the codes of the rule errors (orgs.used, …)."""

    OK = "ok"
    USED = "used"
    EXPIRED = "expired"
    OTHER_EMAIL = "other-email"


class Organisation(TimestampMixin, db.Model):
    """An NGO that supports groups; its staff are specialists."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    region: Mapped[str] = mapped_column(String(120), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")

    specialists: Mapped[list["Specialist"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self):
        return f"<Organisation {self.slug}>"


class Specialist(db.Model):
    """A user who works for an organisation."""

    __tablename__ = "specialist"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="specialists")
    user: Mapped[User] = relationship()


class SpecialistInvitation(db.Model):
    """An admin's invitation to join an organisation as a specialist, sent by email."""

    __tablename__ = "specialist_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(32))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()


class SupportOffer(db.Model):
    """A specialist offers their organisation's support to a group; a leader decides."""

    __tablename__ = "support_offer"
    __table_args__ = (one_of("status", SupportStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    specialist_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(String(1000), default="")
    # offered -> accepted | declined | withdrawn
    status: Mapped[str] = mapped_column(String(12), default=SupportStatus.OFFERED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    specialist: Mapped[User | None] = relationship(foreign_keys=[specialist_id])
