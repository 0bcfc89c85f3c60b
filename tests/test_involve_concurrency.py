"""Places and "one claim per person, session and kind of cost" hold when twenty requests
arrive at the same moment (SQLite file and PostgreSQL)."""

from datetime import date

from sqlalchemy import func, select

from community.extensions import db
from community.involve import choosing
from community.involve.claims import service as claims
from community.involve.claims.models import CostClaim
from community.involve.models import Application, Opportunity
from tests.involve_helpers import accept, apply, build_world, held_session, make_opportunity, parent, user
from tests.test_events_concurrency import run_together

CROWD = 20


def test_twenty_acceptances_at_once_never_exceed_the_places(app, make_user):
    build_world(app, make_user, parents=CROWD)
    opportunity_id = make_opportunity(app, places=5)
    application_ids = [apply(app, opportunity_id, parent(n)) for n in range(1, CROWD + 1)]

    def choose(application_id):
        choosing.accept(user("specialist@example.org"), db.session.get(Application, application_id))

    assert run_together(app, choose, application_ids) == []
    with app.app_context():
        statuses = dict(db.session.execute(select(Application.status, func.count()).group_by(Application.status)).all())
        opportunity = db.session.get(Opportunity, opportunity_id)
        assert statuses == {"accepted": 5, "waitlisted": 15}
        assert (opportunity.accepted_count, opportunity.waitlist_count) == (5, 15)

    # Five accepted people withdraw at the same moment: the first five waiting move up.
    with app.app_context():
        accepted = db.session.scalars(select(Application.user_id).where(Application.status == "accepted")).all()
        first_waiting = db.session.scalars(
            select(Application.user_id)
            .where(Application.status == "waitlisted")
            .order_by(Application.queued_at, Application.id)
            .limit(5)
        ).all()

    def step_back(user_id):
        from community.auth.models import User

        choosing.withdraw(db.session.get(User, user_id), db.session.get(Opportunity, opportunity_id))

    assert run_together(app, step_back, accepted) == []
    with app.app_context():
        now_accepted = set(db.session.scalars(select(Application.user_id).where(Application.status == "accepted")))
        assert now_accepted == set(first_waiting)
        opportunity = db.session.get(Opportunity, opportunity_id)
        assert (opportunity.accepted_count, opportunity.waitlist_count) == (5, 10)


def test_twenty_applications_by_one_person_at_once_leave_one(app, make_user):
    build_world(app, make_user, parents=1)
    opportunity_id = make_opportunity(app)

    def send(_):
        choosing.apply(user(parent(1)), db.session.get(Opportunity, opportunity_id), "Хочу помочь")

    errors = run_together(app, send, range(CROWD))
    assert len(errors) == CROWD - 1 and {e.code for e in errors} == {"involve.already-applied"}
    with app.app_context():
        assert db.session.scalar(select(func.count(Application.id))) == 1


def test_twenty_identical_claims_at_once_leave_one(app, make_user, tmp_path):
    app.config["RECEIPTS_DIR"] = str(tmp_path)
    build_world(app, make_user, parents=1)
    opportunity_id = make_opportunity(app)
    accept(app, apply(app, opportunity_id, parent(1)))
    session_id = held_session(app, opportunity_id, took_part=[parent(1)])

    def send(_):
        me = user(parent(1))
        item = claims.claimable_session(me, session_id)
        claims.submit_claim(me, item, "travel", 30000, date.today(), "Проезд")

    errors = run_together(app, send, range(CROWD))
    assert len(errors) == CROWD - 1 and {e.code for e in errors} == {"claims.already-claimed"}
    with app.app_context():
        assert db.session.scalar(select(func.count(CostClaim.id))) == 1
