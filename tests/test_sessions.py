"""Sessions: how long they live, where you are signed in, signing out one device or all of
them, and the signed-in person loaded without a query on every page."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from community.auth.models import User, UserSession
from community.extensions import db
from community.groups.models import Post
from community.jobs import perform
from community.models import utcnow
from community.notifications.models import Notification
from community.orgs.models import Organisation, Specialist
from community.scheduler import SCHEDULE
from tests.conftest import Browser, work

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)


def signed_in(app, email="parent@example.org", user_agent=FIREFOX):
    browser = Browser(app.test_client())
    browser.client.environ_base["HTTP_USER_AGENT"] = user_agent
    browser.login(email)
    return browser


def is_signed_in(browser):
    return browser.get("/auth/account").status_code == 200


def age_sessions(app, email, idle=None, age=None):
    """Move the sessions of `email` into the past, as the database would hold them later;
    then forget the process's cache, as a process that starts after that moment would."""
    with work(app):
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        values = {}
        if idle is not None:
            values["last_seen_at"] = utcnow() - idle
        if age is not None:
            values["created_at"] = utcnow() - age
        db.session.execute(update(UserSession).where(UserSession.user_id == user_id).values(**values))
    app.extensions.pop("krug_auth_store", None)


def session_rows(app, email="parent@example.org"):
    with app.app_context():
        return db.session.scalars(
            select(UserSession).join(User, User.id == UserSession.user_id).where(User.email == email)
        ).all()


def make_specialist(app, email):
    with work(app):
        org = Organisation(name="Фонд", slug="fond")
        db.session.add(org)
        db.session.flush()
        db.session.add(
            Specialist(organisation_id=org.id, user_id=db.session.scalar(select(User.id).where(User.email == email)))
        )


# --- the cookie and the cache ---------------------------------------------------------------------


def test_pages_do_not_resend_the_session_cookie(app, make_user):
    make_user()
    browser = signed_in(app)
    for url in ("/", "/groups/", "/auth/account"):
        response = browser.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url


