"""Organisations: the admin creates them and invites specialists; specialists offer support to
groups; leaders accept, decline or end the link; the organisation's page lists its groups."""

import functools
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import event, func, select

from community.audit import AuditEvent
from community.auth.models import User
from community.errors import RuleError
from community.extensions import db
from community.groups import service as groups
from community.groups.access import access_for
from community.groups.models import ACTIVE, LEADER, LEFT, SPECIALIST, Group, Membership
from community.models import utcnow
from community.notifications.models import Notification
from community.orgs import service
from community.orgs.models import Organisation, Specialist, SpecialistInvitation, SupportOffer
from tests.conftest import PASSWORD, Browser, work

LEADER_EMAIL, MEMBER_EMAIL, PENDING_EMAIL = "leader@example.org", "member@example.org", "pending@example.org"
OUTSIDER_EMAIL, SPEC_A_EMAIL, SPEC_B_EMAIL = "outsider@example.org", "spec-a@example.org", "spec-b@example.org"
ADMIN_EMAIL, INVITED_EMAIL = "admin@example.org", "newcomer@example.org"


# --- a small world: two organisations, two groups, people in every role -----------------------------


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def make_group(leader, name, city="Казань", join_policy="approval"):
    return groups.create_group(leader, name, city, "Встречи семей раз в месяц.", "Для замещающих семей.", join_policy)


def add_member(group, user, leader, approve=True):
    membership = groups.join_group(user, group)
    if approve and membership.status != ACTIVE:
        groups.approve_request(leader, membership)
    return membership


def add_specialist(organisation, user):
    db.session.add(Specialist(organisation_id=organisation.id, user_id=user.id))
    db.session.commit()


@pytest.fixture
def make_user(make_user):
    """These tests read the English pages and emails: their people use Krug in English."""
    return functools.partial(make_user, locale="en")


def build_world(app, make_user):
    """Group `g` is linked to organisation A (spec-a is its specialist there); group `h` has an
    open offer from organisation B (spec-b); leader, member and pending person are in both."""
    for email, name in [
        (LEADER_EMAIL, "Лена"),
        (MEMBER_EMAIL, "Маша"),
        (PENDING_EMAIL, "Петя"),
        (OUTSIDER_EMAIL, "Оля"),
        (SPEC_A_EMAIL, "Анна Сергеевна"),
        (SPEC_B_EMAIL, "Борис"),
    ]:
        make_user(email, name=name)
    make_user(ADMIN_EMAIL, name="Админ", is_admin=True)
    with work(app):
        leader, member, pending = _user(LEADER_EMAIL), _user(MEMBER_EMAIL), _user(PENDING_EMAIL)
        spec_a, spec_b, admin = _user(SPEC_A_EMAIL), _user(SPEC_B_EMAIL), _user(ADMIN_EMAIL)
        org_a = service.create_organisation(admin, "Родник", "", "Татарстан", "Europe/Moscow")
        org_b = service.create_organisation(admin, "Опора", "", "Самарская область", "Europe/Samara")
        add_specialist(org_a, spec_a)
        add_specialist(org_b, spec_b)
        g = make_group(leader, "Семьи Казани")
        h = make_group(leader, "Опекуны Казани")
        for group in (g, h):
            add_member(group, member, leader)
            add_member(group, pending, leader, approve=False)
        offer_a = service.offer_support(spec_a, org_a, g, "Поможем с залом")
        service.accept_offer(leader, offer_a, g)
        offer_b = service.offer_support(spec_b, org_b, h, "Есть психолог")
        invitation = service.invite_specialist(admin, org_a, INVITED_EMAIL)
        specialist_a = db.session.scalar(select(Specialist).where(Specialist.user_id == spec_a.id))
        return {
            "org_a": org_a.id,
            "org_b": org_b.id,
            "g": g.slug,
            "h": h.slug,
            "g_id": g.id,
            "h_id": h.id,
            "offer_b": offer_b.id,
            "token": invitation.token,
            "invitation": invitation.id,
            "specialist_a": specialist_a.id,
        }


@pytest.fixture
def world(app, make_user):
    return build_world(app, make_user)


