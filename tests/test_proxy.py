"""Behind a reverse proxy every visitor keeps their own address (issue #12, finding 5): with
TRUSTED_PROXY_COUNT=1 the rate limits count per visitor, not per proxy; without it the
X-Forwarded-For header is ignored, so nobody can dodge a limit by sending one."""

from tests.conftest import Browser, csrf_from

PROXY = "10.0.0.5"  # the address the app sees: the proxy's


def failed_logins(app, forwarded_for, times, first=0):
    """Failed logins (each for a different address, so only the per-visitor limit counts)."""
    statuses = []
    for n in range(first, first + times):
        browser = Browser(app.test_client())
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        html = browser.client.get("/auth/login", environ_base={"REMOTE_ADDR": PROXY}, headers=headers)
        response = browser.client.post(
            "/auth/login",
            data={"csrf_token": csrf_from(html.get_data(as_text=True)), "email": f"n{n}@example.org", "password": "x"},
            environ_base={"REMOTE_ADDR": PROXY},
            headers=headers,
        )
        statuses.append(response.status_code)
    return statuses


def test_behind_a_proxy_one_visitor_is_limited_and_the_next_is_not(make_app, mailbox):
    app = make_app(TRUSTED_PROXY_COUNT=1)
    assert failed_logins(app, "203.0.113.1", 21)[-1] == 429
    assert failed_logins(app, "203.0.113.2", 1, first=100) == [200]


def test_a_visitor_cannot_forge_their_address_through_the_proxy(make_app, mailbox):
    """The proxy appends the real address: only the last entry is believed."""
    app = make_app(TRUSTED_PROXY_COUNT=1)
    statuses = [failed_logins(app, f"198.51.100.{n}, 203.0.113.1", 1, first=n)[0] for n in range(21)]
    assert statuses[-1] == 429


def test_without_a_trusted_proxy_the_header_is_ignored(make_app, mailbox):
    app = make_app()
    statuses = [failed_logins(app, f"203.0.113.{n}", 1, first=n)[0] for n in range(21)]
    assert statuses[-1] == 429


def test_behind_a_tls_proxy_the_site_knows_it_is_served_over_https(make_app, mailbox):
    app = make_app(TRUSTED_PROXY_COUNT=1)
    response = app.test_client().get(
        "/",
        environ_base={"REMOTE_ADDR": PROXY},
        headers={"X-Forwarded-For": "203.0.113.1", "X-Forwarded-Proto": "https"},
    )
    assert "Strict-Transport-Security" in response.headers
    spoofed = make_app().test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers
