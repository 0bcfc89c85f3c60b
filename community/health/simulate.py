"""Synthetic communities with known trajectories: the proof that the stage verdict is right.

SPEC §4: "a simulator in the project generates communities with known trajectories
(forming, formed, growing, declining, self-running), and tests check that the verdicts
recognise them". This is that simulator; `tests/test_health_simulation.py` is the check.

`simulate(seed, trajectory)` builds one group and eighteen months of its life straight into
the database with the models, as `community.demo` does (but with one multi-row INSERT per
table): its own parents (a parent leader and a co-leader among them) and an NGO specialist
with an organisation; members joining (welcomed by a leader) and leaving; meetings with
co-organisers and marked attendance; posts and comments; needs answered by other parents and
resolved with thanks. Nobody can sign in as a simulated person.
Everything is drawn from `random.Random` streams seeded with the trajectory and the seed, so
the same seed builds the same community again.

A trajectory is a plan, month by month (`Month`): how many families are active, how many of
them are regulars (who come back), meetings and how many attend, who organises (parents from
a bench, the specialist beside them or not), how needs are answered, newcomers and how many
of them become active, leavers. On top of the plan, noise: a seasonal dip (a summer or New
Year month with half the activity, in that month every year), one quiet month and one burst
month. Quiet and burst months fall after the group's first months and before its last four,
and so does the seasonal dip, except when its calendar month also comes round while the
group is young: the final verdict describes the trajectory, not the noise (a declining
group's last months are its decline). No two noisy months push the verdict the same way in
the same or consecutive months: each is a single noisy month.

`run(seeds)` builds many communities, takes the monthly snapshots of all of them at once
(`service.take_snapshots`: a fixed number of queries per month, whatever the number of
groups) and answers each group's trajectory with its shown and raw stages, month by month.
"""

import random
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import insert, select, text

from community.auth.models import FAMILY_FORMS, User
from community.events.models import ACCEPTED, GOING, PUBLISHED, Event, EventOrganiser, Registration
from community.extensions import db
from community.groups.models import (
    ACTIVE,
    ANNOUNCEMENT,
    DISCUSSION,
    LEADER,
    LEFT,
    MEMBER,
    SPECIALIST,
    Comment,
    Group,
    Membership,
    Post,
)
from community.health.models import HealthSnapshot
from community.health.service import add_months, last_complete_period, take_snapshots
from community.health.verdict import AT_RISK, FORMED, FORMING, GROWING, SELF_RUNNING
from community.mutual_help.models import CATEGORIES, NEED, RESOLVED, HelpRequest, HelpResponse
from community.mutual_help.models import OPEN as REQUEST_OPEN
from community.orgs.models import Organisation, Specialist

TRAJECTORIES = ("forming", "formed", "growing", "declining", "self_running")
# The stage the verdict must show at the end of each trajectory.
EXPECTED = {
    "forming": FORMING,
    "formed": FORMED,
    "growing": GROWING,
    "declining": AT_RISK,
    "self_running": SELF_RUNNING,
}
MONTHS = 18
NOISE_FROM = 4  # no noise while a group forms …
NOISE_BEFORE_END = 4  # … nor in the last four months
# The indicators look back 30, 90 and 180 days from a snapshot, and A2 and the parent-only
# months of L1 cut the 90 days into 30-day slices, not calendar months. Meetings on the 10th
# to the 24th land in their own month's slice whatever the length of the months around them
# (a meeting on the 1st or 2nd may not: its month would count as a month without a meeting);
# other activity, from the 4th to the 26th, stays inside its month's 30 days and its
# quarter's 90 days.
MEETING_DAYS = (10, 24)
ACTIVITY_DAYS = (4, 26)
SEASONAL_MONTHS = (6, 7, 8, 12, 1)  # summer and New Year


# --- plans ---------------------------------------------------------------------------------------------


