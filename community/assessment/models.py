"""Yearly self-assessment rounds: the organisation's ratings (with evidence) and the parents'
anonymous ratings of the same statements — a ballot says who rated, a response under a random
key holds what, with nothing linking the two (as in pulse surveys)."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models import TimestampMixin
from community.orgs.models import Organisation

NOT_YET, STARTING, MOSTLY, FULLY = range(4)
MIN_PARENTS = 5  # the parents' view shows only from this many


class AssessmentRound(TimestampMixin, db.Model):
    """One year's self-assessment of an organisation (one per year: a unique constraint)."""

    __tablename__ = "assessment_round"
    __table_args__ = (
        UniqueConstraint("organisation_id", "year"),
        CheckConstraint("parent_count >= 0", name="parent_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    year: Mapped[int]
    parent_count: Mapped[int] = mapped_column(default=0)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()


class OrganisationRating(db.Model):
    """The organisation's rating of one statement, with the evidence for it."""

    __tablename__ = "assessment_rating"
    __table_args__ = (
        UniqueConstraint("round_id", "statement"),
        CheckConstraint("level BETWEEN 0 AND 3", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id", ondelete="CASCADE"))
    statement: Mapped[str] = mapped_column(String(40))
    level: Mapped[int]
    evidence: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    rated_at: Mapped[datetime | None]


class AssessmentBallot(db.Model):
    """That a parent has rated a round — nothing else."""

    __tablename__ = "assessment_ballot"

    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)


class AssessmentResponse(db.Model):
    """One parent's ratings, under a random key: no person, no time, no order."""

    __tablename__ = "assessment_response"

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id", ondelete="CASCADE"), index=True)


class ParentRating(db.Model):
    """A parent's rating of one statement (in a response)."""

    __tablename__ = "assessment_parent_rating"
    __table_args__ = (CheckConstraint("level BETWEEN 0 AND 3", name="level_range"),)

    response_key: Mapped[str] = mapped_column(
        ForeignKey("assessment_response.key", ondelete="CASCADE"), primary_key=True
    )
    statement: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[int]
