"""Who may open the community-health pages, what specialists are shown, the CSV exports, and
the organisation dashboard's query count.

The rule (community/health/views.py): a group's health page is for its members and for the
specialists of the organisation that supports it (members or not); everyone else gets 404.
The leaders' forms (breaks, offline meetings) answer 403 to the other insiders. An
organisation's dashboard is for its specialists and for admins; everyone else gets 404.
"How we measure" is public.
"""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import event as sa_event
from sqlalchemy import select

from community.events.models import ACCEPTED, GOING, PUBLISHED, Event, EventOrganiser, Registration
from community.extensions import db
from community.groups import service as groups
from community.groups.models import ACTIVE, LEADER, Group, Membership
from community.health import service
from community.health.models import HealthBreak, HealthSnapshot
from community.models import utcnow
from community.orgs.models import Organisation, Specialist
from tests.conftest import Browser, work
from tests.events_helpers import build_group, user

ANON, OUTSIDER, PENDING, MEMBER, LEADER_ROLE = "anonymous", "non-member", "pending", "member", "leader"
SPECIALIST, ORG_SPECIALIST, OTHER_SPECIALIST, ADMIN = "specialist", "org-specialist", "other-specialist", "admin"
ROLES = [ANON, OUTSIDER, PENDING, MEMBER, LEADER_ROLE, SPECIALIST, ORG_SPECIALIST, OTHER_SPECIALIST, ADMIN]
EMAILS = {
    OUTSIDER: "outsider@example.org",
    PENDING: "pending@example.org",
    MEMBER: "member1@example.org",
    LEADER_ROLE: "leader@example.org",
    SPECIALIST: "specialist@example.org",  # the linked organisation's specialist, a member (role specialist)
    ORG_SPECIALIST: "org-specialist@example.org",  # the linked organisation's specialist, not a member
    OTHER_SPECIALIST: "other-spec@example.org",  # another organisation's specialist
    ADMIN: "admin@example.org",
}


def expect(anon, outsider, pending, member, leader, specialist, org_specialist, other_specialist, admin):
    return dict(
        zip(
            ROLES,
            (anon, outsider, pending, member, leader, specialist, org_specialist, other_specialist, admin),
            strict=True,
        )
    )


GROUP_VIEW = expect(302, 404, 404, 200, 200, 200, 200, 404, 200)
LEADERS_GET = expect(302, 404, 404, 403, 200, 403, 403, 404, 403)
LEADERS_POST = expect(302, 404, 404, 403, 302, 403, 403, 404, 403)
ORG_VIEW = expect(302, 404, 404, 404, 404, 200, 200, 404, 200)
OTHER_ORG_VIEW = expect(302, 404, 404, 404, 404, 404, 404, 200, 200)
EVERYONE = expect(*[200] * len(ROLES))
NOBODY = expect(302, *[404] * (len(ROLES) - 1))

# (method, url template, expected). Reads first; the delete comes last so nothing spoils a row.
MATRIX = [
    ("GET", "/groups/{slug}/health", GROUP_VIEW),
    ("GET", "/groups/{slug}/health.csv", GROUP_VIEW),
    ("GET", "/groups/{slug}/health/meetings/new", LEADERS_GET),
    ("GET", "/orgs/{org}/health", ORG_VIEW),
    ("GET", "/orgs/{org}/health.csv", ORG_VIEW),
    ("GET", "/orgs/{other_org}/health", OTHER_ORG_VIEW),
    ("GET", "/health/how", EVERYONE),
    ("GET", "/groups/no-such-group/health", NOBODY),
    ("GET", "/orgs/no-such-org/health", NOBODY),
    ("POST", "/groups/{slug}/health/breaks", LEADERS_POST),
    ("POST", "/groups/{slug}/health/breaks/{break}/delete", LEADERS_POST),
]
BREAK = {"starts_on": "2026-07-01", "ends_on": "2026-08-15", "reason": "Лето"}


