"""Settings. Every key is read from the environment variable of the same name (SPEC §5)
when the app is created, never at import time, so tests and tools can set them first."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent


def _bool(env, name, default):
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env, name, default):
    value = env.get(name)
    return int(value) if value and value.strip() else default


def database_url(url):
    """Normalise a database URL so PostgreSQL always goes through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_env(env=None):
    """Build the settings from the environment; `KRUG_ENV=development` relaxes the
    SECRET_KEY rule and the Secure cookie flag for `make run`."""
    env = os.environ if env is None else env
    krug_env = env.get("KRUG_ENV", "production")
    development = krug_env == "development"
    redis_url = env.get("REDIS_URL", "")
    server_url = (env.get("SERVER_URL") or "").strip().rstrip("/")
    if not server_url and krug_env != "production":
        server_url = "http://127.0.0.1:5000"
    hosts = [h.strip() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    if not hosts and krug_env == "production" and server_url:
        # Production answers only to the site's own host unless told otherwise.
        hosts = [urlsplit(server_url).hostname or ""]
    return {
        "KRUG_ENV": krug_env,
        "SECRET_KEY": env.get("SECRET_KEY") or ("dev-only-not-secret" if development else None),
        "SQLALCHEMY_DATABASE_URI": database_url(
            env.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'instance' / 'krug.sqlite'}"
        ),
        # hide_parameters: a database error never writes the statement's values (emails,
        # password hashes, messages) into an exception or a log line.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int(env, "MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool(env, "MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool(env, "MAIL_USE_SSL", False),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Krug <no-reply@krug.local>"),
        "MAIL_TIMEOUT": _int(env, "MAIL_TIMEOUT", 10),
        # Outbox: first retry after this many seconds, doubling each time; a message claimed
        # by a worker that stopped mid-send is taken up again after the claim timeout.
        "OUTBOX_RETRY_SECONDS": _int(env, "OUTBOX_RETRY_SECONDS", 120),
        "OUTBOX_CLAIM_TIMEOUT": _int(env, "OUTBOX_CLAIM_TIMEOUT", 120),
        # The job queue (RQ on REDIS_URL): its name, and how often the worker's scheduler looks
        # for due periodic jobs and sweeps the outbox.
        "RQ_QUEUE": env.get("RQ_QUEUE", "krug"),
        "SCHEDULER_TICK_SECONDS": _int(env, "SCHEDULER_TICK_SECONDS", 15),
        "OUTBOX_SWEEP_SECONDS": _int(env, "OUTBOX_SWEEP_SECONDS", 60),
        "REDIS_URL": redis_url,
        "RATELIMIT_ENABLED": _bool(env, "RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "TRUSTED_HOSTS": hosts or None,
        # How many reverse proxies stand in front of the app (1 behind nginx). Their
        # X-Forwarded-For and X-Forwarded-Proto are believed, so each visitor keeps their own
        # address for rate limits; with 0 (the default) those headers are ignored.
        "TRUSTED_PROXY_COUNT": _int(env, "TRUSTED_PROXY_COUNT", 0),
        # The site's address: every link in an email, calendar file or feed is built from it,
        # never from the request's Host header. Required in production.
        "SERVER_URL": server_url or None,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Cost-claim receipts (images and PDFs people upload) are kept here, outside the web
        # root, and served only to the claimant and the organisation's specialists.
        "RECEIPTS_DIR": env.get("RECEIPTS_DIR") or str(BASE_DIR / "instance" / "receipts"),
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        # CSRF tokens live as long as the session, so a slow phone form never expires.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env, "SESSION_COOKIE_SECURE", not development),
        # The cookie is signed when it changes, not re-signed and re-sent on every response;
        # it may live as long as the longest session. The server ends sessions (SESSION_*).
        "SESSION_REFRESH_EACH_REQUEST": False,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=_int(env, "SESSION_LIFETIME_DAYS", 90)),
        # A session ends after this long without a visit, or this long after signing in;
        # sooner for admins and specialists, who see more than their own groups.
        "SESSION_IDLE_TIMEOUT": timedelta(days=_int(env, "SESSION_IDLE_DAYS", 30)),
        "SESSION_LIFETIME": timedelta(days=_int(env, "SESSION_LIFETIME_DAYS", 90)),
        "STAFF_SESSION_IDLE_TIMEOUT": timedelta(minutes=_int(env, "STAFF_SESSION_IDLE_MINUTES", 120)),
        "STAFF_SESSION_LIFETIME": timedelta(hours=_int(env, "STAFF_SESSION_LIFETIME_HOURS", 12)),
        # "Last seen" is written at most this often per session (not on every request).
        "SESSION_TOUCH_SECONDS": 300,
        # How long Redis keeps a session and its viewer before asking the database again.
        "SESSION_CACHE_SECONDS": 300,
        # Without Redis, each process keeps them this long: the most a session ended in
        # another process stays valid here.
        "SESSION_LOCAL_CACHE_SECONDS": 1.0,
        # OWASP / ASVS: PBKDF2-HMAC-SHA256 with at least 600 000 iterations.
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "pbkdf2:sha256:600000"),
        "VERIFY_TOKEN_MAX_AGE": timedelta(days=3),
        "RESET_TOKEN_MAX_AGE": timedelta(hours=1),
        "BABEL_DEFAULT_LOCALE": "ru",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Moscow",
        "LANGUAGES": ("ru", "en"),
        # Version of the personal-data consent text the user agreed to (see templates/pages/privacy.html).
        "CONSENT_VERSION": "2026-11-01",
    }


# Overrides for pytest: CSRF and rate limits stay ON; hashing is cheaper so the suite is fast.
TEST_SETTINGS = {
    "KRUG_ENV": "testing",
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "SESSION_COOKIE_SECURE": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    "MAIL_SERVER": "",
    "TRUSTED_HOSTS": None,
    "SERVER_URL": "http://localhost",
    # One app per test, so every change goes through this process's cache and drops what it
    # must at once; a longer life keeps query counts steady (tests of expiry set their own).
    "SESSION_LOCAL_CACHE_SECONDS": 60.0,
}
