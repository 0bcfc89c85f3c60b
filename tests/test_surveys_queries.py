"""Pulse survey pages keep the same number of SQL queries as surveys, rounds and answers grow."""

from sqlalchemy import select

from community.extensions import db
from community.groups.models import Group
from community.orgs.models import Organisation
from community.surveys import service
from tests.conftest import Browser, work
from tests.involve_helpers import LEADER, SPECIALIST_EMAIL, build_world, parent, user
from tests.test_help_queries import count_queries

QUESTIONS = [("scale", "Полезно?", ""), ("choice", "Когда?", "Утром\nВечером"), ("text", "Что добавить?", "")]


def build(app, make_user, size):
    world = build_world(app, make_user, parents=size)
    with work(app):
        fond = db.session.scalar(select(Organisation).where(Organisation.slug == "fond"))
        surveys = [
            service.send_survey(
                user(SPECIALIST_EMAIL), fond, f"Опрос {n}", "", QUESTIONS, [world["group"]], "quarterly", 7
            )
            for n in range(size // 2)
        ]
        group = db.session.get(Group, world["group"])
        surveys += [
            service.send_group_survey(user(LEADER), group, f"Опрос группы {n}", "", QUESTIONS, "once", 7)
            for n in range(size // 2)
        ]
        first = surveys[0]
        second = service.next_round(first)
        for survey in (first, second):
            for n in range(1, size + 1):
                qs = survey.questions
                service.answer_survey(
                    user(parent(n)), survey, {qs[0].id: 1 + n % 5, qs[1].id: n % 2, qs[2].id: f"Ответ {n}"}
                )
        return second.id


def queries(make_app, make_user, size):
    app = make_app()
    second = build(app, make_user, size)
    counts = []
    urls = ("/orgs/fond/surveys/", "/groups/semi-kazani/surveys/", f"/surveys/{second}")
    for email in (SPECIALIST_EMAIL, parent(1), LEADER):
        browser = Browser(app.test_client())
        browser.login(email)
        counts += [count_queries(app, browser, url) for url in urls]
    return counts


def test_survey_pages_do_not_grow_with_the_data(make_app, make_user):
    small = queries(make_app, make_user, 6)
    with make_app().app_context():
        db.drop_all()
        db.create_all()
    large = queries(make_app, make_user, 14)
    assert large == small
