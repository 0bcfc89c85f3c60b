"""Keeping the group safe (issue #15, point 3): reports, hiding with the author told why,
dismissing, private messages reported to admins only, suspending accounts, blocking, the
moderation record, and the nudge before posting a child's data or a phone number."""

from datetime import date

import pytest
from sqlalchemy import func, select

from community.audit import AuditEvent
from community.auth.models import User, UserSession
from community.extensions import db
from community.groups.models import Comment, Post
from community.messages.models import Message
from community.mutual_help.models import HelpResponse
from community.notifications.models import Notification
from community.safety.models import Block, Report
from community.safety.nudge import CHILD_DATA, PHONE, concerns
from tests.conftest import PASSWORD, Browser
from tests.events_helpers import user
from tests.safety_helpers import build_safety_world, signed_in, t


@pytest.fixture
def world(app, make_user, mailbox):
    return build_safety_world(app, make_user)


def report(browser, kind, item_id, reason="insult", note=""):
    url = f"/report/{kind}/{item_id}"
    return browser.submit(url, {"reason": reason, "note": note})


def reports_of(app, **where):
    with app.app_context():
        return db.session.scalars(select(Report).filter_by(**where).order_by(Report.id)).all()


# --- reporting and deciding --------------------------------------------------------------------------


def test_a_member_reports_a_post_and_the_leader_hides_it_and_the_author_is_told_why(app, world, mailbox):
    member = signed_in(app, "member1@example.org")
    page = member.get(f"/groups/{world['slug']}/posts/{world['post']}").get_data(as_text=True)
    assert f"/report/post/{world['post']}" in page
    response = report(member, "post", world["post"], "insult", "Грубо")
    assert response.status_code == 302
    [found] = reports_of(app)
    assert (found.kind, found.reason, found.status, found.note) == ("post", "insult", "open", "Грубо")

    leader = signed_in(app, "leader@example.org")
    feed_page = leader.get(f"/groups/{world['slug']}/").get_data(as_text=True)
    assert 'class="count-badge">1' in feed_page  # the number in the leaders' tab
    listing = leader.get(f"/groups/{world['slug']}/reports").get_data(as_text=True)
    assert "Про лето" in listing and "Грубо" in listing
    mailbox.clear()
    response = leader.submit(f"/reports/{found.id}/hide", {"note": "Давайте мягче"})
    assert response.status_code == 302

    with app.app_context():
        post = db.session.get(Post, world["post"])
        assert post.hidden_at is not None
        assert db.session.scalar(select(Report.status)) == "hidden"
        notice = db.session.scalar(select(Notification).where(Notification.kind == "safety.hidden"))
        assert notice.user_id == world["author"] and notice.data == {
            "group": "Семьи Казани",
            "item": "post",
            "why": "insult",
            "title": "Про лето",
        }
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.hide"))
        assert audit.target_type == "group" and audit.detail["item_id"] == world["post"]
    [mail] = mailbox.to("member2@example.org")
    body = mailbox.text(mail)
    assert "Давайте мягче" in body and "Про лето" in body
    # The author still sees it, marked; members do not; the leaders read it in the record.
    author = signed_in(app, "member2@example.org")
    own = author.get(f"/groups/{world['slug']}/posts/{world['post']}").get_data(as_text=True)
    assert t(app, "hidden by the leaders") in own and "Про лето" in own
    assert member.get(f"/groups/{world['slug']}/posts/{world['post']}").status_code == 404
    record = leader.get(f"/groups/{world['slug']}/moderation").get_data(as_text=True)
    assert "Марина" in record and t(app, "hid") in record
    assert 'class="count-badge"' not in leader.get(f"/groups/{world['slug']}/").get_data(as_text=True)


def test_one_open_report_per_person_per_item(app, world):
    member = signed_in(app, "member1@example.org")
    assert report(member, "comment", world["comment"]).status_code == 302
    again = report(member, "comment", world["comment"], "other")
    assert again.status_code == 302
    assert len(reports_of(app)) == 1
    page = member.get(again.headers["Location"]).get_data(as_text=True)
    assert t(app, "You have already reported this. The leaders will look at it.") in page
    # Another member may report the same reply; and once decided, the first may report again.
    assert report(signed_in(app, "member3@example.org"), "comment", world["comment"]).status_code == 302
    assert len(reports_of(app)) == 2


