"""Who may open what in groups, posts, messages and notifications: every route, for every
kind of person. Outsiders get 404 for anything private (no guessing what exists); insiders
without the right get 403; visitors are sent to log in."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from community.auth.models import User
from community.extensions import db
from community.groups import feed, service
from community.groups.access import access_for
from community.groups.models import ACTIVE, APPROVAL, DISCUSSION, SPECIALIST, Group, Membership, Post
from community.models import utcnow
from community.orgs.models import Organisation, Specialist
from tests.conftest import Browser, work

ANON, OUTSIDER, PENDING, MEMBER, LEADER = "anonymous", "outsider", "pending", "member", "leader"
SPECIALIST_HERE, SPECIALIST_ELSEWHERE, ADMIN = "specialist", "other-specialist", "admin"
ROLES = [ANON, OUTSIDER, PENDING, MEMBER, LEADER, SPECIALIST_HERE, SPECIALIST_ELSEWHERE, ADMIN]
EMAILS = {
    OUTSIDER: "outsider@example.org",
    PENDING: "pending@example.org",
    MEMBER: "member@example.org",
    LEADER: "leader@example.org",
    SPECIALIST_HERE: "specialist@example.org",
    SPECIALIST_ELSEWHERE: "elsewhere@example.org",
    ADMIN: "admin@example.org",
}
BLUEPRINTS = ("groups", "posts", "messages", "notifications")


def expect(anon, outsider, pending, member, leader, specialist, elsewhere, admin):
    return dict(zip(ROLES, (anon, outsider, pending, member, leader, specialist, elsewhere, admin), strict=True))


EVERYONE_200 = expect(200, 200, 200, 200, 200, 200, 200, 200)
SIGNED_IN_200 = expect(302, 200, 200, 200, 200, 200, 200, 200)
SIGNED_IN_302 = expect(302, 302, 302, 302, 302, 302, 302, 302)
MEMBERS_200 = expect(302, 404, 404, 200, 200, 200, 404, 403)
FEED_200 = expect(302, 404, 404, 200, 200, 200, 404, 200)
LEADERS_200 = expect(302, 404, 404, 403, 200, 403, 404, 403)
LEADERS_302 = expect(302, 404, 404, 403, 302, 403, 404, 403)
MODERATORS_302 = expect(302, 404, 404, 403, 302, 403, 404, 302)
AUTHOR_200 = expect(302, 404, 404, 200, 403, 403, 404, 403)

# Reads first, then changes ordered so that none spoils a later row (hide, then unhide; accept,
# then decline, then end). Placeholders are filled from the `world` fixture. A GET+POST route is
# checked by GET: both methods go through the same load-and-check before the view acts.
MATRIX = [
    ("GET", "/groups/", EVERYONE_200),
    ("GET", "/groups/new", SIGNED_IN_200),
    ("GET", "/groups/{slug}/", EVERYONE_200),
    ("GET", "/groups/{slug}/edit", LEADERS_200),
    ("GET", "/groups/{slug}/archive", LEADERS_200),
    ("GET", "/groups/{slug}/join", expect(302, 200, 302, 302, 302, 302, 200, 200)),
    ("GET", "/groups/{slug}/leave", expect(302, 404, 200, 200, 200, 200, 404, 404)),
    ("GET", "/groups/{slug}/members", MEMBERS_200),
    ("GET", "/groups/{slug}/decisions", FEED_200),
    ("GET", "/groups/{slug}/requests", LEADERS_200),
    ("GET", "/groups/{slug}/admin-visits", LEADERS_200),
    ("GET", "/groups/{slug}/requests/{applicant}/decline", LEADERS_200),
    ("GET", "/groups/{slug}/members/{victim}", LEADERS_200),
    ("GET", "/groups/{slug}/members/{victim}/remove", LEADERS_200),
    ("GET", "/groups/{slug}/hand-over", LEADERS_200),
    ("GET", "/groups/{slug}/my-roles", expect(302, 404, 404, 200, 200, 200, 404, 404)),
    ("GET", "/groups/{slug}/posts/new", expect(302, 404, 404, 200, 200, 200, 404, 403)),
    ("GET", "/groups/{slug}/posts/{post}", FEED_200),
    ("GET", "/groups/{slug}/posts/{member_post}/edit", AUTHOR_200),
    ("GET", "/groups/{slug}/posts/{member_post}/delete", AUTHOR_200),
    ("GET", "/groups/{slug}/posts/{post}/comments/{member_comment}/edit", AUTHOR_200),
    ("GET", "/groups/{slug}/posts/{post}/comments/{member_comment}/delete", AUTHOR_200),
    ("GET", "/messages/", SIGNED_IN_200),
    ("GET", "/messages/with/{peer}", expect(302, 404, 404, 200, 200, 200, 404, 404)),
    ("GET", "/notifications/", SIGNED_IN_200),
    ("POST", "/groups/{slug}/requests/{applicant}/approve", LEADERS_302),
    ("POST", "/groups/{slug}/members/{victim}/leader", LEADERS_302),
    ("POST", "/groups/{slug}/members/{co_leader}/step-down", LEADERS_302),
    ("POST", "/groups/{slug}/members/{victim}/engagement", LEADERS_302),
    ("POST", "/groups/{slug}/roles/{offer}/accept", expect(302, 404, 404, 302, 403, 403, 404, 403)),
    ("POST", "/groups/{slug}/roles/{offer}/decline", expect(302, 404, 404, 302, 403, 403, 404, 403)),
    ("POST", "/groups/{slug}/roles/{offer}/end", expect(302, 404, 404, 302, 302, 403, 404, 403)),
    ("POST", "/groups/{slug}/posts/{member_post}/hide", MODERATORS_302),
    ("POST", "/groups/{slug}/posts/{member_post}/unhide", MODERATORS_302),
    ("POST", "/groups/{slug}/posts/{post}/comments/{member_comment}/hide", MODERATORS_302),
    ("POST", "/groups/{slug}/mute", expect(302, 404, 404, 302, 302, 302, 404, 403)),
    ("POST", "/groups/{slug}/posts/{post}/pin", LEADERS_302),
    ("POST", "/groups/{slug}/posts/{post}/unpin", LEADERS_302),
    ("POST", "/notifications/read", SIGNED_IN_302),
]


def build_world(app, make_user):
    """One approval group with a person in every role, an organisation that supports it with one
    specialist, another organisation's specialist, posts, a comment and an offered role."""
    ids = {role: make_user(email, name=role.title(), is_admin=role == ADMIN) for role, email in EMAILS.items()}
    for extra in ("co-leader", "victim", "applicant"):
        ids[extra] = make_user(f"{extra}@example.org", name=extra.title())
    with work(app):
        user = {key: db.session.get(User, value) for key, value in ids.items()}
        home, elsewhere = Organisation(name="Фонд «Дом»", slug="dom"), Organisation(name="Другой фонд", slug="drugoi")
        db.session.add_all([home, elsewhere])
        db.session.flush()
        db.session.add_all(
            [
                Specialist(organisation_id=home.id, user_id=ids[SPECIALIST_HERE]),
                Specialist(organisation_id=elsewhere.id, user_id=ids[SPECIALIST_ELSEWHERE]),
            ]
        )
        db.session.commit()
        group = service.create_group(user[LEADER], "Опекуны Казани", "Казань", "О нас", "Пишите", APPROVAL)
        group.organisation_id = home.id
        db.session.add(
            Membership(group=group, user=user[SPECIALIST_HERE], role=SPECIALIST, status=ACTIVE, joined_at=utcnow())
        )
        db.session.commit()
        memberships = {}
        for key in (MEMBER, "victim", "co-leader", PENDING, "applicant"):
            memberships[key] = service.join_group(user[key], group)
            if key not in (PENDING, "applicant"):
                service.approve_request(user[LEADER], memberships[key])
        service.make_leader(user[LEADER], memberships["co-leader"])
        post = feed.create_post(user[LEADER], group, access_for(user[LEADER], group), DISCUSSION, "Тема", "Текст")
        member_post = feed.create_post(user[MEMBER], group, access_for(user[MEMBER], group), DISCUSSION, "Моя", "Т")
        comment = feed.add_comment(user[MEMBER], group, access_for(user[MEMBER], group), post, "Ответ")
        offer = service.offer_engagement_role(user[LEADER], memberships[MEMBER], "mentor")
        return SimpleNamespace(
            ids=ids,
            slug=group.slug,
            applicant=memberships["applicant"].id,
            victim=memberships["victim"].id,
            co_leader=memberships["co-leader"].id,
            peer=ids["victim"],
            post=post.id,
            member_post=member_post.id,
            member_comment=comment.id,
            offer=offer.id,
        )


