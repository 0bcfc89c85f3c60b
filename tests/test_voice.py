"""You said — we did: members suggest, others support (one each), leaders and specialists
answer step by step with a reason, *done* says what changed and at which level, the author
and supporters are emailed each answer, anonymous suggestions never show who wrote them, the
decisions log cites the suggestions it answers, and late ones show on the answerers' pages."""

from sqlalchemy import func, select

from community.extensions import db
from community.groups import feed
from community.groups.access import access_for as group_access
from community.groups.models import Group
from community.notifications.models import Notification
from community.voice.models import Suggestion, SuggestionAnswer, SuggestionSupport
from tests.conftest import csrf_from
from tests.involve_helpers import ADMIN, ELSEWHERE, LEADER, SPECIALIST_EMAIL, build_world, parent, user
from tests.voice_helpers import answer, signed_in, suggest, support

TITLE = "Собираться по субботам"


def test_a_member_suggests_to_the_group_and_the_leaders_are_told(app, make_user, mailbox):
    world = build_world(app, make_user)
    browser = signed_in(app, parent(1))
    assert "Пока нет" not in browser.get(f"/groups/{world['slug']}/voice/").get_data(as_text=True)
    response = browser.submit(
        f"/groups/{world['slug']}/voice/new", {"title": TITLE, "body": "Работающие родители не успевают"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert TITLE in page and "Работающие родители" in page
    with app.app_context():
        suggestion = db.session.scalar(select(Suggestion))
        assert (suggestion.status, suggestion.group_id, suggestion.anonymous) == ("new", world["group"], False)
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "voice.new")))
        assert told == {user(LEADER).id, user(SPECIALIST_EMAIL).id}
    # The group's members see it in the list, with the author's name.
    listing = signed_in(app, parent(2)).get(f"/groups/{world['slug']}/voice/").get_data(as_text=True)
    assert TITLE in listing and "Родитель 1" in listing