def build_world(app, make_user):
    """build_group's group (leader, member1, the specialist of «Фонд» as a member) plus a pending
    applicant, a second «Фонд» specialist who is not a member, another organisation with its
    specialist, an admin, and one declared break."""
    slug, group_id = build_group(app, make_user, members=1)
    for email in ("pending@example.org", "org-specialist@example.org", "other-spec@example.org"):
        make_user(email)
    make_user("admin@example.org", is_admin=True)
    with work(app):
        group = db.session.get(Group, group_id)
        group.join_policy = "approval"
        db.session.commit()
        groups.join_group(user("pending@example.org"), group)
        db.session.add(Specialist(organisation_id=group.organisation_id, user_id=user("org-specialist@example.org").id))
        other = Organisation(name="Другой фонд", slug="drugoi")
        db.session.add(other)
        db.session.flush()
        db.session.add(Specialist(organisation_id=other.id, user_id=user("other-spec@example.org").id))
        service.declare_break(user("leader@example.org"), group, date(2026, 12, 30), date(2027, 1, 8), "Новый год")
        break_id = db.session.scalar(select(HealthBreak.id).where(HealthBreak.group_id == group_id))
        org_slug = db.session.get(Organisation, group.organisation_id).slug
        assert (
            db.session.scalar(select(Membership.status).where(Membership.user_id == user("pending@example.org").id))
            == "pending"
        )
    return {"slug": slug, "group_id": group_id, "org": org_slug, "other_org": "drugoi", "break": break_id}


def signed_in(app, role):
    browser = Browser(app.test_client())
    if role != ANON:
        browser.login(EMAILS[role])
    return browser


@pytest.mark.parametrize("role", ROLES)
def test_health_authorization_matrix(app, make_user, role):
    ids = build_world(app, make_user)
    browser = signed_in(app, role)
    failures = []
    for method, template, expected in MATRIX:
        url = template.format(**ids)
        if method == "GET":
            status = browser.get(url).status_code
        else:
            status = browser.submit(url, BREAK, page="/privacy").status_code
        if status != expected[role]:
            failures.append(f"{method} {url}: {status}, expected {expected[role]}")
    assert not failures, f"{role}:\n" + "\n".join(failures)
    # Only a leader changed anything: added the summer break, then removed the New Year one.
    with app.app_context():
        breaks = db.session.scalars(select(HealthBreak).where(HealthBreak.group_id == ids["group_id"])).all()
        if role == LEADER_ROLE:
            assert [(b.starts_on, b.ends_on) for b in breaks] == [(date(2026, 7, 1), date(2026, 8, 15))]
        else:
            assert [b.id for b in breaks] == [ids["break"]]


def _shape(rule):
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", rule)


