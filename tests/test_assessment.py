"""Self-assessment: a specialist opens this year's round (one a year), rates the statements
with evidence; parents rate the same statements anonymously, once; the two views are shown
side by side with the largest gaps first, the parents' only from five; earlier years stay."""

from datetime import date

from sqlalchemy import func, inspect, select

from community.assessment import service
from community.assessment.models import (
    AssessmentBallot,
    AssessmentResponse,
    AssessmentRound,
    OrganisationRating,
    ParentRating,
)
from community.assessment.statements import KEYS
from community.extensions import db
from community.orgs.models import Organisation
from tests.concurrency import codes, run_together
from tests.conftest import work
from tests.involve_helpers import ELSEWHERE, SPECIALIST_EMAIL, build_world, parent, user
from tests.voice_helpers import signed_in

URL = "/orgs/fond/self-assessment"


def start(app):
    response = signed_in(app, SPECIALIST_EMAIL).submit(f"{URL}/start", page=URL)
    assert response.status_code == 302


def rate_as_parent(app, email, levels):
    data = {f"level-{key}": str(level) for key, level in levels.items()}
    return signed_in(app, email).submit(f"{URL}/parents", data, page=URL)


def test_the_organisation_and_parents_rate_and_the_gaps_come_first(app, make_user):
    build_world(app, make_user, parents=6)
    page = signed_in(app, SPECIALIST_EMAIL).get(URL).get_data(as_text=True)
    assert f"{URL}/start" in page
    start(app)
    start(app)  # once a year
    with app.app_context():
        assert db.session.scalar(select(func.count(AssessmentRound.id))) == 1
    data = {f"level-{key}": "3" for key in KEYS}
    data["evidence-purpose.limits"] = "Каждое приглашение говорит, что можно изменить"
    assert signed_in(app, SPECIALIST_EMAIL).submit(f"{URL}/rate", data).status_code == 302
    for n in range(1, 5):
        assert rate_as_parent(app, parent(n), {k: (0 if k == "purpose.limits" else 3) for k in KEYS}).status_code == 302
    specialist = signed_in(app, SPECIALIST_EMAIL)
    page = specialist.get(URL).get_data(as_text=True)
    assert "+3.0" not in page  # four parents: their view is not shown
    assert rate_as_parent(app, parent(5), {k: (0 if k == "purpose.limits" else 3) for k in KEYS}).status_code == 302
    page = specialist.get(URL).get_data(as_text=True)
    assert "+3.0" in page and "<svg" in page and "Каждое приглашение говорит" in page
    with app.app_context():
        rows = service.comparison(db.session.scalar(select(AssessmentRound)))
        assert rows[0]["key"] == "purpose.limits" and rows[0]["gap"] == 3.0
    # A second view from the same parent is refused; the export says only that they rated.
    rate_as_parent(app, parent(1), {"purpose.limits": 3})
    with app.app_context():
        assert db.session.scalar(select(AssessmentRound.parent_count)) == 5
        for model in (AssessmentResponse, ParentRating):
            assert not {c.key for c in inspect(model).columns} & {"user_id", "created_at", "id"}
        assert {c.key for c in inspect(AssessmentBallot).columns} == {"round_id", "user_id"}


def test_parents_who_rated_see_the_comparison_and_outsiders_get_404(app, make_user):
    build_world(app, make_user, parents=2)
    start(app)
    assert signed_in(app, ELSEWHERE).get(URL).status_code == 404
    assert signed_in(app, SPECIALIST_EMAIL).get(f"{URL}/parents").status_code == 403
    assert signed_in(app, parent(1)).get(f"{URL}/rate").status_code == 403
    nothing = rate_as_parent(app, parent(1), {})
    assert nothing.status_code == 200
    assert rate_as_parent(app, parent(1), {"principles.values": 2}).status_code == 302
    page = signed_in(app, parent(1)).get(URL).get_data(as_text=True)
    assert "Earlier years" not in page and f"{URL}/parents" not in page


def test_earlier_years_stay_as_history(app, make_user):
    build_world(app, make_user, parents=1)
    with work(app):
        fond = db.session.scalar(select(Organisation).where(Organisation.slug == "fond"))
        last = service.open_round(user(SPECIALIST_EMAIL), fond, year=date.today().year - 1)
        service.rate_as_organisation(user(SPECIALIST_EMAIL), last, {"process.language": (2, "Памятки")})
    browser = signed_in(app, SPECIALIST_EMAIL)
    page = browser.get(URL).get_data(as_text=True)
    assert f"year={date.today().year - 1}" in page and f"{URL}/start" in page
    old = browser.get(f"{URL}?year={date.today().year - 1}").get_data(as_text=True)
    assert "Памятки" in old and f"{URL}/rate" not in old
    assert browser.get(f"{URL}?year=1999").status_code == 404


def test_twenty_views_by_one_parent_at_once_count_once(app, make_user):
    build_world(app, make_user, parents=1)
    with work(app):
        fond = db.session.scalar(select(Organisation).where(Organisation.slug == "fond"))
        round_id = service.open_round(user(SPECIALIST_EMAIL), fond).id

    def rate(_):
        service.rate_as_parent(user(parent(1)), db.session.get(AssessmentRound, round_id), {"process.language": 1})

    errors = run_together(app, rate, range(20))
    assert codes(errors) == ["assessment.already-rated"] * 19
    with app.app_context():
        assert db.session.get(AssessmentRound, round_id).parent_count == 1
        assert db.session.scalar(select(func.count()).select_from(AssessmentResponse)) == 1
        assert db.session.scalar(select(func.count(OrganisationRating.id))) == 0
