"""Community health at scale: the organisation dashboard and a group page on a big organisation.

Builds one organisation with 500 groups, 50 000 parents and about 1 000 000 activity rows
(events, registrations, organisers, posts, comments, help requests and responses, spread
over the last 12 months plus the month the "same season last year" comparison needs), then
measures, counting SQL statements with a `before_cursor_execute` listener:

  (a) the monthly job that computes the dashboard data:
      `service.take_snapshots([last complete period], group_ids)` for every group — first
      with no history (it computes the twelve months before too, as after deploying), then
      in steady state (a year of snapshots present: the daily job), and with 50 groups to
      compare query counts;
  (b) the pages, requested through the app as a signed-in specialist of the organisation:
      the dashboard (pages 1 and 10, a stage filter), its streamed CSV, and the health page
      of the median and of the largest group — median time, bytes, queries.

Then times each step of one month's snapshot separately (`--no-breakdown` skips it) and,
with `--explain N`, prints the query plans of the N slowest of them.

    .venv/bin/python bench/health_scale.py                         # temporary SQLite file
    .venv/bin/python bench/health_scale.py --database-url postgresql://postgres@127.0.0.1:5432/krug_bench

This is a benchmark, not a test: it lives outside tests/ and pytest never collects it.
"""

import argparse
import bisect
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere

from sqlalchemy import delete, event, func, insert, inspect, select, text  # noqa: E402

import config  # noqa: E402
from community import create_app  # noqa: E402
from community.auth.models import User  # noqa: E402
from community.extensions import db  # noqa: E402
from community.groups.models import Group, Membership  # noqa: E402
from community.health import indicators, service  # noqa: E402
from community.health.models import HealthActivity, HealthSnapshot  # noqa: E402
from community.models import utcnow  # noqa: E402
from community.orgs.models import Organisation  # noqa: E402

ORG_SLUG = "bench-org"
NO_LOGIN = "!"  # no password hash matches: bench people cannot sign in
TARGET_SECONDS = 2.0
PAGE_SECONDS, PAGE_BYTES = 0.050, 200 * 1024  # issue #13: every page's median, and its size
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
# 12 months of history, plus the 30-day window a year before the last period that A1_year_ago reads.
SPAN_DAYS = 365 + 31 + 30

# Group profiles: share of groups, events per month, share of the active pool at each event,
# posts and help requests per month, and who organises/answers.
PROFILES = {
    #            share  events attend posts help  specialist_share  answer_rate
    "lively": (0.30, 5.0, 0.50, 10.0, 4.0, 0.05, 0.95),
    "steady": (0.45, 4.0, 0.45, 7.0, 3.0, 0.30, 0.85),
    "dependent": (0.15, 3.0, 0.38, 4.0, 2.5, 0.75, 0.60),
    "fading": (0.10, 3.5, 0.36, 6.0, 2.0, 0.20, 0.45),  # stops 70-120 days before now
}


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- query counting ---------------------------------------------------------------------------------


class QueryLog:
    """Every statement the engine sends, with its parameters and its duration."""

    def __init__(self, engine):
        self.engine = engine
        self.active = False
        self.statements = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            started = conn.info["bench_started"].pop()
            self.statements.append((statement, parameters, executemany, time.perf_counter() - started))

    @contextmanager
    def measure(self):
        """Yield a dict filled on exit with seconds, queries, reads, writes and statements."""
        result = {}
        self.statements = []
        self.active = True
        started, cpu = time.perf_counter(), time.process_time()
        try:
            yield result
        finally:
            result["seconds"] = time.perf_counter() - started
            # This process's CPU: on SQLite the database's work too, without the waiting for a
            # core that other work on a shared machine causes; on PostgreSQL, the app's side.
            result["cpu"] = time.process_time() - cpu
            self.active = False
            # Transaction control (SQLite's BEGIN IMMEDIATE, savepoints) is not a query.
            statements = [s for s in self.statements if not s[0].lstrip().upper().startswith(CONTROL)]
            result["statements"] = statements
            result["queries"] = len(statements)
            result["reads"] = sum(1 for s in statements if s[0].lstrip().upper().startswith(("SELECT", "WITH")))
            result["writes"] = result["queries"] - result["reads"]


