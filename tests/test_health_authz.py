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
from datetime import UTC, date, datetime, time, timedelta

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


def backdate(app, days=400, group_ids=None):
    """Make the groups (all, or `group_ids`) and their memberships `days` older, so that past
    months have snapshots (no snapshot exists for a month before a group existed)."""
    with work(app):
        query = select(Group)
        if group_ids is not None:
            query = query.where(Group.id.in_(group_ids))
        for group in db.session.scalars(query):
            group.created_at -= timedelta(days=days)
            for membership in db.session.scalars(
                select(Membership).where(Membership.group_id == group.id, Membership.joined_at.is_not(None))
            ):
                membership.joined_at -= timedelta(days=days)
        db.session.commit()


def add_meeting(app, group_id, starts, people):
    with work(app):
        event = Event(
            group_id=group_id,
            title="Чай",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            status=PUBLISHED,
            created_by_id=user(people[0]).id,
            created_at=starts - timedelta(days=10),
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(EventOrganiser(event_id=event.id, user_id=user(people[0]).id, status=ACCEPTED))
        for email in people:
            db.session.add(Registration(event_id=event.id, user_id=user(email).id, status=GOING, attended=True))
        db.session.commit()


def middle_of_last_month():
    return datetime.combine(service.last_complete_period().replace(day=15), time(11), tzinfo=UTC)


def test_specialists_who_are_not_members_see_fewer_than_5_instead_of_small_counts(app, make_user):
    """On the page (sentences, the monthly table) and in both CSV files."""
    ids = build_world(app, make_user)
    backdate(app)
    add_meeting(
        app,
        ids["group_id"],
        middle_of_last_month(),
        ["leader@example.org", "member1@example.org", "specialist@example.org"],
    )
    with work(app):
        service.take_snapshots([service.last_complete_period()])
    sentence = "%(num)s families took part in the month, of %(total)s members."
    exact = str(escape(translate(app, sentence, num="2", total="2")))
    few = translate(app, "fewer than 5")
    hidden = str(escape(translate(app, sentence, num=few, total=few)))

    for role in (ORG_SPECIALIST, SPECIALIST, ADMIN):
        page = signed_in(app, role).get(f"/groups/{ids['slug']}/health").get_data(as_text=True)
        assert hidden in page, role
        assert exact not in page, role
        assert "<td>2</td>" not in page, role  # the monthly table
        rows = rows_of(signed_in(app, role).get(f"/groups/{ids['slug']}/health.csv"))
        assert rows[-1][3:5] == [few, few], role  # members, active families of the last month
    for role in (MEMBER, LEADER_ROLE):
        page = signed_in(app, role).get(f"/groups/{ids['slug']}/health").get_data(as_text=True)
        assert exact in page, role
        assert hidden not in page, role
        rows = rows_of(signed_in(app, role).get(f"/groups/{ids['slug']}/health.csv"))
        assert rows[-1][3:5] == ["2", "2"], role
    org_rows = rows_of(signed_in(app, ORG_SPECIALIST).get(f"/orgs/{ids['org']}/health.csv"))
    assert org_rows[-1][3:5] == [few, few]


# --- CSV -----------------------------------------------------------------------------------------------


def header(app):
    with work(app), force_locale("ru"):
        from community.health.pages import csv_header

        return csv_header()


def rows_of(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_csv_exports_have_a_translated_header_and_one_row_per_snapshot(app, make_user):
    ids = build_world(app, make_user)
    make_user("second-leader@example.org")
    with work(app):
        second = groups.create_group(
            user("second-leader@example.org"), "Вторая группа", "Самара", "О нас", "Для всех", "open"
        )
        second.organisation_id = db.session.get(Group, ids["group_id"]).organisation_id
        db.session.commit()
    backdate(app)
    with work(app):
        last = service.last_complete_period()
        periods = [service.add_months(last, -n) for n in (2, 1, 0)]
        assert service.take_snapshots(periods, fill=0) == 6
        assert service.take_snapshots(periods[-1:], fill=0) == 2  # taken again: replaced, not added
        assert db.session.scalar(select(db.func.count(HealthSnapshot.id))) == 6

    expected_header = header(app)
    assert expected_header[:4] == [translate(app, word) for word in ("Group", "Month", "Stage", "Members")]
    group_rows = rows_of(signed_in(app, MEMBER).get(f"/groups/{ids['slug']}/health.csv"))
    assert group_rows[0] == expected_header
    assert [(r[0], r[1]) for r in group_rows[1:]] == [("Семьи Казани", p.isoformat()) for p in periods]
    at_risk = translate(app, "At risk")
    for row in group_rows[1:]:
        assert len(row) == len(expected_header)
        assert row[2] == at_risk  # a year old and no meeting ever: at risk, in Russian
        assert row[3] == "2"  # leader and member1: the specialist is not a member here

    org_rows = rows_of(signed_in(app, ORG_SPECIALIST).get(f"/orgs/{ids['org']}/health.csv"))
    assert org_rows[0] == expected_header
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
    backdate(app)
    with work(app):
        assert service.take_snapshots([service.last_complete_period()], fill=0) == 1
    browser = Browser(app.test_client())
    browser.login("specialist@example.org")
    rows = rows_of(browser.get("/orgs/fond/health.csv"))
    assert len(rows) == 2
    # Text cells (group name, stage) must not start a formula.
    assert all(not row[0].startswith(("=", "+", "-", "@")) for row in rows[1:]), rows


# --- the pages' query counts ------------------------------------------------------------------------------


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
            db.session.commit()
            group_id = group.id
        backdate(app, group_ids=[group_id])
        add_meeting(
            app,
            group_id,
            middle_of_last_month(),
            [f"leader{n}@example.org"] + [f"parent{n}-{k}@example.org" for k in range(3)],
        )


def test_the_dashboard_query_count_does_not_grow_with_the_groups_and_cards_are_paged(app, make_user):
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
    urls = (
        "/orgs/fond/health",
        "/orgs/fond/health?stage=forming&sort=name",
        "/orgs/fond/health?sort=active&page=2",
        "/orgs/fond/health.csv",
    )
    for size in (2, 23):
        add_linked_groups(app, make_user, org_id, linked, size)
        linked = size
        with work(app):
            last = service.last_complete_period()
            service.take_snapshots([service.add_months(last, -n) for n in (2, 1, 0)], fill=0)
            assert db.session.scalar(select(db.func.count(Group.id)).where(Group.organisation_id == org_id)) == size
        for url in urls:
            counts.setdefault(url, []).append(count_queries(app, browser, url))
        page = browser.get("/orgs/fond/health").get_data(as_text=True)
        assert page.count('class="group-card health-card"') == min(size, service.PAGE_SIZE)
    second = browser.get("/orgs/fond/health?page=2").get_data(as_text=True)
    assert second.count('class="group-card health-card"') == 23 - service.PAGE_SIZE
    assert 'rel="prev"' in second
    for url, (small, large) in counts.items():
        assert small == large, f"{url}: {small} queries for 2 groups, {large} for 23"


def test_the_group_page_reads_snapshots_and_its_query_count_does_not_grow(app, make_user):
    """Issue #13: the page reads the monthly snapshots and a cheap live part; it never computes
    a month of indicators, so more history and more activity cost no more queries."""
    ids = build_world(app, make_user)
    backdate(app)
    counts = []
    for months in (1, 6):
        for n in range(months):
            starts = datetime.combine(service.add_months(service.last_complete_period(), -n), time(11), tzinfo=UTC)
            add_meeting(app, ids["group_id"], starts + timedelta(days=9), ["leader@example.org", "member1@example.org"])
        with work(app):
            last = service.last_complete_period()
            service.take_snapshots([service.add_months(last, -n) for n in range(months - 1, -1, -1)], fill=0)
        for role in (MEMBER, LEADER_ROLE, ORG_SPECIALIST):
            counts.append((role, months, count_queries(app, signed_in(app, role), f"/groups/{ids['slug']}/health")))
    by_role = {}
    for role, _months, queries in counts:
        by_role.setdefault(role, set()).add(queries)
    assert all(len(queries) == 1 for queries in by_role.values()), counts


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
    expected_header = header(app)
    leader = signed_in(app, LEADER_ROLE)
    assert leader.get(f"/groups/{slug}/health").status_code == 200
    assert rows_of(leader.get(f"/groups/{slug}/health.csv")) == [expected_header]
    specialist = signed_in(app, SPECIALIST)
    assert specialist.get("/orgs/fond/health").status_code == 200
    assert specialist.get(f"/groups/{slug}/health").status_code == 200
    assert rows_of(specialist.get("/orgs/fond/health.csv")) == [expected_header]


def test_the_dashboard_says_when_a_group_has_no_monthly_check_yet(app, make_user):
    new_linked_group(app, make_user)
    page = signed_in(app, SPECIALIST).get("/orgs/fond/health").get_data(as_text=True)
    assert str(escape(translate(app, "No monthly check yet. It appears after the first monthly snapshot."))) in page


def test_leaders_cannot_record_in_an_archived_group(app, make_user):
    """Issue #13: the health views let leaders write in archived groups."""
    ids = build_world(app, make_user)
    with work(app):
        db.session.get(Group, ids["group_id"]).archived_at = utcnow()
        db.session.commit()
    leader = signed_in(app, LEADER_ROLE)
    assert leader.get(f"/groups/{ids['slug']}/health").status_code == 200  # reading stays
    assert leader.get(f"/groups/{ids['slug']}/health/meetings/new").status_code == 403
    assert leader.submit(f"/groups/{ids['slug']}/health/breaks", BREAK, page="/privacy").status_code == 403
    delete = f"/groups/{ids['slug']}/health/breaks/{ids['break']}/delete"
    assert leader.submit(delete, {}, page="/privacy").status_code == 403
    with app.app_context():
        assert [b.id for b in db.session.scalars(select(HealthBreak))] == [ids["break"]]


def test_a_dashboard_card_follows_its_groups_latest_snapshot(app, make_user):
    """Each process keeps the cards' words and charts (community/health/pages.py), by
    everything they are made of: a snapshot taken again shows at once, in either language."""
    new_linked_group(app, make_user)
    backdate(app)
    with work(app):
        service.take_snapshots([service.last_complete_period()], fill=0)
        explanation = db.session.scalar(select(HealthSnapshot.explanation))
    specialist = signed_in(app, SPECIALIST)

    def card(locale="ru"):
        with work(app):
            user("specialist@example.org").locale = locale
            db.session.commit()
        page = specialist.get("/orgs/fond/health").get_data(as_text=True)
        return page.split('class="group-card health-card"')[1].split("</article>")[0]

    english, before = card("en"), card()
    assert 'aria-label="Active families:' in english and "Active families" not in before
    facts = [code for code, _numbers in explanation["facts"]]
    assert facts, explanation
    with work(app):
        snapshot = db.session.scalar(select(HealthSnapshot))
        snapshot.explanation = {**explanation, "facts": []}
        db.session.commit()
    after = card()
    assert after != before and len(after) < len(before)
    assert card() == after