@pytest.fixture
def world(app, make_user):
    return build_world(app, make_user)


def browser_for(app, role):
    browser = Browser(app.test_client())
    if role != ANON:
        browser.login(EMAILS[role])
    return browser


def request_status(browser, method, url):
    if method == "GET":
        return browser.get(url).status_code
    return browser.submit(url, {}, page="/groups/").status_code


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(app, world, role):
    browser = browser_for(app, role)
    failures = []
    for method, template, expected in MATRIX:
        url = template.format(**vars(world))
        status = request_status(browser, method, url)
        if status != expected[role]:
            failures.append(f"{role} {method} {url}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


def test_every_group_message_and_notification_route_is_in_the_matrix(app):
    """A new route in these blueprints must be added to MATRIX (a GET row if it answers GET)."""
    adapter = app.url_map.bind("localhost")
    sample = {
        key: 1 for key in ("applicant", "victim", "co_leader", "peer", "post", "member_post", "member_comment", "offer")
    }
    covered = set()
    for method, template, _ in MATRIX:
        endpoint, _args = adapter.match(template.format(slug="s", **sample), method=method)
        covered.add((endpoint, method))
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in BLUEPRINTS:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        if (rule.endpoint, method) not in covered:
            missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from the matrix:\n" + "\n".join(missing)


def test_visitors_are_sent_to_log_in_and_come_back(app, world):
    response = Browser(app.test_client()).get(f"/groups/{world.slug}/members")
    assert response.headers["Location"] == f"/auth/login?next=%2Fgroups%2F{world.slug}%2Fmembers"


def test_admins_see_the_feed_to_moderate_but_not_the_member_list(app, world):
    admin = browser_for(app, ADMIN)
    page = admin.get(f"/groups/{world.slug}/").get_data(as_text=True)
    assert "Тема" in page
    assert f"/groups/{world.slug}/members" not in page
    assert admin.get(f"/groups/{world.slug}/members").status_code == 403


# --- objects from another group are never reachable through this one ------------------------------------


@pytest.fixture
def two_groups(app, make_user, world):
    """The world's group, and a second group led by a stranger, with a request, a post and a role."""
    stranger = make_user("stranger@example.org", name="Чужой")
    applicant = make_user("their-applicant@example.org")
    with work(app):
        user = db.session.get(User, stranger)
        theirs = service.create_group(user, "Чужая группа", "Самара", "О", "П", APPROVAL)
        request = service.join_group(db.session.get(User, applicant), theirs)
        post = feed.create_post(user, theirs, access_for(user, theirs), DISCUSSION, "Чужая тема", "Текст")
        comment = feed.add_comment(user, theirs, access_for(user, theirs), post, "Ответ")
        own = db.session.scalar(select(Membership).where(Membership.user_id == stranger))
        offer = service.offer_engagement_role(user, own, "critic")
        return SimpleNamespace(
            slug=theirs.slug, request=request.id, own=own.id, post=post.id, comment=comment.id, offer=offer.id
        )


CROSS = [
    ("POST", "/groups/{mine}/requests/{request}/approve"),
    ("GET", "/groups/{mine}/requests/{request}/decline"),
    ("GET", "/groups/{mine}/members/{own}/remove"),
    ("POST", "/groups/{mine}/members/{own}/leader"),
    ("POST", "/groups/{mine}/members/{own}/step-down"),
    ("POST", "/groups/{mine}/members/{own}/engagement"),
    ("POST", "/groups/{mine}/roles/{offer}/end"),
    ("GET", "/groups/{mine}/posts/{post}"),
    ("POST", "/groups/{mine}/posts/{post}/hide"),
    ("GET", "/groups/{mine}/posts/{post}/comments/{comment}/edit"),
    ("POST", "/groups/{mine}/posts/{post}/comments/{comment}/hide"),
]


def test_a_leader_cannot_reach_another_groups_objects_through_their_own_group(app, world, two_groups):
    leader = browser_for(app, LEADER)
    for method, template in CROSS:
        url = template.format(mine=world.slug, **vars(two_groups))
        assert request_status(leader, method, url) == 404, f"{method} {url}"
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.slug == two_groups.slug))
        statuses = sorted((m.status, m.role) for m in group.memberships)
        hidden = db.session.get(Post, two_groups.post).hidden_at
    assert statuses == [("active", "leader"), ("pending", "member")]
    assert hidden is None


def test_unknown_groups_are_not_found_for_signed_in_people(app, world):
    member = browser_for(app, MEMBER)
    for url in (
        "/groups/no-such/edit",
        "/groups/no-such/members",
        "/groups/no-such/posts/1",
        "/groups/no-such/join",
        "/groups/no-such/leave",
        "/messages/with/999999",
    ):
        assert member.get(url).status_code == 404, url
