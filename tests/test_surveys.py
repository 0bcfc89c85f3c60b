"""Pulse surveys: a specialist sends 1–5 questions to chosen groups; parents answer once,
anonymously (a ballot says who answered, a response what — with nothing linking them); the
results show from five answers; quarterly surveys repeat and show their trend; the ready-made
"How did taking part feel?" survey goes to the people of an ended opportunity."""

from datetime import date, timedelta

from sqlalchemy import func, inspect, select

from community.extensions import db
from community.models import utcnow
from community.surveys import service
from community.surveys.models import Survey, SurveyAnswer, SurveyBallot, SurveyResponse
from tests.concurrency import codes, run_together
from tests.conftest import PASSWORD, work
from tests.involve_helpers import (
    ELSEWHERE,
    LEADER,
    SPECIALIST_EMAIL,
    accept,
    apply,
    build_world,
    make_opportunity,
    parent,
    user,
)
from tests.voice_helpers import signed_in

QUESTIONS = {
    "title": "Как проходят встречи группы?",
    "intro": "Три коротких вопроса.",
    "q1_text": "Насколько вам полезны встречи?",
    "q1_kind": "scale",
    "q2_text": "Какое время удобнее?",
    "q2_kind": "choice",
    "q2_choices": "Суббота утром\nСреда вечером\nВоскресенье днём",
    "q3_text": "Что добавить?",
    "q3_kind": "text",
    "repeat": "once",
    "open_days": "14",
}


