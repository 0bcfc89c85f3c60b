"""The members list of a big group: paged, searchable by name, and a leader's changes one
click away on each member's page (not a form per row)."""

from sqlalchemy import select

from community.auth.models import User
from community.extensions import db
from community.groups import service
from community.groups.models import ACTIVE, MEMBER, OPEN, Membership
from community.models import utcnow
from tests.conftest import Browser, work


def big_group(app, make_user, members):
    leader_id = make_user("leader@example.org", name="Анна")
    with work(app):
        group = service.create_group(db.session.get(User, leader_id), "Большой круг", "Казань", "О нас", "Пишите", OPEN)
        password_hash = db.session.get(User, leader_id).password_hash
        now = utcnow()
        for n in range(members):
            user = User(
                email=f"m{n}@example.org",
                display_name=f"Участник {n:03d}",
                password_hash=password_hash,
                email_verified_at=now,
                consent_at=now,
                consent_version="1",
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(group_id=group.id, user_id=user.id, role=MEMBER, status=ACTIVE, joined_at=now))
        group.member_count = members + 1
        return group.slug


def signed_in(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def test_a_big_group_lists_its_members_page_by_page_leaders_first(app, make_user):
    slug = big_group(app, make_user, 120)
    leader = signed_in(app, "leader@example.org")
    first = leader.get(f"/groups/{slug}/members").get_data(as_text=True)
    assert first.count("<strong>") == service.MEMBERS_PAGE_SIZE
    assert first.index("Анна") < first.index("Участник 000")
    assert f'href="/groups/{slug}/members?page=2"' in first
    last = leader.get(f"/groups/{slug}/members?page=3").get_data(as_text=True)
    assert last.count("<strong>") == 121 - 2 * service.MEMBERS_PAGE_SIZE
    assert "Участник 119" in last
    too_far = leader.get(f"/groups/{slug}/members?page=9")
    assert too_far.headers["Location"] == f"/groups/{slug}/members?page=3"


def test_members_are_found_by_name(app, make_user):
    slug = big_group(app, make_user, 60)
    member = signed_in(app, "m5@example.org")
    page = member.get(f"/groups/{slug}/members?q=Участник+05").get_data(as_text=True)
    assert page.count("<strong>") == 10  # 050 … 059
    assert "Участник 050" in page and "Участник 005" not in page
    wildcard = member.get(f"/groups/{slug}/members?q=%25").get_data(as_text=True)
    assert "<strong>" not in wildcard, "% is a character to find, not a wildcard"
    assert member.get(f"/groups/{slug}/members?q=%25%00_").status_code == 200


def test_a_leader_changes_roles_on_the_members_own_page(app, make_user):
    slug = big_group(app, make_user, 3)
    leader = signed_in(app, "leader@example.org")
    listing = leader.get(f"/groups/{slug}/members").get_data(as_text=True)
    assert "<form" not in listing.split('class="member-list"')[1].split("</ul>")[0], "no form per row"
    with app.app_context():
        membership_id = db.session.scalar(
            select(Membership.id).join(User, User.id == Membership.user_id).where(User.email == "m1@example.org")
        )
    url = f"/groups/{slug}/members/{membership_id}"
    assert f'href="{url}"' in listing
    page = leader.get(url).get_data(as_text=True)
    assert "Участник 001" in page and 'name="role"' in page
    leader.submit(f"{url}/leader", page=url)
    leader.submit(f"{url}/engagement", {"role": "mentor"}, page=url)
    with app.app_context():
        membership = db.session.get(Membership, membership_id)
        assert membership.role == "leader"
        assert [r.role for r in membership.engagement_roles] == ["mentor"]


def test_only_leaders_open_a_members_page(app, make_user):
    slug = big_group(app, make_user, 3)
    with app.app_context():
        membership_id = db.session.scalar(select(Membership.id).where(Membership.role == MEMBER).limit(1))
    member = signed_in(app, "m0@example.org")
    assert member.get(f"/groups/{slug}/members/{membership_id}").status_code == 403
    assert f"/groups/{slug}/members/{membership_id}" not in member.get(f"/groups/{slug}/members").get_data(as_text=True)
    assert signed_in(app, "leader@example.org").get(f"/groups/{slug}/members/999999").status_code == 404
