"""What Krug's main pages cost under load, against a bare Flask "hello" under the same gunicorn.

Starts gunicorn on PostgreSQL (a database of its own, filled with the demo), logs in through
the login form as the demo's real roles, and drives each page with `wrk` (Debian's package:
`apt-get install -y wrk`) at 16 connections; then the same for a bare Flask app, in the same
run. Prints req/s, p50/p99 and each page's share of the bare app's req/s, against the targets.

    .venv/bin/python bench/pages.py                  # the demo (`make bench`)
    .venv/bin/python bench/pages.py --big            # bench/health_scale.py's organisation:
                                                     # median latency and size of each page

With `--big`, one connection: each page's median must stay under 50 ms and 200 KB.
This is a benchmark, not a test: pytest never collects it.
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.conftest import free_port  # noqa: E402
from tests.processes import production_env, start_gunicorn  # noqa: E402

DEMO_URL = "postgresql://postgres@127.0.0.1:5432/krug_pages_bench"
BIG_URL = "postgresql://postgres@127.0.0.1:5432/krug_pages_big"
DEMO_PASSWORD = "krug-demo-2026"  # noqa: S105 (the demo's published password)
BIG_PASSWORD = "bench-pages-2026"  # noqa: S105 (three people of the bench database)
P99_TARGET_MS = 100
BIG_MEDIAN_MS, BIG_MAX_KB = 50, 200


@dataclass
class Page:
    name: str
    path: str
    role: str
    target: float | None = None  # % of the bare app's req/s (demo), or None


DEMO_PAGES = (
    Page("directory", "/groups/", "member", 6.0),
    Page("group page", "/groups/{group}/", "member", 3.5),
    Page("event", "/events/{event}", "member", 3.5),
    Page("help board", "/groups/{group}/help/", "member", 3.5),
    Page("organisation dashboard", "/orgs/{org}/health", "specialist", 4.0),
    Page("group health", "/groups/{group}/health", "leader", 2.5),
)
BIG_PAGES = (
    Page("members (leader)", "/groups/{group}/members", "leader"),
    Page("members (member)", "/groups/{group}/members", "member"),
    Page("directory", "/groups/", "member"),
    Page("group page", "/groups/{group}/", "member"),
    Page("event", "/events/{event}", "member"),
    Page("help board", "/groups/{group}/help/", "member"),
    Page("organisation dashboard", "/orgs/{org}/health", "specialist"),
    Page("group health", "/groups/{group}/health", "leader"),
)


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- the database -------------------------------------------------------------------------------


def _engine(url):
    from sqlalchemy import create_engine

    import config

    return create_engine(config.database_url(url))


def ensure_database(url):
    """Create the database when it does not exist yet (on the same server, through `postgres`)."""
    from sqlalchemy import text

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = _engine(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    with maintenance.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar() is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    maintenance.dispose()


def refuse_foreign_data(url, allowed_suffixes):
    """Never wipe a database that holds people of its own."""
    from sqlalchemy import inspect, text

    engine = _engine(url)
    with engine.connect() as conn:
        if inspect(conn).has_table("user"):
            emails = conn.execute(text('SELECT email FROM "user" LIMIT 1000')).scalars().all()
            # Members without an account (the demo has some) have no email.
            foreign = [e for e in emails if e is not None and not e.endswith(allowed_suffixes)]
            if foreign:
                sys.exit(f"refusing: {url} holds accounts that are not the benchmark's ({foreign[0]}, …)")
    engine.dispose()


def reset_schema(url):
    engine = _engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def flask(env, *args):
    command = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=sys.stderr)  # noqa: S603


def prepare_demo(args, env):
    ensure_database(args.database_url)
    if not args.reuse:
        refuse_foreign_data(args.database_url, ("@demo.krug",))
        reset_schema(args.database_url)
        log("migrating and seeding the demo…")
        flask(env, "db", "upgrade")
        flask(env, "seed-demo")
    from sqlalchemy import text

    engine = _engine(args.database_url)
    with engine.connect() as conn:
        event = conn.execute(
            text(
                'SELECT e.id FROM event e JOIN "group" g ON g.id = e.group_id WHERE g.slug = :slug '
                "AND e.status = 'published' AND e.starts_at > now() ORDER BY e.starts_at LIMIT 1"
            ),
            {"slug": "priemnye-semi-moskvy"},
        ).scalar()
    engine.dispose()
    logins = {r: (f"{r}@demo.krug", DEMO_PASSWORD) for r in ("member", "leader", "specialist", "admin")}
    return {"group": "priemnye-semi-moskvy", "org": "semya-ryadom", "event": event}, logins


def prepare_big(args, env):
    """bench/health_scale.py's organisation (built once, then reused), and three people of its
    biggest group who can log in: a leader, a member and the group's specialist."""
    from sqlalchemy import select, text, update

    ensure_database(args.database_url)
    import config
    from community import create_app
    from community.auth.models import User
    from community.auth.service import hash_password
    from community.extensions import db
    from community.groups.models import Group, Membership

    sys.path.insert(0, str(ROOT / "bench"))
    import health_scale

    app = create_app({**config.TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": config.database_url(args.database_url)})
    with app.test_request_context():
        from sqlalchemy import inspect

        built = inspect(db.engine).has_table("organisation") and db.session.scalar(
            text("SELECT count(*) FROM organisation WHERE slug = :s"), {"s": health_scale.ORG_SLUG}
        )
        if not built or args.rebuild:
            refuse_foreign_data(args.database_url, ("@bench.krug",))
            db.session.remove()
            reset_schema(args.database_url)
            db.create_all()
            log("building bench/health_scale.py's organisation (about a minute)…")
            scale = argparse.Namespace(seed=2026, groups=500, members=50_000, scale=1.0)
            now = health_scale.utcnow()
            health_scale.build(scale, now)
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")  # a million fresh rows: plan the snapshots on statistics
            from community.health import service

            period = service.last_complete_period(now)
            group_ids = db.session.scalars(select(Group.id)).all()
            service.take_snapshots([period], group_ids)  # and the year before it
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        missing = [
            f"{table.name}.{column.name}"
            for table in db.metadata.sorted_tables
            for column in table.columns
            if column.name not in {c["name"] for c in inspect(db.engine).get_columns(table.name)}
        ]
        if missing:
            sys.exit(f"the bench database predates the models ({', '.join(missing)}): run again with --rebuild")
        from sqlalchemy import func

        active = func.count(Membership.id)
        group_id, members = db.session.execute(
            select(Membership.group_id, active)
            .where(Membership.status == "active")
            .group_by(Membership.group_id)
            .order_by(active.desc())
            .limit(1)
        ).one()
        group = db.session.get(Group, group_id)

        def person(role):
            return db.session.scalar(
                select(User)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.group_id == group_id, Membership.role == role, Membership.status == "active")
                .order_by(User.id)
                .limit(1)
            )

        people = {"leader": person("leader"), "member": person("member"), "specialist": person("specialist")}
        known = hash_password(BIG_PASSWORD)
        db.session.execute(update(User).where(User.id.in_([p.id for p in people.values()])).values(password_hash=known))
        event = db.session.scalar(
            text(
                "SELECT e.id FROM event e LEFT JOIN registration r ON r.event_id = e.id "
                "WHERE e.group_id = :g AND e.status = 'published' GROUP BY e.id "
                "ORDER BY (e.starts_at > now()) DESC, count(r.id) DESC LIMIT 1"
            ),
            {"g": group_id},
        )
        slugs = {"group": group.slug, "org": health_scale.ORG_SLUG, "event": event}
        logins = {role: (p.email, BIG_PASSWORD) for role, p in people.items()}
        db.session.commit()
        log(f"biggest group: {group.slug} with {members} active members; event {event}")
    return slugs, logins


# --- signing in -----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(base, email, password):
    """Log in through the form, as a browser does; returns the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = opener.open(base + "/auth/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}).encode()
    try:
        opener.open(base + "/auth/login", data)
        raise SystemExit(f"logging in as {email} failed (no redirect)")
    except urllib.error.HTTPError as response:
        if response.code != 302:
            raise SystemExit(f"logging in as {email} failed: {response.code}") from None
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def fetch(url, cookie):
    """Status, size and whether the page was served to a signed-in person."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request) as response:
            body = response.read()
            return response.status, len(body), b"/auth/logout" in body
    except urllib.error.HTTPError as response:
        return response.code, 0, False


# --- measuring ------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, cookie, connections, seconds, threads=2):
    """Run wrk against `url`; returns req/s, p50 and p99 in ms, and the count of errors."""
    command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "timeouts": int(errors.group(4)) if errors else 0,
    }


