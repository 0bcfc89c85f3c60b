"""The demo holds a survey the Moscow group's leader sent to her group: open, with at least
five answers (so its results show), the demo member still able to answer it."""

from sqlalchemy import select

from community.auth.models import User
from community.demo import seed_demo
from community.extensions import db
from community.groups.models import Group
from community.surveys import service
from community.surveys.models import Survey
from tests.conftest import work


def test_the_demo_group_has_a_leader_survey_with_results(app):
    with work(app):
        seed_demo(app.config)
        db.session.commit()
        moscow = db.session.scalar(select(Group).where(Group.slug == "priemnye-semi-moskvy"))
        surveys = db.session.scalars(select(Survey).where(Survey.group_id == moscow.id)).all()
        assert len(surveys) == 1
        survey = surveys[0]
        leader = db.session.get(User, survey.created_by_id)
        member = db.session.scalar(select(User).where(User.email.like("member@%")))
        assert service.leads(leader, moscow) and leader.email.startswith("leader@")
        assert survey.answer_count >= 5 and survey.is_open and service.results(survey)
        assert service.is_for(member, survey) and not service.has_answered(member, survey)
