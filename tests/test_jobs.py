"""The unit of work: one commit per request, command or job; jobs run only after a commit;
every rule error has its message."""

import re
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from community import errors
from community.auth.models import User
from community.extensions import db
from community.jobs import JOBS, after_commit, job, release_committed
from community.scheduler import SCHEDULE, tick
from tests.conftest import Browser

ROOT = Path(__file__).resolve().parent.parent
RAN = []


@job("test.remember")
def remember(value):
    RAN.append(value)


@pytest.fixture(autouse=True)
def _clean():
    RAN.clear()
    yield
    RAN.clear()


def test_a_job_runs_after_the_commit_and_never_after_a_rollback(app):
    with app.app_context():
        after_commit("test.remember", "kept")
        assert RAN == []  # not before the commit
        db.session.commit()
        release_committed()
        after_commit("test.remember", "dropped")
        db.session.rollback()
        release_committed()
    assert RAN == ["kept"]


def test_a_savepoint_neither_releases_nor_drops_the_jobs_of_its_transaction(app):
    with app.app_context():
        after_commit("test.remember", "before")
        with db.session.begin_nested():
            after_commit("test.remember", "inside")
        release_committed()
        assert RAN == []  # the outer transaction has not committed
        try:
            with db.session.begin_nested():
                raise ValueError
        except ValueError:
            pass
        db.session.rollback()
        release_committed()
        assert RAN == []  # ...and now it rolled back: nothing runs
        after_commit("test.remember", "kept")
        with db.session.begin_nested():
            pass
        db.session.commit()
        release_committed()
    assert RAN == ["kept"]


def test_an_unknown_job_is_refused_at_once(app):
    with app.app_context(), pytest.raises(KeyError):
        after_commit("no.such.job")


def test_a_refused_action_saves_nothing_of_the_request(app, make_user, browser):
    """A refused email change (a wrong password) leaves the address as it was and queues no email."""
    make_user()
    browser.login()
    response = browser.submit("/auth/email", {"email": "new@example.org", "password": "not my password"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User.email).where(User.id == 1)) == "parent@example.org"
        from community.notifications.models import OutboxMessage

        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_server_error_rolls_the_request_back(make_app, make_user):
    app = make_app()
    make_user()

    from community.security import public

    @app.route("/rename-then-crash")
    @public
    def crash():
        db.session.get(User, 1).display_name = "Changed"
        db.session.flush()
        raise RuntimeError("boom")

    assert app.test_client().get("/rename-then-crash").status_code == 500
    with app.app_context():
        assert db.session.get(User, 1).display_name == "Анна"


def test_a_failing_in_process_job_never_breaks_the_response(make_app, make_user, caplog):
    app = make_app()

    @job("test.explode")
    def explode():
        raise RuntimeError("job failed")

    from community.security import public

    @app.route("/queue-a-failing-job")
    @public
    def queue():
        after_commit("test.explode")
        return "queued"

    response = app.test_client().get("/queue-a-failing-job")
    assert response.status_code == 200 and response.get_data(as_text=True) == "queued"
    assert "job test.explode failed" in caplog.text
    del JOBS["test.explode"]


def test_every_rule_error_in_the_code_has_a_message_in_both_languages(app):
    raised = set()
    for path in (ROOT / "community").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        raised |= set(re.findall(r'RuleError\(\s*"([a-z_]+\.[a-z-]+)"(?!\s*\+)', text))
        for prefix in re.findall(r'RuleError\(\s*"([a-z_]+\.[a-z-]*)" \+', text):
            raised |= {code for code in errors.MESSAGES if code.startswith(prefix)}
    assert raised, "no rule errors found: the pattern is out of date"
    missing = raised - set(errors.MESSAGES)
    assert not missing, f"codes without a message in community/errors.py: {sorted(missing)}"
    with app.app_context():
        for code, message in errors.MESSAGES.items():
            with force_locale("ru"):
                russian = str(message)
            with force_locale("en"):
                english = str(message)
            assert russian != english or not re.search("[A-Za-z]{4}", english), f"{code} is not translated"


def test_the_schedule_starts_each_job_once_per_slot(app):
    with app.app_context():
        names = {entry.job for entry in SCHEDULE}
        assert names <= set(JOBS), names - set(JOBS)
        started = tick(now=1_000_000.0)
        assert set(started) == names
        assert tick(now=1_000_000.5) == []


def test_the_worker_without_redis_runs_due_jobs_in_its_process(app, runner, make_user, mailbox):
    """`flask worker --burst` without REDIS_URL: the schedule's jobs run in the process, e.g.
    the outbox sweep sends an email that could not be sent before."""
    from community import email
    from community.notifications.models import SENT, OutboxMessage

    make_user()
    with app.app_context():
        email.send("password_changed", db.session.get(User, 1))
        db.session.info.pop("jobs_pending", None)  # as if the delivery after the commit was lost
        db.session.commit()
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "No REDIS_URL" in result.output
    assert len(mailbox.to("parent@example.org")) == 1
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.status)) == SENT


def test_the_request_commits_once(app, make_user):
    """One COMMIT per request that changes something (the service verbs only flush)."""
    from sqlalchemy import event

    make_user()
    browser = Browser(app.test_client())
    browser.login()
    commits = []
    with app.app_context():
        engine = db.engine
    listener = lambda conn: commits.append(1)  # noqa: E731
    event.listen(engine, "commit", listener)
    try:
        browser.submit(
            "/auth/account",
            {"display_name": "Анна К.", "city": "Казань", "locale": "ru", "timezone": "Europe/Moscow"},
        )
    finally:
        event.remove(engine, "commit", listener)
    assert len(commits) == 2  # the GET of the form (a read) and the POST
