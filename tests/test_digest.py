"""Notifications people control: each email at once, a daily or weekly digest, or none; a
muted group stays out of the digest; the scheduled job sends each digest once per period,
through the real SMTP sink, and skips empty ones."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from community.auth.models import User
from community.extensions import db
from community.groups.models import DECISION, Group, Membership, Post
from community.jobs import perform
from community.mutual_help import service as help_service
from community.notifications.digest import period_start
from community.scheduler import SCHEDULE
from tests.conftest import Browser, work
from tests.events_helpers import build_group, make_event, user

DIGEST = "notifications.digest"
PROFILE = {"display_name": "Участник", "locale": "en", "timezone": "Europe/Moscow", "family_form": ""}


@pytest.fixture
def kazan(app, make_user):
    slug, group_id = build_group(app, make_user, members=3)
    with work(app):
        db.session.execute(update(User).values(locale="en"))
    return slug, group_id


def choose(app, email, frequency):
    browser = Browser(app.test_client())
    browser.login(email)
    page = browser.get("/auth/account").get_data(as_text=True)
    assert 'name="email_frequency"' in page
    response = browser.submit(
        "/auth/account",
        {**PROFILE, "email_frequency": frequency},
    )
    assert response.status_code == 302
    return browser


def news(app, group_id):
    """A meeting in three days, a need and a decision, all in the group."""
    make_event(app, group_id, days=3)
    with work(app):
        group = db.session.get(Group, group_id)
        help_service.create_request(
            user("member2@example.org"), group, "need", "Нужна коляска", "", "things", "week", None, False
        )
        db.session.add(
            Post(
                group_id=group_id,
                author_id=user("leader@example.org").id,
                kind=DECISION,
                title="Встречаемся по субботам",
            )
        )


def run_digest(app):
    with app.app_context():
        return perform(DIGEST)


def digests(mailbox, email):
    return [m for m in mailbox.to(email) if "digest" in m["Subject"]]


def test_the_digest_is_a_scheduled_job(app):
    assert DIGEST in [entry.job for entry in SCHEDULE]


def test_a_daily_digest_holds_meetings_needs_and_decisions_and_goes_once(app, kazan, mailbox):
    _, group_id = kazan
    choose(app, "member1@example.org", "daily")
    with app.app_context():
        member = db.session.scalar(select(User).where(User.email == "member1@example.org"))
        assert (member.email_frequency, member.email_notifications) == ("daily", False)
    news(app, group_id)
    mailbox.clear()
    assert run_digest(app) == 1
    [digest] = digests(mailbox, "member1@example.org")
    assert digest["Subject"] == "Your daily digest from Krug"
    text = mailbox.text(digest)
    assert "Встреча клуба" in text and "Нужна коляска" in text and "Встречаемся по субботам" in text
    assert "/events/" in text and "/help/" in text
    # Never twice in one period, however often the job runs.
    assert run_digest(app) == 0
    assert len(digests(mailbox, "member1@example.org")) == 1
    # People who want each email at once get no digest.
    assert digests(mailbox, "member3@example.org") == []


def test_an_empty_digest_is_not_sent(app, kazan, mailbox):
    choose(app, "member1@example.org", "weekly")
    mailbox.clear()
    assert run_digest(app) == 0
    assert digests(mailbox, "member1@example.org") == []


def test_a_muted_group_leaves_the_digest(app, kazan, mailbox):
    slug, group_id = kazan
    member = choose(app, "member1@example.org", "weekly")
    page = member.get(f"/groups/{slug}/").get_data(as_text=True)
    assert "Leave this group out of my email digest" in page
    response = member.submit(f"/groups/{slug}/mute", {"muted": "1"}, page=f"/groups/{slug}/")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Membership.muted).where(Membership.user_id == user("member1@example.org").id))
    assert "Put this group back in my email digest" in member.get(f"/groups/{slug}/").get_data(as_text=True)
    news(app, group_id)
    mailbox.clear()
    assert run_digest(app) == 0
    assert digests(mailbox, "member1@example.org") == []


def test_the_next_period_brings_the_next_digest(app, kazan, mailbox):
    _, group_id = kazan
    choose(app, "member1@example.org", "daily")
    news(app, group_id)
    run_digest(app)
    with work(app):
        member = user("member1@example.org")
        member.digest_sent_at -= timedelta(days=1)
    mailbox.clear()
    assert run_digest(app) == 1


def test_weekly_periods_start_on_monday_and_daily_at_midnight_utc():
    wednesday = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)
    assert period_start("weekly", wednesday) == datetime(2026, 11, 30, tzinfo=UTC)
    assert period_start("daily", wednesday) == datetime(2026, 12, 2, tzinfo=UTC)


def test_choosing_never_stops_separate_emails_and_a_bad_choice_is_refused(app, kazan):
    browser = choose(app, "member1@example.org", "never")
    with app.app_context():
        member = db.session.scalar(select(User).where(User.email == "member1@example.org"))
        assert (member.email_frequency, member.email_notifications) == ("never", False)
    response = browser.submit(
        "/auth/account",
        {**PROFILE, "email_frequency": "hourly"},
    )
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