def as_user(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def flashes(response):
    return re.findall(r'<p class="flash flash-\w+">([^<]*)</p>', response.get_data(as_text=True))


@contextmanager
def count_queries(app):
    queries = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, *args):
        queries.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield queries
    finally:
        event.remove(engine, "before_cursor_execute", before)


def audit_actions(app):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- admin: organisations --------------------------------------------------------------------------


def test_admin_creates_an_organisation_with_a_slug_made_from_the_name(app, make_user):
    make_user(ADMIN_EMAIL, is_admin=True)
    admin = as_user(app, ADMIN_EMAIL)
    response = admin.submit(
        "/admin/orgs/new", {"name": "Родник", "slug": "", "region": "Татарстан", "timezone": "Europe/Moscow"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/orgs/rodnik"
    again = admin.submit(
        "/admin/orgs/new", {"name": "Родник", "slug": "", "region": "Казань", "timezone": "Asia/Yekaterinburg"}
    )
    assert again.headers["Location"] == "/admin/orgs/rodnik-2"
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "rodnik-2"))
        assert (org.name, org.region, org.timezone) == ("Родник", "Казань", "Asia/Yekaterinburg")
    assert audit_actions(app).count("org.create") == 2
    page = admin.get("/admin/").get_data(as_text=True)
    assert "Родник" in page and "/admin/orgs/rodnik-2" in page


def test_organisation_form_shows_errors_next_to_fields_and_keeps_the_input(app, make_user):
    make_user(ADMIN_EMAIL, is_admin=True)
    admin = as_user(app, ADMIN_EMAIL)
    admin.submit("/admin/orgs/new", {"name": "Опора", "slug": "opora", "region": "Самара", "timezone": "Europe/Samara"})
    response = admin.submit(
        "/admin/orgs/new", {"name": "Вторая <b>", "slug": "Not a slug!", "region": "", "timezone": "Mars/Olympus"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.count('class="field-error"') == 4
    assert 'value="Not a slug!"' in body and "Вторая &lt;b&gt;" in body
    taken = admin.submit(
        "/admin/orgs/new", {"name": "Опора-2", "slug": "opora", "region": "Самара", "timezone": "Europe/Samara"}
    )
    body = taken.get_data(as_text=True)
    assert taken.status_code == 200 and "already used by another organisation" in body
    assert 'value="Опора-2"' in body
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == 1


def test_admin_edits_an_organisation(app, make_user, world):
    admin = as_user(app, ADMIN_EMAIL)
    response = admin.submit(
        "/admin/orgs/rodnik/edit",
        {"name": "Родник+", "slug": "rodnik-kazan", "region": "Казань", "timezone": "Europe/Moscow"},
    )
    assert response.headers["Location"] == "/admin/orgs/rodnik-kazan"
    clash = admin.submit(
        "/admin/orgs/rodnik-kazan/edit",
        {"name": "Родник", "slug": "opora", "region": "Казань", "timezone": "Europe/Moscow"},
    )
    assert clash.status_code == 200 and "already used" in clash.get_data(as_text=True)


# --- invitations ----------------------------------------------------------------------------------------


def test_invited_person_follows_the_email_link_and_becomes_a_specialist(app, make_user, mailbox):
    make_user(ADMIN_EMAIL, is_admin=True)
    admin = as_user(app, ADMIN_EMAIL)
    admin.submit("/admin/orgs/new", {"name": "Родник", "region": "Татарстан", "timezone": "Europe/Moscow"})
    response = admin.submit("/admin/orgs/rodnik", {"email": "  Anna.Spec@Example.org ", "password": PASSWORD})
    assert response.status_code == 302
    [message] = mailbox.to("anna.spec@example.org")
    assert "Родник" in message["Subject"]
    link = next(url for url in mailbox.links(message) if "/orgs/invitations/" in url)
    path = link.split("localhost", 1)[1]
    assert "14" in mailbox.text(message) and "/auth/register" in mailbox.text(message)
    assert "anna.spec@example.org" in admin.get("/admin/orgs/rodnik").get_data(as_text=True)

    # A new person registers with that address first, then opens the link.
    newcomer = Browser(app.test_client())
    newcomer.get("/?lang=en")  # registers in English
    assert newcomer.get(path).headers["Location"].startswith("/auth/login?next=%2Forgs%2Finvitations%2F")
    registered = newcomer.submit(
        "/auth/register",
        {
            "email": "anna.spec@example.org",
            "display_name": "Анна",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "consent": "y",
        },
    )
    assert registered.status_code == 200  # "check your email": confirming the address signs them in
    verify = next(url for url in mailbox.links(mailbox.to("anna.spec@example.org")[-1]) if "/auth/verify/" in url)
    assert newcomer.get(verify.split("localhost", 1)[1]).status_code == 302
    page = newcomer.get(path)
    assert page.status_code == 200 and "Join Родник" in page.get_data(as_text=True)
    accepted = newcomer.submit(path)
    assert accepted.headers["Location"] == "/orgs/rodnik/"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "anna.spec@example.org"))
        assert db.session.scalar(select(func.count(Specialist.id)).where(Specialist.user_id == user.id)) == 1
        invitation = db.session.scalar(select(SpecialistInvitation))
        assert invitation.accepted_at is not None
    assert "org.add_specialist" in audit_actions(app)
    assert "Анна" in newcomer.get("/orgs/rodnik/").get_data(as_text=True)
    # Single use: the link now only says so.
    assert newcomer.get(path).headers["Location"] == "/orgs/rodnik/"
    make_user("other@example.org")
    other = as_user(app, "other@example.org")
    used = other.get(path)
    assert used.status_code == 410 and "already been used" in used.get_data(as_text=True)


