"""Support is one each and the count follows the rows, and two answers at once never both
move a suggestion, when twenty requests arrive at the same moment (SQLite file and PostgreSQL)."""

from sqlalchemy import func, select

from community.extensions import db
from community.voice import service
from community.voice.access import access_for
from community.voice.models import Suggestion, SuggestionAnswer, SuggestionSupport
from tests.concurrency import codes, run_together, slow_after
from tests.involve_helpers import LEADER, SPECIALIST_EMAIL, build_world, parent, user
from tests.voice_helpers import suggest

CROWD = 20


def _support(app, suggestion_id, email):
    suggestion = db.session.get(Suggestion, suggestion_id)
    who = user(email)
    with app.test_request_context():
        service.support(who, access_for(who, group=suggestion.group), suggestion)


def test_twenty_supports_by_one_person_at_once_leave_one(app, make_user):
    world = build_world(app, make_user, parents=2)
    sid = suggest(app, parent(1), group_slug=world["slug"])
    with slow_after(app, "INSERT INTO suggestion_support"):
        errors = run_together(app, lambda _: _support(app, sid, parent(2)), range(CROWD))
    assert codes(errors) == ["voice.already-supported"] * (CROWD - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count(SuggestionSupport.id))) == 1
        assert db.session.get(Suggestion, sid).support_count == 1


def test_twenty_people_supporting_at_once_are_all_counted(app, make_user):
    world = build_world(app, make_user, parents=CROWD + 1)
    sid = suggest(app, parent(1), group_slug=world["slug"])
    errors = run_together(app, lambda n: _support(app, sid, parent(n)), range(2, CROWD + 2))
    assert errors == []
    with app.app_context():
        assert db.session.get(Suggestion, sid).support_count == CROWD
        assert db.session.scalar(select(func.count(SuggestionSupport.id))) == CROWD


def test_two_answers_at_once_move_the_suggestion_once(app, make_user):
    world = build_world(app, make_user, parents=1)
    sid = suggest(app, parent(1), group_slug=world["slug"])

    def answer(pair):
        email, status = pair
        suggestion = db.session.get(Suggestion, sid)
        who = user(email)
        with app.test_request_context():
            service.answer(
                who, access_for(who, group=suggestion.group), suggestion, status, "Причина", seen_status="new"
            )

    people = [(LEADER, "heard"), (SPECIALIST_EMAIL, "not_possible")] * 5
    errors = run_together(app, answer, people)
    assert codes(errors) == ["voice.answered-meanwhile"] * (len(people) - 1)
    with app.app_context():
        [given] = db.session.scalars(select(SuggestionAnswer)).all()
        assert db.session.get(Suggestion, sid).status == given.status