def measure(url, cookie, args, connections):
    wrk(url, cookie, connections, args.warmup)  # every worker compiles its templates, fills its caches
    return wrk(url, cookie, connections, args.duration)


def server_env(args, url):
    """Production settings on loopback (tests/processes.py), with the hash cost of production."""
    hashing = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:600000"}  # the demo's hashes; production's cost
    return production_env(url, args.redis_url or "", 25, RATELIMIT_ENABLED="1", **hashing)


class Gunicorn:
    """`start_gunicorn` as a context manager, on a free port."""

    def __init__(self, env, app="wsgi:app", workers=1, chdir=ROOT):
        self.env, self.app, self.workers, self.chdir = env, app, workers, chdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.process = start_gunicorn(self.env, self.port, self.workers, self.app, self.chdir)
        return self

    def __exit__(self, *exc):
        self.process.stop()


def run_demo(args):
    """Each page right after a run of the bare app, both served the whole time: the machine's
    other load changes from minute to minute, so each page is compared with its neighbour."""
    env = server_env(args, args.database_url)
    values, logins = prepare_demo(args, env)
    results = []
    with (
        Gunicorn(env, "bare:app", workers=args.workers, chdir=ROOT / "bench") as bare,
        Gunicorn(env, workers=args.workers) as krug,
    ):
        cookies = {role: login(krug.url, *logins[role]) for role in {p.role for p in DEMO_PAGES}}
        for page in DEMO_PAGES:
            if args.only and not any(o in page.name for o in args.only):
                continue
            url = krug.url + page.path.format(**values)
            status, size, signed_in = fetch(url, cookies[page.role])
            if status != 200 or not signed_in:
                sys.exit(f"{page.name}: {url} answered {status} (signed in: {signed_in}) for {page.role}")
            baseline = measure(bare.url + "/", None, args, args.connections)
            result = measure(url, cookies[page.role], args, args.connections)
            result.update(page=page, size=size, bare=baseline)
            results.append(result)
            log(
                f"{page.name}: {result['rps']:.0f} req/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms "
                f"(bare just before: {baseline['rps']:.0f} req/s)"
            )
    return report_demo(args, results)


