"""The periodic jobs, and the one scheduler that starts them.

`flask --app wsgi worker` ticks this schedule every few seconds beside draining the queue.
Each run is claimed once per time slot in Redis (`SET NX`), so several workers never start
the same run twice; and every job is idempotent, so a run repeated by cron or by hand is
harmless. Without Redis, the worker runs the jobs in its own process.
"""

import time
from dataclasses import dataclass

from flask import current_app

from community.jobs import enqueue_now, redis_connection


@dataclass(frozen=True)
class Every:
    job: str
    seconds: int | str  # a number, or the name of the setting that holds it
    why: str

    def interval(self, config):
        return int(config[self.seconds]) if isinstance(self.seconds, str) else self.seconds


SCHEDULE = (
    Every("email.deliver_due", "OUTBOX_SWEEP_SECONDS", "retry emails not delivered yet, and any a stopped worker left"),
    Every("email.purge", 24 * 3600, "delete copies of emails sent over 7 days ago (failed: 30 days)"),
    Every("events.send_reminders", 300, "email people 24 hours before an event they are going to"),
    Every("auth.purge_sessions", 3600, "delete the rows of sessions past their idle timeout or lifetime"),
    Every("help.nudge", 3600, "flag unanswered needs, ask about old requests, close very old ones"),
    Every("health.snapshot", 24 * 3600, "store last month's community-health snapshot of every group"),
    Every("notifications.digest", 3600, "email the daily and weekly digests due, once per person and period"),
    Every("claims.sweep_receipts", 24 * 3600, "delete receipt files no cost claim refers to any more"),
    Every("series.generate", 6 * 3600, "create the meetings of regular series for the next three months"),
    Every("surveys.repeat", 24 * 3600, "send the next round of each quarterly survey a quarter after the last"),
    Every("surveys.taking_part", 24 * 3600, "send “How did taking part feel?” to the people of ended opportunities"),
)


def tick(now=None):
    """Start every job whose slot has come and was not started yet; returns their names."""
    now = time.time() if now is None else now
    started = []
    for entry in SCHEDULE:
        seconds = entry.interval(current_app.config)
        if _claim(entry, int(now // seconds), seconds):
            enqueue_now(entry.job)
            started.append(entry.job)
    return started


def _claim(entry, slot, seconds):
    app = current_app._get_current_object()
    connection = redis_connection(app)
    if connection is not None:
        key = f"{app.config['RQ_QUEUE']}:schedule:{entry.job}:{slot}"
        return bool(connection.set(key, "1", nx=True, ex=seconds * 2))
    seen = app.extensions.setdefault("krug_schedule", {})
    if seen.get(entry.job) == slot:
        return False
    seen[entry.job] = slot
    return True


def run_forever(app, stop):
    """The scheduler loop (a thread of the worker): tick until `stop` is set."""
    while not stop.is_set():
        try:
            with app.app_context():
                tick()
        except Exception:  # Redis or the database briefly away: try again next tick
            app.logger.exception("scheduler tick failed")
        stop.wait(app.config["SCHEDULER_TICK_SECONDS"])
