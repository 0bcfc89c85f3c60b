"""Fixtures: the app on a temporary SQLite file (and on PostgreSQL when TEST_DATABASE_URL
is set), a real SMTP server on loopback, and factories for users."""

import os
import re
import socket
import tempfile
import threading
from contextlib import contextmanager
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from jinja2 import FileSystemBytecodeCache
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

import config as settings
from community import create_app
from community.auth.models import User
from community.extensions import db
from community.jobs import release_committed
from community.models import utcnow

PASSWORD = "a long walk in the park"


def _reuse_url_builders():
    """Every test builds an app, and Werkzeug writes and compiles two Python functions for
    each of its ~190 URL rules (0.07 s an app, minutes a run). A builder depends only on the
    rule's text, its parts and its defaults: the run compiles each once and reuses it."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    built = {}

    def reused(self, append_unknown=True):
        try:
            key = (self.rule, tuple(self._trace), tuple(sorted((self.defaults or {}).items())), append_unknown)
            hash(key)
        except TypeError:  # a default that cannot be a key: build it as Werkzeug does
            return compile_builder(self, append_unknown)
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    Rule._compile_builder = reused


_reuse_url_builders()
JINJA_CACHE = FileSystemBytecodeCache(tempfile.mkdtemp(prefix="krug-jinja-"))


# --- a real SMTP server ----------------------------------------------------------------


class Mailbox:
    """Collects every email our SMTP server receives, as parsed messages."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message):
        return message.get_body(preferencelist=("html",)).get_content()

    def links(self, message):
        return re.findall(r"https?://\S+", self.text(message))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    _, box = smtp_server
    box.clear()
    return box


# --- databases ----------------------------------------------------------------------------


def _worker_database(url):
    """Under pytest-xdist each worker gets a database of its own beside TEST_DATABASE_URL's
    (`krug_ci_1_gw0`, ...), created on first use: workers never see each other's rows."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base, _, name = url.rpartition("/")
    return f"{base}/{name}_{worker}"


PG_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))
WORKER_DATABASE = os.environ.get("TEST_DATABASE_URL") != PG_URL  # this worker creates and drops its own
DATABASES = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set")),
]


@pytest.fixture(scope="session")
def pg_schema():
    """Create the schema once per run on the PostgreSQL test database."""
    url = settings.database_url(PG_URL)
    if WORKER_DATABASE:
        _create_database(url)
    app = create_app({**settings.TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        tables = [t.name for t in db.metadata.sorted_tables]
        db.engine.dispose()
    yield url, tables
    if WORKER_DATABASE:
        _drop_database(url)


def _on_server(url, *statements):
    """Run statements about the database `url` names, through the server's `postgres` database."""
    base, _, name = url.rpartition("/")
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement.format(name=name)))
    engine.dispose()


def _create_database(url):
    _on_server(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', 'CREATE DATABASE "{name}"')


def _drop_database(url):
    _on_server(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


MANY_ROWS = 1000  # past this, deleting row by row (with foreign keys checked) is slower than TRUNCATE


class _TooManyRows(Exception):
    pass


def truncate_all(url, tables):
    """Empty the PostgreSQL test database after a test. TRUNCATE of every table costs about
    0.2 s (new files for 50 tables); a test fills a handful, so one query finds the tables
    holding rows, they are emptied children first, and the sequences used are reset (as
    RESTART IDENTITY would). A big test's rows (a simulated year: 38 s of DELETE) and anything
    unexpected fall back to the full TRUNCATE."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL synchronous_commit = off"))
            # the models' own table names, never input
            probes = [
                f"SELECT '{t}', count(*) FROM (SELECT 1 FROM \"{t}\" LIMIT {MANY_ROWS}) AS x"  # noqa: S608
                for t in tables
            ]
            counts = dict(conn.execute(text(" UNION ALL ".join(probes))).all())
            if max(counts.values(), default=0) >= MANY_ROWS:
                raise _TooManyRows
            filled = {table for table, count in counts.items() if count}
            for table in reversed(tables):
                if table in filled:
                    conn.execute(text(f'DELETE FROM "{table}"'))  # noqa: S608
            used = conn.execute(
                text(
                    "SELECT sequencename FROM pg_sequences "
                    "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                )
            ).scalars()
            for sequence in list(used):
                conn.execute(text("SELECT setval(CAST(:name AS regclass), 1, false)"), {"name": f'"{sequence}"'})
    except (DBAPIError, _TooManyRows):
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'krug-test.sqlite'}"
    else:
        url, tables = request.getfixturevalue("pg_schema")
        yield url
        truncate_all(url, tables)


class BufferedClient(FlaskClient):
    """The test client, reading each response to its end as a browser does; so the work the
    app runs after a response (without Redis, in-process jobs such as email delivery) is
    done when the call returns, as it is by the time a person looks."""

    def open(self, *args, buffered=True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


@contextmanager
def work(app):
    """A unit of work outside a request, as a CLI command or a job runs one: commit at the
    end, then the jobs it registered (in-process without Redis)."""
    with app.app_context():
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        release_committed()


@pytest.fixture
def make_app(database_url, smtp_server):
    """A factory: build an app on this test's database with extra settings."""
    controller, _ = smtp_server
    apps, created = [], []

    def _make(**overrides):
        app = create_app(
            {
                **settings.TEST_SETTINGS,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": controller.port,
                **overrides,
            }
        )
        app.jinja_env.bytecode_cache = JINJA_CACHE  # each test builds an app: compile templates once
        app.test_client_class = BufferedClient
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        if uri == database_url and uri.startswith("sqlite") and not created:
            with app.app_context():
                db.create_all()
            created.append(uri)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app, mailbox):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories and helpers -----------------------------------------------------------


@pytest.fixture
def make_user(app):
    """Create a user straight in the database: `make_user("ann@x.ru", verified=True)`."""
    from community.auth.service import hash_password

    def _make(email="parent@example.org", name="Анна", password=PASSWORD, verified=True, **fields):
        with app.app_context():
            user = User(
                email=email,
                display_name=name,
                password_hash=hash_password(password),
                email_verified_at=utcnow() if verified else None,
                consent_at=utcnow(),
                consent_version=app.config["CONSENT_VERSION"],
                **fields,
            )
            db.session.add(user)
            db.session.commit()
            return user.id

    return _make


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_from(html):
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """Drives the test client like a person: open a page, fill its form, send it."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url, data=None, page=None, follow_redirects=False, **kwargs):
        """POST `data` to `url` with the CSRF token taken from `page` (default: `url`)."""
        html = self.client.get(page or url).get_data(as_text=True)
        payload = {"csrf_token": csrf_from(html), **(data or {})}
        return self.client.post(url, data=payload, follow_redirects=follow_redirects, **kwargs)

    def login(self, email="parent@example.org", password=PASSWORD):
        response = self.submit("/auth/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def logout(self):
        return self.submit("/auth/logout", page="/auth/account")


@pytest.fixture
def browser(client):
    return Browser(client)