def test_invitation_opened_with_another_account_says_so_clearly(app, world):
    outsider = as_user(app, OUTSIDER_EMAIL)
    response = outsider.get(f"/orgs/invitations/{world['token']}")
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "sent to another email address" in body and "n***@example.org" in body and OUTSIDER_EMAIL in body
    assert outsider.submit(f"/orgs/invitations/{world['token']}").status_code == 403
    with app.app_context():
        assert db.session.get(SpecialistInvitation, world["invitation"]).accepted_at is None


def test_invitation_expires_after_14_days(app, make_user, world):
    with app.app_context():
        invitation = db.session.get(SpecialistInvitation, world["invitation"])
        invitation.created_at = utcnow() - timedelta(days=15)
        db.session.commit()
    make_user(INVITED_EMAIL)
    invited = as_user(app, INVITED_EMAIL)
    response = invited.get(f"/orgs/invitations/{world['token']}")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert invited.submit(f"/orgs/invitations/{world['token']}").status_code == 410
    # Inviting again renews the same link.
    as_user(app, ADMIN_EMAIL).submit("/admin/orgs/rodnik", {"email": INVITED_EMAIL, "password": PASSWORD})
    assert invited.submit(f"/orgs/invitations/{world['token']}").headers["Location"] == "/orgs/rodnik/"


