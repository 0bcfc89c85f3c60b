"""`make audit` (tools/audit.py) says so and fails when the registry's advisory service
cannot be reached, rather than passing with nothing checked (issue #12, finding 15)."""

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from tests.conftest import free_port

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "audit.py"


def run_audit(probe_url):
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        env={"KRUG_AUDIT_PROBE_URL": probe_url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_unreachable_registry_fails_with_a_clear_message():
    result = run_audit(f"http://127.0.0.1:{free_port()}/pypi/flask/3.1.3/json")
    assert result.returncode == 2
    assert "could not be reached" in result.stderr and "Nothing was checked" in result.stderr


def test_a_registry_without_advisories_fails_too():
    """A mirror that answers 404 for package data would make pip-audit check nothing."""

    class NotFound(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", free_port()), NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run_audit(f"http://127.0.0.1:{server.server_port}/pypi/flask/3.1.3/json")
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 2
    assert "404" in result.stderr
