"""Who may open what, for every pulse-survey route: the role × route matrix. "member" and
"leader" are parents of the group the survey was sent to; "elsewhere" is the leader of a group
the foundation does not support; "specialist" works for the foundation (and is in the group as
its specialist). `{gsurvey}` is a survey the group's leader sent to the group."""

import pytest
from sqlalchemy import select

from community.extensions import db
from community.groups.models import Group
from community.orgs.models import Organisation
from community.surveys import service
from tests.authz_helpers import assert_every_route_listed, run_matrix
from tests.conftest import Browser, work
from tests.involve_helpers import LEADER, SPECIALIST_EMAIL, build_world, user
from tests.test_involve_authz import LOGINS, ROLES, insiders

SPECIALISTS = insiders(403, specialist=200)
LEADERS = insiders(403, leader=200)

MATRIX = [
    ("GET", "/orgs/{org}/surveys/", insiders(200)),
    ("GET", "/orgs/{org}/surveys/?page=2", insiders(200)),
    ("GET", "/orgs/{org}/surveys/new", SPECIALISTS),
    ("GET", "/surveys/{survey}", insiders(200)),
    ("POST", "/surveys/{survey}", insiders(403, member=200, leader=200)),
    ("GET", "/surveys/{survey}/close", SPECIALISTS),
    ("GET", "/surveys/{survey}/stop", SPECIALISTS),
    ("POST", "/surveys/{survey}/close", insiders(403, specialist=302)),
    # A survey the group's leader sent: the leader manages it, the foundation's specialist reads it.
    ("GET", "/groups/{slug}/surveys/", insiders(200)),
    ("GET", "/groups/{slug}/surveys/?page=2", insiders(200)),
    ("GET", "/groups/{slug}/surveys/new", LEADERS),
    ("POST", "/groups/{slug}/surveys/new", LEADERS),  # nothing typed: the form explains, 200
    ("GET", "/surveys/{gsurvey}", insiders(200)),
    ("POST", "/surveys/{gsurvey}", insiders(403, member=200, leader=200)),
    ("GET", "/surveys/{gsurvey}/close", LEADERS),
    ("GET", "/surveys/{gsurvey}/stop", LEADERS),
    ("POST", "/surveys/{gsurvey}/stop", insiders(403, leader=302)),
    ("POST", "/surveys/{gsurvey}/close", insiders(403, leader=302)),
]


def build(app, make_user):
    world = build_world(app, make_user, parents=2)
    with work(app):
        fond = db.session.scalar(db.select(Organisation).where(Organisation.slug == "fond"))
        survey = service.send_survey(
            user(SPECIALIST_EMAIL), fond, "Как дела?", "", [("scale", "Полезно?", "")], [world["group"]], "quarterly", 7
        )
        group = db.session.get(Group, world["group"])
        gsurvey = service.send_group_survey(
            user(LEADER), group, "Как встречи?", "", [("scale", "Удобно?", "")], "quarterly", 7
        )
        return {"org": world["org"], "slug": world["slug"], "survey": survey.id, "gsurvey": gsurvey.id}


@pytest.mark.parametrize("role", ROLES)
def test_surveys_authorization_matrix(app, make_user, role):
    run_matrix(app, role, LOGINS, MATRIX, build(app, make_user))


def test_every_survey_route_is_in_the_matrix(app):
    assert_every_route_listed(app, "surveys", MATRIX)


def test_a_specialist_outside_the_group_reads_its_leaders_surveys_and_manages_none(app, make_user):
    """The foundation's specialist need not be in the group: they see its leaders' surveys on
    the group's and the foundation's pages, read the results, and cannot close them."""
    ids = build(app, make_user)
    with work(app):
        from community.groups.models import Membership

        specialist = user(SPECIALIST_EMAIL)
        db.session.execute(db.delete(Membership).where(Membership.user_id == specialist.id))
    browser = Browser(app.test_client())
    browser.login(SPECIALIST_EMAIL)
    assert f"/surveys/{ids['gsurvey']}" in browser.get(f"/groups/{ids['slug']}/surveys/").get_data(as_text=True)
    listed = browser.get("/orgs/fond/surveys/").get_data(as_text=True)
    assert f"/surveys/{ids['gsurvey']}" in listed and "Семьи Казани" in listed
    assert browser.get(f"/surveys/{ids['gsurvey']}").status_code == 200
    assert browser.get(f"/groups/{ids['slug']}/surveys/new").status_code == 404
    assert browser.get(f"/surveys/{ids['gsurvey']}/close").status_code == 403
    assert browser.submit(f"/surveys/{ids['gsurvey']}", {}, page="/privacy").status_code == 403
    with work(app):
        group = db.session.scalar(select(Group).where(Group.slug == ids["slug"]))
        assert not service.manages(user(SPECIALIST_EMAIL), db.session.get(service.Survey, ids["gsurvey"]))
        assert group.organisation_id is not None
