"""The help flow says what happens next: a helper sees their own answer, changes it or takes
it back; the author finds the conversation with the accepted helper from the request page;
"resolved" and "closed" are explained, and resolving is not pressed on a request nobody
answered."""

import re

import pytest
from sqlalchemy import select, update

from community.auth.models import User
from community.errors import RuleError
from community.extensions import db
from community.mutual_help import answers
from community.mutual_help.models import IN_PROGRESS, OPEN, HelpRequest, HelpResponse
from community.notifications.models import Notification
from tests.conftest import work
from tests.events_helpers import user
from tests.test_help import as_, post_need, row


@pytest.fixture
def world(app, make_user):
    from tests.events_helpers import build_group

    slug, group_id = build_group(app, make_user, members=3)
    with work(app):
        db.session.execute(update(User).values(locale="en"))
    return {"slug": slug, "group_id": group_id}


def answer(app, request_id, email="member2@example.org", message="Могу в 8:30"):
    browser = as_(app, email)
    response = browser.submit(f"/help/{request_id}/respond", {"message": message}, page=f"/help/{request_id}")
    assert response.status_code == 302
    return browser


def accept(app, request_id):
    author = as_(app, "member1@example.org")
    page = author.get(f"/help/{request_id}").get_data(as_text=True)
    response_id = re.search(r"/responses/(\d+)/accept", page).group(1)
    author.submit(f"/help/{request_id}/responses/{response_id}/accept", {}, page=f"/help/{request_id}")
    return author


def test_after_answering_the_helper_sees_their_answer_and_what_happens_next(app, world):
    request_id = post_need(app, world["slug"])
    helper = answer(app, request_id)
    html = helper.get(f"/help/{request_id}").get_data(as_text=True)
    mine = html[html.index('id="my-answer"') :]
    assert "Your answer" in mine and "Могу в 8:30" in mine
    assert "The author reads your answer and accepts it if it fits." in mine
    assert f'href="/help/{request_id}/answer"' in mine and f'href="/help/{request_id}/answer/withdraw"' in mine


def test_a_helper_changes_their_answer_and_bad_input_is_kept(app, world):
    request_id = post_need(app, world["slug"])
    helper = answer(app, request_id)
    page = helper.get(f"/help/{request_id}/answer").get_data(as_text=True)
    assert "Могу в 8:30" in page and "children" in page  # the warning about children's data
    bad = helper.submit(f"/help/{request_id}/answer", {"message": "Ж" * 2001})
    assert bad.status_code == 200 and "At most 2000 characters." in bad.get_data(as_text=True)
    assert "Ж" * 2001 in bad.get_data(as_text=True)
    empty = helper.submit(f"/help/{request_id}/answer", {"message": "   "})
    assert "Please write a few words" in empty.get_data(as_text=True)
    done = helper.submit(f"/help/{request_id}/answer", {"message": "Могу в 9:00, на своей машине"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/help/{request_id}#my-answer")
    author_page = as_(app, "member1@example.org").get(f"/help/{request_id}").get_data(as_text=True)
    assert "Могу в 9:00, на своей машине" in author_page and "Могу в 8:30" not in author_page


def test_taking_an_answer_back_asks_first_then_the_counts_follow(app, world):
    request_id = post_need(app, world["slug"])
    helper = answer(app, request_id)
    confirm = helper.get(f"/help/{request_id}/answer/withdraw").get_data(as_text=True)
    assert "Take your answer back?" in confirm
    assert row(app, request_id).response_count == 1 and row(app, request_id).first_response_at is not None
    done = helper.submit(f"/help/{request_id}/answer/withdraw", {})
    assert done.status_code == 302
    request = row(app, request_id)
    assert (request.response_count, request.first_response_at, request.status) == (0, None, OPEN)
    html = helper.get(f"/help/{request_id}").get_data(as_text=True)
    assert 'id="my-answer"' not in html and f'action="/help/{request_id}/respond"' in html
    # Gone means gone: the pages answer 404, the service refuses.
    assert helper.get(f"/help/{request_id}/answer").status_code == 404
    assert helper.get(f"/help/{request_id}/answer/withdraw").status_code == 404
    with work(app), pytest.raises(RuleError) as error:
        answers.withdraw_answer(user("member2@example.org"), db.session.get(HelpRequest, request_id))
    assert error.value.code == "help.no-answer"


def test_when_the_only_accepted_helper_withdraws_the_request_opens_and_the_author_is_told(app, world):
    request_id = post_need(app, world["slug"])
    helper = answer(app, request_id)
    answer(app, request_id, "member3@example.org", "Тоже могу")
    accept(app, request_id)
    assert row(app, request_id).status == IN_PROGRESS
    confirmed = helper.get(f"/help/{request_id}").get_data(as_text=True)
    assert "The author accepted your help." in confirmed
    helper.submit(f"/help/{request_id}/answer/withdraw", {})
    request = row(app, request_id)
    assert (request.status, request.response_count) == (OPEN, 1)
    with app.app_context():
        notice = db.session.scalar(select(Notification).where(Notification.kind == "help.withdrawn"))
        assert notice.user_id == user("member1@example.org").id
        assert db.session.scalar(select(HelpResponse.helper_id)) == user("member3@example.org").id


def test_an_answer_on_a_resolved_request_stays(app, world):
    request_id = post_need(app, world["slug"])
    helper = answer(app, request_id)
    with work(app):
        db.session.get(HelpRequest, request_id).status = "resolved"
    html = helper.get(f"/help/{request_id}").get_data(as_text=True)
    assert f"/help/{request_id}/answer/withdraw" not in html
    response = helper.submit(f"/help/{request_id}/answer/withdraw", {}, page=f"/help/{request_id}/answer/withdraw")
    assert response.status_code == 302 and row(app, request_id).response_count == 1


def test_the_author_finds_the_conversation_with_the_accepted_helper(app, world):
    request_id = post_need(app, world["slug"])
    answer(app, request_id)
    author = accept(app, request_id)
    html = author.get(f"/help/{request_id}").get_data(as_text=True)
    assert 'href="#thread"' in html and "Talk with Участник 2 about the details" in html
    assert html.index('href="#thread"') < html.index('id="thread"')


def test_resolving_is_not_pressed_on_a_request_nobody_answered(app, world):
    request_id = post_need(app, world["slug"])
    author = as_(app, "member1@example.org")
    html = author.get(f"/help/{request_id}").get_data(as_text=True)
    resolve = re.search(r'<a href="/help/\d+/resolve"[^>]*>', html).group(0)
    assert 'class="secondary outline"' in resolve
    assert "Resolved: you got the help" in html and "Closed: you no longer need it" in html
    answer(app, request_id)
    html = author.get(f"/help/{request_id}").get_data(as_text=True)
    resolve = re.search(r'<a href="/help/\d+/resolve"[^>]*>', html).group(0)
    assert "secondary" not in resolve