def send(app, world, **overrides):
    data = {**QUESTIONS, "groups": str(world["group"]), **overrides}
    response = signed_in(app, SPECIALIST_EMAIL).submit("/orgs/fond/surveys/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        return db.session.scalar(select(Survey.id).order_by(Survey.id.desc()))


def answer_as(app, survey_id, email, scale="4", choice="0", text=""):
    browser = signed_in(app, email)
    data = {f"q{q}": v for q, v in zip(question_ids(app, survey_id), (scale, choice, text), strict=False)}
    return browser.submit(f"/surveys/{survey_id}", data)


def question_ids(app, survey_id):
    with app.app_context():
        return [q.id for q in db.session.get(Survey, survey_id).questions]


def test_a_specialist_sends_a_survey_and_the_parents_are_told(app, make_user, mailbox):
    world = build_world(app, make_user, parents=2)
    sid = send(app, world)
    subjects = [m["Subject"] for m in mailbox.to(parent(1))]
    assert any("Как проходят встречи" in s for s in subjects)
    assert mailbox.to(ELSEWHERE) == [] and mailbox.to(SPECIALIST_EMAIL) == []
    page = signed_in(app, parent(1)).get("/orgs/fond/surveys/").get_data(as_text=True)
    assert f"/surveys/{sid}" in page
    assert signed_in(app, ELSEWHERE).get(f"/surveys/{sid}").status_code == 404


def test_bad_survey_input_is_explained_and_kept(app, make_user):
    world = build_world(app, make_user, parents=1)
    browser = signed_in(app, SPECIALIST_EMAIL)
    cases = [
        {"groups": ""},
        {"q1_text": ""},
        {"q2_choices": "Только один"},
        {"open_days": "0"},
        {"open_days": "abc"},
        {"repeat": "daily"},
        {"title": ""},
    ]
    for case in cases:
        data = {**QUESTIONS, "groups": str(world["group"]), **case}
        response = browser.submit("/orgs/fond/surveys/new", data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, case
        assert "Насколько вам полезны встречи?" in page or case == {"q1_text": ""}
    with app.app_context():
        assert db.session.scalar(select(func.count(Survey.id))) == 0


def test_answers_are_anonymous_and_results_show_from_five(app, make_user):
    world = build_world(app, make_user, parents=6)
    sid = send(app, world)
    for n in range(1, 5):
        assert answer_as(app, sid, parent(n), scale=str(n + 1), text=f"Текст {n}").status_code == 302
    specialist = signed_in(app, SPECIALIST_EMAIL)
    page = specialist.get(f"/surveys/{sid}").get_data(as_text=True)
    assert "Текст 1" not in page and "Суббота утром</td>" not in page
    assert answer_as(app, sid, parent(5), scale="5", text="Текст 5").status_code == 302
    page = specialist.get(f"/surveys/{sid}").get_data(as_text=True)
    assert all(f"Текст {n}" in page for n in range(1, 6))
    # A second answer by the same person is refused; a closed survey takes none.
    again = answer_as(app, sid, parent(1))
    assert again.status_code == 200
    with app.app_context():
        assert db.session.get(Survey, sid).answer_count == 5
        assert db.session.scalar(select(func.count(SurveyResponse.key))) == 5
        assert db.session.scalar(select(func.count()).select_from(SurveyBallot)) == 5
        # Nothing links a response to a person: no person, time or sequence on the answers' side.
        for model in (SurveyResponse, SurveyAnswer):
            columns = {c.key for c in inspect(model).columns}
            assert not columns & {"user_id", "created_at", "id", "answered_at"}, model
        ballot_columns = {c.key for c in inspect(SurveyBallot).columns}
        assert ballot_columns == {"survey_id", "user_id"}
    # The export says which surveys I answered, never what.
    export = signed_in(app, parent(1)).submit("/auth/my-data.json", {"password": PASSWORD}, page="/auth/my-data")
    text = export.get_data(as_text=True)
    assert "Как проходят встречи группы?" in text and "Текст 1" not in text


def test_twenty_submissions_by_one_person_at_once_count_once(app, make_user):
    world = build_world(app, make_user, parents=1)
    sid = send(app, world)
    qids = question_ids(app, sid)

    def submit(_):
        service.answer_survey(user(parent(1)), db.session.get(Survey, sid), {qids[0]: 4})

    errors = run_together(app, submit, range(20))
    assert codes(errors) == ["surveys.already-answered"] * 19
    with app.app_context():
        assert db.session.get(Survey, sid).answer_count == 1
        assert db.session.scalar(select(func.count(SurveyResponse.key))) == 1


def test_a_quarterly_survey_repeats_and_shows_its_trend(app, make_user):
    world = build_world(app, make_user, parents=5)
    sid = send(app, world, repeat="quarterly")
    for n in range(1, 6):
        answer_as(app, sid, parent(n), scale="5" if n < 4 else "2")
    with work(app):
        assert service.repeat_due() == 0  # not a quarter yet
        db.session.get(Survey, sid).created_at = utcnow() - timedelta(days=92)
    with work(app):
        assert service.repeat_due() == 1
    with work(app):
        assert service.repeat_due() == 0  # once
        second = db.session.scalar(select(Survey).where(Survey.round_no == 2))
        assert second.series_id == sid and len(second.questions) == 3
        assert db.session.get(Survey, sid).closed_at is not None
        second_id = second.id
    for n in range(1, 6):
        answer_as(app, second_id, parent(n), scale="4")
    page = signed_in(app, SPECIALIST_EMAIL).get(f"/surveys/{second_id}").get_data(as_text=True)
    assert "<svg" in page and "100" in page
    # Stopping ends the series.
    signed_in(app, SPECIALIST_EMAIL).submit(f"/surveys/{second_id}/stop")
    with work(app):
        db.session.get(Survey, second_id).created_at = utcnow() - timedelta(days=92)
    with work(app):
        assert service.repeat_due() == 0


def test_people_of_an_ended_opportunity_get_the_taking_part_survey(app, make_user, mailbox):
    build_world(app, make_user, parents=2)
    opportunity_id = make_opportunity(app, places=3)
    accept(app, apply(app, opportunity_id, parent(1)))
    apply(app, opportunity_id, parent(2))  # not accepted: not asked
    with work(app):
        assert service.send_taking_part_surveys() == 0  # not ended yet
        from community.involve.models import Opportunity

        opportunity = db.session.get(Opportunity, opportunity_id)
        opportunity.starts_on = date.today() - timedelta(days=20)
        opportunity.deadline = opportunity.ends_on = date.today() - timedelta(days=1)
    with work(app):
        assert service.send_taking_part_surveys() == 1
    with work(app):
        assert service.send_taking_part_surveys() == 0
        survey = db.session.scalar(select(Survey))
        assert survey.kind == "taking_part" and len(survey.questions) == 5
        sid, title = survey.id, survey.title
    assert any(title in m["Subject"] for m in mailbox.to(parent(1)))
    assert not any(title in m["Subject"] for m in mailbox.to(parent(2)))
    assert signed_in(app, parent(1)).get(f"/surveys/{sid}").status_code == 200
    assert signed_in(app, parent(2)).get(f"/surveys/{sid}").status_code == 404
    assert signed_in(app, LEADER).get(f"/surveys/{sid}").status_code == 404


def test_no_log_line_ties_an_answer_to_its_author(app, make_user, caplog):
    """Everything the app logs while people answer (every logger, every level) names neither
    the person nor what they answered."""
    import logging

    world = build_world(app, make_user, parents=5)
    sid = send(app, world)
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    for n in range(1, 6):
        assert answer_as(app, sid, parent(n), text=f"Ответ номер {n}").status_code == 302
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    with app.app_context():
        ids = {str(user(parent(n)).id) for n in range(1, 6)}
    for n in range(1, 6):
        assert parent(n) not in logged and f"Ответ номер {n}" not in logged
    assert not [line for line in logged.splitlines() if "ballot" in line.lower() and any(i in line for i in ids)]
