"""What pulse surveys hold about a person: only which surveys they answered (the ballots).
What they answered is stored without them and cannot be found, exported or deleted as theirs."""

from sqlalchemy import select

from community.assessment.models import AssessmentBallot, AssessmentRound, OrganisationRating
from community.extensions import db
from community.orgs.models import Organisation
from community.surveys.models import Survey, SurveyBallot


def export_part(user):
    """The surveys and self-assessments a person answered — never what they answered."""
    assessed = db.session.execute(
        select(Organisation.name, AssessmentRound.year)
        .join(AssessmentRound, AssessmentRound.organisation_id == Organisation.id)
        .join(AssessmentBallot, AssessmentBallot.round_id == AssessmentRound.id)
        .where(AssessmentBallot.user_id == user.id)
        .order_by(AssessmentRound.year)
    ).all()
    rows = db.session.execute(
        select(Survey.title, Survey.round_no)
        .join(SurveyBallot, SurveyBallot.survey_id == Survey.id)
        .where(SurveyBallot.user_id == user.id)
        .order_by(Survey.id)
    ).all()
    return {
        "surveys_answered": [
            {"survey": title, "round": round_no, "your_answers": "stored without your name"} for title, round_no in rows
        ]
        + [
            {"self_assessment": name, "year": year, "your_answers": "stored without your name"}
            for name, year in assessed
        ]
    }


ACTIONS = (
    ("sent a survey", Survey.created_by_id, Survey.created_at),
    ("opened a self-assessment", AssessmentRound.opened_by_id, AssessmentRound.created_at),
    ("rated a statement for the organisation", OrganisationRating.rated_by_id, OrganisationRating.rated_at),
)
