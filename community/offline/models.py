"""Members without an account (issue #15, point 2): a parent with no smartphone or email whom
a leader adds to the group. The person is a `User` row with no email (cannot sign in, is never
emailed or notified) and an active `Membership`; this row says who added them, the phone
number they agreed to give, and the consent: who recorded it, when, and what for."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.auth.models import User
from community.extensions import db
from community.models import utcnow


class OfflineMember(db.Model):
    __tablename__ = "offline_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    consent_purpose: Mapped[str] = mapped_column(String(300))
    consent_at: Mapped[datetime] = mapped_column(default=utcnow)
    consent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Linking: the account a leader says is this person's, asked by email to confirm.
    link_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    link_requested_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    consent_by: Mapped[User | None] = relationship(foreign_keys=[consent_by_id])
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
    link_user: Mapped[User | None] = relationship(foreign_keys=[link_user_id])
