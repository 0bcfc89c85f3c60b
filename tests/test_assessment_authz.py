"""Who may open what, for every self-assessment route: the role × route matrix."""

import pytest
from sqlalchemy import select

from community.assessment import service
from community.extensions import db
from community.orgs.models import Organisation
from tests.authz_helpers import assert_every_route_listed, run_matrix
from tests.conftest import work
from tests.involve_helpers import SPECIALIST_EMAIL, build_world, user
from tests.test_involve_authz import LOGINS, ROLES, insiders

MATRIX = [
    ("GET", "/orgs/{org}/self-assessment", insiders(200)),
    ("POST", "/orgs/{org}/self-assessment/start", insiders(403, specialist=302)),
    ("GET", "/orgs/{org}/self-assessment/rate", insiders(403, specialist=200)),
    ("GET", "/orgs/{org}/self-assessment/parents", insiders(403, member=200, leader=200)),
]


def build(app, make_user):
    world = build_world(app, make_user, parents=2)
    with work(app):
        fond = db.session.scalar(select(Organisation).where(Organisation.slug == "fond"))
        service.open_round(user(SPECIALIST_EMAIL), fond)
    return {"org": world["org"]}


@pytest.mark.parametrize("role", ROLES)
def test_assessment_authorization_matrix(app, make_user, role):
    run_matrix(app, role, LOGINS, MATRIX, build(app, make_user))


def test_every_assessment_route_is_in_the_matrix(app):
    assert_every_route_listed(app, "assessment", MATRIX)
