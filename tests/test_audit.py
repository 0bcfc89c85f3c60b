"""The audit trail (issue #12, findings 9 and 11): logins, failed logins, password resets,
refusals (403) and admins' reads of a group's content are recorded with the right target;
leaders see when an admin looked in; sensitive help requests are for the group's parents."""

import pytest
from sqlalchemy import select

from community.audit import AuditEvent
from community.extensions import db
from community.groups.models import Group
from community.mutual_help import service as help_service
from tests.conftest import PASSWORD, Browser, work
from tests.events_helpers import build_group, make_event, user


def rows(app, action=None):
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return [
            {"action": e.action, "actor": e.actor_id, "type": e.target_type, "target": e.target_id, **e.detail}
            for e in db.session.scalars(query)
        ]


def uid(app, email):
    with app.app_context():
        return user(email).id


def signed_in(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


@pytest.fixture
def world(app, make_user):
    slug, group_id = build_group(app, make_user, members=2)
    make_user("admin@example.org", is_admin=True)
    with work(app):
        group = db.session.get(Group, group_id)
        ordinary = help_service.create_request(
            user("member1@example.org"), group, "need", "Подвезти", "", "transport", "week", None, False
        ).id
        sensitive = help_service.create_request(
            user("member1@example.org"),
            group,
            "need",
            "Тяжёлый разговор с опекой",
            "Подробности",
            "emotional",
            "week",
            None,
            True,
        ).id
    return {"slug": slug, "group_id": group_id, "ordinary": ordinary, "sensitive": sensitive}


# --- accounts --------------------------------------------------------------------------------------


def test_logins_and_failed_logins_are_audited(app, make_user):
    make_user()
    Browser(app.test_client()).submit("/auth/login", {"email": "parent@example.org", "password": "not it"})
    Browser(app.test_client()).submit("/auth/login", {"email": "nobody@example.org", "password": "not it"})
    signed_in(app, "parent@example.org")
    me = uid(app, "parent@example.org")
    assert [(r["action"], r["type"], r["target"]) for r in rows(app)] == [
        ("auth.login_failed", "user", me),
        ("auth.login_failed", "", None),
        ("auth.login", "user", me),
    ]
    assert all("nobody@example.org" not in str(r) for r in rows(app))


def test_password_reset_is_audited_when_asked_and_when_done(app, make_user, mailbox):
    make_user()
    browser = Browser(app.test_client())
    browser.submit("/auth/forgot", {"email": "parent@example.org"})
    [link] = [url for url in mailbox.links(mailbox.to("parent@example.org")[0]) if "/auth/reset/" in url]
    path = link.replace("http://localhost", "")
    browser.submit(path, {"password": "a brand new phrase", "password_confirm": "a brand new phrase"})
    me = uid(app, "parent@example.org")
    assert [(r["action"], r["target"]) for r in rows(app) if r["action"].startswith("password")] == [
        ("password.reset_requested", me),
        ("password.reset", me),
    ]


def test_export_and_deletion_name_the_account_as_their_target(app, make_user):
    make_user()
    me = uid(app, "parent@example.org")
    browser = signed_in(app, "parent@example.org")
    browser.submit("/auth/my-data.json", {"password": PASSWORD}, page="/auth/my-data")
    browser.submit("/auth/delete", {"password": PASSWORD, "confirm": "y"})
    [export] = rows(app, "data.export")
    [deletion] = rows(app, "account.delete")
    assert (export["type"], export["target"]) == ("user", me)
    assert (deletion["type"], deletion["target"]) == ("user", me)


# --- refusals --------------------------------------------------------------------------------------


def test_a_refusal_is_audited_and_keeps_nothing(app, world):
    member = signed_in(app, "member2@example.org")
    assert member.get(f"/groups/{world['slug']}/requests").status_code == 403
    [denied] = rows(app, "access.denied")
    assert denied["actor"] == uid(app, "member2@example.org")
    assert denied["page"] == "groups.requests"
    assert denied["group_ids"] == [world["group_id"]]
    assert "path" not in denied


def test_admin_only_pages_refused_to_others_are_audited(app, world):
    assert signed_in(app, "member1@example.org").get("/admin/").status_code == 403
    assert [r["page"] for r in rows(app, "access.denied")] == ["admin.index"]


# --- admins in a group's content -------------------------------------------------------------------


def test_admin_reads_are_audited_once_per_page_and_shown_to_leaders(app, world):
    event_id = make_event(app, world["group_id"])
    admin = signed_in(app, "admin@example.org")
    for path in (f"/groups/{world['slug']}/", f"/groups/{world['slug']}/help/", f"/events/{event_id}"):
        assert admin.get(path).status_code == 200
    assert admin.get(f"/help/{world['sensitive']}").status_code == 200
    visits = rows(app, "admin.read")
    assert [(v["type"], v["target"], v["page"]) for v in visits] == [
        ("group", world["group_id"], "groups.detail"),
        ("group", world["group_id"], "help.board"),
        ("group", world["group_id"], "events.detail"),
        ("group", world["group_id"], "help.detail"),
    ]
    assert visits[-1]["help_request"] == world["sensitive"]

    page = signed_in(app, "leader@example.org").get(f"/groups/{world['slug']}/admin-visits?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.count("<li>") >= 4
    assert f"/help/{world['sensitive']}" in text


def test_members_reading_their_own_group_leave_no_trace(app, world):
    for email in ("member2@example.org", "leader@example.org", "specialist@example.org"):
        signed_in(app, email).get(f"/groups/{world['slug']}/help/")
    assert rows(app, "admin.read") == []


# --- sensitive help ---------------------------------------------------------------------------------


def test_a_sensitive_request_is_for_the_groups_parents_only(app, world):
    specialist = signed_in(app, "specialist@example.org")
    assert specialist.get(f"/help/{world['sensitive']}").status_code == 403
    assert specialist.get(f"/help/{world['ordinary']}").status_code == 200
    board = specialist.get(f"/groups/{world['slug']}/help/").get_data(as_text=True)
    assert "Тяжёлый разговор" not in board and "Подвезти" in board

    member = signed_in(app, "member2@example.org")
    assert member.get(f"/help/{world['sensitive']}").status_code == 200
    assert "Тяжёлый разговор" in member.get(f"/groups/{world['slug']}/help/").get_data(as_text=True)


def test_specialists_are_not_told_about_sensitive_requests(app, world, mailbox):
    with work(app):
        for email in ("specialist@example.org", "member2@example.org"):
            help_service.set_subscriptions(user(email), ["emotional"])
    mailbox.clear()
    with work(app):
        help_service.create_request(
            user("member1@example.org"),
            db.session.get(Group, world["group_id"]),
            "need",
            "Поговорить",
            "",
            "emotional",
            "week",
            None,
            True,
        )
    assert len(mailbox.to("member2@example.org")) == 1
    assert mailbox.to("specialist@example.org") == []


def test_the_author_reads_their_own_sensitive_request(app, world):
    assert signed_in(app, "member1@example.org").get(f"/help/{world['sensitive']}").status_code == 200
