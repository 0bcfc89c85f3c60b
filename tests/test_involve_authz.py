"""Who may open what, for every involvement and cost-claim route: the role × route matrix.

"member" is a parent of the supported group who applied, was accepted, took part in a
session and an event that reimburses travel, and claimed travel for the session."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from community.events.models import Event, Registration
from community.extensions import db
from community.involve.claims import service as claims
from community.involve.claims.receipts import Receipt
from community.involve.models import Application
from community.models import utcnow
from tests.authz_helpers import assert_every_route_listed, run_matrix
from tests.conftest import work
from tests.events_helpers import make_event
from tests.involve_helpers import (
    ADMIN,
    ELSEWHERE,
    LEADER,
    OTHER_SPECIALIST,
    OUTSIDER,
    SPECIALIST_EMAIL,
    accept,
    apply,
    build_world,
    held_session,
    make_opportunity,
    parent,
    user,
)

ROLES = ["anonymous", "non-member", "member", "elsewhere", "leader", "specialist", "other-specialist", "admin"]
LOGINS = {
    "non-member": OUTSIDER,
    "member": parent(1),
    "elsewhere": ELSEWHERE,
    "leader": LEADER,
    "specialist": SPECIALIST_EMAIL,
    "other-specialist": OTHER_SPECIALIST,
    "admin": ADMIN,
}
OUTSIDERS = ("non-member", "elsewhere", "other-specialist")


def table(default=404, **per_role):
    """Expected status per role: anonymous is sent to log in; the rest `default` unless named."""
    expected = {role: default for role in ROLES}
    expected["anonymous"] = 302
    expected.update({k.replace("_", "-"): v for k, v in per_role.items()})
    return expected


def insiders(status, **per_role):
    """For the people who see the opportunity (parents it is for, its deciders, admins); 404 for others."""
    return table(404, **{"member": status, "leader": status, "specialist": status, "admin": status, **per_role})


SIGNED_IN = table(200)
DECIDERS = insiders(403, specialist=200)
DECIDERS_POST = insiders(403, specialist=302)

MATRIX = [
    ("GET", "/orgs/{org}/involve/", SIGNED_IN),
    ("GET", "/orgs/{org}/involve/new", table(403, specialist=200)),
    ("GET", "/groups/{slug}/involve/", insiders(200)),
    ("GET", "/groups/{slug}/involve/new", insiders(403, leader=200)),
    ("GET", "/involve/{opp}", insiders(200)),
    ("GET", "/involve/{draft}", table(404, specialist=200, admin=200)),
    ("POST", "/involve/{opp}", insiders(403, member=302, leader=200)),
    ("GET", "/involve/{opp}/withdraw", insiders(302, member=200)),
    ("GET", "/involve/{opp}/edit", DECIDERS),
    ("POST", "/involve/{opp}/publish", DECIDERS_POST),
    ("GET", "/involve/{opp}/close", DECIDERS),
    ("GET", "/involve/{opp}/applicants", DECIDERS),
    ("GET", "/involve/{opp}/applicants/{application}", DECIDERS),
    ("GET", "/involve/{opp}/sessions/new", DECIDERS),
    ("GET", "/involve/{opp}/sessions/{session}/attendance", DECIDERS),
    ("GET", "/involve/{opp}/sessions/{session}/edit", DECIDERS),
    ("GET", "/involve/{opp}/sessions/{session}/remove", DECIDERS),
    ("GET", "/claims/", SIGNED_IN),
    ("GET", "/claims/session/{session}/new", table(302, member=200)),
    ("GET", "/claims/event/{event}/new", table(302, member=200)),
    ("GET", "/claims/{claim}", table(404, member=200, specialist=200)),
    ("GET", "/claims/{claim}/receipt", table(404, member=200, specialist=200)),
    ("GET", "/claims/{claim}/again", table(404, member=302, specialist=403)),
    ("GET", "/claims/{claim}/decide", table(404, member=403, specialist=200)),
    ("POST", "/claims/{claim}/paid", table(404, member=403, specialist=302)),
    ("GET", "/orgs/{org}/claims", table(404, specialist=200)),
    ("GET", "/orgs/{org}/claims.csv", table(404, specialist=200)),
]


def build(app, make_user):
    world = build_world(app, make_user, parents=2)
    opportunity_id = make_opportunity(app, places=3)
    draft_id = make_opportunity(app, publish=False, title="Черновик")
    accept(app, apply(app, opportunity_id, parent(1)))
    apply(app, opportunity_id, parent(2))
    session_id = held_session(app, opportunity_id, took_part=[parent(1)])
    event_id = make_event(app, world["group"], travel_reimbursed=True)
    with work(app):
        event = db.session.get(Event, event_id)
        event.starts_at = utcnow().replace(microsecond=0) - timedelta(days=3)
        event.ends_at = event.starts_at + timedelta(hours=2)
        db.session.add(Registration(event_id=event_id, user_id=user(parent(1)).id, status="going", attended=True))
        me = user(parent(1))
        claim = claims.submit_claim(
            me,
            claims.claimable_session(me, session_id),
            "travel",
            30000,
            utcnow().date(),
            "",
            Receipt(b"\x89PNG\r\n\x1a\n" + b"0" * 20, "png"),
        )
        application_id = db.session.scalar(select(Application.id).where(Application.user_id == user(parent(2)).id))
        return {
            "org": world["org"],
            "slug": world["slug"],
            "opp": opportunity_id,
            "draft": draft_id,
            "application": application_id,
            "session": session_id,
            "event": event_id,
            "claim": claim.id,
        }


@pytest.fixture
def app(make_app, mailbox, tmp_path):
    return make_app(RECEIPTS_DIR=str(tmp_path / "receipts"))


@pytest.mark.parametrize("role", ROLES)
def test_involvement_authorization_matrix(app, make_user, role):
    run_matrix(app, role, LOGINS, MATRIX, build(app, make_user))


@pytest.mark.parametrize("blueprint", ["involve", "claims"])
def test_every_involvement_route_is_in_the_matrix(app, blueprint):
    assert_every_route_listed(app, blueprint, MATRIX)


def test_applicants_notes_are_seen_only_by_the_applicant_and_the_deciders(app, make_user):
    from tests.conftest import Browser

    ids = build(app, make_user)
    note = "Хочу помочь: мы приёмная семья три года."
    seen = {}
    for role in ("member", "leader", "specialist", "admin"):
        browser = Browser(app.test_client())
        browser.login(LOGINS[role])
        seen[role] = note in browser.get(f"/involve/{ids['opp']}").get_data(as_text=True) + browser.get(
            f"/involve/{ids['opp']}/applicants"
        ).get_data(as_text=True)
    assert seen == {"member": False, "leader": False, "specialist": True, "admin": False}
