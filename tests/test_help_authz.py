"""Who may open what, for every help route: the role × route matrix."""

import pytest
from sqlalchemy import select

from community.extensions import db
from community.groups import service as groups
from community.groups.models import Group
from community.mutual_help import service as help_service
from community.mutual_help.models import HelpResponse
from community.orgs.models import Organisation, Specialist
from tests.conftest import Browser
from tests.events_helpers import build_group, user

ROLES = ["anonymous", "non-member", "pending", "member", "leader", "specialist", "other-specialist", "admin"]
EMAILS = {
    "non-member": "outsider@example.org",
    "pending": "pending@example.org",
    "member": "member2@example.org",
    "leader": "leader@example.org",
    "specialist": "specialist@example.org",
    "other-specialist": "other-spec@example.org",
    "admin": "admin@example.org",
}


def expect(default, **per_role):
    table = {"anonymous": 302, "non-member": 404, "pending": 404, "other-specialist": 404}
    table.update({role: default for role in ("member", "leader", "specialist", "admin")})
    table.update({k.replace("_", "-"): v for k, v in per_role.items()})
    return table


AUTHOR_ONLY = expect(403)  # the author is member1; nobody in the matrix wrote the request
MATRIX = [
    ("GET", "/groups/{slug}/help/", expect(200)),
    ("GET", "/groups/{slug}/help/new", expect(200, admin=403)),
    ("GET", "/groups/{slug}/help/record", expect(403, leader=200)),
    ("GET", "/help/{request}", expect(200)),
    ("GET", "/help/{request}/edit", AUTHOR_ONLY),
    ("POST", "/help/{request}/respond", expect(200, admin=403)),  # 200: the empty form comes back with its error
    ("POST", "/help/{request}/responses/{response}/accept", AUTHOR_ONLY),
    ("POST", "/help/{request}/thread", expect(302)),
    ("GET", "/help/{request}/resolve", AUTHOR_ONLY),
    ("GET", "/help/{request}/close", AUTHOR_ONLY),
    ("POST", "/help/{request}/reopen", AUTHOR_ONLY),
    ("POST", "/help/{request}/hide", expect(403, leader=302, admin=302)),
    ("GET", "/help/preferences", {role: (302 if role == "anonymous" else 200) for role in ROLES}),
]


def build(app, make_user):
    slug, group_id = build_group(app, make_user, members=2)
    make_user("pending@example.org")
    make_user("other-spec@example.org")
    make_user("admin@example.org", is_admin=True)
    with app.test_request_context():
        group = db.session.get(Group, group_id)
        group.join_policy = "approval"
        db.session.commit()
        groups.join_group(user("pending@example.org"), group)
        other = Organisation(name="Другой фонд", slug="drugoi")
        db.session.add(other)
        db.session.flush()
        db.session.add(Specialist(organisation_id=other.id, user_id=user("other-spec@example.org").id))
        db.session.commit()
        help_request = help_service.create_request(
            user("member1@example.org"), group, "need", "Подвезти", "", "transport", "week", None, False
        )
        help_service.respond(user("leader@example.org"), help_request, "Могу")
        response_id = db.session.scalar(select(HelpResponse.id))
        return {"slug": slug, "request": help_request.id, "response": response_id}


@pytest.mark.parametrize("role", ROLES)
def test_help_authorization_matrix(app, make_user, role):
    ids = build(app, make_user)
    browser = Browser(app.test_client())
    if role != "anonymous":
        browser.login(EMAILS[role])
    failures = []
    for method, template, expected in MATRIX:
        url = template.format(**ids)
        status = (
            browser.get(url).status_code if method == "GET" else browser.submit(url, {}, page="/privacy").status_code
        )
        if status != expected[role]:
            failures.append(f"{method} {url}: {status}, expected {expected[role]}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


def test_every_help_route_is_in_the_matrix(app):
    covered = {template for _, template, _ in MATRIX}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("help."):
            shape = rule.rule
            for name in ("slug", "int:request_id", "int:response_id"):
                shape = shape.replace(f"<{name}>", "{}")
            assert any(
                template.replace("{slug}", "{}").replace("{request}", "{}").replace("{response}", "{}") == shape
                for template in covered
            ), rule.rule