def test_the_leader_dismisses_a_report_and_the_item_stays(app, world):
    report(signed_in(app, "member1@example.org"), "post", world["post"], "advertising")
    [found] = reports_of(app)
    leader = signed_in(app, "leader@example.org")
    assert leader.submit(f"/reports/{found.id}/dismiss", page=f"/groups/{world['slug']}/reports").status_code == 302
    with app.app_context():
        assert db.session.get(Post, world["post"]).hidden_at is None
        assert db.session.get(Report, found.id).status == "dismissed"
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "moderation.dismiss"))
    # A second decision finds it decided.
    again = leader.submit(
        f"/reports/{found.id}/dismiss", page=f"/groups/{world['slug']}/reports", follow_redirects=True
    )
    assert t(app, "Someone has already dealt with this report.") in again.get_data(as_text=True)
    decided = leader.get(f"/groups/{world['slug']}/reports?status=closed").get_data(as_text=True)
    assert t(app, "Dismissed") in decided


def test_every_kind_of_item_can_be_reported_by_who_reads_it(app, world):
    member1 = signed_in(app, "member1@example.org")
    for kind in ("post", "comment", "help_answer", "help_message", "message"):
        assert report(member1, kind, world[kind]).status_code == 302, kind
    member3 = signed_in(app, "member3@example.org")
    assert report(member3, "help_request", world["help_request"]).status_code == 302
    # The thread, the answers and a private message are not member3's to read: 404.
    for kind in ("help_answer", "help_message", "message"):
        assert member3.get(f"/report/{kind}/{world[kind]}").status_code == 404, kind
    assert signed_in(app, "outsider@example.org").get(f"/report/post/{world['post']}").status_code == 404
    # One's own item: refused with a word, nothing stored.
    own = signed_in(app, "member2@example.org").get(f"/report/post/{world['post']}")
    assert own.status_code == 302
    assert len(reports_of(app)) == 6


def test_private_messages_are_reported_to_admins_only(app, world, make_user, mailbox):
    make_user("admin@example.org", name="Админ", is_admin=True)
    report(signed_in(app, "member1@example.org"), "message", world["message"], "advertising")
    [found] = reports_of(app)
    assert found.group_id is None
    leader = signed_in(app, "leader@example.org")
    assert "Купите" not in leader.get(f"/groups/{world['slug']}/reports").get_data(as_text=True)
    assert leader.get(f"/reports/{found.id}/hide").status_code == 404
    admin = signed_in(app, "admin@example.org")
    assert "Купите" in admin.get("/admin/reports").get_data(as_text=True)
    assert admin.submit(f"/reports/{found.id}/hide", {"note": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(Message, world["message"]).hidden_at is not None
    thread = signed_in(app, "member1@example.org").get(f"/messages/with/{world['author']}").get_data(as_text=True)
    assert "Купите" not in thread and t(app, "Hidden by the moderators.") in thread
    inbox = signed_in(app, "member1@example.org").get("/messages/").get_data(as_text=True)
    assert "Купите" not in inbox and t(app, "Hidden by the moderators.") in inbox
    [mail] = [
        m
        for m in mailbox.to("member2@example.org")
        if m["Subject"] == t(app, "Your %(what)s was hidden", what=t(app, "private message"))
    ]
    assert t(app, "Advertising or spam") in mailbox.text(mail)


def test_hiding_a_help_answer_and_a_thread_message(app, world):
    member1 = signed_in(app, "member1@example.org")
    report(member1, "help_answer", world["help_answer"])
    report(member1, "help_message", world["help_message"], "child_data")
    leader = signed_in(app, "leader@example.org")
    for found in reports_of(app):
        assert leader.submit(f"/reports/{found.id}/hide", {"note": ""}).status_code == 302
    page = member1.get(f"/help/{world['help_request']}").get_data(as_text=True)
    assert "Могу в субботу" not in page and "Во сколько?" not in page
    assert page.count(t(app, "Hidden by the moderators.")) == 2


# --- suspending --------------------------------------------------------------------------------------


def test_an_admin_suspends_an_account_it_cannot_log_in_and_its_items_can_be_hidden_at_once(
    app, world, make_user, mailbox
):
    make_user("admin@example.org", name="Админ", is_admin=True)
    author = signed_in(app, "member2@example.org")
    assert author.get("/auth/account").status_code == 200
    admin = signed_in(app, "admin@example.org")
    form = admin.get(f"/admin/people/{world['author']}/suspend")
    assert form.status_code == 200
    missing = admin.submit(f"/admin/people/{world['author']}/suspend", {"reason": ""})
    assert missing.status_code == 200  # the reason is asked for
    mailbox.clear()
    response = admin.submit(
        f"/admin/people/{world['author']}/suspend", {"reason": "Реклама в личных сообщениях", "hide_everything": "y"}
    )
    assert response.status_code == 302
    # Signed out at once, and the login is refused with a word.
    assert author.get("/auth/account").status_code == 302
    login = author.submit("/auth/login", {"email": "member2@example.org", "password": PASSWORD})
    assert login.status_code == 200
    assert t(
        app,
        "This account is suspended by the Krug admins. If you think this is a mistake, please answer the email we sent you.",
    ) in login.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == world["author"])) == 0
        for model, key in ((Post, "post"), (Comment, "comment"), (HelpResponse, "help_answer"), (Message, "message")):
            assert db.session.get(model, world[key]).hidden_at is not None, key
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"moderation.suspend", "moderation.suspend_hide", "auth.login_suspended"} <= actions
    assert "Реклама в личных сообщениях" in mailbox.text(mailbox.to("member2@example.org")[0])
    # The group's leaders see it in their record.
    leader = signed_in(app, "leader@example.org")
    assert "Админ" in leader.get(f"/groups/{world['slug']}/moderation").get_data(as_text=True)
    # Lifted: the person can sign in again.
    assert admin.submit(f"/admin/people/{world['author']}/unsuspend", page="/admin/reports").status_code == 302
    author.login("member2@example.org")


