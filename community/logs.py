"""No personal data in log lines.

Every line Krug (and the servers around it) logs passes through `RedactPersonalData`: email
addresses, password hashes and the secret parts of links (calendar feeds, password-reset,
confirmation and invitation links) are masked, in the message and in any traceback. SQL
parameters never reach a log line in the first place: the engine is built with
`hide_parameters=True` (config.py), so a database error shows the statement only.
"""

import logging
import re
import traceback

# (pattern, replacement): applied in this order to every message and traceback.
_MASKS = [
    (re.compile(r"\b(?:pbkdf2|scrypt|argon2)[:$][^\s'\",)]+"), "[password hash]"),
    (re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)"), r"***@\1"),
    (re.compile(r"(/calendar/)[^/\s\"'?]+(\.ics)"), r"\1***\2"),
    (re.compile(r"(/auth/(?:reset|verify|email/confirm)/)[^/\s\"'?]+"), r"\1***"),
    (re.compile(r"(/orgs/invitations/)[^/\s\"'?]+"), r"\1***"),
]
LOGGERS = ("community", "werkzeug", "rq.worker", "gunicorn.error", "gunicorn.access")
# `extra={KEEP_PERSONAL_DATA: True}`: the one record left as it is (an email written to the
# terminal by `make run`, whose links a trial must follow). Never set outside development.
KEEP_PERSONAL_DATA = "krug_keep_personal_data"


def redact(text):
    """`text` with addresses, password hashes and secret link parts masked."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalData(logging.Filter):
    """A logging filter that rewrites each record (message and traceback) through `redact`."""

    def filter(self, record):
        if getattr(record, KEEP_PERSONAL_DATA, False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: keep what it said, masked
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), None
        if record.exc_info:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install(app):
    """Put the filter on the app's logger and on those of the servers that run it (once)."""
    for name in (app.logger.name, *LOGGERS):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPersonalData) for f in logger.filters):
            logger.addFilter(RedactPersonalData())