@dataclass
class Month:
    """What happens in a group in one month."""

    active: int  # families active this month (A1), if there are that many members
    meetings: int = 1
    attendees: int | None = None  # per meeting; None: about 70 % of the active, at least 3
    bench: int = 2  # parents organising this month's meetings (0: the specialist alone)
    specialist: bool = True  # the specialist co-organises, posts and sometimes answers
    posts: int = 2
    help: int = 2  # needs posted
    answered: bool = True  # needs are answered by another parent within 40 hours, or never
    reciprocity: float = 0.5  # chance that a need comes from someone who helped in the last half-year,
    # and that the helper is someone who was helped
    joiners: int = 0
    activation: float = 0.5  # share of joiners active in their first month (G1)
    regular_share: float = 0.5  # share of activated joiners who become regulars
    leavers: int = 0
    spell: int = 0  # occasional families come for a spell of `spell` months …
    away: int = 0  # … then stay away this many months (0 for both: anyone, any month)
    churn: bool = False  # the regulars stop coming; newcomers come once
    noise: str = ""


@dataclass
class Plan:
    trajectory: str
    start: int  # the month the group is created
    founders: int  # parents at the start: leader, co-leader, then members
    regulars: int  # the first founders who come back month after month
    specialist_until: int | None  # the month the specialist leaves; None: no specialist at all
    co_leader_until: int | None = None  # the month the co-leader leaves
    welcomer: str = "leader"  # who admits newcomers: "leader" (L2 counts it) or "specialist"
    months: list = field(default_factory=list)
    noise: dict = field(default_factory=dict)
    detail: str = ""


