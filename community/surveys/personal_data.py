"""What pulse surveys hold about a person: only which surveys they answered (the ballots).
What they answered is stored without them and cannot be found, exported or deleted as theirs."""

from sqlalchemy import select

from community.extensions import db
from community.surveys.models import Survey, SurveyBallot


def export_part(user):
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
    }


ACTIONS = (("sent a survey", Survey.created_by_id, Survey.created_at),)
