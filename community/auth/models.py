"""Accounts: people and their server-side sessions."""

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from community.extensions import db
from community.models import TimestampMixin, one_of, utcnow


class FamilyForm(StrEnum):
    FOSTER = "foster"
    GUARDIANSHIP = "guardianship"
    ADOPTION = "adoption"
    KINSHIP = "kinship"


FAMILY_FORMS = tuple(FamilyForm)


class EmailFrequency(StrEnum):
    """How a person wants their emails: each as it happens, a daily or weekly digest, or none."""

    NOW = "now"
    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"


class User(UserMixin, TimestampMixin, db.Model):
    """A person with an account: a parent, a specialist or an admin."""

    __tablename__ = "user"
    __table_args__ = (one_of("family_form", FamilyForm), one_of("email_frequency", EmailFrequency))

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a member without an account (community/offline): never emailed, cannot sign in.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    city: Mapped[str] = mapped_column(String(80), default="")
    locale: Mapped[str] = mapped_column(String(5), default="ru")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    password_hash: Mapped[str] = mapped_column(String(256))
    email_verified_at: Mapped[datetime | None]
    # Indexed: the health indicators exclude staff (specialists and admins) in every query.
    is_admin: Mapped[bool] = mapped_column(default=False, index=True)
    consent_at: Mapped[datetime]
    consent_version: Mapped[str] = mapped_column(String(20))
    # True only with email_frequency "now" (kept together by update_profile): emails as things happen.
    email_notifications: Mapped[bool] = mapped_column(default=True)
    email_frequency: Mapped[str] = mapped_column(String(8), default=EmailFrequency.NOW, server_default="now")
    # When the last digest went out: the digest job sends one per period, never two.
    digest_sent_at: Mapped[datetime | None]
    # Opt-in: an email when an organisation or a group of mine invites parents to take part.
    opportunity_emails: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Optional and self-declared; used only in aggregate (indicator I1). Never a child's data.
    family_form: Mapped[str | None] = mapped_column(String(20))
    experience_years: Mapped[int | None]
    # Secret for the private calendar feed of my events; reset by the user.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    # Suspended by an admin: cannot sign in (community/safety); the reason is in the audit.
    suspended_at: Mapped[datetime | None]
    suspended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    sessions: Mapped[list["UserSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    @property
    def is_suspended(self):
        return self.suspended_at is not None

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


def with_author(relationship):
    """Loader option for lists that show who wrote each item (the feed, the help board): the
    author's name with the list, in the same query; the rest of their row loads only if a page
    reads it (ORM objects keep working, they just never carry columns nobody shows)."""
    return joinedload(relationship).load_only(User.id, User.display_name, User.suspended_at)


class AnonymousUser(AnonymousUserMixin):
    """A visitor: answers every permission question with no."""

    is_admin = False
    is_suspended = False
    email_verified = False
    display_name = ""


class UserSession(db.Model):
    """One signed-in browser. Deleting the row signs that browser out for good; so does
    staying away longer than the idle timeout, or reaching the absolute lifetime."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moved forward at most every SESSION_TOUCH_SECONDS, not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(back_populates="sessions")