def report_demo(args, results):
    print()
    print(
        f"gunicorn --workers {args.workers}, {args.connections} connections, {args.duration} s each, "
        f"PostgreSQL{', Redis' if args.redis_url else ''}; load average {os.getloadavg()[0]:.2f}"
    )
    header = (
        f"{'page':<24} {'role':<11} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'KB':>6} "
        f"{'bare':>6} {'% bare':>7} {'target':>7}  ok"
    )
    print(header)
    print("-" * len(header))
    met = True
    for r in results:
        page = r["page"]
        share = 100 * r["rps"] / r["bare"]["rps"]
        ok = share >= page.target and r["p99"] <= P99_TARGET_MS and not r["non_2xx"] and not r["timeouts"]
        met = met and ok
        note = "" if not (r["non_2xx"] or r["timeouts"]) else f" ({r['non_2xx']} non-2xx, {r['timeouts']} timeouts)"
        print(
            f"{page.name:<24} {page.role:<11} {r['rps']:>7.0f} {r['p50']:>7.1f} {r['p99']:>7.1f} "
            f"{r['size'] / 1024:>6.1f} {r['bare']['rps']:>6.0f} {share:>6.2f}% {page.target:>6.1f}%  "
            f"{'yes' if ok else 'NO'}{note}"
        )
    print(
        f"\n'bare': a bare Flask hello under the same gunicorn, measured just before the page. "
        f"Targets: the share of bare req/s above, p99 ≤ {P99_TARGET_MS} ms: {'met' if met else 'NOT met'}"
    )
    return 0 if met or not args.strict else 1