def test_inviting_an_existing_specialist_is_refused_next_to_the_field(app, world):
    response = as_user(app, ADMIN_EMAIL).submit(
        "/admin/orgs/rodnik", {"email": SPEC_A_EMAIL.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "already a specialist" in response.get_data(as_text=True)


def test_admin_cancels_an_invitation(app, world):
    admin = as_user(app, ADMIN_EMAIL)
    response = admin.submit(f"/admin/orgs/rodnik/invitations/{world['invitation']}/cancel", page="/admin/orgs/rodnik")
    assert response.status_code == 302
    assert as_user(app, ADMIN_EMAIL).get(f"/orgs/invitations/{world['token']}").status_code == 404
    assert admin.submit(f"/admin/orgs/opora/invitations/{world['invitation']}/cancel", page="/").status_code == 404


# --- offering support --------------------------------------------------------------------------------------


def test_specialist_offers_support_and_the_leaders_are_told(app, make_user, mailbox):
    make_user(LEADER_EMAIL, name="Лена")
    make_user(SPEC_A_EMAIL, name="Анна Сергеевна")
    make_user(ADMIN_EMAIL, is_admin=True)
    with work(app):
        group = make_group(_user(LEADER_EMAIL), "Семьи Казани")
        org = service.create_organisation(_user(ADMIN_EMAIL), "Родник", "", "Татарстан", "Europe/Moscow")
        add_specialist(org, _user(SPEC_A_EMAIL))
        slug, org_id = group.slug, org.id
    spec = as_user(app, SPEC_A_EMAIL)
    form = spec.get(f"/orgs/offer/{slug}")
    assert form.status_code == 200 and "Родник" in form.get_data(as_text=True)
    response = spec.submit(f"/orgs/offer/{slug}", {"organisation": org_id, "message": "Поможем с залом"})
    assert response.headers["Location"] == f"/groups/{slug}/"
    [email] = mailbox.to(LEADER_EMAIL)
    assert "Родник" in email["Subject"] and "Поможем с залом" in mailbox.text(email)
    with app.app_context():
        offer = db.session.scalar(select(SupportOffer))
        assert (offer.status, offer.message, offer.organisation_id) == ("offered", "Поможем с залом", org_id)
        kinds = db.session.scalars(select(Notification.kind)).all()
        assert kinds == ["support.offered"]
    again = spec.submit(f"/orgs/offer/{slug}", {"organisation": org_id, "message": "Ещё раз"})
    assert again.status_code == 200 and "already offered" in again.get_data(as_text=True)
    assert "Ещё раз" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(SupportOffer.id))) == 1


def test_offer_form_refuses_a_choice_of_another_organisation(app, world):
    spec = as_user(app, SPEC_A_EMAIL)
    response = spec.submit(f"/orgs/offer/{world['h']}", {"organisation": world["org_b"], "message": ""})
    assert response.status_code == 200
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(SupportOffer.id)).where(SupportOffer.specialist_id == _user(SPEC_A_EMAIL).id)
            )
            == 1
        )  # only the accepted offer to `g` from the world


def test_offers_are_refused_for_linked_and_archived_groups(app, world):
    spec_b = as_user(app, SPEC_B_EMAIL)
    linked = spec_b.get(f"/orgs/offer/{world['g']}", follow_redirects=True)
    assert "already supported by Родник" in linked.get_data(as_text=True)
    with work(app):
        with pytest.raises(RuleError) as error:
            service.offer_support(
                _user(SPEC_B_EMAIL), db.session.get(Organisation, world["org_b"]), db.session.get(Group, world["g_id"])
            )
        assert error.value.code == "orgs.already-linked"
        groups.archive_group(_user(LEADER_EMAIL), db.session.get(Group, world["h_id"]))
    assert spec_b.get(f"/orgs/offer/{world['h']}").status_code == 404


def test_leader_accepts_an_offer_the_group_is_linked_and_the_specialist_joins(app, world, mailbox):
    leader = as_user(app, LEADER_EMAIL)
    with app.app_context():
        count_before = db.session.get(Group, world["h_id"]).member_count
    response = leader.submit(f"/orgs/offers/{world['offer_b']}/accept", page=f"/groups/{world['h']}/")
    assert response.headers["Location"] == f"/groups/{world['h']}/"
    with app.app_context():
        group = db.session.get(Group, world["h_id"])
        spec_b = _user(SPEC_B_EMAIL)
        assert group.organisation_id == world["org_b"]
        membership = db.session.scalar(
            select(Membership).where(Membership.group_id == group.id, Membership.user_id == spec_b.id)
        )
        assert (membership.role, membership.status) == (SPECIALIST, ACTIVE)
        assert group.member_count == count_before  # specialists are not counted as members
        assert db.session.get(SupportOffer, world["offer_b"]).status == "accepted"
    assert {"org.link", "member.make_specialist"} <= set(audit_actions(app))
    assert any("Опора" in m["Subject"] for m in mailbox.to(SPEC_B_EMAIL))
    # A second click (or a second leader) is refused with a clear message.
    again = leader.submit(f"/orgs/offers/{world['offer_b']}/accept", page="/", follow_redirects=True)
    assert "Someone has already answered this offer." in flashes(again)
    # The specialist now sees the group from the inside.
    assert as_user(app, SPEC_B_EMAIL).get(f"/groups/{world['h']}/members").status_code == 200