# --- building the organisation ---------------------------------------------------------------------


class Writer:
    """Buffers rows per table and writes them in foreign-key order, in chunks.

    SQLite: SQLAlchemy Core executemany (`insert(table)` with a list of dicts).
    PostgreSQL: COPY FROM STDIN through psycopg.
    """

    ORDER = (
        "user",
        "organisation",
        "specialist",
        "group",
        "membership",
        "event",
        "event_organiser",
        "registration",
        "post",
        "comment",
        "help_request",
        "help_response",
    )
    CHUNK = 20_000

    def __init__(self, postgres):
        self.postgres = postgres
        self.tables = {t.name: t for t in db.metadata.sorted_tables}
        self.templates = {name: self._template(self.tables[name]) for name in self.ORDER}
        self.buffers = defaultdict(list)
        self.counts = Counter()
        self.ids = Counter()
        self.pending = 0

    @staticmethod
    def _template(table):
        """Every column with its scalar Python default (or None), so each row has the same keys."""
        row = {}
        for column in table.columns:
            default = column.default
            row[column.name] = default.arg if default is not None and default.is_scalar else None
        if "timezone" in row and row["timezone"] is None:
            row["timezone"] = "Europe/Moscow"
        return row

    def next_id(self, table):
        self.ids[table] += 1
        return self.ids[table]

    def add(self, table, **values):
        if "id" not in values:
            values["id"] = self.next_id(table)
        row = dict(self.templates[table])
        row.update(values)
        self.buffers[table].append(row)
        self.pending += 1
        if self.pending >= self.CHUNK * 3:
            self.flush()
        return values["id"]

    def flush(self):
        for name in self.ORDER:
            rows = self.buffers.pop(name, None)
            if rows:
                self._write(self.tables[name], rows)
                self.counts[name] += len(rows)
        self.pending = 0
        db.session.commit()

    def _write(self, table, rows):
        if self.postgres:
            columns = list(rows[0])
            names = ", ".join(f'"{c}"' for c in columns)
            raw = db.session.connection().connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        else:
            for start in range(0, len(rows), self.CHUNK):
                db.session.execute(insert(table), rows[start : start + self.CHUNK])

    def fix_sequences(self):
        if not self.postgres:
            return
        for name in self.ORDER:
            if self.ids[name]:
                db.session.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), :n)"),  # noqa: S608
                    {"n": self.ids[name]},
                )
        db.session.commit()