def test_bad_input_is_explained_and_what_was_typed_stays(app, make_user):
    world = build_world(app, make_user)
    browser = signed_in(app, parent(1))
    response = browser.submit(f"/groups/{world['slug']}/voice/new", {"title": "", "body": "Мой текст"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Мой текст" in page
    assert "one line" in page or "одной строкой" in page
    long = browser.submit(f"/groups/{world['slug']}/voice/new", {"title": "x" * 201})
    assert long.status_code == 200 and "200" in long.get_data(as_text=True)
    sid = suggest(app, parent(1), group_slug=world["slug"])
    leader = signed_in(app, LEADER)
    response = leader.submit(f"/voice/{sid}/answer", {"status": "heard", "reason": ""})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.get_data(as_text=True)
    response = leader.submit(f"/voice/{sid}/answer", {"status": "done", "reason": "Сделали", "done_change": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Сделали" in page
    response = leader.submit(f"/voice/{sid}/answer", {"status": "nonsense", "reason": "Да"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Suggestion, sid).status == "new"
        assert db.session.scalar(select(func.count(SuggestionAnswer.id))) == 0


def test_the_leader_answers_step_by_step_and_author_and_supporters_are_emailed(app, make_user, mailbox):
    world = build_world(app, make_user)
    sid = suggest(app, parent(1), group_slug=world["slug"])
    support(app, sid, parent(2))
    leader = signed_in(app, LEADER)
    for status in ("heard", "considering", "doing"):
        response = leader.submit(f"/voice/{sid}/answer", {"status": status, "reason": f"Причина: {status}"})
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # Backwards is not offered and is refused.
    response = leader.submit(f"/voice/{sid}/answer", {"status": "heard", "reason": "Назад"})
    assert response.status_code == 200
    response = leader.submit(
        f"/voice/{sid}/answer",
        {
            "status": "done",
            "reason": "Попробовали месяц",
            "done_change": "Встречи теперь по субботам в 11",
            "done_level": "community",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        suggestion = db.session.get(Suggestion, sid)
        assert (suggestion.status, suggestion.done_level) == ("done", "community")
        statuses = db.session.scalars(select(SuggestionAnswer.status).order_by(SuggestionAnswer.id)).all()
        assert statuses == ["heard", "considering", "doing", "done"]
    for email in (parent(1), parent(2)):
        subjects = [m["Subject"] for m in mailbox.to(email)]
        assert len(subjects) == 4 and all(TITLE in s for s in subjects)
    last = mailbox.text(mailbox.to(parent(1))[-1])
    assert "Встречи теперь по субботам в 11" in last and "Попробовали месяц" in last
    assert mailbox.to(parent(3)) == [] and mailbox.to(LEADER) == []
    # The final answer ends it: no more answers, no more support.
    page = signed_in(app, parent(3)).get(f"/voice/{sid}").get_data(as_text=True)
    assert "Встречи теперь по субботам в 11" in page and f"/voice/{sid}/support" not in page
    assert leader.get(f"/voice/{sid}/answer").status_code == 302
    listing = signed_in(app, parent(3)).get(f"/groups/{world['slug']}/voice/?show=answered").get_data(as_text=True)
    assert TITLE in listing


def test_support_is_one_each_and_not_for_the_author(app, make_user):
    world = build_world(app, make_user)
    sid = suggest(app, parent(1), group_slug=world["slug"])
    browser = signed_in(app, parent(2))
    assert browser.submit(f"/voice/{sid}/support", page=f"/voice/{sid}").status_code == 302
    page = browser.submit(f"/voice/{sid}/support", page=f"/voice/{sid}", follow_redirects=True).get_data(as_text=True)
    assert "already support" in page or "уже поддерживаете" in page
    author = signed_in(app, parent(1))
    assert f"/voice/{sid}/support" not in author.get(f"/voice/{sid}").get_data(as_text=True)
    author.submit(f"/voice/{sid}/support", page=f"/voice/{sid}")
    with app.app_context():
        assert db.session.get(Suggestion, sid).support_count == 1
        assert db.session.scalar(select(func.count(SuggestionSupport.id))) == 1
    browser.submit(f"/voice/{sid}/unsupport", page=f"/voice/{sid}")
    with app.app_context():
        assert db.session.get(Suggestion, sid).support_count == 0
    # A specialist member of the group answers; they do not support.
    specialist = signed_in(app, SPECIALIST_EMAIL)
    assert specialist.submit(f"/voice/{sid}/support", page=f"/voice/{sid}").status_code == 403


def test_an_anonymous_suggestion_never_shows_who_wrote_it(app, make_user, mailbox):
    world = build_world(app, make_user)
    sid = suggest(app, parent(1), "Больше встреч онлайн", group_slug=world["slug"], anonymous=True)
    support(app, sid, parent(2))
    answer(app, sid, SPECIALIST_EMAIL, "heard", "Спасибо, услышали")
    name = "Родитель 1"
    for email in (LEADER, SPECIALIST_EMAIL, ADMIN, parent(2)):
        browser = signed_in(app, email)
        for url in (
            f"/voice/{sid}",
            f"/groups/{world['slug']}/voice/",
            f"/groups/{world['slug']}/voice/?show=all",
            "/",
        ):
            assert name not in browser.get(url).get_data(as_text=True), (email, url)
    for message in mailbox.messages:
        if parent(1) not in message["To"]:
            assert name not in mailbox.text(message)
    with app.app_context():
        for notice in db.session.scalars(select(Notification).where(Notification.kind.startswith("voice."))):
            assert notice.actor_id != user(parent(1)).id and name not in str(notice.data)
    # The author sees it is theirs, and that others do not.
    own = signed_in(app, parent(1)).get(f"/voice/{sid}").get_data(as_text=True)
    assert "you wrote it" in own or "вы написали" in own


def test_suggestions_to_the_organisation_are_answered_by_its_specialists(app, make_user, mailbox):
    build_world(app, make_user)
    browser = signed_in(app, parent(1))
    response = browser.submit("/orgs/fond/voice/new", {"title": "Няня на время встреч"})
    assert response.status_code == 302
    with app.app_context():
        sid = db.session.scalar(select(Suggestion.id))
        assert db.session.get(Suggestion, sid).organisation_id is not None
    assert signed_in(app, LEADER).get(f"/voice/{sid}/answer").status_code == 403
    assert signed_in(app, ELSEWHERE).get(f"/voice/{sid}").status_code == 404
    response = signed_in(app, SPECIALIST_EMAIL).submit(
        f"/voice/{sid}/answer", {"status": "not_possible", "reason": "В этом году нет бюджета на нянь"}
    )
    assert response.status_code == 302
    assert "В этом году нет бюджета" in mailbox.text(mailbox.to(parent(1))[-1])
    page = signed_in(app, parent(2)).get("/orgs/fond/voice/?show=answered").get_data(as_text=True)
    assert "Няня на время встреч" in page


def test_the_decisions_log_cites_the_suggestions_it_answers(app, make_user):
    world = build_world(app, make_user)
    sid = suggest(app, parent(1), group_slug=world["slug"])
    with app.app_context(), app.test_request_context():
        group, leader = db.session.get(Group, world["group"]), user(LEADER)
        post = feed.create_post(leader, group, group_access(leader, group), "decision", "Встречи по субботам", "Решили")
        db.session.commit()
        post_id = post.id
    response = signed_in(app, LEADER).submit(
        f"/voice/{sid}/answer", {"status": "doing", "reason": "Решили на собрании", "decision": str(post_id)}
    )
    assert response.status_code == 302
    log = signed_in(app, parent(2)).get(f"/groups/{world['slug']}/decisions").get_data(as_text=True)
    assert f"/voice/{sid}" in log and TITLE in log
    assert f"/posts/{post_id}" in signed_in(app, parent(2)).get(f"/voice/{sid}").get_data(as_text=True)


def test_suggestions_without_an_answer_for_14_days_show_on_the_answerers_pages(app, make_user):
    world = build_world(app, make_user)
    late = suggest(app, parent(1), "Старое предложение", group_slug=world["slug"], days_ago=15)
    suggest(app, parent(2), "Свежее предложение", group_slug=world["slug"], days_ago=2)
    late_org = suggest(app, parent(2), "Старое для фонда", days_ago=20)
    answered = suggest(app, parent(3), "Отвеченное", group_slug=world["slug"], days_ago=30)
    answer(app, answered, LEADER, "heard")
    home = signed_in(app, LEADER).get("/").get_data(as_text=True)
    assert f"/voice/{late}" in home and "Свежее предложение" not in home and "Отвеченное" not in home
    assert f"/voice/{late_org}" not in home  # the organisation's specialists answer that one
    specialist = signed_in(app, SPECIALIST_EMAIL)
    for url in ("/", "/orgs/fond/"):
        page = specialist.get(url).get_data(as_text=True)
        assert f"/voice/{late}" in page and f"/voice/{late_org}" in page
    assert f"/voice/{late}" in signed_in(app, LEADER).get(f"/groups/{world['slug']}/").get_data(as_text=True)
    assert "Старое предложение" not in signed_in(app, parent(2)).get("/").get_data(as_text=True)


def test_the_list_is_paginated(app, make_user):
    world = build_world(app, make_user)
    for n in range(23):
        suggest(app, parent(1), f"Предложение номер {n:02d}", group_slug=world["slug"])
    browser = signed_in(app, parent(2))
    first = browser.get(f"/groups/{world['slug']}/voice/").get_data(as_text=True)
    second = browser.get(f"/groups/{world['slug']}/voice/?page=2").get_data(as_text=True)
    shown = [n for n in range(23) if f"Предложение номер {n:02d}" in first]
    later = [n for n in range(23) if f"Предложение номер {n:02d}" in second]
    assert len(shown) == 20 and len(later) == 3 and not set(shown) & set(later)
    assert browser.get(f"/groups/{world['slug']}/voice/?page=zz&show=<x>").status_code == 200


def test_the_author_deletes_a_suggestion_nobody_answered_after_confirming(app, make_user):
    world = build_world(app, make_user)
    sid = suggest(app, parent(1), group_slug=world["slug"])
    other = suggest(app, parent(1), "Другое", group_slug=world["slug"])
    answer(app, other, LEADER, "heard")
    browser = signed_in(app, parent(1))
    assert "Да, удалить" in browser.get(f"/voice/{sid}/withdraw").get_data(as_text=True)
    assert browser.submit(f"/voice/{sid}/withdraw").status_code == 302
    assert browser.get(f"/voice/{other}/withdraw").status_code == 302
    with app.app_context():
        assert db.session.get(Suggestion, sid) is None and db.session.get(Suggestion, other) is not None
    assert signed_in(app, parent(2)).get(f"/voice/{other}/withdraw").status_code == 403


def test_empty_states_say_what_to_do(app, make_user):
    world = build_world(app, make_user)
    page = signed_in(app, parent(1)).get(f"/groups/{world['slug']}/voice/").get_data(as_text=True)
    assert "Предложений пока нет" in page and f"/groups/{world['slug']}/voice/new" in page
    page = signed_in(app, SPECIALIST_EMAIL).get("/orgs/fond/voice/").get_data(as_text=True)
    assert "Предложений пока нет" in page and "/orgs/fond/voice/new" not in page


def test_an_answer_given_meanwhile_is_not_overwritten(app, make_user):
    world = build_world(app, make_user)
    sid = suggest(app, parent(1), group_slug=world["slug"])
    leader = signed_in(app, LEADER)
    form_page = leader.get(f"/voice/{sid}/answer").get_data(as_text=True)
    assert 'name="seen" type="hidden" value="new"' in form_page
    answer(app, sid, SPECIALIST_EMAIL, "not_possible", "Нет бюджета")
    response = leader.client.post(
        f"/voice/{sid}/answer",
        data={"csrf_token": csrf_from(form_page), "status": "heard", "reason": "Услышали", "seen": "new"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Suggestion, sid).status == "not_possible"
        assert db.session.scalar(select(func.count(SuggestionAnswer.id))) == 1
