"""Mutual help: a need is posted, the right members are told, another parent answers, the
asker accepts, resolves and thanks; outsiders read nothing; stale requests are nudged."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from community.audit import AuditEvent
from community.errors import RuleError
from community.extensions import db
from community.models import utcnow
from community.mutual_help import service as help_service
from community.mutual_help.models import CLOSED, IN_PROGRESS, OPEN, RESOLVED, HelpRequest, HelpResponse
from tests.conftest import Browser, work
from tests.events_helpers import build_group, user


@pytest.fixture
def world(app, make_user):
    slug, group_id = build_group(app, make_user, members=3)
    return {"slug": slug, "group_id": group_id}


def as_(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


NEED = {
    "kind": "need",
    "title": "Подвезти до поликлиники",
    "details": "В четверг к 9:00",
    "category": "transport",
    "urgency": "week",
    "needed_by": "",
}


def post_need(app, slug, email="member1@example.org", **overrides):
    response = as_(app, email).submit(f"/groups/{slug}/help/new", {**NEED, **overrides})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def row(app, request_id):
    with app.app_context():
        return db.session.get(HelpRequest, request_id)


def subscribe(app, email, *categories):
    as_(app, email).submit("/help/preferences", {"categories": list(categories)})


def test_a_need_reaches_members_who_opted_in_to_its_category(app, world, mailbox):
    subscribe(app, "member2@example.org", "transport")
    subscribe(app, "member3@example.org", "childcare")
    mailbox.clear()
    post_need(app, world["slug"])
    [message] = mailbox.to("member2@example.org")
    assert "Подвезти до поликлиники" in mailbox.text(message)
    assert mailbox.to("member3@example.org") == []
    assert mailbox.to("member1@example.org") == []  # not the author


def test_sensitive_details_stay_out_of_emails(app, world, mailbox):
    subscribe(app, "member2@example.org", "emotional")
    mailbox.clear()
    post_need(
        app,
        world["slug"],
        title="Очень тяжело после суда",
        details="Подробности только для группы",
        category="emotional",
        sensitive="y",
    )
    [message] = mailbox.to("member2@example.org")
    text = mailbox.text(message) + message["Subject"]
    assert "суда" not in text and "Подробности" not in text
    assert "Участник" in text  # the asker's first name


def test_answer_accept_thread_resolve_and_thank(app, world, mailbox):
    request_id = post_need(app, world["slug"])
    helper = as_(app, "member2@example.org")
    helper.submit(f"/help/{request_id}/respond", {"message": "Могу в 8:30"}, page=f"/help/{request_id}")
    assert len(mailbox.to("member1@example.org")) == 1  # the author is told
    author = as_(app, "member1@example.org")
    page = author.get(f"/help/{request_id}").get_data(as_text=True)
    response_id = re.search(r"/responses/(\d+)/accept", page).group(1)
    author.submit(f"/help/{request_id}/responses/{response_id}/accept", {}, page=f"/help/{request_id}")
    assert row(app, request_id).status == IN_PROGRESS
    assert len(mailbox.to("member2@example.org")) == 1  # the helper is told
    author.submit(f"/help/{request_id}/thread", {"body": "Жду у подъезда"}, page=f"/help/{request_id}")
    assert "Жду у подъезда" in helper.get(f"/help/{request_id}").get_data(as_text=True)
    # A third member sees the request but not the private thread.
    assert "Жду у подъезда" not in as_(app, "member3@example.org").get(f"/help/{request_id}").get_data(as_text=True)
    author.submit(f"/help/{request_id}/resolve", {"helpers": [response_id], "thank_you": "Спасибо, выручили!"})
    assert row(app, request_id).status == RESOLVED
    with app.app_context():
        assert db.session.scalar(select(HelpResponse.helped).where(HelpResponse.id == int(response_id))) is True
    thanks = mailbox.to("member2@example.org")[-1]
    assert "Спасибо, выручили!" in mailbox.text(thanks)


def test_email_and_phone_are_never_shown(app, world):
    request_id = post_need(app, world["slug"])
    as_(app, "member2@example.org").submit(
        f"/help/{request_id}/respond", {"message": "Могу"}, page=f"/help/{request_id}"
    )
    page = as_(app, "member1@example.org").get(f"/help/{request_id}").get_data(as_text=True)
    assert "member2@example.org" not in page and "member1@example.org" not in page


def test_answering_your_own_request_or_twice_is_refused(app, world):
    request_id = post_need(app, world["slug"])
    own = as_(app, "member1@example.org").submit(
        f"/help/{request_id}/respond", {"message": "Сам себе"}, page=f"/help/{request_id}", follow_redirects=True
    )
    assert "flash-error" in own.get_data(as_text=True)
    helper = as_(app, "member2@example.org")
    helper.submit(f"/help/{request_id}/respond", {"message": "Могу"}, page=f"/help/{request_id}")
    with app.app_context():
        csrf_page = helper.get("/privacy").get_data(as_text=True)
    from tests.conftest import csrf_from

    again = helper.client.post(
        f"/help/{request_id}/respond",
        data={"csrf_token": csrf_from(csrf_page), "message": "Ещё раз"},
        follow_redirects=True,
    )
    assert "flash-error" in again.get_data(as_text=True)
    assert row(app, request_id).response_count == 1


def test_only_the_author_accepts_resolves_and_closes(app, world):
    request_id = post_need(app, world["slug"])
    other = as_(app, "member2@example.org")
    assert other.get(f"/help/{request_id}/resolve").status_code == 403
    assert other.get(f"/help/{request_id}/close").status_code == 403
    assert other.get(f"/help/{request_id}/edit").status_code == 403
    assert as_(app, "leader@example.org").get(f"/help/{request_id}/resolve").status_code == 403


def test_close_and_reopen_and_no_actions_on_a_closed_request(app, world):
    request_id = post_need(app, world["slug"])
    author = as_(app, "member1@example.org")
    author.submit(f"/help/{request_id}/close", {"note": "Уже не нужно"})
    assert row(app, request_id).status == CLOSED
    late = as_(app, "member2@example.org").submit(
        f"/help/{request_id}/respond", {"message": "Могу"}, page=f"/help/{request_id}", follow_redirects=True
    )
    assert "flash-error" in late.get_data(as_text=True)
    author.submit(f"/help/{request_id}/reopen", {}, page=f"/help/{request_id}")
    assert row(app, request_id).status == OPEN


def test_outsiders_and_visitors_cannot_read_the_board(app, world):
    request_id = post_need(app, world["slug"])
    outsider = as_(app, "outsider@example.org")
    assert outsider.get(f"/groups/{world['slug']}/help/").status_code == 404
    assert outsider.get(f"/help/{request_id}").status_code == 404
    assert Browser(app.test_client()).get(f"/help/{request_id}").status_code == 302


def test_board_filters_by_kind_and_category_and_sorts_urgent_first(app, world):
    post_need(app, world["slug"], title="Когда-нибудь", urgency="whenever")
    post_need(app, world["slug"], title="Срочно сегодня", urgency="today")
    post_need(app, world["slug"], title="Отдам коляску", kind="offer", category="things")
    member = as_(app, "member2@example.org")
    page = member.get(f"/groups/{world['slug']}/help/").get_data(as_text=True)
    assert page.index("Срочно сегодня") < page.index("Когда-нибудь")
    offers = member.get(f"/groups/{world['slug']}/help/?kind=offer").get_data(as_text=True)
    assert "Отдам коляску" in offers and "Срочно сегодня" not in offers
    transport = member.get(f"/groups/{world['slug']}/help/?category=transport").get_data(as_text=True)
    assert "Отдам коляску" not in transport and "Срочно сегодня" in transport
    assert member.get(f"/groups/{world['slug']}/help/?category=<script>&page=-1").status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"title": "x" * 10_000},
        {"category": "weapons"},
        {"details": "я" * 6000},
        {"needed_by": (date.today() - timedelta(days=2)).isoformat()},
        {"needed_by": "32.13.2026"},
        {"kind": "sell"},
    ],
)
def test_bad_help_input_gets_a_clear_message_and_keeps_what_was_typed(app, world, overrides):
    response = as_(app, "member1@example.org").submit(f"/groups/{world['slug']}/help/new", {**NEED, **overrides})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "field-error" in body
    if "details" not in overrides:
        assert "В четверг к 9:00" in body
    with app.app_context():
        assert db.session.scalar(select(func.count(HelpRequest.id))) == 0


def test_html_in_a_request_is_shown_as_text(app, world):
    request_id = post_need(app, world["slug"], title="<b>жирный</b>", details="<script>alert(1)</script>")
    page = as_(app, "member2@example.org").get(f"/help/{request_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_leaders_hide_requests_and_record_offline_help(app, world):
    request_id = post_need(app, world["slug"])
    leader = as_(app, "leader@example.org")
    assert as_(app, "member2@example.org").submit(f"/help/{request_id}/hide", {}, page="/privacy").status_code == 403
    leader.submit(f"/help/{request_id}/hide", {}, page=f"/help/{request_id}")
    assert as_(app, "member2@example.org").get(f"/help/{request_id}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "help.hide")) == 1
        helper, helped = user("member2@example.org").id, user("member3@example.org").id
    response = leader.submit(
        f"/groups/{world['slug']}/help/record",
        {
            "helper_id": str(helper),
            "helped_id": str(helped),
            "category": "childcare",
            "when": date.today().isoformat(),
            "note": "Посидела с детьми",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        offline = db.session.scalar(select(HelpRequest).where(HelpRequest.offline.is_(True)))
        assert offline.status == RESOLVED and offline.author_id == helped
        assert offline.responses[0].helper_id == helper and offline.responses[0].helped
    assert as_(app, "member1@example.org").get(f"/groups/{world['slug']}/help/record").status_code == 403


def test_nudges_flag_unanswered_needs_ask_authors_and_close_old_requests(app, world, mailbox, runner):
    fresh = post_need(app, world["slug"], title="Свежая")
    two_days = post_need(app, world["slug"], title="Два дня без ответа")
    month = post_need(app, world["slug"], title="Месяц")
    old = post_need(app, world["slug"], title="Два месяца")
    with app.app_context():
        for request_id, age in (
            (two_days, timedelta(hours=50)),
            (month, timedelta(days=31)),
            (old, timedelta(days=61)),
        ):
            db.session.get(HelpRequest, request_id).created_at = utcnow() - age
        db.session.commit()
    mailbox.clear()
    result = runner.invoke(args=["nudge-help"])
    assert "flagged to leaders: 3, authors asked: 1, closed: 1" in result.output
    assert any("ответа" in mailbox.text(m) or "answer" in mailbox.text(m) for m in mailbox.to("leader@example.org"))
    assert row(app, old).status == CLOSED and row(app, old).close_note == "auto"
    assert row(app, fresh).status == OPEN and row(app, fresh).leaders_nudged_at is None
    again = runner.invoke(args=["nudge-help"])
    assert "flagged to leaders: 0, authors asked: 0, closed: 0" in again.output


def test_service_refuses_unknown_categories(app, world):
    with work(app):
        from community.groups.models import Group

        with pytest.raises(RuleError):
            help_service.create_request(
                user("member1@example.org"),
                db.session.get(Group, world["group_id"]),
                "need",
                "t",
                "",
                "weapons",
                "today",
                None,
                False,
            )
