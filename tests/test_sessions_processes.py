"""Two app processes (gunicorn on two ports) on one database: a session started on one is
valid on the other, and ending it on one ends it on the other within a second; with Redis,
the rate limits are shared too."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import redis

from tests.conftest import PASSWORD, free_port
from tests.processes import production_env, start_gunicorn

REDIS_URL = "redis://127.0.0.1:6379/12"
OUR_KEYS = ("LIMITS:LIMITER*", "krug:auth:*")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser: its cookies, sent to whichever process it talks to."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def open(self, url, data=None):
        try:
            with self.opener.open(url, data, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def post(self, url, fields, page):
        _, html = self.open(page)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        return self.open(url, urllib.parse.urlencode({"csrf_token": token, **fields}).encode())

    def login(self, server, email="parent@example.org", password=PASSWORD):
        return self.post(server.url + "/auth/login", {"email": email, "password": password}, server.url + "/auth/login")

    def signed_in_at(self, server):
        return self.open(server.url + "/auth/account")[0] == 200


def until_signed_out(visitor, server, limit=2.0):
    """Seconds until `server` refuses the visitor's session (or `limit` when it never does)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if not visitor.signed_in_at(server):
            return time.monotonic() - started
        time.sleep(0.02)
    return limit


@pytest.fixture
def redis_db():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")

    def clear():
        for pattern in OUR_KEYS:
            keys = client.keys(pattern)
            if keys:
                client.delete(*keys)

    clear()
    yield client
    clear()
    client.close()


class Server:
    """One gunicorn process (tests/processes.py) on a port of its own."""

    def __init__(self, env):
        self.env, self.port = env, free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.process = start_gunicorn(self.env, self.port)
        return self

    def __exit__(self, *exc):
        self.process.stop()


def two_processes(database_url, redis_url, smtp_server):
    controller, _ = smtp_server
    env = production_env(database_url, redis_url, controller.port)
    return Server(env), Server(env)


def test_with_redis_sessions_and_rate_limits_are_shared_by_two_processes(
    app, make_user, database_url, redis_db, smtp_server
):
    if not database_url.startswith("postgresql"):
        pytest.skip("the multi-process set-up of production: PostgreSQL and Redis")
    make_user()
    one, two = two_processes(database_url, REDIS_URL, smtp_server)
    with one, two:
        browser = Visitor()
        assert browser.login(one)[0] == 302
        assert browser.signed_in_at(two), "a session started on one process is valid on the other"
        assert browser.signed_in_at(one)
        assert redis_db.keys("krug:auth:s:*"), "the session is cached in Redis"

        status, _ = browser.post(one.url + "/auth/logout", {}, one.url + "/auth/account")
        assert status == 302
        assert until_signed_out(browser, two) < 1.0, "logging out on one ends the session on the other"

        phone, laptop = Visitor(), Visitor()
        phone.login(two)
        laptop.login(one)
        assert phone.signed_in_at(one) and laptop.signed_in_at(two)
        laptop.post(two.url + "/auth/devices/sign-out-everywhere", {}, two.url + "/auth/account")
        assert until_signed_out(phone, one) < 1.0
        assert until_signed_out(laptop, one) < 1.0

        # 5 failed logins a minute per address, counted across both processes.
        attacker = Visitor()
        statuses = [
            attacker.login(server, "victim@example.org", "not the password")[0]
            for server in (one, two, one, two, one, two)
        ]
        assert statuses == [200, 200, 200, 200, 200, 429]


def test_without_redis_a_logout_reaches_the_other_process_within_a_second(app, make_user, database_url, smtp_server):
    make_user()
    one, two = two_processes(database_url, "", smtp_server)
    with one, two:
        browser = Visitor()
        assert browser.login(one)[0] == 302
        assert browser.signed_in_at(two)
        browser.post(one.url + "/auth/logout", {}, one.url + "/auth/account")
        assert not browser.signed_in_at(one)
        assert until_signed_out(browser, two) <= 1.1