def _sizes(rng, total, parts, low=20):
    """Group sizes, skewed (a few big groups, many small ones), summing to `total`."""
    weights = [rng.lognormvariate(0, 0.6) for _ in range(parts)]
    scale = (total - low * parts) / sum(weights)
    sizes = [low + int(w * scale) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def build(args, now):
    """Insert the organisation. Returns the row counts per table."""
    rng = random.Random(args.seed)
    postgres = db.engine.dialect.name == "postgresql"
    w = Writer(postgres)
    started = now - SPAN_DAYS * DAY
    consent = now - 900 * DAY
    forms = ("foster", "guardianship", "adoption", "kinship", None)

    def user(kind, n, **extra):
        return w.add(
            "user",
            email=f"{kind}-{n}@bench.krug",
            display_name=f"{kind.title()} {n}",
            city="Москва",
            password_hash=NO_LOGIN,
            consent_at=consent,
            consent_version="bench",
            created_at=consent,
            email_verified_at=consent,
            **extra,
        )

    admin = user("admin", 0, is_admin=True)
    specialists = [user("specialist", n) for n in range(max(5, args.groups // 20))]
    parents = [
        user("parent", n, family_form=rng.choice(forms), experience_years=rng.choice([None, 0, 1, 2, 3, 5, 8, 12]))
        for n in range(args.members)
    ]
    org = w.add("organisation", name="Bench organisation", slug=ORG_SLUG, region="Everywhere", created_at=consent)
    for s in specialists:
        w.add("specialist", organisation_id=org, user_id=s, joined_at=consent)
    del admin

    # Groups and memberships: each parent has a home group; one in ten also joins a second one.
    order = list(parents)
    rng.shuffle(order)
    sizes = _sizes(rng, args.members, args.groups)
    groups = []
    cursor = 0
    profile_names, profile_weights = zip(*[(k, v[0]) for k, v in PROFILES.items()], strict=True)
    for index, size in enumerate(sizes):
        created = now - rng.randint(30, 60) * DAY if index % 10 == 9 else now - rng.randint(430, 900) * DAY
        profile = rng.choices(profile_names, profile_weights)[0]
        gid = w.add(
            "group",
            name=f"Bench group {index}",
            slug=f"bench-{index}",
            city="Москва",
            join_policy="approval" if index % 2 else "open",
            organisation_id=org,
            member_count=size,
            search_text=f"bench group {index}",
            created_at=created,
        )
        groups.append(
            {
                "id": gid,
                "created": created,
                "profile": profile,
                "home": order[cursor : cursor + size],
                "specialist": specialists[index % len(specialists)],
            }
        )
        cursor += size
    for person in rng.sample(parents, len(parents) // 10):
        target = rng.choice(groups)
        if person not in target["home"]:
            target.setdefault("second", []).append(person)

    for g in groups:
        people = g["home"] + g.get("second", [])
        g["members"] = []  # (joined_at, user_id, ended_at) of parents who joined
        leaders = people[:2]
        lifetime = (now - g["created"]).days
        for n, person in enumerate(people):
            role = "leader" if person in leaders else "member"
            if role == "leader":
                joined = g["created"] + n * DAY
            else:  # more joiners early on, a steady trickle after
                joined = g["created"] + timedelta(
                    days=min(lifetime - 1, int(rng.betavariate(0.8, 1.6) * lifetime)), hours=rng.randint(0, 23)
                )
            status, ended, decided = "active", None, None
            draw = rng.random()
            if role == "member" and draw < 0.03:
                status, joined = "pending", None
            elif role == "member" and draw < 0.10:
                status, ended = "left", joined + timedelta(days=rng.randint(1, max(2, (now - joined).days)))
                ended = min(ended, now - HOUR)
            if role == "member" and joined is not None and g["id"] % 2 == 0:
                decided = leaders[0]
            w.add(
                "membership",
                group_id=g["id"],
                user_id=person,
                role=role,
                status=status,
                requested_at=(joined or now - 2 * DAY) - HOUR,
                joined_at=joined,
                decided_by_id=decided,
                ended_at=ended,
            )
            if joined is not None:
                g["members"].append((joined, person, ended))
        w.add(
            "membership",
            group_id=g["id"],
            user_id=g["specialist"],
            role="specialist",
            status="active",
            requested_at=g["created"],
            joined_at=g["created"] + DAY,
        )
        g["members"].sort()
        g["leaders"] = leaders
        # A third of the members never take part; the rest form the pool each event draws from.
        g["dormant"] = {p for _, p, _ in g["members"] if p not in leaders and rng.random() < 0.3}
    w.flush()
    log(f"  users, groups, memberships: {dict(w.counts)}")

    for n, g in enumerate(groups):
        _activity(rng, w, g, now, started, args.scale)
        if n % 50 == 49:
            log(f"  activity: {n + 1}/{len(groups)} groups, {sum(w.counts.values()) + w.pending:,} rows")
    w.flush()
    w.fix_sequences()
    return dict(w.counts)


def _pool(g, moment, joined_dates):
    """Parents of the group at `moment` who take part at all."""
    last = bisect.bisect_right(joined_dates, moment)
    return [
        p for joined, p, ended in g["members"][:last] if p not in g["dormant"] and (ended is None or ended > moment)
    ]


def _poisson(rng, mean):
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


def _activity(rng, w, g, now, started, scale):
    _, events_pm, attend, posts_pm, help_pm, specialist_share, answer_rate = PROFILES[g["profile"]]
    begin = max(started, g["created"] + 2 * DAY)
    end = now - rng.randint(70, 120) * DAY if g["profile"] == "fading" else now
    months = max(0.0, (end - begin).days / 30)
    joined_dates = [m[0] for m in g["members"]]
    leaders, specialist = g["leaders"], g["specialist"]

    def moment():
        return begin + timedelta(seconds=rng.uniform(0, (end - begin).total_seconds()))

    # Events: past ones spread over the span, plus two upcoming ones and the odd draft.
    starts = sorted(moment() for _ in range(_poisson(rng, events_pm * months * scale)))
    if g["profile"] != "fading":
        starts += [now + 7 * DAY, now + 21 * DAY]
    for starts_at in starts:
        starts_at = starts_at.replace(minute=0, second=0, microsecond=0)
        future = starts_at > now
        pool = _pool(g, min(starts_at, now), joined_dates)
        by_specialist = rng.random() < specialist_share
        organiser = specialist if by_specialist else rng.choice(leaders + pool[:8] if pool else leaders)
        draw = rng.random()
        status = "cancelled" if draw < 0.04 else "draft" if future and draw < 0.10 else "published"
        created_at = starts_at - 14 * DAY
        going = rng.sample(pool, min(len(pool), _poisson(rng, attend * len(pool)))) if status != "draft" else []
        capacity = len(going) + 5 if rng.random() < 0.1 else None
        eid = w.add(
            "event",
            group_id=g["id"],
            title="Встреча",
            starts_at=starts_at,
            ends_at=starts_at + 2 * HOUR,
            status=status,
            created_by_id=organiser,
            created_at=created_at,
            capacity=capacity,
            going_count=0 if status == "cancelled" else len(going),
            cancelled_at=starts_at - 2 * DAY if status == "cancelled" else None,
            offline=rng.random() < 0.03,
        )
        organisers = {organiser: organiser == specialist}
        if not by_specialist and rng.random() < specialist_share:
            organisers[specialist] = True
        if pool and rng.random() < 0.4:
            organisers.setdefault(rng.choice(pool), False)
        for person, is_specialist in organisers.items():
            w.add(
                "event_organiser",
                event_id=eid,
                user_id=person,
                is_specialist=is_specialist,
                status="accepted" if person == organiser or rng.random() < 0.85 else "invited",
                created_at=created_at,
                answered_at=created_at + HOUR,
            )
        for person in going:
            if status == "cancelled":
                reg_status, attended = "cancelled", None
            else:
                reg_status = "going"
                attended = (
                    None if future else (True if rng.random() < 0.85 else (False if rng.random() < 0.7 else None))
                )
            registered = created_at + timedelta(hours=rng.randint(1, 300))
            w.add(
                "registration",
                event_id=eid,
                user_id=person,
                status=reg_status,
                attended=attended,
                queued_at=registered,
                created_at=registered,
                show_name=rng.random() < 0.5,
            )

    # The feed: posts and their comments.
    for _ in range(_poisson(rng, posts_pm * months * scale)):
        created_at = moment()
        pool = _pool(g, created_at, joined_dates)
        draw = rng.random()
        author = (
            specialist
            if draw < specialist_share / 2
            else rng.choice(leaders)
            if draw < 0.3 or not pool
            else rng.choice(pool)
        )
        replies = [rng.choice(pool) for _ in range(_poisson(rng, 2.0))] if pool else []
        pid = w.add(
            "post",
            group_id=g["id"],
            author_id=author,
            kind=rng.choice(("discussion", "discussion", "announcement", "decision")),
            title="Пост",
            comment_count=len(replies),
            created_at=created_at,
            hidden_at=created_at + HOUR if rng.random() < 0.01 else None,
        )
        for n, person in enumerate(replies):
            w.add(
                "comment",
                post_id=pid,
                author_id=person,
                body="Ответ",
                created_at=min(now, created_at + timedelta(hours=1 + 5 * n + rng.randint(0, 20))),
            )

    # Mutual help: needs and offers, answered (or not) by peers or the specialist.
    for _ in range(_poisson(rng, help_pm * months * scale)):
        created_at = moment()
        pool = _pool(g, created_at, joined_dates)
        if len(pool) < 2:
            continue
        author = rng.choice(pool)
        kind = "offer" if rng.random() < 0.2 else "need"
        age = now - created_at
        answered = rng.random() < answer_rate
        helpers = []
        if answered:
            candidates = [p for p in rng.sample(pool, min(len(pool), 3)) if p != author]
            helpers = candidates[: rng.choice((1, 1, 2, 3))]
            if rng.random() < specialist_share:
                helpers = [specialist] + helpers[:1]
        first_at = created_at + timedelta(hours=rng.choice((1, 3, 8, 20, 40, 70, 100))) if helpers else None
        if first_at is not None and first_at > now:
            first_at, helpers = None, []
        if helpers and age > 5 * DAY and rng.random() < 0.75:
            status, resolved_at, closed_at = "resolved", min(now, first_at + timedelta(days=rng.randint(1, 4))), None
        elif not helpers and age > 60 * DAY:
            status, resolved_at, closed_at = "closed", None, created_at + 60 * DAY
        else:
            status, resolved_at, closed_at = ("in_progress" if helpers else "open"), None, None
        rid = w.add(
            "help_request",
            group_id=g["id"],
            author_id=author,
            kind=kind,
            title="Нужна помощь",
            category=rng.choice(("childcare", "transport", "advice", "documents", "things")),
            status=status,
            created_at=created_at,
            first_response_at=first_at,
            response_count=len(helpers),
            resolved_at=resolved_at,
            closed_at=closed_at,
            offline=rng.random() < 0.03,
            hidden_at=created_at + HOUR if rng.random() < 0.005 else None,
        )
        for n, helper in enumerate(helpers):
            answered_at = min(now, first_at + timedelta(hours=3 * n))
            w.add(
                "help_response",
                request_id=rid,
                helper_id=helper,
                message="Могу помочь",
                created_at=answered_at,
                accepted_at=answered_at + HOUR if status != "open" else None,
                helped=status == "resolved" and (n == 0 or rng.random() < 0.5),
            )


BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 — a throwaway database


def breakdown_steps(group_ids, period, staff):
    """The calls the monthly snapshot makes, one by one, so each can be timed (the roll-up of
    the month is written first; the others read it)."""
    i = indicators
    created = dict(db.session.execute(select(Group.id, Group.created_at).where(Group.id.in_(group_ids))).all())
    scope = i.Scope(period, created, {g: set() for g in group_ids}, {g: [] for g in group_ids}, staff)
    return [
        ("roll_up (the month's activity)", lambda: i.roll_up(group_ids, period, staff)),
        ("month_facts (F2, meetings)", lambda: i.month_facts(group_ids, period, period, staff)),
        ("members_during", lambda: i.members_during(scope)),
        ("people (A3 L2 L3 F4 G1 G2 P4 I1)", lambda: i.people_indicators(scope)),
        ("peer_answers (P1)", lambda: i.peer_answers(scope)),
        ("unanswered_too_long", lambda: i.unanswered_too_long(group_ids, scope.at)),
        ("help_indicators (P2 P3)", lambda: i.help_indicators(scope)),
        ("independence (L1 per kind)", lambda: i.independence(scope)),
    ]


def log_in(client, email):
    """A real sign-in through the login form (CSRF token and all)."""
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"email": email, "password": BENCH_PASSWORD, "csrf_token": token})
    assert response.status_code in (302, 303), response.status_code


def measure_pages(app, queries, urls, repeat):
    """Each page as a signed-in specialist of the organisation: median and slowest time, bytes,
    and queries. The test client reads every response to the end (a streamed CSV included)."""
    client = app.test_client()
    with app.app_context():
        email = db.session.scalar(select(User.email).where(User.email.like("specialist-%")).order_by(User.id))
        user = db.session.scalar(select(User).where(User.email == email))
        from community.auth.service import hash_password

        user.password_hash = hash_password(BENCH_PASSWORD)
        db.session.commit()
    log_in(client, email)
    results = []
    for label, url in urls:
        times, size, count = [], 0, 0
        for _ in range(repeat):
            with queries.measure() as m:
                response = client.get(url)
                body = response.get_data()
            assert response.status_code == 200, (url, response.status_code)
            times.append(m["seconds"])
            size, count = len(body), m["queries"]
        results.append(
            {
                "label": label,
                "url": url,
                "median": statistics.median(times),
                "worst": max(times),
                "bytes": size,
                "queries": count,
            }
        )
        log(f"  {label}: median {statistics.median(times) * 1000:.0f} ms, {size / 1024:.0f} KB, {count} queries")
    return results


def explain(statement, parameters):
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        prefix = "EXPLAIN (ANALYZE, BUFFERS) "
    else:
        prefix = "EXPLAIN QUERY PLAN "
    rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    db.session.rollback()
    if conn.dialect.name == "postgresql":
        return "\n".join(r[0] for r in rows)
    return "\n".join(f"{r[0]:>3} {r[1]:>3} {r[-1]}" for r in rows)


def fmt_table(rows):
    header = ("measurement", "groups", "best s", "median s", "cpu s", "runs", "queries", "reads", "writes")
    body = [
        (
            r["label"],
            str(r["groups"]),
            f"{r['seconds']:.3f}",
            f"{r['median']:.3f}",
            f"{r['cpu']:.3f}",
            str(r["runs"]),
            str(r["queries"]),
            str(r["reads"]),
            str(r["writes"]),
        )
        for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(header, *body, strict=True)]
    line = "  ".join(("{:<%d}" if n == 0 else "{:>%d}") % w for n, w in enumerate(widths))
    out = [line.format(*header), "  ".join("-" * w for w in widths)]
    out += [line.format(*r) for r in body]
    return "\n".join(out)


def run(args):
    tmpdir = None
    url = args.database_url
    if not url:
        tmpdir = tempfile.mkdtemp(prefix="krug-bench-")
        url = f"sqlite:///{tmpdir}/health.sqlite"
    try:
        return measure_and_report(args, url)
    finally:
        if tmpdir and not args.keep:
            shutil.rmtree(tmpdir, ignore_errors=True)
        elif tmpdir:
            print(f"\nkept the database; run again on it with --reuse --database-url {url}")


def measure_and_report(args, url):
    app = create_app({**config.TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": config.database_url(url)})
    now = utcnow()
    with app.test_request_context():
        engine = db.engine
        dialect = engine.dialect.name
        log(f"database: {engine.url.render_as_string(hide_password=True)} ({dialect})")
        existing = (
            db.session.scalar(select(Organisation.id).where(Organisation.slug == ORG_SLUG))
            if inspect(engine).has_table("organisation")
            else None
        )
        if args.reuse and existing:
            log("reusing the organisation already built; clearing its snapshots and roll-ups")
            db.session.execute(delete(HealthSnapshot))
            db.session.execute(delete(HealthActivity))
            db.session.commit()
            counts = {
                t: db.session.scalar(select(func.count()).select_from(db.metadata.tables[t])) for t in Writer.ORDER
            }
            build_seconds = None
        else:
            if inspect(engine).has_table("user") and not existing and db.session.scalar(select(func.count(User.id))):
                sys.exit("refusing: this database holds users that are not the benchmark's; use an empty database")
            db.session.remove()
            db.drop_all()
            db.create_all()
            log(f"building {args.groups} groups, {args.members} members, activity scale {args.scale}…")
            started = time.perf_counter()
            counts = build(args, now)
            if dialect == "postgresql":
                db.session.commit()
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")
            elif args.analyze:
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            build_seconds = time.perf_counter() - started
            log(f"built in {build_seconds:.1f} s")
        activity_rows = sum(
            counts[t]
            for t in ("event", "event_organiser", "registration", "post", "comment", "help_request", "help_response")
        )

        queries = QueryLog(engine)
        org = db.session.scalar(select(Organisation).where(Organisation.slug == ORG_SLUG))
        group_ids = db.session.scalars(select(Group.id).where(Group.organisation_id == org.id).order_by(Group.id)).all()
        period = service.last_complete_period(now)
        results = []

        def record(label, groups, action, repeat=args.repeat):
            """Run `action` `repeat` times; keep the fastest run's figures and the median time."""
            runs = []
            for _ in range(repeat):
                db.session.expire_all()
                with queries.measure() as m:
                    action()
                runs.append(m)
                db.session.commit()
            best = min(runs, key=lambda r: r["seconds"])
            best.update(
                label=label, groups=groups, median=statistics.median(r["seconds"] for r in runs), runs=len(runs)
            )
            results.append(best)
            log(
                f"  {label} [{groups}]: "
                + ", ".join(f"{r['seconds']:.3f}" for r in runs)
                + f" s, {best['queries']} queries"
            )
            return best

        log(f"(a) the first monthly run: {period} and the twelve months before it …")
        record(
            "(a) first run: 13 months (no history yet)",
            len(group_ids),
            lambda: service.take_snapshots([period], group_ids),
            repeat=1,
        )
        small_n = 50 if len(group_ids) > 50 else len(group_ids) // 5
        for subset in (group_ids, group_ids[:small_n]):
            record(
                "(a) monthly run, a year of history",
                len(subset),
                lambda subset=subset: service.take_snapshots([period], subset),
            )
        staff = indicators.staff_ids()
        steps = []
        if args.breakdown:
            log("breakdown of one month's snapshot …")
            for name, step in breakdown_steps(group_ids, period, staff):
                runs = []
                for _ in range(args.repeat):
                    with queries.measure() as m:
                        step()
                    runs.append(m)
                db.session.rollback()
                best = min(runs, key=lambda r: r["seconds"])
                best["name"] = name
                steps.append(best)
                log(f"  {name}: " + ", ".join(f"{r['seconds']:.3f}" for r in runs) + " s")
        sizes = dict(
            db.session.execute(
                select(Membership.group_id, func.count(Membership.id))
                .where(Membership.group_id.in_(group_ids))
                .group_by(Membership.group_id)
            ).all()
        )
        by_size = sorted(group_ids, key=lambda g: sizes.get(g, 0))
        median_group = db.session.get(Group, by_size[len(by_size) // 2]).slug
        largest_group = db.session.get(Group, by_size[-1]).slug
        load = os.getloadavg()
        db.session.remove()

    log("pages …")
    urls = [
        ("organisation dashboard, page 1", f"/orgs/{ORG_SLUG}/health"),
        ("dashboard, by active families, page 10", f"/orgs/{ORG_SLUG}/health?sort=active&page=10"),
        ("dashboard, at risk only", f"/orgs/{ORG_SLUG}/health?stage=at_risk"),
        ("organisation CSV (streamed, all groups)", f"/orgs/{ORG_SLUG}/health.csv"),
        (
            f"group page, median group ({sizes[by_size[len(by_size) // 2]]} memberships)",
            f"/groups/{median_group}/health",
        ),
        (f"group page, largest group ({sizes[by_size[-1]]} memberships)", f"/groups/{largest_group}/health"),
    ]
    pages = measure_pages(app, queries, urls, max(5, args.repeat * 5))

    # --- report ---
    print()
    parents = counts["user"] - counts["specialist"] - 1  # one admin
    print(
        f"Krug health at scale — {dialect}, {len(group_ids)} groups, {parents} members, "
        f"{activity_rows:,} activity rows, period {period}"
    )
    print("rows: " + ", ".join(f"{t} {counts[t]:,}" for t in Writer.ORDER if counts.get(t)))
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs")
    if build_seconds is not None:
        print(f"build: {build_seconds:.1f} s")
    print()
    print(fmt_table(results))
    full = next(r for r in results if r["label"].startswith("(a) monthly") and r["groups"] == len(group_ids))
    small = next(r for r in results if r["label"].startswith("(a) monthly") and r["groups"] != len(group_ids))
    print()
    verdict = "MET" if full["seconds"] < TARGET_SECONDS else "MISSED"
    print(
        f"snapshot target (< {TARGET_SECONDS:.0f} s for the monthly snapshot of {len(group_ids)} groups): "
        f"{verdict} (best {full['seconds']:.2f} s, median {full['median']:.2f} s)"
    )
    print(
        f"query count: {small['queries']} statements for {small['groups']} groups, {full['queries']} for "
        f"{full['groups']} groups"
    )
    print()
    print("pages (a signed-in specialist of the organisation; median and slowest of the runs):")
    width = max(len(p["label"]) for p in pages)
    for p in pages:
        flag = (
            ""
            if p["url"].endswith(".csv")
            else ("  ok" if p["median"] <= PAGE_SECONDS and p["bytes"] <= PAGE_BYTES else "  MISSED")
        )
        print(
            f"  {p['label']:<{width}}  {p['median'] * 1000:6.0f} ms  (slowest {p['worst'] * 1000:5.0f})  "
            f"{p['bytes'] / 1024:7.0f} KB  {p['queries']:>3} queries{flag}"
        )
    if steps:
        print()
        print(f"breakdown of one month's snapshot (each step alone, best of {args.repeat}):")
        width = max(len(s["name"]) for s in steps)
        for s in sorted(steps, key=lambda s: -s["seconds"]):
            share = s["seconds"] / max(1e-9, sum(x["seconds"] for x in steps))
            print(f"  {s['name']:<{width}}  {s['seconds']:8.3f} s  {share:6.1%}  {s['queries']:>2} queries")
        if args.explain:
            with app.test_request_context():
                for s in sorted(steps, key=lambda s: -s["seconds"])[: args.explain]:
                    for statement, parameters, _many, seconds in s["statements"]:
                        print()
                        print(f"--- {s['name']}: statement took {seconds:.3f} s in execute ---")
                        if args.show_sql:
                            print(statement)
                        print(explain(statement, parameters))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file; or postgresql://…/krug_bench")
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--scale", type=float, default=1.0, help="activity per group (1.0 ≈ 1 000 000 rows in all)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each measurement; the table shows the "
        "fastest and the median (the first take_snapshots, with no history, runs once)",
    )
    parser.add_argument(
        "--no-breakdown", dest="breakdown", action="store_false", help="skip timing each indicator function"
    )
    parser.add_argument(
        "--explain",
        type=int,
        default=0,
        metavar="N",
        help="print the query plans of the statements of the N slowest indicator functions",
    )
    parser.add_argument("--show-sql", action="store_true", help="with --explain, print the statements too")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="SQLite: run ANALYZE after loading (PostgreSQL always gets VACUUM ANALYZE, as autovacuum would)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the organisation a previous run built in --database-url (skips the build)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file (for --reuse)")
    args = parser.parse_args(argv)
    if args.groups < 10 or args.members < args.groups * 25:
        parser.error("need at least 10 groups and 25 members per group")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
