"""With REDIS_URL set, rate-limit counters live in Redis, shared by every app process."""

import pytest
import redis

from tests.conftest import Browser


def redis_or_skip():
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return client


def test_login_limit_counts_in_redis_across_processes(make_app, make_user):
    client = redis_or_skip()
    # One prefix for the whole run: Flask-Limiter keeps the first prefix it was given.
    prefix = "krug-test-ratelimit"
    for key in client.keys(f"*{prefix}*"):
        client.delete(key)
    settings = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": prefix}
    try:
        first = make_app(**settings)
        make_user()
        for _ in range(5):
            Browser(first.test_client()).submit(
                "/auth/login", {"email": "parent@example.org", "password": "wrong one!"}
            )
        assert client.keys(f"*{prefix}*"), "no rate-limit counters were written to Redis"
        # A second process (a new app on the same Redis) sees the same counters.
        second = make_app(**settings)
        response = Browser(second.test_client()).submit(
            "/auth/login", {"email": "parent@example.org", "password": "wrong one!"}
        )
        assert response.status_code == 429
    finally:
        for key in client.keys(f"*{prefix}*"):
            client.delete(key)
        client.close()