def test_accepting_one_offer_answers_the_other_organisations_offers(app, world, make_user):
    make_user("spec-c@example.org", name="Вера")
    with work(app):
        org_c = service.create_organisation(_user(ADMIN_EMAIL), "Третий сектор", "", "Казань", "Europe/Moscow")
        add_specialist(org_c, _user("spec-c@example.org"))
        h = db.session.get(Group, world["h_id"])
        offer_c = service.offer_support(_user("spec-c@example.org"), org_c, h)
        offer_c_id, org_c_id = offer_c.id, org_c.id
    as_user(app, LEADER_EMAIL).submit(f"/orgs/offers/{offer_c_id}/accept", page="/")
    with app.app_context():
        assert db.session.get(SupportOffer, world["offer_b"]).status == "declined"
        assert db.session.get(Group, world["h_id"]).organisation_id == org_c_id
        notices = db.session.scalars(select(Notification.kind).where(Notification.user_id == _user(SPEC_B_EMAIL).id))
        assert "support.declined" in list(notices)


def test_leader_declines_an_offer_and_the_specialist_is_told(app, world, mailbox):
    response = as_user(app, LEADER_EMAIL).submit(
        f"/orgs/offers/{world['offer_b']}/decline", page="/", follow_redirects=True
    )
    assert any("declined" in f for f in flashes(response))
    with app.app_context():
        assert db.session.get(SupportOffer, world["offer_b"]).status == "declined"
        assert db.session.get(Group, world["h_id"]).organisation_id is None
    assert any("declined" in m["Subject"] for m in mailbox.to(SPEC_B_EMAIL))


def test_specialist_withdraws_an_offer_from_the_organisation_page(app, world):
    spec_b = as_user(app, SPEC_B_EMAIL)
    page = spec_b.get("/orgs/opora/").get_data(as_text=True)
    assert "Опекуны Казани" in page and "Withdraw the offer" in page
    spec_b.submit(f"/orgs/offers/{world['offer_b']}/withdraw", page="/orgs/opora/")
    with app.app_context():
        assert db.session.get(SupportOffer, world["offer_b"]).status == "withdrawn"
    refused = as_user(app, LEADER_EMAIL).submit(
        f"/orgs/offers/{world['offer_b']}/accept", page="/", follow_redirects=True
    )
    assert "Someone has already answered this offer." in flashes(refused)


def test_a_leader_who_is_also_the_specialist_keeps_leading(app, make_user):
    make_user(SPEC_A_EMAIL)
    make_user(ADMIN_EMAIL, is_admin=True)
    with work(app):
        spec = _user(SPEC_A_EMAIL)
        group = make_group(spec, "Группа специалиста")
        org = service.create_organisation(_user(ADMIN_EMAIL), "Родник", "", "Татарстан", "Europe/Moscow")
        add_specialist(org, spec)
        offer = service.offer_support(spec, org, group)
        service.accept_offer(spec, offer, group)
        membership = db.session.scalar(select(Membership).where(Membership.user_id == spec.id))
        assert membership.role == LEADER and group.organisation_id == org.id


# --- ending the link ---------------------------------------------------------------------------------------


def test_leader_ends_the_link_after_confirming(app, world, mailbox):
    leader = as_user(app, LEADER_EMAIL)
    confirm = leader.get(f"/orgs/link/{world['g']}/end")
    assert confirm.status_code == 200 and "End the link with Родник?" in confirm.get_data(as_text=True)
    response = leader.submit(f"/orgs/link/{world['g']}/end")
    assert response.headers["Location"] == f"/groups/{world['g']}/"
    with app.app_context():
        group = db.session.get(Group, world["g_id"])
        spec_a = _user(SPEC_A_EMAIL)
        membership = db.session.scalar(
            select(Membership).where(Membership.group_id == group.id, Membership.user_id == spec_a.id)
        )
        assert group.organisation_id is None and membership.status == LEFT
        kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == spec_a.id))
        assert "support.ended" in list(kinds)
    assert {"org.unlink", "member.end_specialist"} <= set(audit_actions(app))
    assert any("ended the link" in m["Subject"] for m in mailbox.to(SPEC_A_EMAIL))
    assert as_user(app, SPEC_A_EMAIL).get(f"/groups/{world['g']}/members").status_code == 404
    # Nothing left to end; and the organisation may offer again.
    again = leader.get(f"/orgs/link/{world['g']}/end", follow_redirects=True)
    assert "The group is not linked to an organisation." in flashes(again)
    assert as_user(app, SPEC_A_EMAIL).get(f"/orgs/offer/{world['g']}").status_code == 200


