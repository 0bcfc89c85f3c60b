"""Krug: peer-support groups run by foster, adoptive and guardian families."""

import logging

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

import config as settings


def create_app(config=None):
    """Build the app. `config` is a mapping of overrides on top of the environment."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(settings.from_env())
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or KRUG_ENV=development for a local trial)."
        )
    if not app.config.get("SERVER_URL"):
        raise RuntimeError(
            "SERVER_URL is not set. Set it to the site's public address (https://krug.example.org): "
            "every link in an email is built from it."
        )
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)
    from community import logs

    logs.install(app)
    _ensure_instance_dir(app)

    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_hooks(app)
    register_errorhandlers(app)
    register_commands(app)
    register_jobs(app)
    register_template_helpers(app)
    return app


def _ensure_instance_dir(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def register_extensions(app):
    import community.assessment.models  # noqa: F401
    import community.audit  # noqa: F401  (register the models with the metadata)
    import community.auth.models  # noqa: F401
    import community.events.models  # noqa: F401
    import community.groups.models  # noqa: F401
    import community.health.models  # noqa: F401
    import community.involve.claims.models  # noqa: F401
    import community.involve.models  # noqa: F401
    import community.messages.models  # noqa: F401
    import community.mutual_help.models  # noqa: F401
    import community.notifications.models  # noqa: F401
    import community.offline.models  # noqa: F401
    import community.orgs.models  # noqa: F401
    import community.report.models  # noqa: F401
    import community.safety.models  # noqa: F401
    import community.series.models  # noqa: F401
    import community.surveys.models  # noqa: F401
    import community.thanks.models  # noqa: F401
    import community.voice.models  # noqa: F401
    from community import i18n
    from community.auth.models import AnonymousUser
    from community.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(settings.BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    login_manager.anonymous_user = AnonymousUser
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # sessions are checked against the database instead


def register_url_converters(app):
    """Ids in URLs fit the database's integer, and text parts (slugs, tokens) hold no control
    characters: a huge number or a NUL byte (which PostgreSQL refuses) is a 404, not a 500."""
    from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

    from community.forms import MAX_ID

    class BoundedInt(IntegerConverter):
        def __init__(self, url_map, *args, **kwargs):
            kwargs.setdefault("max", MAX_ID)
            super().__init__(url_map, *args, **kwargs)

    class PlainText(UnicodeConverter):
        def to_python(self, value):
            if any(ord(c) < 32 or ord(c) == 127 for c in value):
                raise ValidationError()
            return value

    app.url_map.converters["int"] = BoundedInt
    app.url_map.converters["default"] = app.url_map.converters["string"] = PlainText


def register_blueprints(app):
    from community.admin.views import bp as admin_bp
    from community.assessment.views import bp as assessment_bp
    from community.auth.views import bp as auth_bp
    from community.events.views import bp as events_bp
    from community.groups.feed_views import bp as posts_bp
    from community.groups.views import bp as groups_bp
    from community.health.views import bp as health_bp
    from community.involve.claims.views import bp as claims_bp
    from community.involve.views import bp as involve_bp
    from community.main.views import bp as main_bp
    from community.messages.views import bp as messages_bp
    from community.mutual_help.views import bp as help_bp
    from community.notifications.views import bp as notifications_bp
    from community.offline.views import bp as offline_bp
    from community.orgs.views import bp as orgs_bp
    from community.report.views import bp as report_bp
    from community.safety.views import bp as safety_bp
    from community.series.views import bp as series_bp
    from community.surveys.views import bp as surveys_bp
    from community.thanks.views import bp as thanks_bp
    from community.voice.views import bp as voice_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(groups_bp, url_prefix="/groups")
    app.register_blueprint(posts_bp, url_prefix="/groups")
    app.register_blueprint(events_bp)
    app.register_blueprint(help_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(involve_bp)
    app.register_blueprint(claims_bp)
    app.register_blueprint(voice_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(assessment_bp)
    app.register_blueprint(messages_bp, url_prefix="/messages")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(orgs_bp, url_prefix="/orgs")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(series_bp)
    app.register_blueprint(safety_bp)
    app.register_blueprint(thanks_bp)
    app.register_blueprint(report_bp)
    app.register_blueprint(offline_bp)


def register_hooks(app):
    from community import i18n
    from community.jobs import AfterResponse, commit_request
    from community.security import require_login, set_security_headers

    app.before_request(i18n.remember_lang_choice)
    app.before_request(require_login)
    # Flask runs these in reverse: headers are set, then the request's one commit.
    app.after_request(commit_request)
    app.after_request(set_security_headers)
    app.wsgi_app = AfterResponse(app.wsgi_app)
    proxies = app.config.get("TRUSTED_PROXY_COUNT") or 0
    if proxies > 0:
        # Behind a reverse proxy: the visitor's address and scheme come from the last
        # `proxies` entries of X-Forwarded-For/-Proto, which a visitor cannot forge.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)


def register_errorhandlers(app):
    from community.main.errors import register

    register(app)


def register_commands(app):
    from community.cli import register

    register(app)


def register_jobs(app):
    """Import the modules that define jobs, so a worker knows every job by name."""
    import community.auth.service  # noqa: F401
    import community.email  # noqa: F401
    import community.events.registration  # noqa: F401
    import community.events.reminders  # noqa: F401
    import community.events.service  # noqa: F401
    import community.groups.feed  # noqa: F401
    import community.health.service  # noqa: F401
    import community.involve.claims.receipts  # noqa: F401
    import community.involve.service  # noqa: F401
    import community.mutual_help.nudges  # noqa: F401
    import community.mutual_help.service  # noqa: F401
    import community.notifications.digest  # noqa: F401
    import community.series.service  # noqa: F401
    import community.surveys.service  # noqa: F401
    import community.voice.service  # noqa: F401


def register_template_helpers(app):
    from community.assessment.views import register_template_helpers as register_assessment
    from community.involve.views import register_template_helpers as register_involve
    from community.main.filters import register
    from community.orgs.views import register_template_globals
    from community.surveys.views import register_template_helpers as register_surveys
    from community.voice.views import register_template_helpers as register_voice

    register(app)
    register_template_globals(app)
    register_involve(app)
    register_voice(app)
    register_surveys(app)
    register_assessment(app)
    from community.safety.views import register_template_helpers as register_safety
    from community.thanks.views import register_template_helpers as register_thanks

    register_safety(app)
    register_thanks(app)
    from community.report.views import register_template_helpers as register_report

    register_report(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL, enforced foreign keys, a busy timeout, and manual transactions."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        # Let SQLAlchemy's `begin` event issue BEGIN IMMEDIATE (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin_immediate(conn):
    """Take SQLite's write lock at the start of a transaction, so two writers queue on the
    busy timeout instead of deadlocking when a reader upgrades to a writer."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
