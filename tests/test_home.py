"""The signed-in home answers "what's new for me", in the order a parent acts on it; leaders
and specialists get their own box on top; the number of queries does not grow with the data."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from community.auth.models import User
from community.events import registration
from community.events.models import Event, Registration
from community.extensions import db
from community.groups import service as groups
from community.groups.models import ACTIVE, DECISION, DISCUSSION, MEMBER, Group, Membership, Post
from community.health.models import HealthSnapshot
from community.models import utcnow
from community.mutual_help import service as help_service
from community.mutual_help.models import HelpRequest, HelpSubscription
from tests.conftest import Browser, work
from tests.events_helpers import build_group, make_event, user
from tests.test_groups_queries import counting_queries


@pytest.fixture
def kazan(app, make_user):
    """Марина leads "Семьи Казани" with three members and a specialist of "Фонд"; everyone
    reads English here (the Russian is checked by test_i18n)."""
    found = build_group(app, make_user, members=3)
    with work(app):
        db.session.execute(update(User).values(locale="en"))
    return found


def login(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def page(browser, url="/"):
    response = browser.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def ask(app, group_id, email, title, category="advice", urgency="week", sensitive=False):
    with work(app):
        group = db.session.get(Group, group_id)
        return help_service.create_request(
            user(email), group, "need", title, "Подробности", category, urgency, None, sensitive
        ).id


def answer(app, request_id, email, message="Могу помочь"):
    with work(app):
        help_service.respond(user(email), db.session.get(HelpRequest, request_id), message)


def write_post(app, group_id, email, title, kind=DISCUSSION):
    with work(app):
        db.session.add(Post(group_id=group_id, author_id=user(email).id, kind=kind, title=title, body="Текст"))


def test_a_newcomer_is_told_what_to_do_first(app, make_user):
    make_user("new@example.org", name="Новенькая", locale="en")
    html = page(login(app, "new@example.org"))
    assert "You are not in a group yet" in html
    assert 'href="/groups/"' in html and "Find a group near you" in html
    assert "My next meetings" not in html and "Waiting for you in the groups you lead" not in html


def test_the_home_shows_what_is_new_in_the_order_a_parent_acts(app, kazan):
    slug, group_id = kazan
    event_id = make_event(app, group_id)
    theirs = ask(app, group_id, "member2@example.org", "Нужна коляска на выходные")
    mine = ask(app, group_id, "member1@example.org", "Посоветуйте юриста по опеке")
    answer(app, mine, "member3@example.org")
    write_post(app, group_id, "leader@example.org", "Итоги встречи", kind=DECISION)
    write_post(app, group_id, "member2@example.org", "Кто поедет в театр?")

    html = page(login(app, "member1@example.org"))
    order = [
        "My next meetings",
        "Встреча клуба",
        "Someone needs help",
        "Нужна коляска на выходные",
        "Answers to my requests",
        "Посоветуйте юриста по опеке",
        "News in my groups",
        "1 new decision",
        "1 new post",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    assert f'action="/events/{event_id}/register"' in html
    assert f'href="/help/{theirs}"' in html
    # My own request is not among the ones waiting for my answer.
    assert html.count(f'href="/help/{mine}"') == 1
    assert "choose who helps" in html


def test_one_tap_going_and_cant_come_return_to_the_home(app, kazan):
    _, group_id = kazan
    event_id = make_event(app, group_id)
    member = login(app, "member1@example.org")
    response = member.submit(f"/events/{event_id}/register", {"next": "/"}, page="/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = page(member)
    assert "You are going" in html and f'action="/events/{event_id}/unregister"' in html

    response = member.submit(f"/events/{event_id}/unregister", {"next": "/"}, page="/")
    assert response.headers["Location"] == "/"
    with app.app_context():
        row = db.session.scalar(select(Registration).where(Registration.event_id == event_id))
        assert row.status == "cancelled"
    assert "You said you cannot come." in page(member)


def test_a_one_tap_answer_never_redirects_off_the_site(app, kazan):
    _, group_id = kazan
    event_id = make_event(app, group_id)
    member = login(app, "member1@example.org")
    response = member.submit(f"/events/{event_id}/register", {"next": "https://evil.example/"}, page="/")
    assert response.headers["Location"] == f"/events/{event_id}"


def test_opening_the_group_clears_its_news(app, kazan):
    slug, group_id = kazan
    write_post(app, group_id, "member2@example.org", "Кто поедет в театр?")
    member = login(app, "member1@example.org")
    assert "1 new post" in page(member)
    page(member, f"/groups/{slug}/")
    html = page(member)
    assert "1 new post" not in html and "Nothing new since your last visit." in html
    # My own posts are never news to me.
    write_post(app, group_id, "member1@example.org", "Моя тема")
    assert "1 new post" not in page(member)


def test_help_in_my_categories_comes_first_and_answered_help_leaves(app, kazan):
    _, group_id = kazan
    first = ask(app, group_id, "member2@example.org", "Срочно посидеть с детьми", category="childcare", urgency="today")
    ask(app, group_id, "member3@example.org", "Отвезти в поликлинику", category="transport")
    with work(app):
        db.session.add(HelpSubscription(user_id=user("member1@example.org").id, category="transport"))
    member = login(app, "member1@example.org")
    html = page(member)
    assert html.index("Отвезти в поликлинику") < html.index("Срочно посидеть с детьми")
    assert "a kind of help you offer" in html

    answer(app, first, "member1@example.org")
    assert "Срочно посидеть с детьми" not in page(member)


def test_specialists_do_not_see_sensitive_requests_on_their_home(app, kazan):
    _, group_id = kazan
    ask(app, group_id, "member2@example.org", "Личное: тяжело с подростком", category="emotional", sensitive=True)
    assert "Личное: тяжело с подростком" not in page(login(app, "specialist@example.org"))
    assert "Личное: тяжело с подростком" in page(login(app, "member1@example.org"))


def test_leaders_see_join_requests_unanswered_help_and_health_warnings_on_top(app, kazan, make_user):
    slug, group_id = kazan
    make_user("newcomer@example.org", name="Новая", locale="en")
    with work(app):
        group = db.session.get(Group, group_id)
        group.join_policy = "approval"
        db.session.flush()
        groups.join_group(user("newcomer@example.org"), group, "Здравствуйте")
        db.session.add(
            HealthSnapshot(
                group_id=group_id,
                period=date(2026, 10, 1),
                raw_stage="formed",
                stage="formed",
                explanation={"warnings": [["warn_unanswered_one", {"count": 1}, "answer_requests"]]},
            )
        )
    ask(app, group_id, "member2@example.org", "Нужна коляска")

    html = page(login(app, "leader@example.org"))
    box = html[html.index("Waiting for you in the groups you lead") : html.index("My next meetings")]
    assert "1 person asks to join" in box and f'href="/groups/{slug}/requests"' in box
    assert "1 request for help has no answer yet" in box
    assert "One help request has had no answer for a week." in box
    assert "Look at the help requests without an answer" in box
    assert "Waiting for you in the groups you lead" not in page(login(app, "member1@example.org"))


def test_specialists_see_groups_at_risk_with_the_next_step(app, kazan):
    slug, group_id = kazan
    with work(app):
        db.session.add_all(
            [
                HealthSnapshot(group_id=group_id, period=date(2026, 9, 1), raw_stage="formed", stage="formed"),
                HealthSnapshot(
                    group_id=group_id,
                    period=date(2026, 10, 1),
                    raw_stage="at_risk",
                    stage="at_risk",
                    explanation={"next": ["plan_meeting", {}]},
                ),
            ]
        )
    html = page(login(app, "specialist@example.org"))
    assert "1 group at risk" in html
    assert f'href="/groups/{slug}/health"' in html
    assert "Plan the next meeting now" in html
    # A parent of the group does not get the organisation's box.
    assert "group at risk" not in page(login(app, "member1@example.org"))


def test_a_group_that_recovered_is_not_at_risk(app, kazan):
    _, group_id = kazan
    with work(app):
        db.session.add_all(
            [
                HealthSnapshot(group_id=group_id, period=date(2026, 9, 1), raw_stage="at_risk", stage="at_risk"),
                HealthSnapshot(group_id=group_id, period=date(2026, 10, 1), raw_stage="formed", stage="formed"),
            ]
        )
    html = page(login(app, "specialist@example.org"))
    assert "group at risk" not in html
    assert "No group of your organisation is at risk" in html


def grow(app, group_id, start, count):
    """`count` more of everything around member1: groups they belong to (one of them led, with
    people waiting), posts and decisions, needs and answers, events and snapshots."""
    with work(app):
        me = user("member1@example.org")
        other = user("member2@example.org")
        now = utcnow()
        mine, events = [], []
        for i in range(start, start + count):
            group = Group(
                name=f"Группа {i}",
                slug=f"gruppa-{i}",
                city="Казань",
                member_count=2,
                search_text=groups.search_key(f"Группа {i}", "Казань"),
            )
            db.session.add(group)
            db.session.flush()
            role = "leader" if i % 2 else MEMBER
            db.session.add_all(
                [
                    Membership(group_id=group.id, user_id=me.id, role=role, status=ACTIVE, joined_at=now),
                    Membership(group_id=group.id, user_id=other.id, role=MEMBER, status=ACTIVE, joined_at=now),
                    Post(group_id=group.id, author_id=other.id, kind=DISCUSSION, title=f"Тема {i}", body="Т"),
                    Post(group_id=group.id, author_id=other.id, kind=DECISION, title=f"Решение {i}", body="Т"),
                    HealthSnapshot(
                        group_id=group.id,
                        period=date(2026, 10, 1),
                        raw_stage="formed",
                        stage="formed",
                        explanation={"warnings": [["warn_unanswered_one", {"count": 1}, "answer_requests"]]},
                    ),
                ]
            )
            for who, title in ((other, f"Нужна помощь {i}"), (me, f"Моя просьба {i}")):
                request = HelpRequest(group_id=group.id, author_id=who.id, kind="need", title=title, category="advice")
                db.session.add(request)
                if who is me:
                    mine.append(request)
            starts = now + timedelta(days=3 + i)
            events.append(
                Event(
                    group_id=group.id,
                    title=f"Встреча {i}",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    status="published",
                )
            )
        db.session.add_all(events)
        db.session.flush()
        for request in mine:
            help_service.respond(other, request, "Помогу")
        for event in events[::2]:
            registration.register(me, event)


def test_the_home_costs_the_same_queries_with_more_data(app, kazan):
    _, group_id = kazan
    member = login(app, "member1@example.org")

    def measure():
        page(member)  # warm up
        with counting_queries(app) as statements:
            html = page(member)
        return statements, html

    grow(app, group_id, 0, 3)
    few, few_html = measure()
    grow(app, group_id, 3, 30)
    many, many_html = measure()
    assert len(many_html) > len(few_html)
    assert "Waiting for you in the groups you lead" in many_html and "Answers to my requests" in many_html
    assert len(many) == len(few), "\n---\n".join(s for s in many if s not in few)


def test_unread_private_messages_have_their_own_count_in_the_header(app, kazan):
    from community.messages.service import send_message

    with work(app):
        send_message(user("member2@example.org"), user("member1@example.org"), "Привет! Как дела?")
    member = login(app, "member1@example.org")
    html = page(member)
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    messages_link = header[header.index('href="/messages/"') :]
    messages_link = messages_link[: messages_link.index("</a>")]
    assert '<span aria-hidden="true">1</span><span class="visually-hidden">1 unread</span>' in messages_link
    # The message's notice counts on the menu too, until the conversation is read.
    assert "1 unread" in header[header.index("<summary>") :]
    with app.app_context():
        sender_id = user("member2@example.org").id
    page(member, f"/messages/with/{sender_id}")
    header = page(member).split("</header>")[0]
    assert 'class="count"' not in header


def test_the_unread_badges_cost_no_query_once_the_viewer_is_cached(app, kazan):
    from community.messages.service import send_message

    member = login(app, "member1@example.org")
    page(member, "/groups/")
    with counting_queries(app) as before:
        page(member, "/groups/")
    with work(app):
        send_message(user("member2@example.org"), user("member1@example.org"), "Привет!")
    page(member, "/groups/")  # the viewer is read again once after the change
    with counting_queries(app) as after:
        html = page(member, "/groups/")
    assert '<span class="count"><span aria-hidden="true">1</span>' in html
    assert len(after) == len(before)
    assert not [s for s in after if "FROM message" in s]


@pytest.mark.parametrize(("hours", "shown"), [(5.0, "5 ч."), (30.0, "30 ч."), (2.5, "2,5 ч.")])
def test_hours_read_naturally(app, hours, shown):
    from flask_babel import force_locale, gettext

    from community.health.texts import hours_text

    with app.test_request_context(), force_locale("ru"):
        text = gettext("Median time to the first answer: %(hours)s hours.", hours=hours_text(hours))
    assert text.endswith(f": {shown}")


def test_admin_visits_are_one_quiet_link_for_leaders_not_a_tab(app, kazan):
    slug, _ = kazan
    html = page(login(app, "leader@example.org"), f"/groups/{slug}/")
    nav = html[html.index('class="group-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert "admin-visits" not in nav
    assert f'href="/groups/{slug}/admin-visits"' in html
    assert "admin-visits" not in page(login(app, "member1@example.org"), f"/groups/{slug}/")


def test_an_answered_invitation_is_no_longer_new(app, kazan):
    from community.events import service as events
    from community.notifications.models import Notification

    _, group_id = kazan
    event_id = make_event(app, group_id)
    with work(app):
        events.invite_organiser(
            user("leader@example.org"), db.session.get(Event, event_id), user("member1@example.org").id
        )

    def unread():
        with app.app_context():
            return db.session.scalar(select(Notification.read_at).where(Notification.kind == "event.organiser_invited"))

    assert unread() is None
    member = login(app, "member1@example.org")
    assert 'class="count"' in page(member).split("</header>")[0]
    member.submit(f"/events/{event_id}/organisers/accept", {}, page=f"/events/{event_id}")
    assert unread() is not None
    assert 'class="count"' not in page(member).split("</header>")[0]


def test_a_page_of_one_tap_buttons_has_no_duplicate_ids(app, kazan):
    import re
    from collections import Counter

    _, group_id = kazan
    for days in (3, 5, 7):
        make_event(app, group_id, days=days)
    html = page(login(app, "member1@example.org"))
    assert html.count('action="/events/') >= 3
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []
