"""Pulse surveys: a specialist sends 1–5 questions to chosen groups, or a group's leader to
their group (with or without an organisation); parents answer once,
anonymously (a ballot says who answered, a response what — with nothing linking them); the
results show from five answers; quarterly surveys repeat and show their trend; the ready-made
"How did taking part feel?" survey goes to the people of an ended opportunity."""

from datetime import date, timedelta

import pytest
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


SENDERS = ["specialist", "leader"]


def send(app, world, by="specialist", **overrides):
    """Through the form: the foundation's specialist to the group, or the group's leader."""
    if by == "leader":
        data = {**QUESTIONS, **overrides}
        response = signed_in(app, LEADER).submit(f"/groups/{world['slug']}/surveys/new", data)
    else:
        data = {**QUESTIONS, "groups": str(world["group"]), **overrides}
        response = signed_in(app, SPECIALIST_EMAIL).submit("/orgs/fond/surveys/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        return db.session.scalar(select(Survey.id).order_by(Survey.id.desc()))


def manager(by):
    return LEADER if by == "leader" else SPECIALIST_EMAIL


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


@pytest.mark.parametrize("by", SENDERS)
def test_answers_are_anonymous_and_results_show_from_five(app, make_user, by):
    world = build_world(app, make_user, parents=6)
    sid = send(app, world, by)
    for n in range(1, 5):
        assert answer_as(app, sid, parent(n), scale=str(n + 1), text=f"Текст {n}").status_code == 302
    specialist = signed_in(app, manager(by))
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


@pytest.mark.parametrize("by", SENDERS)
def test_twenty_submissions_by_one_person_at_once_count_once(app, make_user, by):
    world = build_world(app, make_user, parents=1)
    sid = send(app, world, by)
    qids = question_ids(app, sid)

    def submit(_):
        service.answer_survey(user(parent(1)), db.session.get(Survey, sid), {qids[0]: 4})

    errors = run_together(app, submit, range(20))
    assert codes(errors) == ["surveys.already-answered"] * 19
    with app.app_context():
        assert db.session.get(Survey, sid).answer_count == 1
        assert db.session.scalar(select(func.count(SurveyResponse.key))) == 1


@pytest.mark.parametrize("by", SENDERS)
def test_a_quarterly_survey_repeats_and_shows_its_trend(app, make_user, by):
    world = build_world(app, make_user, parents=5)
    sid = send(app, world, by, repeat="quarterly")
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
        assert second.group_id == (world["group"] if by == "leader" else None)
        assert db.session.get(Survey, sid).closed_at is not None
        second_id = second.id
    for n in range(1, 6):
        answer_as(app, second_id, parent(n), scale="4")
    page = signed_in(app, manager(by)).get(f"/surveys/{second_id}").get_data(as_text=True)
    assert "<svg" in page and "100" in page
    # Stopping ends the series.
    signed_in(app, manager(by)).submit(f"/surveys/{second_id}/stop")
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


@pytest.mark.parametrize("by", SENDERS)
def test_no_log_line_ties_an_answer_to_its_author(app, make_user, by, caplog):
    """Everything the app logs while people answer (every logger, every level) names neither
    the person nor what they answered."""
    import logging

    world = build_world(app, make_user, parents=5)
    sid = send(app, world, by)
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


# --- surveys a group's leader sends ---------------------------------------------------------------------


def test_a_leader_asks_their_group_and_the_foundation_sees_it_marked_as_the_groups(app, make_user, mailbox):
    world = build_world(app, make_user, parents=2)
    sid = send(app, world, "leader")
    mails = mailbox.to(parent(1))
    assert any("Как проходят встречи" in m["Subject"] for m in mails)
    assert any("Семьи Казани" in mailbox.text(m) for m in mails)
    assert mailbox.to(ELSEWHERE) == [] and mailbox.to(SPECIALIST_EMAIL) == []
    with app.app_context():
        survey = db.session.get(Survey, sid)
        assert survey.group_id == world["group"] and survey.organisation.slug == "fond"
        assert [g.id for g in service.groups_of(survey)] == [world["group"]]
    # The parents find it on their group's page and the notice; the foundation sees it as the group's.
    assert f"/surveys/{sid}" in signed_in(app, parent(1)).get(f"/groups/{world['slug']}/surveys/").get_data(True)
    notices = signed_in(app, parent(1)).get("/notifications/").get_data(as_text=True)
    assert f"/surveys/{sid}" in notices and "Семьи Казани" in notices
    listed = signed_in(app, SPECIALIST_EMAIL).get("/orgs/fond/surveys/").get_data(as_text=True)
    assert f"/surveys/{sid}" in listed and "Семьи Казани" in listed
    assert signed_in(app, ELSEWHERE).get(f"/surveys/{sid}").status_code == 404


def test_bad_leader_survey_input_is_explained_and_kept(app, make_user):
    world = build_world(app, make_user, parents=1)
    browser = signed_in(app, LEADER)
    cases = [
        {"q1_text": ""},
        {"q2_choices": "Только один"},
        {"open_days": "0"},
        {"open_days": "abc"},
        {"repeat": "daily"},
        {"title": ""},
        {"q1_kind": "essay"},
        {"title": "<b>Жирный</b>"},
    ]
    for case in cases:
        response = browser.submit(f"/groups/{world['slug']}/surveys/new", {**QUESTIONS, **case})
        page = response.get_data(as_text=True)
        assert response.status_code == 200, case
        assert "Насколько вам полезны встречи?" in page or case == {"q1_text": ""}, case
        assert 'class="field-error"' in page or 'role="alert"' in page, case
    with app.app_context():
        assert db.session.scalar(select(func.count(Survey.id))) == 0
    # Another group's id sent along changes nothing: a leader's survey goes to their group only.
    sid = send(app, world, "leader", groups="999")
    with app.app_context():
        assert [g.id for g in service.groups_of(db.session.get(Survey, sid))] == [world["group"]]
        # A leader of another group, or a member, cannot send one here.
        from community.errors import RuleError
        from community.groups.models import Group

        group = db.session.get(Group, world["group"])
        for email in (ELSEWHERE, parent(1), SPECIALIST_EMAIL):
            with pytest.raises(RuleError) as refused:
                service.send_group_survey(user(email), group, "Опрос", "", [("scale", "Как?", "")], "once", 7)
            assert refused.value.code == "surveys.not-leader"


def test_a_group_without_an_organisation_asks_its_parents(app, make_user, mailbox):
    """Семьи Самары has no organisation: its leader asks, five answer, the leader sees the
    results; no organisation sees anything of it."""
    world = build_world(app, make_user, parents=1)
    people = [f"samara{n}@example.org" for n in range(1, 6)]
    with work(app):
        from community.groups import service as groups
        from community.groups.models import Group

        samara = db.session.get(Group, db.session.scalar(select(Group.id).where(Group.slug == world["other_slug"])))
        assert samara.organisation_id is None
    for email in people:
        make_user(email, name="Самарский родитель")
        with work(app):
            groups.join_group(user(email), db.session.scalar(select(Group).where(Group.slug == world["other_slug"])))
    response = signed_in(app, ELSEWHERE).submit(f"/groups/{world['other_slug']}/surveys/new", QUESTIONS)
    assert response.status_code == 302
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        sid = survey.id
        assert survey.organisation_id is None and survey.group_id is not None
    assert any("Семьи Самары" in mailbox.text(m) for m in mailbox.to(people[0]))
    for n, email in enumerate(people, start=1):
        assert answer_as(app, sid, email, scale=str(n), text=f"Самара {n}").status_code == 302
    page = signed_in(app, ELSEWHERE).get(f"/surveys/{sid}").get_data(as_text=True)
    assert all(f"Самара {n}" in page for n in range(1, 6))
    assert signed_in(app, ELSEWHERE).get(f"/groups/{world['other_slug']}/surveys/").status_code == 200
    for email in (SPECIALIST_EMAIL, LEADER, parent(1)):
        assert signed_in(app, email).get(f"/surveys/{sid}").status_code == 404
    assert f"/surveys/{sid}" not in signed_in(app, SPECIALIST_EMAIL).get("/orgs/fond/surveys/").get_data(True)


def test_leader_surveys_count_in_the_report_only_from_five_answers(app, make_user):
    from community.report import service as report
    from community.report.service import Period

    world = build_world(app, make_user, parents=5)
    small, full = send(app, world, "leader"), send(app, world, "leader", title="Второй опрос")
    for n in range(1, 5):
        answer_as(app, small, parent(n), scale="5")
    for n in range(1, 6):
        answer_as(app, full, parent(n), scale="5" if n < 5 else "1")
    with app.test_request_context():
        from community.orgs.models import Organisation

        fond = db.session.scalar(select(Organisation).where(Organisation.slug == "fond"))
        month = date.today().replace(day=1)
        built = report.build(fond, Period(month, month))
        shares = {s.id: share for s, _n, share in built.surveys}
        assert shares == {small: None, full: 80}
