"""Krug as production runs it, for tests that need real processes: gunicorn app servers and
`flask worker` processes on PostgreSQL and Redis, and a small HTTP client that logs in
through the forms like a browser does."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def production_env(database_url, redis_url, smtp_port, **extra):
    """The environment of a production process, on this machine's loopback services."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "KRUG_ENV": "production",
        "SECRET_KEY": "processes-test-secret",
        "SERVER_URL": "http://127.0.0.1",
        "TRUSTED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Process:
    """A child process that is stopped (or killed) at the end of the test."""

    def __init__(self, args, env, log_name):
        self.log = open(Path("/tmp") / f"krug-{log_name}-{os.getpid()}.log", "w+b")  # noqa: SIM115
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def kill(self):
        """SIGKILL the whole process group: no clean-up, as a crash or an OOM kill."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self):
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def start_gunicorn(env, port, workers=1, app="wsgi:app", chdir=ROOT):
    """`gunicorn wsgi:app` on 127.0.0.1:`port`, waiting until /healthz answers. `app` and
    `chdir` serve another WSGI app (bench/pages.py's bare Flask app, from bench/)."""
    process = Process(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(chdir),
            app,
        ],
        env,
        f"gunicorn-{port}",
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
        if process.popen.poll() is not None:
            break
    output = process.output()
    process.stop()
    raise RuntimeError(f"gunicorn did not start:\n{output}")


def start_worker(env, *args):
    """`flask --app wsgi worker` (RQ on REDIS_URL, with the scheduler)."""
    return Process([str(BIN / "flask"), "--app", "wsgi", "worker", *args], env, "worker")


class HttpSession:
    """A browser without a screen: cookies, CSRF tokens from the forms, redirects followed."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.status, response.read().decode()

    def submit(self, path, data, page=None):
        """POST `data` with the CSRF token of `page` (default: `path`); returns (status, final url, body)."""
        _, html = self.get(page or path)
        token = CSRF_RE.search(html).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, **data}).encode()
        request = urllib.request.Request(self.base_url + path, data=body, method="POST")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()

    def login(self, email, password):
        status, url, _ = self.submit("/auth/login", {"email": email, "password": password})
        assert status == 200 and not url.endswith("/auth/login"), (status, url)
