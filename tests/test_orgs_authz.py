"""Who may open what in organisations and the admin area: every route, for every role.

The world (see tests.test_orgs.build_world): group `g` is linked to organisation A ("rodnik"),
whose specialist is spec-a; group `h` has an open offer from organisation B ("opora", spec-b).
The leader, the member and the pending person are in both groups.

Each role gets one fresh world and walks the matrix in order. Requests that change data
come after the ones that read it, and are chosen so that no later row depends on them.
"""

import pytest

from tests.conftest import PASSWORD, Browser
from tests.test_orgs import (
    ADMIN_EMAIL,
    LEADER_EMAIL,
    MEMBER_EMAIL,
    OUTSIDER_EMAIL,
    PENDING_EMAIL,
    SPEC_A_EMAIL,
    SPEC_B_EMAIL,
    build_world,
)

ANON, OUTSIDER, PENDING, MEMBER, LEADER = "anonymous", "outsider", "pending", "member", "leader"
SPEC_LINKED, SPEC_OTHER, ADMIN = "spec_linked", "spec_other", "admin"
ROLES = [ANON, OUTSIDER, PENDING, MEMBER, LEADER, SPEC_LINKED, SPEC_OTHER, ADMIN]
EMAILS = {
    OUTSIDER: OUTSIDER_EMAIL,
    PENDING: PENDING_EMAIL,
    MEMBER: MEMBER_EMAIL,
    LEADER: LEADER_EMAIL,
    SPEC_LINKED: SPEC_A_EMAIL,
    SPEC_OTHER: SPEC_B_EMAIL,
    ADMIN: ADMIN_EMAIL,
}
LOGIN = "login"  # a redirect to the login page with the way back


def expect(default, anonymous=LOGIN, **overrides):
    """Expected status for every role: `default`, except the roles named."""
    return {**dict.fromkeys(ROLES, default), ANON: anonymous, **overrides}


def offer_data(world, role):
    return {"organisation": world["org_b"] if role == SPEC_OTHER else world["org_a"], "message": "Поможем"}


NEW_ORG = {"name": "Новая", "slug": "", "region": "Казань", "timezone": "Europe/Moscow"}
EDIT_ORG = {"name": "Родник", "slug": "rodnik", "region": "Казань", "timezone": "Europe/Moscow"}

# (method, url, form data or a function of (world, role), {role: expected status})
MATRIX = [
    ("GET", "/orgs/rodnik/", None, expect(200)),
    ("GET", "/orgs/no-such-org/", None, expect(404)),
    ("GET", "/orgs/invitations/{token}", None, expect(403, spec_linked=302)),
    ("GET", "/orgs/invitations/no-such-token", None, expect(404)),
    ("GET", "/orgs/offer/{h}", None, expect(403, spec_linked=200, spec_other=200)),
    ("GET", "/orgs/offer/{g}", None, expect(403, spec_linked=302, spec_other=302)),
    ("GET", "/orgs/offer/no-such-group", None, expect(404)),
    ("GET", "/orgs/link/{g}/end", None, expect(404, member=403, leader=200, spec_linked=403, admin=403)),
    ("GET", "/orgs/link/no-such-group/end", None, expect(404)),
    ("GET", "/admin/", None, expect(403, admin=200)),
    ("GET", "/admin/orgs/new", None, expect(403, admin=200)),
    ("GET", "/admin/orgs/rodnik", None, expect(403, admin=200)),
    ("GET", "/admin/orgs/no-such-org", None, expect(403, admin=404)),
    ("GET", "/admin/orgs/rodnik/edit", None, expect(403, admin=200)),
    ("GET", "/admin/orgs/rodnik/specialists/{specialist_a}/remove", None, expect(403, admin=200)),
    ("GET", "/admin/orgs/opora/specialists/{specialist_a}/remove", None, expect(403, admin=404)),
    ("POST", "/orgs/invitations/{token}", {}, expect(403, spec_linked=302)),
    ("POST", "/orgs/offer/{h}", offer_data, expect(403, spec_linked=302, spec_other=200)),
    ("POST", "/orgs/offers/999999/accept", {}, expect(404)),
    ("POST", "/orgs/offers/{offer_b}/accept", {}, expect(404, member=403, leader=302, admin=403)),
    ("POST", "/orgs/offers/{offer_b}/decline", {}, expect(404, member=403, leader=302, admin=403)),
    ("POST", "/orgs/offers/{offer_b}/withdraw", {}, expect(404, member=403, leader=403, spec_other=302, admin=403)),
    ("POST", "/orgs/link/{g}/join", {}, expect(403, spec_linked=302)),
    ("POST", "/orgs/link/{g}/end", {}, expect(404, member=403, leader=302, spec_linked=403, admin=403)),
    ("POST", "/admin/orgs/new", NEW_ORG, expect(403, admin=302)),
    ("POST", "/admin/orgs/rodnik", {"email": "someone@example.org", "password": PASSWORD}, expect(403, admin=302)),
    ("POST", "/admin/orgs/rodnik/edit", EDIT_ORG, expect(403, admin=302)),
    ("POST", "/admin/orgs/rodnik/invitations/{invitation}/cancel", {}, expect(403, admin=302)),
    ("POST", "/admin/orgs/rodnik/specialists/{specialist_a}/remove", {"password": PASSWORD}, expect(403, admin=302)),
]


@pytest.mark.parametrize("role", ROLES)
def test_orgs_and_admin_authorization_matrix(app, make_user, role):
    world = build_world(app, make_user)
    browser = Browser(app.test_client())
    if role != ANON:
        browser.login(EMAILS[role])
    for method, template, data, expected in MATRIX:
        url = template.format(**world)
        if method == "GET":
            response = browser.get(url)
        else:
            payload = data(world, role) if callable(data) else data
            response = browser.submit(url, payload, page="/")
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302, f"{role} {method} {url}: {response.status_code}, expected login"
            assert response.headers["Location"].startswith("/auth/login?next="), f"{role} {method} {url}"
        else:
            assert response.status_code == want, f"{role} {method} {url}: {response.status_code}, expected {want}"


def test_every_orgs_and_admin_route_is_in_the_matrix(app):
    adapter = app.url_map.bind("localhost")
    world = dict.fromkeys(["token", "g", "h", "offer_b", "invitation", "specialist_a"], "1")
    covered = {
        (adapter.match(template.format(**world), method=method)[0], method)
        for method, template, _data, _expected in MATRIX
    }
    for rule in app.url_map.iter_rules():
        # The organisation's health dashboard, opportunities, claims, suggestions, surveys and
        # self-assessment and impact report have their own matrices (test_health_authz.py,
        # test_involve_authz.py, test_voice_authz.py, test_surveys_authz.py,
        # test_assessment_authz.py, test_report_authz.py).
        if rule.rule.startswith(("/orgs/", "/admin/")) and not rule.endpoint.startswith(
            ("health.", "involve.", "claims.", "voice.", "surveys.", "assessment.", "safety.", "report.")
        ):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (rule.endpoint, method) in covered, f"{method} {rule.rule} is missing from the matrix"
