"""No personal data in log lines (issue #12, finding 7): database errors show no values,
failed emails no addresses, and secret links are masked wherever a server logs a path."""

import logging
import re

import pytest
from aiosmtpd.controller import Controller
from flask import abort

from community.auth.models import User
from community.extensions import db
from community.models import utcnow
from community.security import public
from tests.conftest import PASSWORD, Browser, free_port

SECRET = "secret.person@example.org"


def crash_route(app):
    """A page that breaks the unique email rule with a second account for SECRET."""

    @public
    def crash():
        existing = db.session.query(User).filter_by(email=SECRET).one()
        db.session.add(
            User(
                email=SECRET,
                display_name="Тайна",
                password_hash=existing.password_hash,
                consent_at=utcnow(),
                consent_version="x",
            )
        )
        db.session.flush()
        abort(500)

    app.add_url_rule("/crash-for-test", view_func=crash)


def test_a_database_error_logs_neither_values_nor_addresses(make_app, make_user, mailbox, caplog):
    app = make_app()
    crash_route(app)
    make_user(SECRET)
    with app.app_context():
        password_hash = db.session.query(User.password_hash).filter_by(email=SECRET).scalar()
    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/crash-for-test")
    assert response.status_code == 500
    assert "IntegrityError" in caplog.text  # the error is logged...
    assert SECRET not in caplog.text  # ...without the address,
    assert password_hash not in caplog.text and password_hash.split("$")[-1] not in caplog.text  # the hash,
    assert "[parameters:" not in caplog.text  # or any other value of the statement


class Refusing:
    """An SMTP server that refuses every recipient, quoting the address as real ones do."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


def test_an_email_that_fails_logs_no_address(make_app, make_user, caplog):
    controller = Controller(Refusing(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app = make_app(MAIL_PORT=controller.port)
        make_user(SECRET)
        with caplog.at_level(logging.INFO):
            Browser(app.test_client()).submit("/auth/forgot", {"email": SECRET})
    finally:
        controller.stop()
    ours = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")
    )  # not the test server's
    assert "not sent" in ours
    assert SECRET not in ours


def test_outside_development_a_logged_email_shows_neither_address_nor_link(make_app, make_user, caplog):
    app = make_app(MAIL_SERVER="")
    make_user(SECRET)
    with caplog.at_level(logging.INFO):
        Browser(app.test_client()).submit("/auth/forgot", {"email": SECRET})
    assert "/auth/reset/***" in caplog.text
    assert SECRET not in caplog.text
    assert not re.search(r"/auth/reset/[A-Za-z0-9_-]{10,}", caplog.text)


def test_make_run_writes_the_email_with_its_link_to_the_terminal(make_app, make_user, caplog):
    app = make_app(MAIL_SERVER="", KRUG_ENV="development")
    make_user(SECRET)
    with caplog.at_level(logging.INFO):
        Browser(app.test_client()).submit("/auth/forgot", {"email": SECRET})
    assert SECRET in caplog.text
    assert re.search(r"/auth/reset/[A-Za-z0-9_.-]{10,}", caplog.text)


@pytest.mark.parametrize(
    "line, secret",
    [
        ('"GET /calendar/Zx81_secret-Feed.ics HTTP/1.1" 200', "Zx81_secret-Feed"),
        ('"GET /auth/reset/eyJ1aWQiOjF9.abc.def HTTP/1.1" 302', "eyJ1aWQiOjF9.abc.def"),
        ('"GET /auth/verify/eyJ1aWQiOjF9.abc.def HTTP/1.1" 302', "eyJ1aWQiOjF9.abc.def"),
        ('"GET /auth/email/confirm/eyJuZXciOiJ4In0.a.b HTTP/1.1" 302', "eyJuZXciOiJ4In0.a.b"),
        ('"GET /orgs/invitations/Qm9vX3Rva2Vu HTTP/1.1" 200', "Qm9vX3Rva2Vu"),
    ],
)
@pytest.mark.parametrize("logger", ["gunicorn.access", "werkzeug"])
def test_servers_log_no_secret_link(app, caplog, logger, line, secret):
    with caplog.at_level(logging.INFO, logger=logger):
        logging.getLogger(logger).info("%s", line)
    assert secret not in caplog.text
    assert "***" in caplog.text


def test_a_login_failure_is_not_logged_with_the_password(app, make_user, caplog):
    make_user(SECRET)
    with caplog.at_level(logging.DEBUG):
        Browser(app.test_client()).submit("/auth/login", {"email": SECRET, "password": "wrong " + PASSWORD})
    assert "wrong " + PASSWORD not in caplog.text
    assert SECRET not in caplog.text