def test_the_signed_in_person_is_loaded_without_a_query_on_later_pages(app, make_user):
    make_user()
    browser = signed_in(app)
    browser.get("/groups/")
    statements = []
    with app.app_context():
        engine = db.engine
    record = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert browser.get("/groups/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # (the directory's "parent-led" mark reads every specialist's id: not a look-up of the viewer)
    about_the_viewer = ("user_session", "notification", "specialist.user_id = ", "specialist.user_id IN")
    looked_up = [s for s in statements if any(part in s for part in about_the_viewer)]
    assert looked_up == []


def test_a_new_notice_shows_in_the_header_at_once_and_reading_clears_it(app, make_user):
    user_id = make_user()
    browser = signed_in(app)
    assert 'class="count"' not in browser.get("/").get_data(as_text=True)
    with work(app):
        db.session.add(Notification(user_id=user_id, kind="group.approved", url="/", data={"group": "Круг"}))
    assert 'class="count"' in browser.get("/").get_data(as_text=True)
    browser.submit("/notifications/read", page="/notifications/")
    assert 'class="count"' not in browser.get("/").get_data(as_text=True)


def test_admin_rights_taken_away_end_at_once(app, make_user):
    make_user("admin@example.org", is_admin=True)
    browser = signed_in(app, "admin@example.org")
    assert browser.get("/admin/").status_code == 200
    with work(app):
        db.session.scalar(select(User).where(User.email == "admin@example.org")).is_admin = False
    assert browser.get("/admin/").status_code == 403


def test_the_profile_saved_is_what_the_next_page_shows(app, make_user, browser):
    make_user()
    browser.login()
    browser.submit(
        "/auth/account",
        {"display_name": "Новое имя", "city": "Тула", "locale": "en", "timezone": "Europe/Moscow", "family_form": ""},
    )
    page = browser.get("/auth/account").get_data(as_text=True)
    assert 'value="Новое имя"' in page and 'lang="en"' in page


# --- idle timeout and absolute lifetime -----------------------------------------------------------


def test_a_session_left_idle_too_long_ends(app, make_user):
    make_user()
    browser = signed_in(app)
    age_sessions(app, "parent@example.org", idle=timedelta(days=31))
    assert not is_signed_in(browser)
    assert session_rows(app) == []


def test_an_active_session_ends_at_its_absolute_lifetime(app, make_user):
    make_user()
    browser = signed_in(app)
    age_sessions(app, "parent@example.org", idle=timedelta(minutes=1), age=timedelta(days=91))
    assert not is_signed_in(browser)


def test_a_parent_idle_for_three_hours_stays_signed_in(app, make_user):
    make_user()
    browser = signed_in(app)
    age_sessions(app, "parent@example.org", idle=timedelta(hours=3), age=timedelta(days=20))
    assert is_signed_in(browser)


@pytest.mark.parametrize("staff", ["admin", "specialist"])
def test_staff_sessions_are_shorter(app, make_user, staff):
    make_user("staff@example.org", is_admin=staff == "admin")
    if staff == "specialist":
        make_specialist(app, "staff@example.org")
    idle = signed_in(app, "staff@example.org")
    age_sessions(app, "staff@example.org", idle=timedelta(hours=3))
    assert not is_signed_in(idle)

    long_day = signed_in(app, "staff@example.org")
    age_sessions(app, "staff@example.org", idle=timedelta(minutes=5), age=timedelta(hours=13))
    assert not is_signed_in(long_day)


def test_last_seen_is_written_at_most_every_few_minutes(app, make_user):
    make_user()
    browser = signed_in(app)
    (before,) = session_rows(app)
    browser.get("/")
    browser.get("/groups/")
    assert session_rows(app)[0].last_seen_at == before.last_seen_at
    age_sessions(app, "parent@example.org", idle=timedelta(minutes=10))
    assert is_signed_in(browser)
    (after,) = session_rows(app)
    assert utcnow() - after.last_seen_at < timedelta(minutes=1)


def test_the_hourly_job_purges_expired_sessions_only(app, make_user):
    make_user("fresh@example.org")
    make_user("idle@example.org")
    make_user("old@example.org")
    make_user("admin@example.org", is_admin=True)
    for email in ("fresh@example.org", "idle@example.org", "old@example.org", "admin@example.org"):
        signed_in(app, email)
    age_sessions(app, "idle@example.org", idle=timedelta(days=31))
    age_sessions(app, "old@example.org", idle=timedelta(hours=1), age=timedelta(days=91))
    age_sessions(app, "admin@example.org", idle=timedelta(hours=3))
    assert any(entry.job == "auth.purge_sessions" for entry in SCHEDULE)
    with app.app_context():
        assert perform("auth.purge_sessions") == 3
        owners = db.session.scalars(select(User.email).join(UserSession, UserSession.user_id == User.id)).all()
    assert owners == ["fresh@example.org"]
    with app.app_context():
        assert perform("auth.purge_sessions") == 0  # twice is harmless


# --- your devices -----------------------------------------------------------------------------------


def test_the_account_page_lists_my_devices(app, make_user):
    make_user()
    make_user("other@example.org")
    signed_in(app, "other@example.org")
    signed_in(app, user_agent=ANDROID)
    laptop = signed_in(app, user_agent=FIREFOX)
    page = laptop.get("/auth/account").get_data(as_text=True)
    assert "Firefox, Windows" in page and "Chrome, Android" in page
    assert page.count("auth/devices/") == 2  # one other device to sign out, and "everywhere"


def test_signing_out_another_device(app, make_user):
    make_user()
    phone = signed_in(app, user_agent=ANDROID)
    laptop = signed_in(app, user_agent=FIREFOX)
    phone_row = next(row for row in session_rows(app) if "Android" in row.user_agent)
    response = laptop.submit(f"/auth/devices/{phone_row.id}/sign-out", page="/auth/account")
    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_nobody_signs_out_someone_elses_device(app, make_user):
    make_user()
    make_user("other@example.org")
    theirs = signed_in(app, "other@example.org")
    mine = signed_in(app)
    (their_row,) = session_rows(app, "other@example.org")
    assert mine.submit(f"/auth/devices/{their_row.id}/sign-out", page="/auth/account").status_code == 404
    assert is_signed_in(theirs)


def test_sign_out_everywhere_ends_every_session(app, make_user):
    make_user()
    phone = signed_in(app, user_agent=ANDROID)
    laptop = signed_in(app, user_agent=FIREFOX)
    response = laptop.submit("/auth/devices/sign-out-everywhere", page="/auth/account")
    assert response.headers["Location"] == "/auth/login"
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert session_rows(app) == []


# --- two processes without Redis ---------------------------------------------------------------------


def copy_session(source, target):
    cookie = source.client.get_cookie("session")
    target.client.set_cookie("session", cookie.value)


def test_without_redis_a_logout_reaches_another_process_within_a_second(make_app, make_user):
    first = make_app(SESSION_LOCAL_CACHE_SECONDS=1.0)
    second = make_app(SESSION_LOCAL_CACHE_SECONDS=1.0)
    make_user()
    here = signed_in(first)
    there = Browser(second.test_client())
    copy_session(here, there)
    assert is_signed_in(there)  # cached in the second process now
    here.logout()
    assert not is_signed_in(here)
    import time

    time.sleep(1.05)
    assert not is_signed_in(there)


def test_a_parents_group_page_asks_nothing_about_organisations(app, make_user):
    from community.groups import service

    leader_id = make_user("leader@example.org")
    with work(app):
        group = service.create_group(db.session.get(User, leader_id), "Круг", "Казань", "О нас", "Пишите", "open")
        db.session.add(Post(group_id=group.id, author_id=leader_id, kind="discussion", title="Про лето", body="Едем?"))
        slug = group.slug
    browser = signed_in(app, "leader@example.org")
    browser.get(f"/groups/{slug}/")
    statements = []
    with app.app_context():
        engine = db.engine
    record = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert browser.get(f"/groups/{slug}/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    mine = [s for s in statements if "FROM organisation JOIN specialist" in s or "WHERE specialist.user_id" in s]
    assert mine == [], "the organisations I work for come with the session"
    assert not [s for s in statements if "FROM notification" in s]
    assert not [s for s in statements if "FROM block" in s], "whom I blocked comes with the session"
