"""The Nu HTML Checker on every page the browser tests open.

vnu comes from the npm registry (`vnu-jar`, pinned in package.json; `make test` installs it
when npm is there) and runs on Debian's Java as a small local service, started once per run.
Each test's browser records the HTML documents it receives; after the test, each one goes to
the checker, and any error fails the test. Without Java or the jar, the check is off (and says
so), unless KRUG_REQUIRE_HTML_CHECK=1, as in CI.
"""

import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def unavailable():
    """Why the checker cannot run here (None when it can)."""
    if shutil.which("java") is None:
        return "no Java runtime (apt-get install default-jre-headless)"
    if not VNU_JAR.exists():
        return f"no {VNU_JAR.relative_to(ROOT)} (npm ci)"
    return None


class HtmlChecker:
    """A running vnu service: `errors(html)` lists what it finds wrong in a document."""

    def __init__(self, port):
        self.url = f"http://127.0.0.1:{port}/?out=json"
        self.process = subprocess.Popen(
            [
                "java",
                "-Xss8m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.errors("<!DOCTYPE html><html lang=en><title>up</title></html>")
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("the HTML checker did not start") from None
                time.sleep(0.5)

    def errors(self, html):
        request = urllib.request.Request(
            self.url, data=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            messages = json.load(response)["messages"]
        return [
            f"line {m.get('lastLine', '?')}: {m['message']} — {m.get('extract', '').strip()[:120]!r}"
            for m in messages
            if m["type"] == "error" or m.get("subType") == "fatal"
        ]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def required():
    return os.environ.get("KRUG_REQUIRE_HTML_CHECK") == "1"
