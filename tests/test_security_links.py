"""Links in emails come from SERVER_URL, never from the request's Host header (issue #12, 1)."""

import pytest

import config as settings
from community import create_app
from tests.conftest import Browser, csrf_from

EVIL = "evil.example"


def test_reset_link_ignores_a_forged_host_header(make_app, make_user, mailbox):
    app = make_app(SERVER_URL="https://krug.example.org", TRUSTED_HOSTS=None)
    make_user()
    client = app.test_client()
    html = client.get("/auth/forgot", headers={"Host": EVIL}).get_data(as_text=True)
    client.post(
        "/auth/forgot",
        data={"csrf_token": csrf_from(html), "email": "parent@example.org"},
        headers={"Host": EVIL},
    )
    [message] = mailbox.to("parent@example.org")
    links = mailbox.links(message)
    assert links and all(link.startswith("https://krug.example.org/auth/reset/") for link in links)
    assert EVIL not in mailbox.text(message) and EVIL not in mailbox.html(message)


def test_every_email_link_uses_server_url_even_on_another_host(make_app, make_user, mailbox):
    app = make_app(SERVER_URL="https://krug.example.org/sub")
    make_user()
    browser = Browser(app.test_client())
    browser.client.environ_base["HTTP_HOST"] = EVIL
    browser.login()
    browser.submit(
        "/auth/password",
        {
            "current_password": "a long walk in the park",
            "password": "another long walk here",
            "password_confirm": "another long walk here",
        },
    )
    [message] = mailbox.to("parent@example.org")
    assert mailbox.links(message) == ["https://krug.example.org/sub/auth/forgot"] * len(mailbox.links(message))
    assert EVIL not in message.as_string()


def test_production_refuses_to_start_without_server_url(monkeypatch):
    monkeypatch.setenv("KRUG_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.delenv("SERVER_URL", raising=False)
    with pytest.raises(RuntimeError, match="SERVER_URL"):
        create_app()


def test_production_answers_only_to_the_server_url_host_by_default():
    values = settings.from_env({"SECRET_KEY": "x", "SERVER_URL": "https://krug.example.org/"})
    assert values["SERVER_URL"] == "https://krug.example.org"
    assert values["TRUSTED_HOSTS"] == ["krug.example.org"]
    explicit = settings.from_env(
        {"SECRET_KEY": "x", "SERVER_URL": "https://krug.example.org", "TRUSTED_HOSTS": "a.org,b.org"}
    )
    assert explicit["TRUSTED_HOSTS"] == ["a.org", "b.org"]
    development = settings.from_env({"KRUG_ENV": "development"})
    assert development["SERVER_URL"] == "http://127.0.0.1:5000" and development["TRUSTED_HOSTS"] is None


def test_a_production_app_refuses_a_forged_host(monkeypatch, tmp_path):
    env = {
        "SECRET_KEY": "x",
        "SERVER_URL": "https://krug.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}",
    }
    monkeypatch.setattr(settings.os, "environ", env)
    app = create_app()
    assert app.test_client().get("/healthz", headers={"Host": EVIL}).status_code == 400
    assert app.test_client().get("/auth/login", base_url="https://krug.example.org").status_code == 200
