"""What can happen in a self-assessment: a specialist opens this year's round (one a year),
the organisation rates each statement with its evidence, the parents of the groups it supports
rate the same statements anonymously (once each), and the two views are compared, gaps first.
The parents' view shows only from five parents."""

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from community.assessment.models import (
    FULLY,
    MIN_PARENTS,
    NOT_YET,
    AssessmentBallot,
    AssessmentResponse,
    AssessmentRound,
    OrganisationRating,
    ParentRating,
)
from community.assessment.statements import KEYS, PRINCIPLES, STATEMENTS
from community.errors import RuleError
from community.extensions import db
from community.models import utcnow


def rounds_of(organisation):
    """Every year's round, newest first."""
    return db.session.scalars(
        select(AssessmentRound)
        .where(AssessmentRound.organisation_id == organisation.id)
        .order_by(AssessmentRound.year.desc())
    ).all()


def round_for(organisation, year):
    return db.session.scalar(
        select(AssessmentRound).where(AssessmentRound.organisation_id == organisation.id, AssessmentRound.year == year)
    )


def open_round(actor, organisation, year=None):
    """This year's round (once: a unique constraint on organisation and year)."""
    year = year or date.today().year
    assessment = AssessmentRound(organisation_id=organisation.id, year=year, opened_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(assessment)
    except IntegrityError:
        raise RuleError("assessment.round-exists") from None
    db.session.flush()
    return assessment


def organisation_ratings(assessment):
    """{statement: OrganisationRating}."""
    return {
        r.statement: r
        for r in db.session.scalars(select(OrganisationRating).where(OrganisationRating.round_id == assessment.id))
    }


def rate_as_organisation(actor, assessment, ratings):
    """Save the organisation's ratings: {statement: (level, evidence)}. Statements left unrated
    keep no row; a level outside the scale is refused."""
    existing = organisation_ratings(assessment)
    now = utcnow()
    for key, (level, evidence) in ratings.items():
        if key not in KEYS:
            continue
        if level is None:
            continue
        if not NOT_YET <= level <= FULLY:
            raise RuleError("assessment.bad-level", field=key)
        row = existing.get(key)
        if row is None:
            row = OrganisationRating(round_id=assessment.id, statement=key)
            db.session.add(row)
        row.level, row.evidence = level, (evidence or "").strip()[:2000]
        row.rated_by_id, row.rated_at = actor.id, now
    db.session.flush()


def has_rated(user, assessment):
    return user.is_authenticated and db.session.get(AssessmentBallot, (assessment.id, user.id)) is not None


def rate_as_parent(user, assessment, levels):
    """A parent's anonymous ratings ({statement: level}), once per round."""
    values = {k: v for k, v in levels.items() if k in KEYS and v is not None}
    if not values:
        raise RuleError("assessment.empty")
    if any(not NOT_YET <= v <= FULLY for v in values.values()):
        raise RuleError("assessment.bad-level")
    try:
        with db.session.begin_nested():
            db.session.add(AssessmentBallot(round_id=assessment.id, user_id=user.id))
    except IntegrityError:
        raise RuleError("assessment.already-rated") from None
    response = AssessmentResponse(round_id=assessment.id)
    db.session.add(response)
    db.session.flush()
    for key, level in values.items():
        db.session.add(ParentRating(response_key=response.key, statement=key, level=level))
    db.session.execute(
        update(AssessmentRound)
        .where(AssessmentRound.id == assessment.id)
        .values(parent_count=AssessmentRound.parent_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.refresh(assessment)


def parents_view(assessment):
    """{statement: (average level, how many rated it)} — None under five parents."""
    if assessment.parent_count < MIN_PARENTS:
        return None
    rows = db.session.execute(
        select(ParentRating.statement, func.avg(ParentRating.level), func.count())
        .join(AssessmentResponse, AssessmentResponse.key == ParentRating.response_key)
        .where(AssessmentResponse.round_id == assessment.id)
        .group_by(ParentRating.statement)
    ).all()
    return {key: (round(float(avg), 1), n) for key, avg, n in rows}


def comparison(assessment):
    """Every statement with the organisation's rating and the parents' average side by side,
    the largest gaps first (then the statements only one side rated, then the rest)."""
    ours = organisation_ratings(assessment)
    theirs = parents_view(assessment) or {}
    rows = []
    for key, principle, org_text, parent_text in STATEMENTS:
        rating = ours.get(key)
        parents = theirs.get(key)
        gap = None
        if rating is not None and parents is not None:
            gap = round(rating.level - parents[0], 1)
        rows.append(
            {
                "key": key,
                "principle": principle,
                "principle_label": PRINCIPLES[principle],
                "text": org_text,
                "parent_text": parent_text,
                "rating": rating,
                "parents": parents,
                "gap": gap,
            }
        )
    rows.sort(key=lambda r: (r["gap"] is None, -abs(r["gap"] or 0)))
    return rows


def by_principle(assessment):
    """Per principle: the organisation's average level and the parents' (None where not shown)."""
    ours = organisation_ratings(assessment)
    theirs = parents_view(assessment) or {}
    result = []
    for principle, label in PRINCIPLES.items():
        keys = [k for k, p, *_ in STATEMENTS if p == principle]
        org_levels = [ours[k].level for k in keys if k in ours]
        parent_levels = [theirs[k][0] for k in keys if k in theirs]
        result.append(
            (
                label,
                round(sum(org_levels) / len(org_levels), 1) if org_levels else None,
                round(sum(parent_levels) / len(parent_levels), 1) if parent_levels else None,
            )
        )
    return result