def test_another_specialist_of_the_linked_organisation_joins_as_a_specialist(app, world, make_user):
    make_user("colleague@example.org", name="Коллега")
    with work(app):
        add_specialist(db.session.get(Organisation, world["org_a"]), _user("colleague@example.org"))
    colleague = as_user(app, "colleague@example.org")
    response = colleague.submit(f"/orgs/link/{world['g']}/join", page="/")
    assert response.headers["Location"] == f"/groups/{world['g']}/"
    with app.app_context():
        colleague_id = _user("colleague@example.org").id
        membership = db.session.scalar(select(Membership).where(Membership.user_id == colleague_id))
        assert (membership.role, membership.status) == (SPECIALIST, ACTIVE)
    again = colleague.submit(f"/orgs/link/{world['g']}/join", page="/", follow_redirects=True)
    assert "You are already in this group." in flashes(again)


def test_admin_removes_a_specialist_who_then_leaves_the_organisations_groups(app, world):
    admin = as_user(app, ADMIN_EMAIL)
    url = f"/admin/orgs/rodnik/specialists/{world['specialist_a']}/remove"
    assert "Remove Анна Сергеевна from Родник?" in admin.get(url).get_data(as_text=True)
    refused = admin.submit(url, {"password": "not mine"})  # the admin's password is asked again
    assert refused.status_code == 200 and "field-error" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Specialist).where(Specialist.user_id == _user(SPEC_A_EMAIL).id))
    assert admin.submit(url, {"password": PASSWORD}).headers["Location"] == "/admin/orgs/rodnik"
    with app.app_context():
        spec_a = _user(SPEC_A_EMAIL)
        assert db.session.scalar(select(Specialist).where(Specialist.user_id == spec_a.id)) is None
        assert db.session.scalar(select(Membership.status).where(Membership.user_id == spec_a.id)) == LEFT
    assert {"org.remove_specialist", "member.end_specialist"} <= set(audit_actions(app))


# --- the organisation's page and the group page's panel ---------------------------------------------------


def test_organisation_page_lists_its_groups_parent_led_badge_and_specialists(app, world):
    with work(app):
        # A group whose only leader is a specialist is not parent-led.
        spec_a = _user(SPEC_A_EMAIL)
        own = make_group(spec_a, "Группа при центре")
        org_a = db.session.get(Organisation, world["org_a"])
        offer = service.offer_support(spec_a, org_a, own)
        service.accept_offer(spec_a, offer, own)
    page = as_user(app, MEMBER_EMAIL).get("/orgs/rodnik/").get_data(as_text=True)
    assert "Семьи Казани" in page and "Группа при центре" in page and "Анна Сергеевна" in page
    assert "Опекуны Казани" not in page  # only an offer, not linked
    cards = page.split('class="group-card"')[1:]
    badge = {("Семьи Казани" in c, "Группа при центре" in c): "badge-parent" in c for c in cards}
    assert badge == {(True, False): True, (False, True): False}


def _org_page_queries(app, client):
    with count_queries(app) as queries:
        assert client.get("/orgs/rodnik/").status_code == 200
    return len(queries)


def test_organisation_page_query_count_does_not_grow_with_groups(app, world, make_user):
    viewer = as_user(app, SPEC_A_EMAIL)
    few = _org_page_queries(app, viewer.client)
    for n in range(4):
        make_user(f"extra{n}@example.org")
    with work(app):
        org_a = db.session.get(Organisation, world["org_a"])
        for n in range(4):
            add_specialist(org_a, _user(f"extra{n}@example.org"))
            group = make_group(_user(LEADER_EMAIL), f"Группа {n}")
            service.accept_offer(_user(LEADER_EMAIL), service.offer_support(_user(SPEC_A_EMAIL), org_a, group), group)
    many = _org_page_queries(app, viewer.client)
    assert many == few