def _plan_forming(rng, months):
    """Not formed yet, in one of three ways: a small group (three to five active families), a
    bigger one without a monthly rhythm (no three months in a row with three parents at a
    meeting), or one the NGO runs (the specialist organises and welcomes; no parent leads)."""
    start = rng.randint(0, max(0, months - 10))
    variant = rng.choice(("small", "irregular", "ngo_led"))
    ngo_led = variant == "ngo_led"
    plan = Plan(
        "forming",
        start,
        founders=rng.randint(6, 8) if ngo_led else rng.randint(3, 4),
        regulars=2,
        specialist_until=months,
        welcomer="specialist" if ngo_led else "leader",
        detail=variant,
    )
    plan.months = [Month(active=0) for _ in range(start)]
    members, cap, steady = plan.founders, rng.randint(5, 9) + (4 if ngo_led else 0), rng.randint(5, 7)
    good_run = 0
    for n in range(months - start):
        joiners = int(members < cap and rng.random() < 0.4)
        members += joiners
        # Slowly more families: three, then four, then five at most; or a steady handful.
        month = Month(
            active=min(5, 3 + n // 5) if variant == "small" else steady,
            posts=rng.randint(1, 2),
            help=rng.randint(0, 1),
            joiners=joiners,
            activation=0.6,
            bench=0 if ngo_led else 2,
        )
        if variant == "irregular":
            # Meetings every month, but no three months in a row with three parents at one.
            good = rng.random() < 0.6 and good_run < 2
            good_run = good_run + 1 if good else 0
            month.attendees = rng.randint(3, 4) if good else 2
        plan.months.append(month)
    return plan


def _plan_formed(rng, months):
    """Steady: every rule of *formed* met, month after month, and flat — a core of regulars and
    a wide circle of families who each come now and then, so the numbers hold but do not grow
    and a good part of last quarter's families are not back this quarter (G2 under 70 %)."""
    regulars = rng.randint(7, 8)
    base = regulars + 2
    plan = Plan("formed", 0, founders=regulars + rng.randint(16, 20), regulars=regulars, specialist_until=months)
    posts, help_ = rng.randint(2, 3), rng.randint(2, 3)
    plan.months = [
        Month(
            active=base,
            posts=posts,
            help=help_,
            joiners=int(rng.random() < 0.5),
            leavers=int(rng.random() < 0.5),
            activation=0.4,
            regular_share=0.0,
            spell=1,
            away=6,
        )
        for _ in range(months)
    ]
    return plan


def _plan_growing(rng, months):
    """Formed, and rising: more active families each month, newcomers who become active and
    stay, regulars who keep coming, more parents organising over time."""
    regulars = rng.randint(5, 6)
    plan = Plan("growing", 0, founders=regulars + rng.randint(3, 5), regulars=regulars, specialist_until=months)
    slope = rng.uniform(0.7, 1.0)
    for i in range(months):
        active = round(regulars + 1 + slope * i)
        plan.months.append(
            Month(
                active=active,
                meetings=1 if active < 12 else 2,
                bench=2 if i < 6 else 3 if i < 12 else 4,
                posts=max(2, active // 3),
                help=max(2, active // 4),
                joiners=rng.choice((2, 2, 3, 3, 4)) if i else 0,
                activation=0.8,
                regular_share=0.6,
                leavers=int(rng.random() < 0.2),
            )
        )
    return plan


def _plan_self_running(rng, months):
    """Formed with a specialist beside the parents at first; then the specialist steps back and
    for the last seven to nine months the parents run everything: a parent-run meeting every
    month, a bench of three, families who stay."""
    regulars = rng.randint(7, 8)
    until = months - rng.randint(7, 9)
    plan = Plan(
        "self_running",
        0,
        founders=regulars + rng.randint(4, 6),
        regulars=regulars,
        specialist_until=until,
        detail=f"specialist left in month {until}",
    )
    active = regulars + rng.randint(2, 3)
    for i in range(months):
        plan.months.append(
            Month(
                active=active,
                meetings=rng.choice((1, 1, 2)),
                bench=3,
                specialist=i < until,
                posts=rng.randint(2, 4),
                help=rng.randint(2, 3),
                joiners=int(rng.random() < 0.4),
                leavers=int(rng.random() < 0.3),
                activation=0.6,
                regular_share=0.5,
            )
        )
    return plan


def _plan_declining(rng, months):
    """Formed for a year or more, then in decline for the last three to five months, in one or
    two of five ways: activity falls by half or more; meetings stop; the co-leader leaves and
    one organiser is left; needs go unanswered; or the families stop coming back (the numbers
    hold, but with people who come once)."""
    regulars = rng.randint(5, 6)
    base = regulars + rng.randint(3, 5)
    modes = sorted(rng.sample(("drop", "stop", "single", "unanswered", "churn"), k=rng.choice((1, 1, 2))))
    decline = months - rng.randint(4, 5) if "single" in modes else months - rng.randint(3, 5)
    plan = Plan(
        "declining",
        0,
        founders=regulars + rng.randint(10, 14),
        regulars=regulars,
        specialist_until=months,
        co_leader_until=decline if "single" in modes else None,
        detail=f"{'+'.join(modes)} from month {decline}",
    )
    for i in range(months):
        month = Month(
            active=base,
            posts=rng.randint(2, 3),
            help=rng.randint(2, 3),
            joiners=int(rng.random() < 0.5),
            leavers=int(rng.random() < 0.3),
            activation=0.5,
        )
        if i >= decline:
            month.active = max(3, round(base * (rng.uniform(0.3, 0.55) if "drop" in modes else 0.8)))
            month.joiners, month.posts = 0, 1
            month.meetings = 0 if "stop" in modes else 1
            month.bench = 1 if "single" in modes else 2
            if "unanswered" in modes:
                month.answered, month.help = False, max(1, month.help)
            if "churn" in modes:
                month.churn, month.joiners, month.activation, month.regular_share = True, month.active, 1.0, 0.0
        plan.months.append(month)
    return plan


PLANNERS = {
    "forming": _plan_forming,
    "formed": _plan_formed,
    "growing": _plan_growing,
    "declining": _plan_declining,
    "self_running": _plan_self_running,
}


# --- noise ---------------------------------------------------------------------------------------------


def _noise(rng, periods, plan):
    """{month index: "dip" | "quiet" | "burst"}: a seasonal dip in the same calendar month of
    every year, one quiet month, one burst month."""
    months = len(periods)
    window = range(max(NOISE_FROM, plan.start + 3), months - NOISE_BEFORE_END)
    if len(window) < 3:
        return {}
    noise = {}
    seasons = []
    for calendar_month in SEASONAL_MONTHS:
        hits = [i for i, p in enumerate(periods) if p.month == calendar_month and i >= plan.start]
        # Every occurrence before the last months, and at least one once the group has formed.
        if hits and all(i < window.stop for i in hits) and any(i in window for i in hits):
            seasons.append(hits)
    if seasons:
        for i in rng.choice(seasons):
            noise[i] = "dip"
    for kind in ("quiet", "burst"):
        # Each noisy month on its own: no two noises push the same way in the same or
        # consecutive months (two months in a row are what the two-snapshot rule lets through).
        for gap in (2, 1, 0):
            free = [i for i in window if i not in noise and _apart(_pushes(kind, i), noise, gap)]
            if free:
                noise[rng.choice(free)] = kind
                break
    return noise


def _pushes(kind, month):
    """The months a noise moves the verdict, and which way: a dip or a quiet month lowers the
    month's activity, and three months later looks like a rise (growth is measured against
    the quarter before); a burst looks like a rise at once."""
    return {(month, "up")} if kind == "burst" else {(month, "down"), (month + 3, "up")}


def _apart(pushes, noise, gap):
    return all(
        abs(m - n) >= gap
        for j, kind in noise.items()
        for n, way in _pushes(kind, j)
        for m, same in pushes
        if way == same
    )


def _noisy(month, kind):
    if kind == "dip":
        return replace(
            month,
            active=max(3, round(month.active * 0.5)),
            posts=month.posts // 2,
            help=month.help // 2,
            meetings=min(month.meetings, 1),
            noise=kind,
        )
    if kind == "quiet":
        return replace(
            month,
            active=max(3, round(month.active * 0.6)),
            posts=min(month.posts, 1),
            help=min(month.help, 1),
            meetings=min(month.meetings, 1),
            noise=kind,
        )
    if kind == "burst":
        return replace(
            month,
            active=round(month.active * 1.25),
            meetings=month.meetings + 1,
            posts=month.posts * 2,
            help=month.help + 2,
            noise=kind,
        )
    return month


# --- building the rows ---------------------------------------------------------------------------------


class _Row(dict):
    """A row to insert. Other rows hold it in their `…_id` fields until its id is known."""

    __hash__ = object.__hash__
    __eq__ = object.__eq__


# Insert order, and the tables whose ids other rows need.
_TABLES = (
    User,
    Organisation,
    Specialist,
    Group,
    Membership,
    Event,
    EventOrganiser,
    Registration,
    Post,
    Comment,
    HelpRequest,
    HelpResponse,
)
_REFERENCED = {User, Organisation, Group, Event, Post, HelpRequest}


def _insert(rows):
    """Insert every table's rows with multi-row statements (RETURNING the ids later tables
    need): the models' tables straight through the connection, as fast as the database goes."""
    connection = db.session.connection()
    for model in _TABLES:
        batch = rows.get(model, [])
        if not batch:
            continue
        values = [{k: v["id"] if isinstance(v, _Row) else v for k, v in row.items()} for row in batch]
        if model in _REFERENCED:
            statement = insert(model).returning(model.id, sort_by_parameter_order=True)
            for row, new_id in zip(batch, connection.execute(statement, values).scalars().all(), strict=True):
                row["id"] = new_id
        else:
            connection.execute(insert(model), values)
    rows.clear()


def _analyze():
    """Fresh statistics after a bulk load, as autovacuum would soon give them: PostgreSQL
    otherwise plans the indicators' joins for near-empty tables (seconds instead of
    milliseconds for `newcomer_activation`)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for model in _TABLES:
            db.session.execute(text(f'ANALYZE "{model.__table__.name}"'))
        db.session.commit()


@dataclass(eq=False)
class _Person:
    user: _Row
    membership: _Row
    joined: int
    join_day: int
    regular: bool = False
    left: int | None = None
    last_active: int = -10
    spell_left: int = 0
    helped_in: int = -100  # the last month this person helped someone …
    helped_by_others_in: int = -100  # … and was helped


class _Builder:
    """Turns a plan into rows — users, memberships, events, posts, help — month by month."""

    def __init__(self, key, plan, periods, password_hash, rows):
        self.key, self.plan, self.periods, self.password_hash, self.rows = key, plan, periods, password_hash, rows
        self.rng = random.Random(f"{key}:founders")
        self.token = secrets.token_hex(4)
        self.count = 0
        self.specialist = None
        self.specialist_membership = None

    def add(self, model, **values):
        row = _Row(values)
        self.rows.setdefault(model, []).append(row)
        return row

    def at(self, month, day, hour=12, minute=0):
        period = self.periods[month]
        return datetime(period.year, period.month, day, hour, minute, tzinfo=UTC)

    def user(self, when, name):
        self.count += 1
        rng = self.rng
        return self.add(
            User,
            email=f"sim-{self.token}-{self.count}@sim.krug",
            display_name=name,
            password_hash=self.password_hash,
            email_verified_at=when,
            consent_at=when,
            consent_version="simulated",
            family_form=rng.choice(FAMILY_FORMS + (None,)),
            experience_years=rng.choice((None, 1, 2, 4, 7, 12)),
            created_at=when,
        )

    def build(self):
        plan = self.plan
        created = self.at(plan.start, 1, 8)
        organisation = None
        if plan.specialist_until is not None:
            organisation = self.add(
                Organisation, name=f"Фонд {self.token}", slug=f"sim-org-{self.token}", created_at=created
            )
            self.specialist = self.user(created, "Специалист фонда")
            self.add(Specialist, organisation_id=organisation, user_id=self.specialist, joined_at=created)
        self.group = self.add(
            Group,
            name=f"Круг {plan.trajectory} {self.token}",
            slug=f"sim-{plan.trajectory}-{self.token}",
            city="Симск",
            description=plan.detail,
            how_to_join="Симуляция",
            organisation_id=organisation,
            created_at=created,
            search_text=f"sim {self.token}",
            member_count=0,
        )
        self.people = []
        self.leader = None
        for n in range(plan.founders):
            self.join(plan.start, 1, role=LEADER if n < 2 else MEMBER, regular=n < plan.regulars)
            self.leader = self.leader or self.people[0]
        self.co_leader = self.people[1]
        self.bench = [self.leader, self.co_leader]
        if self.specialist is not None:
            self.specialist_membership = self.membership(self.specialist, SPECIALIST, created, decided=False)
        for index in range(plan.start, len(self.periods)):
            self.month(index, plan.months[index])
        self.group["member_count"] = sum(1 for p in self.people if p.left is None)
        return self.group

    def membership(self, user, role, when, decided=True):
        welcomer = self.specialist if self.plan.welcomer == "specialist" else self.leader and self.leader.user
        return self.add(
            Membership,
            group_id=self.group,
            user_id=user,
            role=role,
            status=ACTIVE,
            requested_at=when - timedelta(hours=3),
            joined_at=when,
            decided_by_id=welcomer if decided else None,
            ended_at=None,
        )

    def join(self, month, day, role=MEMBER, regular=False):
        """A parent joins; after the founders, a leader welcomes each newcomer (L2 counts that)."""
        when = self.at(month, day, 9)
        user = self.user(when, f"Родитель {self.count + 1}")
        person = _Person(
            user, self.membership(user, role, when, decided=self.leader is not None), month, day, regular=regular
        )
        self.people.append(person)
        return person

    def leave(self, membership, month, day):
        membership["status"], membership["ended_at"] = LEFT, self.at(month, day, 20)

    def month(self, i, plan):  # noqa: C901 — one month of a group's life, in order
        rng = self.rng = random.Random(f"{self.key}:month:{i}")
        # Who comes and who goes.
        if self.plan.co_leader_until == i and self.co_leader.left is None:
            self.co_leader.left = i
            self.leave(self.co_leader.membership, i, 1)
            self.bench = [p for p in self.bench if p is not self.co_leader]
        if self.plan.specialist_until == i and self.specialist_membership is not None:
            self.leave(self.specialist_membership, i, 1)
        specialist = (
            self.specialist
            if (
                self.specialist is not None
                and plan.specialist
                and (self.plan.specialist_until is None or i < self.plan.specialist_until)
            )
            else None
        )
        joiners = [self.join(i, rng.randint(2, 8)) for _ in range(plan.joiners)]
        present = [p for p in self.people if p.left is None]
        if plan.churn:
            for person in present:
                person.regular = person.regular and person in self.bench
        leaving = [p for p in present if not p.regular and p not in self.bench and p.joined < i]
        for person in rng.sample(leaving, min(plan.leavers, len(leaving))):
            person.left = i
            self.leave(person.membership, i, 27)

        # This month's organisers, from the bench.
        while len(self.bench) < min(plan.bench, len(present)):
            candidates = [p for p in present if p.regular and p not in self.bench] or [
                p for p in present if p not in self.bench
            ]
            self.bench.append(rng.choice(candidates))
        bench = [p for p in self.bench if p.left is None or p.left >= i][: plan.bench]
        teams = []
        for j in range(plan.meetings):
            if len(bench) <= 2:
                teams.append(list(bench))
            else:
                teams.append([bench[0], bench[1 + (i + j) % (len(bench) - 1)]])

        # Who is active: organisers, newcomers who take part, regulars, then occasional families.
        active = []
        for person in [p for team in teams for p in team]:
            if person not in active:
                active.append(person)
        for person in joiners:
            if rng.random() < plan.activation:
                active.append(person)
                person.regular = rng.random() < plan.regular_share
        target = max(len(active), min(plan.active, len(present)))
        regulars = [p for p in present if p.regular and p not in active]
        rng.shuffle(regulars)
        active += regulars[: max(0, target - len(active))]
        others = [p for p in present if p not in active and p not in joiners]
        rng.shuffle(others)
        if plan.spell:
            # Families in the middle of a spell first, then those who have been away long enough.
            going_on = [p for p in others if p.spell_left > 0 and p.last_active == i - 1]
            fresh = [p for p in others if p not in going_on and p.last_active < i - plan.away]
            others = going_on + fresh + [p for p in others if p not in going_on and p not in fresh]
        for person in others[: max(0, target - len(active))]:
            active.append(person)
            if person.spell_left <= 0 or person.last_active != i - 1:
                person.spell_left = plan.spell or 1
            person.spell_left -= 1
        for person in active:
            person.last_active = i
        done = set()

        def first_day(person):
            return person.join_day + 1 if person.joined == i else ACTIVITY_DAYS[0]

        # Meetings.
        for j, team in enumerate(teams):
            if plan.meetings == 1:
                day = rng.randint(*MEETING_DAYS)
            else:
                span = (MEETING_DAYS[1] - MEETING_DAYS[0] + 1) // plan.meetings
                day = rng.randint(MEETING_DAYS[0] + j * span, MEETING_DAYS[0] + (j + 1) * span - 1)
            if not team and specialist is None:
                continue
            starts_at = self.at(i, day, 15)
            eligible = [p for p in active if p not in team and first_day(p) <= day]
            wanted = plan.attendees if plan.attendees is not None else max(3, round(0.7 * len(active)))
            if j:
                wanted = max(3, wanted // 2)
            attendees = team + rng.sample(eligible, max(0, min(len(eligible), wanted - len(team))))
            creator = specialist if specialist is not None and (not team or rng.random() < 0.5) else team[0].user
            created = starts_at - timedelta(days=10)
            event = self.add(
                Event,
                group_id=self.group,
                title="Встреча клуба",
                description="Разговор по кругу.",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                place="Семейный центр",
                status=PUBLISHED,
                created_by_id=creator,
                created_at=created,
                going_count=len(attendees),
            )
            organisers = [(p.user, False) for p in team] + ([(specialist, True)] if specialist is not None else [])
            for user, is_specialist in organisers:
                self.add(
                    EventOrganiser,
                    event_id=event,
                    user_id=user,
                    is_specialist=is_specialist,
                    status=ACCEPTED,
                    created_at=created,
                    answered_at=created,
                )
            for person in attendees:
                self.add(
                    Registration,
                    event_id=event,
                    user_id=person.user,
                    status=GOING,
                    attended=True,
                    queued_at=created,
                    created_at=created,
                )
                done.add(person)
            done.update(team)

        def someone(pool, weight):
            return rng.choices(pool, [weight if p.regular else 1.0 for p in pool])[0]

        # Posts and comments.
        posts = []
        for _ in range(plan.posts if active else 0):
            author = someone(active, 2.0)
            when = self.at(i, rng.randint(max(first_day(author), ACTIVITY_DAYS[0]), 14), rng.randint(8, 21))
            posts.append(self.post(author.user, when))
            done.add(author)
            for commenter in rng.sample(active, min(len(active), rng.randint(0, 3))):
                if commenter is not author:
                    self.comment(posts[-1], commenter, i, first_day(commenter))
                    done.add(commenter)
        if specialist is not None:
            self.post(specialist, self.at(i, rng.randint(ACTIVITY_DAYS[0], 14), 10), kind=ANNOUNCEMENT)

        # Needs and answers.
        for _ in range(plan.help if len(active) >= 2 else 0):
            givers = [p for p in active if p.helped_in >= i - 5]
            author = rng.choice(givers) if givers and rng.random() < plan.reciprocity else someone(active, 2.0)
            others = [p for p in active if p is not author]
            receivers = [p for p in others if p.helped_by_others_in >= i - 5]
            helper = rng.choice(receivers) if receivers and rng.random() < plan.reciprocity else someone(others, 3.0)
            day = rng.randint(max(first_day(author), first_day(helper), ACTIVITY_DAYS[0]), 20)
            created = self.at(i, day, rng.randint(8, 20))
            request = self.add(
                HelpRequest,
                group_id=self.group,
                author_id=author.user,
                kind=NEED,
                title="Нужна помощь",
                details="",
                category=rng.choice(CATEGORIES),
                status=REQUEST_OPEN,
                created_at=created,
                first_response_at=None,
                response_count=0,
                resolved_at=None,
                thank_you="",
            )
            done.add(author)
            if not plan.answered:
                continue
            answered = created + timedelta(hours=rng.randint(1, 40))
            self.add(
                HelpResponse,
                request_id=request,
                helper_id=helper.user,
                message="Могу помочь.",
                created_at=answered,
                accepted_at=answered + timedelta(hours=1),
                helped=True,
            )
            responses = 1
            if specialist is not None and rng.random() < 0.3:
                self.add(
                    HelpResponse,
                    request_id=request,
                    helper_id=specialist,
                    message="Подскажу, куда обратиться.",
                    created_at=answered + timedelta(hours=2),
                    accepted_at=None,
                    helped=False,
                )
                responses += 1
            request.update(
                status=RESOLVED,
                resolved_at=answered + timedelta(days=1),
                first_response_at=answered,
                response_count=responses,
                thank_you="Спасибо!",
            )
            helper.helped_in, author.helped_by_others_in = i, i
            done.add(helper)

        # Everyone active did something: the rest reply in the feed.
        for person in active:
            if person in done:
                continue
            if posts:
                self.comment(rng.choice(posts), person, i, first_day(person))
            else:
                posts.append(self.post(person.user, self.at(i, rng.randint(first_day(person), ACTIVITY_DAYS[1]), 18)))

    def post(self, author, when, kind=DISCUSSION):
        return self.add(
            Post,
            group_id=self.group,
            author_id=author,
            kind=kind,
            title="Как у вас дела?",
            body="Делимся новостями.",
            created_at=when,
            comment_count=0,
        )

    def comment(self, post, person, month, first_day):
        """A reply a few hours or days after the post (never before the person joined, never
        after the 26th): posts are written by the 14th, so there is always room."""
        when = max(post["created_at"] + timedelta(hours=self.rng.randint(1, 60)), self.at(month, first_day, 9))
        when = min(when, self.at(month, ACTIVITY_DAYS[1], 22))
        self.add(Comment, post_id=post, author_id=person.user, body="Спасибо, что поделились.", created_at=when)
        post["comment_count"] += 1


# --- the public surface -----------------------------------------------------------------------------------


def periods_until(now=None, months=MONTHS):
    """The `months` monthly periods that end with the last complete month before `now`, oldest first."""
    last = last_complete_period(now)
    return [add_months(last, -n) for n in range(months - 1, -1, -1)]


def plan(seed, trajectory, months=MONTHS, now=None, noise=True):
    """The plan of one community (with its noise unless `noise` is false) and its periods.
    The plan, the noise and each month's rows draw from their own seeded streams, so the
    same community without its noise differs only where the noise makes it differ."""
    if trajectory not in PLANNERS:
        raise ValueError(f"unknown trajectory {trajectory!r}; known: {', '.join(TRAJECTORIES)}")
    periods = periods_until(now, months)
    result = PLANNERS[trajectory](random.Random(f"{trajectory}:{seed}:plan"), months)
    if noise:
        result.noise = _noise(random.Random(f"{trajectory}:{seed}:noise"), periods, result)
        for index, kind in result.noise.items():
            result.months[index] = _noisy(result.months[index], kind)
    return result, periods


def simulate(seed, trajectory, months=MONTHS, now=None, noise=True):
    """Build one community of `trajectory` over the `months` months before `now` (inserted,
    not committed); its group id."""
    rows = {}
    group = _build(seed, trajectory, months, now, noise, _unusable_password(), rows)[0]
    _insert(rows)
    return group["id"]


def _build(seed, trajectory, months, now, noise, password_hash, rows):
    result, periods = plan(seed, trajectory, months, now, noise)
    return _Builder(f"{trajectory}:{seed}", result, periods, password_hash, rows).build(), result


def simulate_many(seeds, trajectories=TRAJECTORIES, months=MONTHS, now=None, noise=True):
    """Build and commit one community per seed and trajectory: {group_id: (trajectory, seed, plan)}."""
    password_hash = _unusable_password()
    rows, built = {}, []
    for seed in seeds:
        for trajectory in trajectories:
            group, result = _build(seed, trajectory, months, now, noise, password_hash, rows)
            built.append((group, trajectory, seed, result))
    _insert(rows)
    db.session.commit()
    _analyze()
    return {group["id"]: (trajectory, seed, result) for group, trajectory, seed, result in built}


class Outcome(NamedTuple):
    trajectory: str
    stages: list  # the stage shown each month (after the two-snapshot rule), oldest first
    raw_stages: list  # the stage the rules gave for each month alone
    seed: int
    noise: dict  # {month index: "dip" | "quiet" | "burst"}
    detail: str

    @property
    def expected(self):
        return EXPECTED[self.trajectory]

    @property
    def right(self):
        return self.stages[-1] == self.expected


def run(seeds, trajectories=TRAJECTORIES, months=MONTHS, now=None, noise=True):
    """Build the communities, snapshot all of them month by month, and answer
    {group_id: Outcome(trajectory, stages, raw_stages, seed, noise, detail)}."""
    groups = simulate_many(seeds, trajectories, months, now, noise)
    take_snapshots(periods_until(now, months), list(groups))
    rows = db.session.execute(
        select(HealthSnapshot.group_id, HealthSnapshot.stage, HealthSnapshot.raw_stage)
        .where(HealthSnapshot.group_id.in_(list(groups)))
        .order_by(HealthSnapshot.group_id, HealthSnapshot.period)
    ).all()
    stages = {g: ([], []) for g in groups}
    for group_id, stage, raw_stage in rows:
        stages[group_id][0].append(stage)
        stages[group_id][1].append(raw_stage)
    return {g: Outcome(trajectory, *stages[g], seed, p.noise, p.detail) for g, (trajectory, seed, p) in groups.items()}


def accuracy(outcomes):
    """{trajectory: (right, total)} for the final stage, and "all"."""
    result = {}
    for outcome in outcomes.values():
        right, total = result.get(outcome.trajectory, (0, 0))
        result[outcome.trajectory] = (right + outcome.right, total + 1)
    result["all"] = (sum(r for r, _ in result.values()), sum(t for _, t in result.values()))
    return result


def _unusable_password():
    """Simulated people never sign in: one hash of a random secret, shared by all of them."""
    from community.auth.service import hash_password

    return hash_password(secrets.token_urlsafe(24))
