"""The job queue as production runs it: gunicorn app processes and `flask worker` processes
on PostgreSQL and Redis, with a real SMTP server that can hang or be down.

- An announcement to 40 members returns before any email is sent; every member then gets
  exactly one email, delivered by the worker.
- A worker killed in the middle of a batch loses nothing: the next worker delivers the
  rest, and none twice.
- With the mail server down the emails wait in the outbox and go out when it is back.
"""

import asyncio
import threading
import time
import uuid
from collections import Counter
from email import message_from_bytes, policy

import pytest
import redis
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from community.auth.models import User
from community.extensions import db
from community.groups import service as groups
from community.notifications.models import PENDING, SENT, OutboxMessage
from tests.conftest import PASSWORD, PG_URL, free_port, work
from tests.processes import HttpSession, production_env, start_gunicorn, start_worker

pytestmark = pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set (these tests need PostgreSQL)")

MEMBERS = 40
REDIS_URL = "redis://127.0.0.1:6379/0"


class HoldingMailbox:
    """An SMTP handler that can hold the conversation at the Nth recipient, as a mail server
    that hangs would, so a test can kill the worker in the middle of a batch."""

    def __init__(self, hold_at=None):
        self.messages = []
        self.recipients_seen = 0
        self.hold_at = hold_at
        self.holding = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.recipients_seen += 1
            hold = self.recipients_seen == self.hold_at
        if hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def count_by_recipient(self):
        with self.lock:
            return Counter(m["To"] for m in self.messages)


@pytest.fixture
def redis_queue():
    """A queue name of this test's own, so runs that share the Redis server never mix."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    name = f"krug-test-{uuid.uuid4().hex[:8]}"
    yield name
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)
    client.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_announcement_returns_at_once_and_the_worker_sends_one_email_each(
    make_app, make_user, database_url, redis_queue
):
    app = make_app()
    group_slug = _group_of(app, make_user, MEMBERS)
    mailbox = HoldingMailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = production_env(database_url, REDIS_URL, smtp.port, RQ_QUEUE=redis_queue)
    port = free_port()
    web = start_gunicorn({**env, "SERVER_URL": f"http://127.0.0.1:{port}"}, port, workers=2)
    worker = None
    try:
        leader = HttpSession(f"http://127.0.0.1:{port}")
        leader.login("leader@example.org", PASSWORD)
        started = time.monotonic()
        status, url, _ = leader.submit(
            f"/groups/{group_slug}/posts/new",
            {"kind": "announcement", "title": "Встреча в субботу", "body": "Встречаемся в 11:00 в библиотеке."},
        )
        answered_in = time.monotonic() - started
        assert status == 200 and "/posts/" in url
        # No worker runs yet: the request only queued the work; nothing was written or sent.
        assert mailbox.messages == []
        assert _outbox_count(app) == 0

        worker = start_worker(env)
        _wait(lambda: sum(mailbox.count_by_recipient().values()) >= MEMBERS, 60, worker)
        time.sleep(1)  # anything sent twice would arrive now
        counts = mailbox.count_by_recipient()
        assert set(counts) == {f"member{n}@example.org" for n in range(MEMBERS)}
        assert set(counts.values()) == {1}
        assert _outbox_count(app, SENT) == MEMBERS
        assert answered_in < 5
    finally:
        if worker:
            worker.stop()
        web.stop()
        smtp.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    make_app, make_user, database_url, redis_queue
):
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=redis_queue)
    group_slug = _group_of(app, make_user, MEMBERS)
    mailbox = HoldingMailbox(hold_at=12)
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = production_env(database_url, REDIS_URL, smtp.port, RQ_QUEUE=redis_queue, OUTBOX_CLAIM_TIMEOUT=2)
    first = second = None
    try:
        _announce(app, group_slug)
        first = start_worker(env)
        # The mail server hangs on the 12th recipient: the worker is in the middle of the batch.
        assert mailbox.holding.wait(60), first.output()
        assert sum(mailbox.count_by_recipient().values()) == 11
        first.kill()
        mailbox.release.set()
        assert _outbox_count(app, SENT) == 11

        time.sleep(2.5)  # the claim of the message it was sending expires
        second = start_worker(env)
        _wait(lambda: sum(mailbox.count_by_recipient().values()) >= MEMBERS, 60, second)
        time.sleep(1)
        counts = mailbox.count_by_recipient()
        assert len(counts) == MEMBERS and set(counts.values()) == {1}
        assert _outbox_count(app, SENT) == MEMBERS
    finally:
        for process in (first, second):
            if process:
                process.stop()
        smtp.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_with_the_mail_server_down_emails_wait_and_go_out_when_it_is_back(
    make_app, make_user, database_url, redis_queue
):
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=redis_queue)
    group_slug = _group_of(app, make_user, 6)
    smtp_port = free_port()  # nothing listens here yet
    env = production_env(
        database_url,
        REDIS_URL,
        smtp_port,
        RQ_QUEUE=redis_queue,
        OUTBOX_RETRY_SECONDS=1,
        OUTBOX_SWEEP_SECONDS=1,
        SCHEDULER_TICK_SECONDS=1,
    )
    worker = start_worker(env)
    smtp = None
    try:
        _announce(app, group_slug)
        _wait(lambda: _attempted(app) >= 2, 30, worker)
        assert _outbox_count(app, SENT) == 0
        assert _outbox_count(app, PENDING) == 6

        mailbox = HoldingMailbox()
        smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        _wait(lambda: _outbox_count(app, SENT) == 6, 60, worker)
        counts = mailbox.count_by_recipient()
        assert len(counts) == 6 and set(counts.values()) == {1}
    finally:
        worker.stop()
        if smtp:
            smtp.stop()


# --- helpers -----------------------------------------------------------------------------------


def _group_of(app, make_user, size):
    leader = make_user("leader@example.org", name="Анна")
    ids = [make_user(f"member{n}@example.org", name=f"Родитель {n}") for n in range(size)]
    with work(app):
        group = groups.create_group(db.session.get(User, leader), "Круг Казани", "Казань", "О нас", "Пишите", "open")
        for user_id in ids:
            groups.join_group(db.session.get(User, user_id), group)
        return group.slug


def _announce(app, slug):
    """The leader's announcement through the service; the app is on the test's Redis queue,
    so the fan-out and the delivery are left to the worker under test."""
    from community.groups.access import access_for
    from community.groups.feed import create_post
    from community.groups.models import Group

    with work(app):
        leader = db.session.scalar(select(User).where(User.email == "leader@example.org"))
        group = db.session.scalar(select(Group).where(Group.slug == slug))
        create_post(leader, group, access_for(leader, group), "announcement", "Встреча", "В субботу в 11:00.")


def _outbox_count(app, status=None):
    with app.app_context():
        query = select(func.count(OutboxMessage.id))
        if status:
            query = query.where(OutboxMessage.status == status)
        return db.session.scalar(query)


def _attempted(app):
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(OutboxMessage.attempts), 0)))


def _wait(condition, seconds, process):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out; process output:\n{process.output()[-4000:]}")
