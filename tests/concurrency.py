"""Racing helpers: release several units of work at the same moment (threads behind a
barrier, each in its own transaction), as simultaneous requests would run."""

import threading
import time
from contextlib import contextmanager

from sqlalchemy import event

from community.extensions import db
from tests.conftest import work


def run_together(app, func, args):
    """Start one thread per argument, release them all at once, and return the errors."""
    barrier = threading.Barrier(len(args))
    errors = []

    def worker(arg):
        barrier.wait()
        try:
            with work(app):
                func(arg)
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(arg,)) for arg in args]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def codes(errors):
    """The rule codes of the refusals (anything else is shown as itself, to fail loudly)."""
    return sorted(getattr(e, "code", None) or repr(e) for e in errors)


@contextmanager
def slow_after(app, fragment, seconds=0.3):
    """Pause after every SQL statement containing `fragment`: widens the window between a
    check and the change that follows it, as a loaded database server would."""
    with app.app_context():
        engine = db.engine

    def pause(conn, cursor, statement, parameters, context, executemany):
        if fragment in statement:
            time.sleep(seconds)

    event.listen(engine, "after_cursor_execute", pause)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", pause)
