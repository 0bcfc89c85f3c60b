"""Who may open what, for every impact-report route: the role × route matrix. The report is the
organisation's: its specialists and admins; its parents get 403, everyone else 404."""

import pytest

from community.extensions import db
from community.report.models import UnplannedResult
from tests.authz_helpers import assert_every_route_listed, run_matrix
from tests.conftest import work
from tests.report_helpers import seed, seed_items
from tests.test_involve_authz import LOGINS, ROLES, insiders

STAFF = insiders(403, specialist=200, admin=200)
MATRIX = [
    ("GET", "/orgs/{org}/report", STAFF),
    ("GET", "/orgs/{org}/report.csv", STAFF),
    ("GET", "/orgs/{org}/report.pdf", STAFF),
    ("POST", "/orgs/{org}/report/unplanned", insiders(403, specialist=400, admin=400)),
    ("POST", "/orgs/{org}/report/unplanned/{note}/delete", insiders(403, specialist=302, admin=302)),
    # Marking an item as an unexpected result (an empty note is refused: 400).
    ("GET", "/orgs/{org}/report/unexpected/event/{event}", STAFF),
    ("POST", "/orgs/{org}/report/unexpected/event/{event}", insiders(403, specialist=400, admin=400)),
    ("GET", "/orgs/{org}/report/unexpected/decision/{decision}", STAFF),
    ("GET", "/orgs/{org}/report/unexpected/event/{event}/unmark", STAFF),
    ("POST", "/orgs/{org}/report/unexpected/event/{event}/unmark", insiders(403, specialist=302, admin=302)),
]


def build(app, make_user):
    world = seed(app, make_user, parents=2)
    items = seed_items(app, world)
    with work(app):
        note = db.session.query(UnplannedResult).first()
        return {"org": world["org"], "note": note.id, "event": items["event"], "decision": items["decision"]}


@pytest.mark.parametrize("role", ROLES)
def test_report_authorization_matrix(app, make_user, role):
    run_matrix(app, role, LOGINS, MATRIX, build(app, make_user))


def test_every_report_route_is_in_the_matrix(app):
    assert_every_route_listed(app, "report", MATRIX)
