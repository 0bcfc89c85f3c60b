"""Surveys, their questions and groups, and the answers — kept apart from who answered.

Anonymity by construction: a `SurveyBallot` says only that a person answered a survey (it
prevents a second answer); a `SurveyResponse` holds the answers under a random key, with no
person, no time and no sequence number, so nothing links a ballot to a response."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.groups.models import Group
from community.models import TimestampMixin, one_of
from community.orgs.models import Organisation


class Repeat(StrEnum):
    ONCE = "once"
    QUARTERLY = "quarterly"


class SurveyKind(StrEnum):
    """Written by the organisation, or the ready-made one after an opportunity ends."""

    CUSTOM = "custom"
    TAKING_PART = "taking_part"


class QuestionKind(StrEnum):
    SCALE = "scale"
    CHOICE = "choice"
    TEXT = "text"


ONCE, QUARTERLY = Repeat
CUSTOM, TAKING_PART = SurveyKind
SCALE, CHOICE, TEXT = QuestionKind
MAX_QUESTIONS = 5
MIN_ANSWERS = 5  # results show only from this many answers


class Survey(TimestampMixin, db.Model):
    """One round of a survey. A quarterly survey's rounds share `series_id` (the first round's id).

    Sent by an organisation's specialists to chosen groups it supports (`group_id` empty), or
    by a group's leaders to their own group (`group_id`; `organisation_id` is then the group's
    organisation when it was sent, or empty for a group without one), as opportunities are."""

    __tablename__ = "survey"
    __table_args__ = (
        CheckConstraint("organisation_id IS NOT NULL OR group_id IS NOT NULL", name="has_owner"),
        CheckConstraint("answer_count >= 0", name="answer_count_positive"),
        CheckConstraint("round_no >= 1", name="round_positive"),
        one_of("repeat", Repeat),
        one_of("kind", SurveyKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    # The group whose leaders sent it (the audience is then that group only).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(12), default=CUSTOM)
    repeat: Mapped[str] = mapped_column(String(10), default=ONCE)
    series_id: Mapped[int | None] = mapped_column(index=True)
    round_no: Mapped[int] = mapped_column(default=1)
    # The ready-made "How did taking part feel?" survey of one opportunity (at most one).
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="SET NULL"), unique=True)
    closes_on: Mapped[date]
    closed_at: Mapped[datetime | None]
    # A quarterly series stops: no more rounds.
    stopped_at: Mapped[datetime | None]
    answer_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation | None] = relationship()
    group: Mapped[Group | None] = relationship()
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        order_by="SurveyQuestion.position", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def sent_by_group(self):
        return self.group_id is not None

    @property
    def sender_name(self):
        """Who asks: the group for a leader's survey, else the organisation."""
        return self.group.name if self.group_id is not None else self.organisation.name

    @property
    def is_open(self):
        return self.closed_at is None and date.today() <= self.closes_on

    @property
    def shows_results(self):
        return self.answer_count >= MIN_ANSWERS

    @property
    def repeats(self):
        return self.repeat == QUARTERLY and self.stopped_at is None

    def __repr__(self):
        return f"<Survey {self.id} round {self.round_no}>"


class SurveyQuestion(db.Model):
    """A 1–5 scale, one choice from a list, or a short text."""

    __tablename__ = "survey_question"
    __table_args__ = (UniqueConstraint("survey_id", "position"), one_of("kind", QuestionKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(String(300))
    choices: Mapped[list] = mapped_column(JSON, default=list)


class SurveyGroup(db.Model):
    """A group whose parents a survey is sent to."""

    __tablename__ = "survey_group"
    __table_args__ = (UniqueConstraint("survey_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)


class SurveyBallot(db.Model):
    """That a person has answered a survey — nothing else (no time, no link to the answers)."""

    __tablename__ = "survey_ballot"

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)


def _random_key():
    return uuid.uuid4().hex


class SurveyResponse(db.Model):
    """One person's answers to a survey, under a random key: no person, no time, no order."""

    __tablename__ = "survey_response"

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_key)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)


class SurveyAnswer(db.Model):
    """The answer to one question: a number (the scale's 1–5, or the choice's position) or text."""

    __tablename__ = "survey_answer"
    __table_args__ = (CheckConstraint("value IS NULL OR value BETWEEN 0 AND 20", name="value_range"),)

    # No sequence number: the answers' order would tell the order people answered in.
    response_key: Mapped[str] = mapped_column(ForeignKey("survey_response.key", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text, default="")
