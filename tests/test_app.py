"""The app shell: health check, security headers, error pages, settings."""

import pytest
from flask import abort

import config as settings
from community import create_app
from tests.conftest import PASSWORD


def test_healthz_reports_ok_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(make_app):
    app = make_app(
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}},
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"


def test_app_refuses_to_start_without_secret_key_in_production(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("KRUG_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_development_runs_without_secret_key_and_without_secure_cookie():
    values = settings.from_env({"KRUG_ENV": "development"})
    assert values["SECRET_KEY"]
    assert values["SESSION_COOKIE_SECURE"] is False
    production = settings.from_env({"SECRET_KEY": "x"})
    assert production["SESSION_COOKIE_SECURE"] is True


def test_settings_come_from_environment_variables_of_the_same_name():
    values = settings.from_env(
        {
            "SECRET_KEY": "s",
            "DATABASE_URL": "postgresql://u:p@db/krug",
            "MAIL_SERVER": "smtp.example.org",
            "MAIL_PORT": "2525",
            "MAIL_USE_TLS": "true",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "RATELIMIT_ENABLED": "false",
            "TRUSTED_HOSTS": "krug.example.org, www.krug.example.org",
        }
    )
    assert values["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/krug"
    assert values["MAIL_PORT"] == 2525 and values["MAIL_USE_TLS"] is True
    assert values["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert values["RATELIMIT_ENABLED"] is False
    assert values["TRUSTED_HOSTS"] == ["krug.example.org", "www.krug.example.org"]


def test_untrusted_host_is_refused(make_app):
    app = make_app(TRUSTED_HOSTS=["krug.example.org"])
    assert app.test_client().get("/", headers={"Host": "evil.example"}).status_code == 400
    assert app.test_client().get("/", base_url="http://krug.example.org").status_code == 200


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_security_headers_on_pages_and_errors(make_app):
    app = make_app()

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    @app.route("/forbidden")
    def forbidden():
        abort(403)

    from community.security import public

    public(boom)
    public(forbidden)
    client = app.test_client()
    ok, missing, crash = client.get("/"), client.get("/no-such-page"), client.get("/boom")
    assert (ok.status_code, missing.status_code, crash.status_code) == (200, 404, 500)
    for response in (ok, missing, crash, client.get("/forbidden")):
        assert_security_headers(response)
    body = crash.get_data(as_text=True)
    assert "Traceback" not in body and "RuntimeError" not in body
    assert "У нас что-то пошло не так" in body


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "max-age" in client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_pages_for_signed_in_users_are_not_cached(browser, make_user):
    make_user()
    assert browser.get("/").headers.get("Cache-Control") != "no-store"
    browser.login()
    assert browser.get("/").headers["Cache-Control"] == "no-store"
    assert browser.get("/auth/account").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_lax(browser, make_user):
    make_user()
    response = browser.login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_development(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/auth/login")
    assert "Secure" in response.headers["Set-Cookie"]


def test_oversized_post_gets_413_with_a_clear_page(client):
    response = client.post("/auth/login", data={"email": "a" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Слишком много данных" in response.get_data(as_text=True)
    assert_security_headers(response)


def test_error_pages_speak_the_users_language(client):
    assert "Страница не найдена" in client.get("/nope").get_data(as_text=True)
    assert "Page not found" in client.get("/nope?lang=en").get_data(as_text=True)


def test_private_pages_send_visitors_to_login(client):
    response = client.get("/auth/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_login_required_pages_welcome_the_right_user(browser, make_user):
    make_user()
    browser.login()
    assert browser.get("/auth/account").status_code == 200


def test_static_assets_are_vendored_not_from_a_cdn(client):
    html = client.get("/").get_data(as_text=True)
    assert "/static/vendor/pico/pico.jade.min.css" in html
    assert "https://" not in html.split("<body")[0]
    with client.get("/static/vendor/pico/pico.jade.min.css") as css:
        assert css.status_code == 200


def test_password_is_the_demo_constant_for_fixtures():
    assert len(PASSWORD) >= 8