def test_a_suspended_person_cannot_sign_in_through_a_password_reset(app, world, make_user):
    from community.auth import service as accounts
    from tests.conftest import work

    make_user("admin@example.org", name="Админ", is_admin=True)
    with work(app):
        from community.safety import service as safety

        safety.suspend(db.session.get(User, user("admin@example.org").id), user("member2@example.org"), "спам")
        token = accounts.make_token(accounts.RESET, user("member2@example.org"))
    browser = Browser(app.test_client())
    response = browser.submit(
        f"/auth/reset/{token}", {"password": "a new long password", "password_confirm": "a new long password"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    assert browser.get("/auth/account").status_code == 302


def test_an_admin_cannot_suspend_themself(app, make_user):
    make_user("admin@example.org", is_admin=True)
    admin = signed_in(app, "admin@example.org")
    with app.app_context():
        me = user("admin@example.org").id
    response = admin.submit(f"/admin/people/{me}/suspend", {"reason": "проверка"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(User, me).suspended_at is None


# --- blocking ----------------------------------------------------------------------------------------


def test_a_blocked_member_cannot_write_and_their_items_fold_away(app, world):
    member1 = signed_in(app, "member1@example.org")
    assert member1.submit(f"/people/{world['author']}/block", page="/account/blocked").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Block.id))) == 1
    feed = member1.get(f"/groups/{world['slug']}/").get_data(as_text=True)
    assert '<details class="blocked-item">' in feed and "Про лето" in feed
    assert t(app, "You blocked %(name)s. Show", name="Участник 2") in feed
    # member2 cannot write to member1 any more (and is not told more than that).
    author = signed_in(app, "member2@example.org")
    with app.app_context():
        me = user("member1@example.org").id
    page = author.get(f"/messages/with/{me}").get_data(as_text=True)
    assert t(app, "You cannot write to %(name)s.", name="Участник 1") in page
    before = reports_of(app)
    author.submit(f"/messages/with/{me}", {"body": "Ещё раз про курсы"}, page=f"/messages/with/{me}")
    with app.app_context():
        assert db.session.scalar(select(func.count(Message.id))) == 1
    assert before == reports_of(app)
    # Unblocking brings it all back.
    assert member1.submit(f"/people/{world['author']}/unblock", page="/account/blocked").status_code == 302
    assert '<details class="blocked-item">' not in member1.get(f"/groups/{world['slug']}/").get_data(as_text=True)


def test_a_blocked_members_help_requests_fold_away_on_the_board(app, world):
    from community.groups.models import Group
    from community.mutual_help import service as help_service

    with app.test_request_context():
        group = db.session.get(Group, world["group_id"])
        help_service.create_request(
            user("member2@example.org"), group, "offer", "Отдам коляску", "", "things", "week", None, False
        )
        db.session.commit()
    member1 = signed_in(app, "member1@example.org")
    board = f"/groups/{world['slug']}/help/"
    assert '<details class="blocked-item">' not in member1.get(board).get_data(as_text=True)
    member1.submit(f"/people/{world['author']}/block", page="/account/blocked")
    page = member1.get(board).get_data(as_text=True)
    assert '<details class="blocked-item">' in page and "Отдам коляску" in page
    assert t(app, "You blocked %(name)s. Show", name="Участник 2") in page


def test_blocking_someone_you_share_nothing_with_is_404(app, world):
    outsider = signed_in(app, "outsider@example.org")
    assert outsider.submit(f"/people/{world['author']}/block", page="/account/blocked").status_code == 404


# --- the nudge before posting --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, found",
    [
        ("Маша Иванова, 12.03.2015 г.р., очень хочет в секцию", [CHILD_DATA]),
        ("Иванов Петя родился 3 марта 2019", [CHILD_DATA]),
        ("Петя Иванов 2016 г.р.", [CHILD_DATA]),
        ("Звоните +7 912 345-67-89", [PHONE]),
        ("Позвоните 8(912)3456789", [PHONE]),
        ("Встреча 12.12.2099 в Доме Культуры", []),
        ("В 2019 году мы взяли ребёнка", []),
        ("Стоит 1 200 000 рублей", []),
        ("Приходите в группу в субботу", []),
    ],
)
def test_what_the_nudge_notices(text, found):
    assert concerns(text, today=date(2026, 6, 1)) == found


