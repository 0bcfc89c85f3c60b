"""`make audit`: check the pinned dependencies (and what they pull in) against the security
advisories the package registry publishes, with pip-audit.

pip-audit asks PyPI's JSON API for each package's advisories. When that service cannot be
reached, pip-audit would report the packages as "not found" and check nothing, so this
script asks the service first and stops with a clear message (exit 2) instead. Found
vulnerabilities, or a package that could not be checked, fail the run too (exit 1).
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _first_pin():
    """(name, version) of the first pinned package: asked for the way pip-audit will ask."""
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name, sep, version = line.split("#")[0].strip().partition("==")
        if sep:
            return name.split("[")[0], version
    return "pip", ""


PROBE = os.environ.get("KRUG_AUDIT_PROBE_URL") or "https://pypi.org/pypi/{}/{}/json".format(*_first_pin())


def registry_answers(url=PROBE, timeout=15):
    """None when the advisory service answers with package data, else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (a fixed https URL)
            data = json.load(response)
    except urllib.error.HTTPError as error:
        return f"it answered {error.code} {error.reason}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return f"{getattr(error, 'reason', error)}"
    except ValueError:
        return "it did not answer with package data"
    if "info" not in data:
        return "it did not answer with package data"
    return None


def main():
    why = registry_answers()
    if why is not None:
        print(
            f"make audit: the package registry's advisory service could not be reached ({PROBE}: {why}).\n"
            "Nothing was checked. Run `make audit` again where https://pypi.org is reachable.",
            file=sys.stderr,
        )
        return 2
    command = [
        str(Path(sys.executable).with_name("pip-audit")),
        "--strict",
        "--progress-spinner",
        "off",
        "--requirement",
        str(ROOT / "requirements-dev.txt"),  # includes requirements.txt
    ]
    result = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 (our own venv's pip-audit)
    if result.returncode != 0:
        print(
            "make audit: pip-audit found known vulnerabilities, or packages it could not check (see above).",
            file=sys.stderr,
        )
        return 1
    print("make audit: no known vulnerabilities in the pinned dependencies.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