def run_big(args):
    env = server_env(args, args.database_url)
    values, logins = prepare_big(args, env)
    results = []
    with Gunicorn(env, workers=args.workers) as krug:
        cookies = {role: login(krug.url, *logins[role]) for role in {p.role for p in BIG_PAGES}}
        for page in BIG_PAGES:
            if args.only and not any(o in page.name for o in args.only):
                continue
            url = krug.url + page.path.format(**values)
            status, size, signed_in = fetch(url, cookies[page.role])
            if status != 200 or not signed_in:
                sys.exit(f"{page.name}: {url} answered {status} (signed in: {signed_in}) for {page.role}")
            result = measure(url, cookies[page.role], args, 1)
            result.update(page=page, size=size)
            results.append(result)
            log(f"{page.name}: p50 {result['p50']:.1f} ms, {size / 1024:.0f} KB")
    print()
    print(
        f"bench/health_scale.py's organisation, gunicorn --workers {args.workers}, one connection, "
        f"{args.duration} s each; load average {os.getloadavg()[0]:.2f}"
    )
    header = f"{'page':<24} {'role':<11} {'p50 ms':>7} {'p99 ms':>7} {'req/s':>7} {'KB':>7}  ok"
    print(header)
    print("-" * len(header))
    met = True
    for r in results:
        ok = r["p50"] <= BIG_MEDIAN_MS and r["size"] <= BIG_MAX_KB * 1024 and not r["non_2xx"]
        met = met and ok
        print(
            f"{r['page'].name:<24} {r['page'].role:<11} {r['p50']:>7.1f} {r['p99']:>7.1f} {r['rps']:>7.1f} "
            f"{r['size'] / 1024:>7.1f}  {'yes' if ok else 'NO'}"
        )
    print(f"\ntargets: median ≤ {BIG_MEDIAN_MS} ms and ≤ {BIG_MAX_KB} KB per page: {'met' if met else 'NOT met'}")
    return 0 if met or not args.strict else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", action="store_true", help="bench/health_scale.py's organisation instead of the demo")
    parser.add_argument("--database-url", help=f"default: {DEMO_URL} ({BIG_URL} with --big); its data is replaced")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/14",
        help="REDIS_URL of the app processes, as in production (default %(default)s); '' for none",
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1, help="default: cores + 1")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page (default %(default)s)")
    parser.add_argument("--only", nargs="*", help="measure only the pages whose names contain one of these words")
    parser.add_argument("--reuse", action="store_true", help="demo: measure the database as it is (no reseeding)")
    parser.add_argument("--rebuild", action="store_true", help="--big: build the organisation again")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("bench/pages.py needs wrk: apt-get install -y wrk")
    args.database_url = args.database_url or (BIG_URL if args.big else DEMO_URL)
    if not args.database_url.startswith(("postgresql://", "postgres://")):
        sys.exit("bench/pages.py measures on PostgreSQL: give --database-url postgresql://…")
    started = time.monotonic()
    code = run_big(args) if args.big else run_demo(args)
    log(f"({time.monotonic() - started:.0f} s in all)")
    return code


if __name__ == "__main__":
    sys.exit(main())
