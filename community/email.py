"""`send(template, to, **ctx)`: the one way Krug sends email.

The message is rendered in the recipient's language and added to the outbox in the
caller's transaction; when that transaction commits, one `email.deliver` job delivers the
transaction's messages over one SMTP connection. The outbox is the source of truth: a
message is claimed with a conditional update before it is sent, so two workers never send
it twice, and what a failing mail server or a killed worker leaves behind is picked up by
the `email.deliver_due` job that the scheduler runs every minute (or `flask send-outbox`).
"""

import smtplib
from contextlib import contextmanager
from datetime import timedelta
from email import policy
from email.utils import parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import delete, event, or_, select, update
from sqlalchemy.orm import Session

from community.extensions import db
from community.jobs import after_commit, job
from community.logs import KEEP_PERSONAL_DATA
from community.models import utcnow
from community.notifications.models import FAILED, PENDING, SENDING, SENT, OutboxMessage
from community.urls import server_host

SMTP_POLICY = policy.SMTP.clone(max_line_length=0)
MAX_ATTEMPTS = 8
_BATCH = "outbox_batch"
_HELD = "outbox_held"


def send(template, to, **context):
    """Queue `email/<template>.{txt,html}` for `to` (a User) in their language.

    The template's first line of the .txt body, prefixed `Subject:`, is the subject. A member
    without an account (no address, community/offline) is never emailed, nor anyone while
    email is `held()`: None.
    """
    if not getattr(to, "email", None) or db.session.info.get(_HELD):
        return None
    with force_locale(getattr(to, "locale", None) or "ru"):
        text = render_template(f"email/{template}.txt", recipient=to, **context)
        html = render_template(f"email/{template}.html", recipient=to, **context)
    subject, _, body = text.partition("\n")
    message = OutboxMessage(
        recipient=to.email,
        subject=subject.removeprefix("Subject:").strip()[:200],
        text_body=body.lstrip("\n"),
        html_body=html,
    )
    db.session.add(message)
    db.session.flush()
    batch = db.session.info.get(_BATCH)
    if batch is None:
        # One delivery job per transaction; it sees every id appended before the commit.
        batch = db.session.info[_BATCH] = []
        after_commit("email.deliver", batch)
    batch.append(message.id)
    return message


@contextmanager
def held():
    """No email is written inside this block (`flask seed-demo`: the demo's made-up history is
    nobody's news, and its addresses are not real ones)."""
    db.session.info[_HELD] = True
    try:
        yield
    finally:
        db.session.info.pop(_HELD, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _new_batch(session):
    session.info.pop(_BATCH, None)


@job("email.deliver")
def deliver_batch(ids):
    """Deliver the messages one transaction queued (the job `send` registers)."""
    return deliver(select(OutboxMessage.id).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id))


@job("email.deliver_due")
def deliver_due():
    """The scheduler's sweep: retries, and messages a stopped worker left behind."""
    return deliver_pending()


SENT_KEPT = timedelta(days=7)
FAILED_KEPT = timedelta(days=30)


@job("email.purge")
def purge_delivered(now=None):
    """Copies of emails are kept only while delivery needs them: a sent one for 7 days (to
    answer "did it go?"), one that could not be delivered for 30. Returns how many went."""
    now = now or utcnow()
    return db.session.execute(
        delete(OutboxMessage).where(
            ((OutboxMessage.status == SENT) & (OutboxMessage.sent_at < now - SENT_KEPT))
            | ((OutboxMessage.status == FAILED) & (OutboxMessage.created_at < now - FAILED_KEPT))
        )
    ).rowcount


def _claim_timeout():
    return timedelta(seconds=current_app.config["OUTBOX_CLAIM_TIMEOUT"])


def deliver_pending(limit=200):
    """Deliver every message that is due: new, retried after a failure, or stuck mid-send."""
    now = utcnow()
    stale = now - _claim_timeout()
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_at < stale),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return deliver(due)


def deliver(id_query):
    """Claim each message with a conditional update (so two processes never send one twice),
    send it over one SMTP connection for the whole batch, and record the outcome; each step
    is committed at once, as the outbox is its own record of what was sent. A connection
    that fails stops the batch: the rest wait for the next sweep. Returns (sent, failed)."""
    sent = failed = 0
    with _Transport(current_app.config) as transport:
        for message_id in db.session.scalars(id_query).all():
            message = _claim(message_id)
            if message is None:
                continue
            try:
                transport.send(message)
            except Exception as exc:  # any SMTP or network failure: keep the message and retry
                _failed(message, exc)
                failed += 1
                if transport.broken:
                    break
            else:
                message.status, message.sent_at = SENT, utcnow()
                message.attempts += 1
                db.session.commit()
                sent += 1
    return sent, failed


def _claim(message_id):
    now = utcnow()
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .where(
            (OutboxMessage.status == PENDING)
            | ((OutboxMessage.status == SENDING) & (OutboxMessage.claimed_at < now - _claim_timeout()))
        )
        .values(status=SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(OutboxMessage, message_id) if claimed else None


def _failed(message, exc):
    db.session.refresh(message)
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    message.status = FAILED if message.attempts >= MAX_ATTEMPTS else PENDING
    base = current_app.config["OUTBOX_RETRY_SECONDS"]
    message.next_attempt_at = utcnow() + timedelta(seconds=base * 2 ** (message.attempts - 1))
    db.session.commit()
    # The kind of failure only: a server's refusal quotes the recipient's address.
    current_app.logger.warning("email %s not sent (attempt %s): %s", message.id, message.attempts, type(exc).__name__)


class _Transport:
    """One SMTP connection, opened on the first message and closed at the end of the batch.
    Without MAIL_SERVER, messages are written to the log instead."""

    def __init__(self, config):
        self.config = config
        self.smtp = None
        self.broken = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except Exception:  # the server went away; nothing left to tell it
                self.smtp.close()
        return False

    def _connect(self):
        config = self.config
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        # A timeout on every operation: a hanging server cannot hang a worker for long.
        smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return smtp

    def send(self, message):
        config = self.config
        if not config.get("MAIL_SERVER"):
            # Written to the log instead. Only `make run` (development) keeps the address and the
            # links, so a trial can follow them; anywhere else the log filter masks both.
            current_app.logger.info(
                "Email (no MAIL_SERVER set, so it is logged instead of sent)\nTo: %s\nSubject: %s\n\n%s",
                message.recipient,
                message.subject,
                message.text_body,
                extra={KEEP_PERSONAL_DATA: config.get("KRUG_ENV") == "development"},
            )
            return
        email = Message(
            subject=message.subject,
            recipients=[message.recipient],
            body=message.text_body,
            html=message.html_body,
            sender=config["MAIL_DEFAULT_SENDER"],
        )
        # The same Message-ID on every attempt, so a receiving server can drop a repeat.
        email.msgId = f"<krug-outbox-{message.id}-{int(message.created_at.timestamp())}@{server_host() or 'krug'}>"
        # Serialise without re-folding: CPython 3.11's folder drops the space between two
        # encoded words of a long subject (python/cpython#92081).
        body = email._message().as_bytes(policy=SMTP_POLICY)
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.sendmail(parseaddr(config["MAIL_DEFAULT_SENDER"])[1], [message.recipient], body)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
            raise  # the server refused this one message; the connection is still good
        except Exception:
            self.broken = True
            if self.smtp is not None:
                self.smtp.close()
                self.smtp = None
            raise
