"""One “спасибо” per person per post or help answer, held by the database."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models import utcnow


class Thanks(db.Model):
    """A member said “спасибо” for a post or for a help answer (exactly one of the two)."""

    __tablename__ = "thanks"
    __table_args__ = (
        UniqueConstraint("user_id", "post_id", name="uq_thanks_user_post"),
        UniqueConstraint("user_id", "help_response_id", name="uq_thanks_user_help_response"),
        CheckConstraint("(post_id IS NULL) <> (help_response_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    help_response_id: Mapped[int | None] = mapped_column(ForeignKey("help_response.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
