"""One transaction per unit of work, and the work that follows a commit.

A unit of work is a request, a CLI command or a job. Services change and flush; the unit
commits once, here. Work that must follow the commit (email delivery, fan-out of
notices, snapshots) is registered during the transaction with `after_commit(name, *args)`
and runs only if the transaction commits:

- with `REDIS_URL` set, on the RQ queue that `flask --app wsgi worker` drains;
- without it (`make run`), in this process: after the response is sent, or, outside a
  request, right after the command's commit.

Jobs are registered by name with `@job("feature.verb")` and take JSON-friendly arguments
(ids, not objects): each runs in its own app context and transaction.
"""

import functools
import logging

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from community.extensions import db

log = logging.getLogger(__name__)

AFTER_RESPONSE = "krug.after_response"
JOBS = {}
_PENDING, _COMMITTED = "jobs_pending", "jobs_committed"


def job(name):
    """Register a function as the job `name` (the queue stores names, never code)."""

    def register(func):
        JOBS[name] = func
        return func

    return register


def after_commit(name, *args):
    """Run the job `name(*args)` once the current transaction commits; never if it rolls back."""
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}")
    db.session.info.setdefault(_PENDING, []).append((name, args))


@event.listens_for(Session, "after_commit")
def _keep_committed(session):
    if session.in_nested_transaction():  # a savepoint was released: the outer transaction may still roll back
        return
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_COMMITTED, []).extend(pending)


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session):
    if session.in_nested_transaction():  # a savepoint rolled back: the outer transaction's jobs still stand
        return
    session.info.pop(_PENDING, None)


# --- the boundaries: a request, a command, a job ----------------------------------------------


def commit_request(response):
    """`after_request`: commit the request's one transaction (rolled back on a server error),
    then hand the jobs it registered to the queue, or run them after the response."""
    if response.status_code >= 500 or g.get("_rollback"):
        db.session.rollback()
        return response
    session = db.session()
    # The page is rendered: nothing reads this request's objects again, so the commit need
    # not expire each of them (a page of 20 posts with their authors holds 40).
    session.expire_on_commit = False
    try:
        session.commit()
    except Exception:
        session.rollback()
        current_app.logger.exception("commit failed")
        from community.main.errors import render_error

        response = current_app.make_response(render_error(500))
    finally:
        session.expire_on_commit = True
    release_committed(response)
    return response


def unit_of_work(func):
    """For CLI commands: one commit when the command succeeds, then its jobs."""

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        try:
            result = func(*args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        release_committed()
        return result

    return wrapped


def release_committed(response=None):
    """Send the jobs of committed transactions on their way."""
    committed = db.session.info.pop(_COMMITTED, None)
    if not committed:
        return
    app = current_app._get_current_object()
    queue = get_queue(app)
    if queue is not None:
        try:
            for name, args in committed:
                enqueue(queue, name, args)
            return
        except Exception:  # Redis unreachable: do the work here rather than lose it
            app.logger.exception("job queue unreachable; running %d jobs in this process", len(committed))
    if response is not None and has_request_context():
        request.environ.setdefault(AFTER_RESPONSE, []).append(functools.partial(run_in_process, app, committed))
    else:
        run_in_process(app, committed)


class AfterResponse:
    """WSGI middleware: once the last byte of the body is handed to the server, run the
    in-process work the request left in its environ (servers differ in whether they call
    `close()` when a client hangs up, but all of them finish iterating the body)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        body = self.wsgi_app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()
            for work in environ.pop(AFTER_RESPONSE, ()):
                work()


def run_in_process(app, jobs):
    """Run jobs one after another, each in its own app context and transaction."""
    for name, args in jobs:
        try:
            with app.app_context():
                perform(name, *args)
        except Exception:
            app.logger.exception("job %s failed", name)


def perform(name, *args):
    """The entry point of every job (RQ calls it by its dotted path): run `name` in a fresh
    app context, commit once, then release the jobs it registered."""
    app = current_app._get_current_object()
    with app.app_context():
        try:
            result = JOBS[name](*args)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        release_committed()
        return result


# --- the RQ queue -------------------------------------------------------------------------------


def redis_connection(app=None):
    """The process's Redis client for `REDIS_URL`, or None when no Redis is configured."""
    app = app or current_app._get_current_object()
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("krug_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2, health_check_interval=30)
        app.extensions["krug_redis"] = client
    return client


def get_queue(app=None):
    connection = redis_connection(app)
    if connection is None:
        return None
    from rq import Queue

    return Queue((app or current_app).config["RQ_QUEUE"], connection=connection)


def enqueue(queue, name, args):
    from rq import Retry

    return queue.enqueue(
        "community.jobs.perform",
        name,
        *args,
        job_timeout=600,
        retry=Retry(max=2),
        result_ttl=0,
        failure_ttl=7 * 24 * 3600,
        description=name,
    )


def enqueue_now(name, *args):
    """Queue a job outside any transaction (the scheduler); in-process without Redis."""
    app = current_app._get_current_object()
    queue = get_queue(app)
    if queue is None:
        run_in_process(app, [(name, args)])
    else:
        enqueue(queue, name, args)


def take_pending():
    """Take the jobs this transaction has registered so far off it: the caller runs or drops
    them itself (`flask seed-demo`: nobody hears of made-up history)."""
    return db.session.info.pop(_PENDING, [])