def render_panel(app, email, group_id):
    with app.test_request_context():
        user = _user(email)
        login_user(user)
        group = db.session.get(Group, group_id)
        access = access_for(user, group)
        with count_queries(app) as queries:
            html = render_template("orgs/_group_support.html", group=group, access=access)
        return html, len(queries)


def test_panel_shows_leaders_the_offers_with_accept_and_decline(app, world):
    html, _ = render_panel(app, LEADER_EMAIL, world["h_id"])
    assert "Опора" in html and "Есть психолог" in html
    assert f"/orgs/offers/{world['offer_b']}/accept" in html and f"/orgs/offers/{world['offer_b']}/decline" in html
    html, _ = render_panel(app, LEADER_EMAIL, world["g_id"])
    assert "End the link with Родник" in html and f"/orgs/link/{world['g']}/end" in html


def test_panel_invites_specialists_of_unlinked_organisations_to_offer_support(app, world):
    html, _ = render_panel(app, SPEC_A_EMAIL, world["h_id"])
    assert "Offer our organisation's support" in html and f"/orgs/offer/{world['h']}" in html
    html, _ = render_panel(app, SPEC_B_EMAIL, world["h_id"])
    assert "waiting for the leaders" in html and f"/orgs/offer/{world['h']}" not in html
    html, _ = render_panel(app, SPEC_B_EMAIL, world["g_id"])  # linked to another organisation
    assert "/orgs/offer/" not in html and "/link/" not in html


def test_panel_shows_members_only_the_supporting_organisation(app, world):
    html, _ = render_panel(app, MEMBER_EMAIL, world["g_id"])
    assert "Родник" in html and "/accept" not in html and "/end" not in html and "/orgs/offer/" not in html
    html, _ = render_panel(app, MEMBER_EMAIL, world["h_id"])
    assert html.strip() == ""


def test_panel_queries_do_not_grow_with_offers(app, world, make_user):
    _, few = render_panel(app, LEADER_EMAIL, world["h_id"])
    for n in range(3):
        make_user(f"s{n}@example.org")
    with work(app):
        h = db.session.get(Group, world["h_id"])
        for n in range(3):
            org = service.create_organisation(_user(ADMIN_EMAIL), f"Фонд {n}", "", "Казань", "Europe/Moscow")
            add_specialist(org, _user(f"s{n}@example.org"))
            service.offer_support(_user(f"s{n}@example.org"), org, h)
    html, many = render_panel(app, LEADER_EMAIL, world["h_id"])
    assert html.count("/accept") == 4
    assert many == few <= 3


def test_hostile_ids_tokens_and_slugs_get_a_plain_404(app, world):
    admin = as_user(app, ADMIN_EMAIL)
    huge = "9" * 30
    assert admin.submit(f"/orgs/offers/{huge}/accept", page="/").status_code == 404
    assert admin.submit(f"/admin/orgs/rodnik/invitations/{huge}/cancel", page="/").status_code == 404
    assert admin.get(f"/admin/orgs/rodnik/specialists/{huge}/remove").status_code == 404
    assert admin.get("/orgs/invitations/" + "x" * 500).status_code == 404
    assert admin.get("/orgs/%3Cscript%3E/").status_code == 404
    assert admin.get("/orgs/offer/" + "я" * 300).status_code == 404


def test_inviting_a_specialist_asks_the_admins_password_again(app, world, mailbox):
    """Issue #12 (finding 10): giving a role needs the admin's password, not just their session."""
    mailbox.clear()
    refused = as_user(app, ADMIN_EMAIL).submit("/admin/orgs/rodnik", {"email": "new.spec@example.org", "password": "x"})
    assert refused.status_code == 200 and "field-error" in refused.get_data(as_text=True)
    assert mailbox.to("new.spec@example.org") == []