def test_every_health_route_is_in_the_matrix(app):
    covered = {(method, _shape(template)) for method, template, _ in MATRIX}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("health."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                checked = (method, _shape(rule.rule)) in covered
                # A GET+POST route is checked by GET: both go through the same load-and-check.
                if method == "POST" and "GET" in rule.methods:
                    checked = checked or ("GET", _shape(rule.rule)) in covered
                if not checked:
                    missing.append(f"{method} {rule.rule}")
    assert not missing, missing


def test_a_leader_cannot_delete_another_groups_break(app, make_user):
    ids = build_world(app, make_user)
    make_user("other-leader@example.org")
    with work(app):
        groups.create_group(user("other-leader@example.org"), "Другая группа", "Самара", "О нас", "Для всех", "open")
        other_slug = db.session.scalar(select(Group.slug).where(Group.name == "Другая группа"))
    browser = signed_in(app, LEADER_ROLE)
    assert (
        browser.submit(f"/groups/{other_slug}/health/breaks/{ids['break']}/delete", {}, page="/privacy").status_code
        == 404
    )
    browser = Browser(app.test_client())
    browser.login("other-leader@example.org")
    response = browser.submit(f"/groups/{other_slug}/health/breaks/{ids['break']}/delete", {}, page="/privacy")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(HealthBreak, ids["break"]) is not None


# --- what specialists are shown -----------------------------------------------------------------------


def translate(app, text, **values):
    with work(app), force_locale("ru"):
        return gettext(text, **values)


def test_specialists_who_are_not_members_see_fewer_than_5_instead_of_small_counts(app, make_user):
    ids = build_world(app, make_user)
    with app.app_context():
        leader, member = user("leader@example.org"), user("member1@example.org")
        starts = utcnow().replace(microsecond=0) - timedelta(days=5)
        event = Event(
            group_id=ids["group_id"],
            title="Чай",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            status=PUBLISHED,
            created_by_id=leader.id,
            created_at=starts - timedelta(days=10),
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(EventOrganiser(event_id=event.id, user_id=leader.id, status=ACCEPTED))
        for person in (leader, member, user("specialist@example.org")):
            db.session.add(Registration(event_id=event.id, user_id=person.id, status=GOING, attended=True))
        db.session.commit()
    sentence = "%(num)s families took part in the last 30 days, of %(total)s members."
    exact = str(escape(translate(app, sentence, num="2", total="2")))
    few = translate(app, "fewer than 5")
    hidden = str(escape(translate(app, sentence, num=few, total=few)))

    outsider_view = signed_in(app, ORG_SPECIALIST).get(f"/groups/{ids['slug']}/health").get_data(as_text=True)
    assert hidden in outsider_view
    assert exact not in outsider_view
    member_view = signed_in(app, MEMBER).get(f"/groups/{ids['slug']}/health").get_data(as_text=True)
    assert exact in member_view
    assert hidden not in member_view


# --- CSV -----------------------------------------------------------------------------------------------

HEADER = ["group", "month", "stage", "members", "A1", "A2", "A3", "P1", "P2", "P3", "P4", "L1", "L2", "L3", "G1", "G2"]


def rows_of(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_csv_exports_have_a_header_and_one_row_per_snapshot(app, make_user):
    ids = build_world(app, make_user)
    make_user("second-leader@example.org")
    with work(app):
        second = groups.create_group(
            user("second-leader@example.org"), "Вторая группа", "Самара", "О нас", "Для всех", "open"
        )
        second.organisation_id = db.session.get(Group, ids["group_id"]).organisation_id
        for membership in db.session.scalars(select(Membership).where(Membership.joined_at.is_not(None))):
            membership.joined_at -= timedelta(days=400)  # members for a year, so each month counts them
        db.session.commit()
        last = service.last_complete_period()
        periods = [service.add_months(last, -n) for n in (2, 1, 0)]
        assert service.take_snapshots(periods) == 6
        assert service.take_snapshots(periods[-1:]) == 2  # taken again: replaced, not added
        assert db.session.scalar(select(db.func.count(HealthSnapshot.id))) == 6

    group_rows = rows_of(signed_in(app, MEMBER).get(f"/groups/{ids['slug']}/health.csv"))
    assert group_rows[0] == HEADER
    assert [(r[0], r[1]) for r in group_rows[1:]] == [("Семьи Казани", p.isoformat()) for p in periods]
    for row in group_rows[1:]:
        assert len(row) == len(HEADER)
        assert row[3] == "2"  # leader and member1: the specialist is not a member here

    org_rows = rows_of(signed_in(app, ORG_SPECIALIST).get(f"/orgs/{ids['org']}/health.csv"))
    assert org_rows[0] == HEADER
    assert sorted((r[0], r[1]) for r in org_rows[1:]) == sorted(
        (name, p.isoformat()) for name in ("Семьи Казани", "Вторая группа") for p in periods
    )


def test_csv_cells_cannot_start_a_spreadsheet_formula(app, make_user):
    """CSV injection: a group named =HYPERLINK(...) must not become a live formula in the exports."""
    make_user("leader@example.org")
    make_user("specialist@example.org")
    with work(app):
        group = groups.create_group(
            user("leader@example.org"),
            '=HYPERLINK("http://evil.example","Отчёт")',
            "Казань",
            "О нас",
            "Для всех",
            "open",
        )
        org = Organisation(name="Фонд", slug="fond")
        db.session.add(org)
        db.session.flush()
        db.session.add(Specialist(organisation_id=org.id, user_id=user("specialist@example.org").id))
        group.organisation_id = org.id
        db.session.commit()
        service.take_snapshots([date(2026, 5, 1)])
    browser = Browser(app.test_client())
    browser.login("specialist@example.org")
    rows = rows_of(browser.get("/orgs/fond/health.csv"))
    # Text cells (group name, stage) must not start a formula; numbers such as L3 = -2 may be negative.
    assert all(not row[0].startswith(("=", "+", "-", "@")) for row in rows[1:]), rows


# --- the dashboard's query count ----------------------------------------------------------------------


def count_queries(app, browser, url):
    browser.get(url)  # warm up: the signed-in person is loaded once, then cached
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        response = browser.get(url)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return len(statements)


def add_linked_groups(app, make_user, org_id, first, last):
    for n in range(first, last):
        leader_id = make_user(f"leader{n}@example.org")
        member_ids = [make_user(f"parent{n}-{k}@example.org") for k in range(3)]
        with work(app):
            from community.auth.models import User

            group = groups.create_group(
                db.session.get(User, leader_id), f"Группа номер {n}", f"Город {n}", "О нас", "Для всех", "open"
            )
            for member_id in member_ids:
                groups.join_group(db.session.get(User, member_id), group)
            group.organisation_id = org_id
            starts = utcnow().replace(microsecond=0) - timedelta(days=10)
            event = Event(
                group_id=group.id,
                title="Встреча",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                status=PUBLISHED,
                created_by_id=leader_id,
            )
            db.session.add(event)
            db.session.flush()
            db.session.add(EventOrganiser(event_id=event.id, user_id=leader_id, status=ACCEPTED))
            for person in [leader_id, *member_ids]:
                db.session.add(Registration(event_id=event.id, user_id=person, status=GOING, attended=True))
            db.session.commit()


def test_the_dashboard_query_count_does_not_grow_with_the_groups(app, make_user):
    make_user("specialist@example.org")
    with work(app):
        org = Organisation(name="Фонд", slug="fond")
        db.session.add(org)
        db.session.flush()
        db.session.add(Specialist(organisation_id=org.id, user_id=user("specialist@example.org").id))
        db.session.commit()
        org_id = org.id
    browser = Browser(app.test_client())
    browser.login("specialist@example.org")
    counts, linked = {}, 0
    for size in (2, 8):
        add_linked_groups(app, make_user, org_id, linked, size)
        linked = size
        with work(app):
            last = service.last_complete_period()
            service.take_snapshots([service.add_months(last, -n) for n in (2, 1, 0)])
            assert db.session.scalar(select(db.func.count(Group.id)).where(Group.organisation_id == org_id)) == size
        for url in ("/orgs/fond/health", "/orgs/fond/health?stage=forming&sort=name", "/orgs/fond/health.csv"):
            counts.setdefault(url, []).append(count_queries(app, browser, url))
        page = browser.get("/orgs/fond/health").get_data(as_text=True)
        assert page.count('class="group-card"') == size
    for url, (small, large) in counts.items():
        assert small == large, f"{url}: {small} queries for 2 groups, {large} for 8"


def new_linked_group(app, make_user):
    make_user("leader@example.org")
    make_user("specialist@example.org")
    with work(app):
        group = groups.create_group(user("leader@example.org"), "Новая группа", "Казань", "О нас", "Для всех", "open")
        org = Organisation(name="Фонд", slug="fond")
        db.session.add(org)
        db.session.flush()
        db.session.add(Specialist(organisation_id=org.id, user_id=user("specialist@example.org").id))
        group.organisation_id = org.id
        db.session.commit()
        assert db.session.scalar(select(Membership.role).where(Membership.group_id == group.id)) == LEADER
        assert db.session.scalar(select(Membership.status).where(Membership.group_id == group.id)) == ACTIVE
        return group.slug


def test_a_group_with_no_data_and_no_snapshots_renders(app, make_user):
    """A brand-new group: its page, its CSV and the dashboard answer, without an error."""
    slug = new_linked_group(app, make_user)
    leader = signed_in(app, LEADER_ROLE)
    assert leader.get(f"/groups/{slug}/health").status_code == 200
    assert rows_of(leader.get(f"/groups/{slug}/health.csv")) == [HEADER]
    specialist = signed_in(app, SPECIALIST)
    assert specialist.get("/orgs/fond/health").status_code == 200
    assert specialist.get(f"/groups/{slug}/health").status_code == 200
    assert rows_of(specialist.get("/orgs/fond/health.csv")) == [HEADER]


def test_the_dashboard_says_when_a_group_has_no_monthly_check_yet(app, make_user):
    """Regression: the template read `row.values` (the dict method, always true) instead of row['values']."""
    new_linked_group(app, make_user)
    page = signed_in(app, SPECIALIST).get("/orgs/fond/health").get_data(as_text=True)
    assert str(escape(translate(app, "No monthly check yet. It appears after the first monthly snapshot."))) in page
