"""`send(template, to, **ctx)`: the one way Krug sends email.

The message is rendered in the recipient's language, added to the outbox in the
caller's transaction, and delivered right after that transaction commits. If the
mail server fails, the row stays pending and `flask send-outbox` retries it later.
"""

import smtplib
from datetime import timedelta
from email import policy
from email.utils import parseaddr

from flask import current_app, g, render_template
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from community.extensions import db
from community.models import utcnow
from community.notifications.models import FAILED, PENDING, SENDING, SENT, OutboxMessage

SMTP_POLICY = policy.SMTP.clone(max_line_length=0)
MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=10)


def send(template, to, **context):
    """Queue `email/<template>.{txt,html}` for `to` (a User) in their language.

    The template's first line of the .txt body, prefixed `Subject:`, is the subject.
    """
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
    db.session.info.setdefault("outbox_new", []).append(message.id)
    return message


@event.listens_for(Session, "after_commit")
def _remember_committed(session):
    """Move the ids queued in this transaction to the list that is delivered after commit."""
    new = session.info.pop("outbox_new", None)
    if new:
        session.info.setdefault("outbox_committed", []).extend(new)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session):
    session.info.pop("outbox_new", None)


def deliver_committed():
    """Deliver what this session committed (called after each request and CLI command)."""
    ids = db.session.info.pop("outbox_committed", None)
    if ids:
        deliver(select(OutboxMessage.id).where(OutboxMessage.id.in_(ids)))


def deliver_pending(limit=200):
    """Deliver every message that is due: new, retried after a failure, or stuck mid-send."""
    now = utcnow()
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_at < now - STALE_CLAIM),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return deliver(due)


def deliver(id_query):
    """Claim each message with a conditional update (so two processes never send one twice),
    send it, and record the outcome. Returns (sent, failed) counts."""
    sent = failed = 0
    for message_id in db.session.scalars(id_query).all():
        now = utcnow()
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .where(
                (OutboxMessage.status == PENDING)
                | ((OutboxMessage.status == SENDING) & (OutboxMessage.claimed_at < now - STALE_CLAIM))
            )
            .values(status=SENDING, claimed_at=now)
        ).rowcount
        db.session.commit()
        if not claimed:
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            _transmit(message)
        except Exception as exc:  # any SMTP or network failure: keep the message and retry
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            message.status = FAILED if message.attempts >= MAX_ATTEMPTS else PENDING
            message.next_attempt_at = utcnow() + timedelta(minutes=2**message.attempts)
            current_app.logger.warning("email %s to %s not sent: %s", message.id, message.recipient, exc)
            failed += 1
        else:
            message.status = SENT
            message.sent_at = utcnow()
            message.attempts += 1
            sent += 1
        db.session.commit()
    return sent, failed


def _transmit(message):
    if not current_app.config.get("MAIL_SERVER"):
        current_app.logger.info(
            "Email (no MAIL_SERVER set, so it is logged instead of sent)\nTo: %s\nSubject: %s\n\n%s",
            message.recipient,
            message.subject,
            message.text_body,
        )
        return
    config = current_app.config
    email = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.text_body,
        html=message.html_body,
        sender=config["MAIL_DEFAULT_SENDER"],
    )
    # Flask-Mail builds the message; smtplib sends it with a timeout, which Flask-Mail lacks,
    # so a hanging server cannot hang a request.
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        # Serialise without re-folding: CPython 3.11's folder drops the space between two
        # encoded words of a long subject (python/cpython#92081).
        body = email._message().as_bytes(policy=SMTP_POLICY)
        smtp.sendmail(parseaddr(config["MAIL_DEFAULT_SENDER"])[1], [message.recipient], body)


def after_request_delivery(response):
    """Flask `after_request` hook: deliver this request's committed emails."""
    if not g.get("_outbox_delivering"):
        g._outbox_delivering = True
        try:
            deliver_committed()
        except Exception:  # delivery must never break the response
            current_app.logger.exception("outbox delivery after request failed")
            db.session.rollback()
    return response