def test_a_post_with_a_phone_number_asks_once_then_goes_as_it_is(app, world):
    member = signed_in(app, "member1@example.org")
    url = f"/groups/{world['slug']}/posts/new"
    data = {"kind": "discussion", "title": "Няня", "body": "Хорошая няня, звоните +7 912 345-67-89"}
    first = member.submit(url, data)
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert 'class="privacy-nudge"' in page and 'name="send_anyway"' in page and "+7 912 345-67-89" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Post.id)).where(Post.title == "Няня")) == 0
    second = member.submit(url, {**data, "send_anyway": "y"})
    assert second.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Post.id)).where(Post.title == "Няня")) == 1


def test_a_reply_with_a_childs_name_and_birth_date_is_nudged(app, world):
    member = signed_in(app, "member1@example.org")
    url = f"/groups/{world['slug']}/posts/{world['post']}"
    first = member.submit(url, {"body": "Наш Петя Сидоров, 04.05.2017 г.р., тоже едет"})
    assert first.status_code == 200 and 'class="privacy-nudge"' in first.get_data(as_text=True)
    assert member.submit(url, {"body": "Наш Петя тоже едет"}).status_code == 302


def test_in_private_messages_and_help_threads_only_a_childs_data_is_nudged(app, world):
    author = signed_in(app, "member2@example.org")
    with app.app_context():
        other = user("member1@example.org").id
    url = f"/messages/with/{other}"
    assert author.submit(url, {"body": "Мой номер +7 912 345-67-89"}).status_code == 302
    nudged = author.submit(url, {"body": "Маша Иванова, 12.03.2015 г.р."})
    assert nudged.status_code == 200 and 'class="privacy-nudge"' in nudged.get_data(as_text=True)
    thread = author.submit(
        f"/help/{world['help_request']}/thread",
        {"body": "Маша Иванова, 12.03.2015 г.р."},
        page=f"/help/{world['help_request']}",
    )
    assert thread.status_code == 200 and "Маша Иванова" in thread.get_data(as_text=True)
    assert (
        author.submit(
            f"/help/{world['help_request']}/thread",
            {"body": "Звоните 8 912 345 67 89"},
            page=f"/help/{world['help_request']}",
        ).status_code
        == 302
    )


# --- the reports page stays cheap -----------------------------------------------------------------------


def test_the_reports_pages_do_not_grow_in_queries_with_the_reports(app, world, make_user):
    from tests.conftest import work
    from tests.test_groups_queries import queries_for

    make_user("admin@example.org", name="Админ", is_admin=True)
    leader, admin = signed_in(app, "leader@example.org"), signed_in(app, "admin@example.org")

    def add_reports(emails):
        from community.safety import service as safety
        from community.safety.items import load_item

        for email in emails:
            make_user(email, name=email[:5])
        with work(app):
            from community.groups import service as groups
            from community.groups.models import Group

            group = db.session.get(Group, world["group_id"])
            for email in emails:
                groups.join_group(user(email), group)
        for email in emails:
            with app.test_request_context(), work(app):
                for kind in ("post", "comment", "help_request"):
                    safety.report_item(user(email), load_item(kind, world[kind]), "other", "заметка")

    pages = [
        (leader, f"/groups/{world['slug']}/reports"),
        (admin, "/admin/reports"),
        (leader, f"/groups/{world['slug']}/moderation"),
    ]
    add_reports(["a1@example.org"])
    few = [len(queries_for(app, b, u)) for b, u in pages]
    add_reports([f"b{n}@example.org" for n in range(4)])
    many = [len(queries_for(app, b, u)) for b, u in pages]
    assert few == many
