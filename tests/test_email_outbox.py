"""Emails go through the outbox: written with the change, delivered after commit, retried."""

import logging

from sqlalchemy import select

from community.extensions import db
from community.notifications.models import PENDING, SENT, OutboxMessage
from tests.conftest import Browser, free_port


def outbox(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_email_is_delivered_by_smtp_after_the_request(app, make_user, mailbox):
    make_user()
    Browser(app.test_client()).submit("/auth/forgot", {"email": "parent@example.org"})
    [message] = mailbox.to("parent@example.org")
    assert message.get_body(preferencelist=("html",)) is not None
    assert message.get_body(preferencelist=("plain",)) is not None
    [row] = outbox(app)
    assert row.status == SENT and row.sent_at is not None


def test_a_failing_mail_server_never_fails_the_request_and_loses_nothing(
    make_app, make_user, mailbox, smtp_server, runner
):
    dead_port = free_port()
    broken = make_app(MAIL_PORT=dead_port)
    make_user()
    response = Browser(broken.test_client()).submit("/auth/forgot", {"email": "parent@example.org"})
    assert response.status_code == 200
    [row] = outbox(broken)
    assert row.status == PENDING and row.attempts == 1 and row.last_error
    assert mailbox.messages == []

    # Later, with the server back, cron delivers it (once the retry is due).
    with broken.app_context():
        row = db.session.get(OutboxMessage, row.id)
        row.next_attempt_at = row.created_at
        db.session.commit()
    controller, _ = smtp_server
    healthy = make_app(MAIL_PORT=controller.port)
    result = healthy.test_cli_runner().invoke(args=["send-outbox"])
    assert "sent 1, failed 0" in result.output
    assert len(mailbox.to("parent@example.org")) == 1
    # Running it again sends nothing twice.
    assert "sent 0" in healthy.test_cli_runner().invoke(args=["send-outbox"]).output
    assert len(mailbox.to("parent@example.org")) == 1


def test_without_mail_server_the_email_and_its_links_go_to_the_log(make_app, make_user, mailbox, caplog):
    app = make_app(MAIL_SERVER="")
    make_user()
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        Browser(app.test_client()).submit("/auth/forgot", {"email": "parent@example.org"})
    assert "http://localhost/auth/reset/" in caplog.text
    assert mailbox.messages == []
    [row] = outbox(app)
    assert row.status == SENT


def test_email_is_written_in_the_recipients_language(app, make_user, mailbox):
    make_user(locale="en")
    Browser(app.test_client()).submit("/auth/forgot", {"email": "parent@example.org"})
    [message] = mailbox.to("parent@example.org")
    assert message["Subject"] == "Choose a new password for Krug"
    make_user("ru@example.org", locale="ru")
    Browser(app.test_client()).submit("/auth/forgot?lang=en", {"email": "ru@example.org"})
    [message] = mailbox.to("ru@example.org")
    assert "пароль" in message["Subject"]


def test_an_email_queued_in_a_rolled_back_transaction_is_never_sent(app, make_user, mailbox):
    from community import email
    from community.auth.models import User
    from community.jobs import release_committed

    make_user()
    with app.app_context():
        user = db.session.scalar(select(User))
        email.send("password_changed", user)
        db.session.rollback()
        release_committed()
    assert outbox(app) == []
    assert mailbox.messages == []
