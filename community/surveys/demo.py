"""The demo's pulse surveys: the foundation asks its Moscow and Kazan groups every quarter how
the meetings go (two rounds, each with more than five answers, so the results and the trend
show), the Moscow group's leader asks her own group about its meetings (still open, with
eight answers: the demo member can answer it), and the ready-made "How did taking part
feel?" survey goes to the people of an opportunity that ended. Answered through the service, then moved back in time; nobody is
emailed about this made-up history."""

import random
from datetime import timedelta

from sqlalchemy import select

from community.auth.models import User
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, MEMBER, Group, Membership
from community.models import utcnow
from community.orgs.models import Organisation
from community.surveys import service
from community.surveys.models import CHOICE, SCALE, TEXT

ORG, GROUPS = "semya-ryadom", ("priemnye-semi-moskvy", "opekuny-kazani")
QUESTIONS = [
    (SCALE, "Насколько вам полезны встречи группы? (1 — совсем нет, 5 — очень)", ""),
    (SCALE, "Чувствуете ли вы, что вас слышат в группе? (1 — совсем нет, 5 — всегда)", ""),
    (CHOICE, "Какое время встреч вам удобнее?", "Суббота утром\nБудний вечер\nВоскресенье днём"),
    (TEXT, "Чего вам не хватает?", ""),
]
LEADER_QUESTIONS = [
    (SCALE, "Удобно ли вам место наших встреч? (1 — совсем нет, 5 — очень)", ""),
    (CHOICE, "Как часто встречаться?", "Раз в месяц\nДва раза в месяц\nРаз в неделю"),
    (TEXT, "Какую тему обсудить на следующей встрече?", ""),
]
TOPICS = (
    "Как говорить с ребёнком о кровной семье",
    "Подростковый возраст",
    "Школа и домашние задания",
    "Отдых летом",
    "",
)
WISHES = (
    "Больше встреч с психологом",
    "Няни на время встречи",
    "Встреч для пап",
    "Юридических консультаций",
    "Времени просто поговорить",
    "",
)


def seed_surveys(known):
    """Two quarterly rounds with answers, and the taking-part survey (`known`: demo accounts)."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == ORG))
    groups = db.session.scalars(select(Group).where(Group.slug.in_(GROUPS))).all()
    if organisation is None or not groups:
        return
    rng = random.Random(11)
    parents = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.group_id.in_([g.id for g in groups]),
            Membership.status == ACTIVE,
            Membership.role.in_([MEMBER, LEADER]),
            User.id != known["member"].id,  # the demo member still has the survey to answer
        )
        .order_by(User.id)
    ).all()
    first = service.send_survey(
        known["specialist"],
        organisation,
        "Как проходят встречи группы?",
        "Четыре коротких вопроса раз в квартал. Ответы анонимны.",
        QUESTIONS,
        [g.id for g in groups],
        "quarterly",
        14,
    )
    _answer(first, parents[:14], rng, good=0.55)
    _back_in_time(first, days=100)
    first.closed_at = first.created_at + timedelta(days=14)
    second = service.next_round(first)
    _answer(second, parents[:11], rng, good=0.75)
    _back_in_time(second, days=9)
    _leader_survey(known, groups, parents, rng)
    service.send_taking_part_surveys()
    # The story is history: no notices or emails about it (the jobs are dropped before the commit).
    pending = db.session.info.get("jobs_pending", [])
    pending[:] = [job for job in pending if job[0] != "surveys.announce"]
    db.session.flush()


def _leader_survey(known, groups, parents, rng):
    """The Moscow group's leader asks her group: sent six days ago, open for three weeks."""
    moscow = next((g for g in groups if g.slug == GROUPS[0]), None)
    if moscow is None:
        return
    mine = set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.group_id == moscow.id,
                Membership.status == ACTIVE,
                Membership.role.in_([MEMBER, LEADER]),
            )
        )
    )
    survey = service.send_group_survey(
        known["leader"],
        moscow,
        "Как нам лучше встречаться?",
        "Три вопроса от ведущей группы. Ответы анонимны: я не узнаю, кто что ответил.",
        LEADER_QUESTIONS,
        "once",
        21,
    )
    answering = [p for p in parents if p.id in mine and p.id != known["leader"].id][:8]
    _answer(survey, answering, rng, good=0.7, texts=TOPICS)
    _back_in_time(survey, days=6, open_days=21)


def _answer(survey, people, rng, good, texts=WISHES):
    db.session.refresh(survey)
    for person in people:
        answers = {}
        for question in survey.questions:
            if question.kind == SCALE:
                answers[question.id] = rng.choice((4, 5)) if rng.random() < good else rng.choice((2, 3))
            elif question.kind == CHOICE:
                answers[question.id] = rng.choice((0, 0, 1, 2))
            else:
                answers[question.id] = rng.choice(texts)
        service.answer_survey(person, survey, answers)


def _back_in_time(survey, days, open_days=14):
    then = utcnow() - timedelta(days=days)
    survey.created_at = then
    survey.closes_on = then.date() + timedelta(days=open_days)
