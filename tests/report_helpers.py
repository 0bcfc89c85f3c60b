"""A foundation with a year of involvement to report on: opportunities, done suggestions,
surveys, help, leaders, health snapshots and unplanned results (rows written directly)."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from community.extensions import db
from community.groups.models import Group
from community.health.models import HealthActivity, HealthSnapshot
from community.involve.models import ACCEPTED, Application, Opportunity, OpportunitySession, SessionAttendance
from community.mutual_help.models import HelpRequest, HelpResponse
from community.orgs.models import Organisation
from community.report.models import UnplannedResult
from community.report.service import default_period
from community.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from community.voice.models import DONE, Suggestion, SuggestionAnswer
from tests.conftest import work
from tests.involve_helpers import build_world, fields, parent, user


def moment(months_in=3, day=10):
    """A time inside the default report period."""
    first = default_period().first
    month = first.month - 1 + months_in
    return datetime(first.year + month // 12, month % 12 + 1, day, 12, tzinfo=UTC)


def seed(app, make_user, parents=6, size=1):
    """`size` scales how many rows of each kind there are (for the query-count test)."""
    world = build_world(app, make_user, parents=parents)
    when = moment()
    with work(app):
        fond = db.session.scalar(select(Organisation).where(Organisation.slug == "fond"))
        group = db.session.scalar(select(Group).where(Group.slug == world["slug"]))
        people = [user(parent(n)) for n in range(1, parents + 1)]
        for k in range(size):
            values = fields(title=f"Родительский совет {k}", places=50)
            values.update(starts_on=when.date(), ends_on=when.date() + timedelta(days=60), deadline=when.date())
            opportunity = Opportunity(organisation_id=fond.id, **values)
            db.session.add(opportunity)
            db.session.flush()
            opportunity.published_at = when
            opportunity.status = "open"
            session = OpportunitySession(
                opportunity_id=opportunity.id, title="Встреча", starts_at=when, ends_at=when + timedelta(hours=2)
            )
            db.session.add(session)
            db.session.flush()
            for person in people:
                db.session.add(Application(opportunity_id=opportunity.id, user_id=person.id, status=ACCEPTED))
                db.session.add(SessionAttendance(session_id=session.id, user_id=person.id))
            opportunity.accepted_count = len(people)
            suggestion = Suggestion(
                group_id=group.id,
                author_id=people[0].id,
                title=f"Детская комната во время встреч {k}",
                status=DONE,
                done_change="Во время встреч теперь работает детская комната с волонтёром.",
                done_level="community",
                answered_at=when,
                created_at=when - timedelta(days=20),
            )
            db.session.add(suggestion)
            db.session.flush()
            db.session.add(
                SuggestionAnswer(suggestion_id=suggestion.id, status=DONE, reason="Сделали", created_at=when)
            )
            survey = Survey(
                organisation_id=fond.id,
                title=f"Как вам участие? {k}",
                closes_on=when.date(),
                answer_count=parents,
                created_at=when,
            )
            db.session.add(survey)
            db.session.flush()
            question = SurveyQuestion(survey_id=survey.id, position=1, kind="scale", text="Как вам?")
            db.session.add(question)
            db.session.flush()
            for n in range(parents):
                response = SurveyResponse(survey_id=survey.id)
                db.session.add(response)
                db.session.flush()
                db.session.add(SurveyAnswer(response_key=response.key, question_id=question.id, value=5 if n else 3))
            for person in people:
                request = HelpRequest(
                    group_id=group.id,
                    author_id=person.id,
                    title="Нужен совет",
                    category="other",
                    created_at=when,
                    first_response_at=when + timedelta(hours=3),
                    response_count=1,
                )
                db.session.add(request)
                db.session.flush()
                helper = people[(people.index(person) + 1) % len(people)]
                db.session.add(HelpResponse(request_id=request.id, helper_id=helper.id, created_at=when))
            db.session.add(
                UnplannedResult(
                    organisation_id=fond.id,
                    happened_on=when.date(),
                    text=f"Школа попросила родителей провести встречу для учителей {k}.",
                )
            )
        for offset, stage in ((0, "forming"), (1, "formed"), (2, "growing")):
            month = default_period().months[offset]
            db.session.add(
                HealthSnapshot(group_id=group.id, period=month, raw_stage=stage, stage=stage, members=parents)
            )
            for person in people:
                db.session.add(
                    HealthActivity(
                        group_id=group.id,
                        period=month,
                        user_id=person.id,
                        level=3,
                        led=offset == 2,
                        attended=1,
                        crowd=True,
                    )
                )
        db.session.commit()
    return world


def in_period():
    period = default_period()
    return f"from={period.first:%Y-%m}&to={period.last:%Y-%m}"


TODAY = date.today()


def seed_items(app, world):
    """Beside `seed`: items to mark as unexpected results — a meeting, a decision (and a discussion,
    which is no decision) and an anonymous suggestion of the foundation's group in the period, a meeting before the period, a draft
    meeting, and a meeting of a group the foundation does not support. Returns their ids."""
    from community.events.models import DRAFT, PUBLISHED, Event
    from community.groups.models import DECISION, Post

    when = moment(months_in=4)
    with work(app):
        group = db.session.scalar(select(Group).where(Group.slug == world["slug"]))
        other = db.session.scalar(select(Group).where(Group.slug == world["other_slug"]))

        def event(title, at, group_id=group.id, status=PUBLISHED):
            row = Event(group_id=group_id, title=title, starts_at=at, ends_at=at + timedelta(hours=2), status=status)
            db.session.add(row)
            db.session.flush()
            return row.id

        ids = {
            "event": event("Пикник в парке", when),
            "old_event": event("Встреча позапрошлого года", when - timedelta(days=800)),
            "draft_event": event("Черновик встречи", when, status=DRAFT),
            "other_event": event("Встреча в Самаре", when, group_id=other.id),
        }
        decision = Post(group_id=group.id, kind=DECISION, title="Встречаемся по субботам", body="С февраля.")
        decision.created_at = when
        discussion = Post(group_id=group.id, title="Кто едет на пикник?", body="Пишите.")
        db.session.add_all([decision, discussion])
        anonymous = Suggestion(
            group_id=group.id,
            author_id=user(parent(2)).id,
            anonymous=True,
            title="Продлить службу передышки на выходные",
            created_at=when,
        )
        db.session.add(anonymous)
        db.session.flush()
        ids.update(
            decision=decision.id,
            discussion=discussion.id,
            anonymous=anonymous.id,
            suggestion=db.session.scalar(select(Suggestion.id).where(Suggestion.anonymous.is_(False))),
            opportunity=db.session.scalar(select(Opportunity.id).order_by(Opportunity.id)),
        )
        db.session.commit()
        return ids
