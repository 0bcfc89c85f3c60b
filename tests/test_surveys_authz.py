"""Who may open what, for every pulse-survey route: the role × route matrix. "member" and
"leader" are parents of the group the survey was sent to; "elsewhere" is a parent of a group
the foundation does not support."""

import pytest

from community.extensions import db
from community.orgs.models import Organisation
from community.surveys import service
from tests.authz_helpers import assert_every_route_listed, run_matrix
from tests.conftest import work
from tests.involve_helpers import SPECIALIST_EMAIL, build_world, user
from tests.test_involve_authz import LOGINS, ROLES, insiders

SPECIALISTS = insiders(403, specialist=200)

MATRIX = [
    ("GET", "/orgs/{org}/surveys/", insiders(200)),
    ("GET", "/orgs/{org}/surveys/?page=2", insiders(200)),
    ("GET", "/orgs/{org}/surveys/new", SPECIALISTS),
    ("GET", "/surveys/{survey}", insiders(200)),
    ("POST", "/surveys/{survey}", insiders(403, member=200, leader=200)),
    ("GET", "/surveys/{survey}/close", SPECIALISTS),
    ("GET", "/surveys/{survey}/stop", SPECIALISTS),
    ("POST", "/surveys/{survey}/close", insiders(403, specialist=302)),
]


def build(app, make_user):
    world = build_world(app, make_user, parents=2)
    with work(app):
        fond = db.session.scalar(db.select(Organisation).where(Organisation.slug == "fond"))
        survey = service.send_survey(
            user(SPECIALIST_EMAIL), fond, "Как дела?", "", [("scale", "Полезно?", "")], [world["group"]], "quarterly", 7
        )
        return {"org": world["org"], "survey": survey.id}


@pytest.mark.parametrize("role", ROLES)
def test_surveys_authorization_matrix(app, make_user, role):
    run_matrix(app, role, LOGINS, MATRIX, build(app, make_user))


def test_every_survey_route_is_in_the_matrix(app):
    assert_every_route_listed(app, "surveys", MATRIX)
