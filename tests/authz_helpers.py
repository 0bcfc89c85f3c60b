"""What the role × route matrices of events and help share: the roles, the expected-status
table, the people around a group, the runner, and the check that every route is listed."""

import re

from community.extensions import db
from community.groups import service as groups
from community.groups.models import Group
from community.orgs.models import Organisation, Specialist
from tests.conftest import Browser, work
from tests.events_helpers import user

ROLES = ["anonymous", "non-member", "pending", "member", "leader", "specialist", "other-specialist", "admin"]


def emails(member):
    """The login of each role; `member` is the ordinary member the matrix signs in as."""
    return {
        "non-member": "outsider@example.org",
        "pending": "pending@example.org",
        "member": member,
        "leader": "leader@example.org",
        "specialist": "specialist@example.org",
        "other-specialist": "other-spec@example.org",
        "admin": "admin@example.org",
    }


def expect(default, **per_role):
    """Expected status per role: anonymous is sent to log in; outsiders get 404."""
    table = {"anonymous": 302, "non-member": 404, "pending": 404, "other-specialist": 404}
    table.update({role: default for role in ("member", "leader", "specialist", "admin")})
    table.update({k.replace("_", "-"): v for k, v in per_role.items()})
    return table


def add_outsiders(app, make_user, group_id):
    """Around a group from `build_group`: a pending applicant, another organisation's
    specialist and an admin (the group now admits by approval)."""
    make_user("pending@example.org")
    make_user("other-spec@example.org")
    make_user("admin@example.org", is_admin=True)
    with work(app):
        group = db.session.get(Group, group_id)
        group.join_policy = "approval"
        db.session.commit()
        groups.join_group(user("pending@example.org"), group)
        other = Organisation(name="Другой фонд", slug="drugoi")
        db.session.add(other)
        db.session.flush()
        db.session.add(Specialist(organisation_id=other.id, user_id=user("other-spec@example.org").id))
        db.session.commit()


def run_matrix(app, role, logins, matrix, ids):
    """Request every row as `role`; fail with every mismatch listed at once."""
    browser = Browser(app.test_client())
    if role != "anonymous":
        browser.login(logins[role])
    failures = []
    for method, template, expected in matrix:
        url = template.format(**ids)
        if method == "GET":
            status = browser.get(url).status_code
        else:
            status = browser.submit(url, {}, page="/privacy").status_code
        if status != expected[role]:
            failures.append(f"{method} {url}: {status}, expected {expected[role]}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


def _rule_pattern(rule):
    """A regex for the matrix templates that stand for `rule`: a placeholder for each
    variable part, or one of the words an `any(...)` part allows."""
    pattern = ""
    for literal, variable in re.findall(r"([^<]*)(<[^>]*>)?", rule):
        pattern += re.escape(literal)
        if variable.startswith("<any("):
            words = variable[len("<any(") : variable.index(")")].split(",")
            pattern += "(" + "|".join(re.escape(w.strip()) for w in words) + ")"
        elif variable:
            pattern += r"\{\}"
    return re.compile(pattern + "$")


def assert_every_route_listed(app, blueprint, matrix):
    """Every route of `blueprint` must stand in the matrix (compared by shape)."""
    listed = {re.sub(r"\{[^}]*\}", "{}", template) for _, template, _ in matrix}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(blueprint + "."):
            pattern = _rule_pattern(rule.rule)
            assert any(pattern.match(t) for t in listed), f"{rule.rule} is missing from the {blueprint} matrix"
