"""Generator 2, the independent check: written from health-realism.md alone, separately from
generator 1 and without reading the verdict's rules or thresholds.

It models time differently. Each family has a lifetime in the group drawn from a heavy-tailed
distribution (many come once or twice, a small core stays for years) and its own rates of
taking part, drawn from skewed distributions (90-9-1: most read, some write now and then, a few
write most). Leaders follow a small state machine — energetic, tired, burnt out or handing
over — and may find a co-leader or not. Specialists organise everything, answer only hard
questions, step back over months, or are absent. Day by day the Russian calendar thins the
summer (or stops it, when a break is declared), the New Year and May holidays, and restarts
September with school and payment questions; a crisis brings a month of requests; a city event
brings joiners who mostly never return.

The situations are its own, several the rules were not written for. What is right for each is
what a person who knows the group would say, written with the story.

    outcomes = run(seeds, now)   # inside an app context
    print(report(outcomes))
"""

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from community.auth.models import User
from community.events.models import ACCEPTED, GOING, PUBLISHED, Event, EventOrganiser, Registration
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, LEFT, MEMBER, SPECIALIST, Comment, Group, Membership, Post
from community.health import service
from community.health.models import HealthBreak, HealthSnapshot
from community.mutual_help.models import CLOSED, NEED, RESOLVED, HelpRequest, HelpResponse
from community.orgs.models import Organisation, Specialist
from simulation.rows import Rows, analyze

DAY = timedelta(days=1)
SNAPSHOT_MONTHS = 12


@dataclass(frozen=True)
class Situation:
    name: str
    expected: str  # what a person who knows the group would call it at the end
    story: str


SITUATIONS = (
    Situation("mockingbird", "formed", "a hub carer and eight satellite families meet monthly; the hub helps most"),
    Situation("handover", "formed", "a tired leader hands over to a co-leader; the group carries on"),
    Situation("close_knit", "formed", "ten families, two leaders, every month for two years"),
    Situation("city_burst", "formed", "a steady group gets a dozen joiners after a city fair; most never return"),
    Situation("word_of_mouth", "growing", "families bring families; a second and third organiser step up"),
    Situation("stepping_back", "self_running", "the specialist stepped back over six months, more than a year ago"),
    Situation("fading", "at_risk", "attendance problems: fewer come each month, meetings get cancelled"),
    Situation("split", "at_risk", "a conflict: a third of the families leave in one month, the rest drift"),
    Situation("leader_ill", "at_risk", "the only leader falls ill; nobody calls the next meetings"),
    Situation("just_started", "forming", "three months old, a handful of families still finding each other"),
    Situation("helpdesk", "forming", "the specialist answers every request and runs the meetings; parents come"),
)


@dataclass(eq=False)
class Parent:
    user: dict
    membership: dict
    arrives: date
    leaves: date | None
    quits: date | None  # stops taking part (and may stay a member)
    attend: float
    writes: float
    asks: float
    helps: float


@dataclass
class State:
    rows: Rows
    key: str
    rng: random.Random
    start: date
    end: date
    parents: list = field(default_factory=list)
    leaders: list = field(default_factory=list)
    count: int = 0


def _poisson(rng, mean):
    if mean <= 0:
        return 0
    threshold, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _moment(day, rng, hours=(9, 21)):
    return datetime(day.year, day.month, day.day, rng.randint(*hours), rng.randint(0, 59), tzinfo=UTC)


def _calendar(day, summer_break):
    """How many come, by the Russian calendar."""
    if summer_break and day.month in (7, 8):
        return 0.0
    if (day.month == 12 and day.day == 31) or (day.month == 1 and day.day <= 8):
        return 0.3
    if day.month == 5 and day.day <= 10:
        return 0.6
    return {6: 0.75, 7: 0.55, 8: 0.55, 9: 1.1}.get(day.month, 1.0)


class Life:
    """One group's life from its first day to `end`, written into `rows`."""

    def __init__(self, situation, seed, end, rows):
        self.situation, self.seed = situation, seed
        self.rng = random.Random(f"independent:{situation.name}:{seed}")
        rng = self.rng
        months = {"just_started": 3}.get(situation.name, rng.randint(20, 32))
        start = date(end.year, end.month, 1) - timedelta(days=int(months * 30.4))
        self.g = State(rows, f"ind-{situation.name}-{seed}", rng, start, end)
        self.specialist = None
        self.style = "absent"
        self.summer_break = rng.random() < 0.4
        self.energy = 1.0
        self.leader_state = "energetic"

    # --- people ---------------------------------------------------------------------------------

    def user(self, when, name):
        g = self.g
        g.count += 1
        return g.rows.add(
            User,
            email=f"{g.key}-{g.count}@independent.krug",
            display_name=name,
            password_hash=g.rows.password_hash,
            email_verified_at=when,
            consent_at=when,
            consent_version="independent",
            created_at=when,
        )

    def parent(self, arrives, core=False, lifetime=None):
        """A family with a heavy-tailed time of taking part and skewed rates (Pareto: a few do
        most). When its time is over it stops coming; three in ten also leave the group."""
        rng, g = self.rng, self.g
        when = _moment(arrives, rng)
        stay = lifetime if lifetime is not None else int(30 * rng.paretovariate(0.9))
        quits = arrives + timedelta(days=stay) if not core and stay < 3000 else None
        leaves = quits if quits is not None and rng.random() < 0.3 else None
        user = self.user(when, f"Семья {g.count + 1}")
        membership = g.rows.add(
            Membership,
            group_id=self.group,
            user_id=user,
            role=MEMBER,
            status=ACTIVE,
            requested_at=when - timedelta(hours=5),
            joined_at=when,
            decided_by_id=g.leaders[0].user if g.leaders and rng.random() < 0.6 else None,
            ended_at=None,
        )
        skew = rng.paretovariate(2.0) - 1  # 0 … a few, most near 0
        person = Parent(
            user,
            membership,
            arrives,
            leaves,
            quits,
            attend=min(0.95, (0.75 if core else 0.08) + 0.25 * skew),
            writes=(0.6 if core else 0.02) + 0.4 * skew,
            asks=0.05 + 0.1 * rng.random(),
            helps=(0.8 if core else 0.05) + 0.5 * skew,
        )
        if leaves is not None and leaves < g.end:
            membership["status"] = LEFT
            membership["ended_at"] = _moment(leaves, rng)
        g.parents.append(person)
        return person

    def present(self, day):
        """Families who are members and still take part on `day`."""
        return [
            p
            for p in self.g.parents
            if p.arrives <= day and (p.leaves is None or p.leaves > day) and (p.quits is None or p.quits > day)
        ]

    # --- the group ------------------------------------------------------------------------------------

    def build(self):  # noqa: C901 — the situation's setup, then the days
        rng, g, name = self.rng, self.g, self.situation.name
        created = _moment(g.start, rng)
        organisation = g.rows.add(Organisation, name=f"НКО {g.key}", slug=f"{g.key}-org", created_at=created)
        self.group = g.rows.add(
            Group,
            name=f"Группа {g.key}",
            slug=g.key,
            city="Независимск",
            description=self.situation.story,
            how_to_join="",
            join_policy="approval",
            organisation_id=organisation,
            created_at=created,
            search_text=g.key,
            member_count=0,
        )
        self.specialist = self.user(created, "Специалист")
        g.rows.add(Specialist, organisation_id=organisation, user_id=self.specialist, joined_at=created)
        self.specialist_membership = g.rows.add(
            Membership,
            group_id=self.group,
            user_id=self.specialist,
            role=SPECIALIST,
            status=ACTIVE,
            requested_at=created,
            joined_at=created + timedelta(hours=1),
        )
        self.style = {"helpdesk": "organiser", "stepping_back": "stepping_back"}.get(
            name, "hard_questions" if name == "mockingbird" else "occasional"
        )
        self.step_back_end = g.end - timedelta(days=rng.randint(390, 450))
        size = {"mockingbird": 9, "close_knit": 10, "just_started": 5}.get(name, rng.randint(14, 24))
        core = {"mockingbird": 6, "close_knit": 7, "just_started": 3}.get(name, max(4, size // 3))
        leaders = 1 if name in ("leader_ill", "mockingbird") else 2
        for n in range(size):
            person = self.parent(g.start + timedelta(days=rng.randint(0, 20)), core=n < core)
            if n < leaders:
                g.leaders.append(person)
                person.membership["role"] = LEADER
        if name == "mockingbird":
            g.leaders[0].helps = 6.0  # the hub carer
        self.events = []
        day = g.start
        while day <= g.end:
            self.day(day)
            day += DAY
        if self.summer_break:
            for year in range(g.start.year, g.end.year + 1):
                starts = date(year, 7, 1)
                if g.start <= starts <= g.end - timedelta(days=60):
                    g.rows.add(
                        HealthBreak,
                        group_id=self.group,
                        starts_on=starts,
                        ends_on=date(year, 8, 31),
                        reason="Лето на даче",
                        created_by_id=g.leaders[0].user,
                        created_at=_moment(starts - timedelta(days=20), rng),
                    )
        self.group["member_count"] = sum(1 for p in g.parents if p.leaves is None or p.leaves > g.end)
        return self.group

    def phase(self, day):
        """The situation's turn of events: 0 before it, 1 once it has begun."""
        g, name = self.g, self.situation.name
        days_left = (g.end - day).days
        begins = {"fading": 190, "split": 100, "leader_ill": 80, "word_of_mouth": 300, "city_burst": 200}
        if name == "handover":
            return 1 if days_left < 260 else 0
        return 1 if name in begins and days_left < begins[name] else 0

    def day(self, day):  # noqa: C901 — what may happen on one day
        rng, g, name = self.rng, self.g, self.situation.name
        turned = self.phase(day)
        first_of_month = day.day == 1
        if first_of_month:
            self.month_turn(day, turned)
        people = self.present(day)
        scale = _calendar(day, self.summer_break)
        # Joiners: a steady trickle; more by word of mouth; a fair brings a crowd who vanish.
        joining = 0.035 * (2.5 if name == "word_of_mouth" and turned else 1.0)
        if name in ("fading", "split") and turned:
            joining *= 0.3
        for _ in range(_poisson(rng, joining)):
            self.parent(day)
        if name == "city_burst" and turned and self.phase(day - DAY) == 0:
            for _ in range(rng.randint(10, 14)):
                self.parent(day, lifetime=rng.randint(10, 60))
        if name == "split" and turned and self.phase(day - DAY) == 0:
            for person in rng.sample(people, len(people) // 3):
                if person not in g.leaders:
                    person.leaves = person.quits = day
                    person.membership["status"], person.membership["ended_at"] = LEFT, _moment(day, rng)
        # The monthly meeting, on the second Saturday; sometimes a second gathering.
        if day.weekday() == 5 and 8 <= day.day <= 14 and scale > 0:
            self.meeting(day, people, scale, turned)
        elif day.weekday() == 6 and 20 <= day.day <= 26 and scale > 0 and rng.random() < self.extra_chance(turned):
            self.meeting(day, people, scale * 0.6, turned, extra=True)
        # Writing and asking.
        for person in people:
            if rng.random() < person.writes * scale / 30:
                self.post(day, person, people)
            if rng.random() < person.asks * (1.6 if day.month == 9 else 1.0) * (3 if self.crisis(day) else 1) / 30:
                self.ask(day, person, people)

    def crisis(self, day):
        return self.seed % 3 == 0 and (self.g.end - day).days // 30 == 7

    def extra_chance(self, turned):
        organisers = len(self.g.leaders)
        return min(0.8, 0.1 * organisers) * (self.energy if self.situation.name == "leader_ill" else 1.0)

    def month_turn(self, day, turned):
        """Leaders tire, hand over, fall ill, find co-leaders; specialists step back."""
        rng, g, name = self.rng, self.g, self.situation.name
        if name == "handover" and turned and self.leader_state == "energetic":
            self.leader_state = "handed_over"
            g.leaders = g.leaders[1:] + [self.co_leader(day)]
        if name == "word_of_mouth" and turned and len(g.leaders) < 4 and rng.random() < 0.3:
            g.leaders.append(self.co_leader(day))
        if name == "leader_ill" and turned:
            self.energy = 0.0
        if name == "fading" and turned:
            self.energy = max(0.15, self.energy - rng.uniform(0.08, 0.15))
        if name == "split" and turned:
            self.energy = max(0.3, self.energy - 0.1)

    def co_leader(self, day):
        candidates = [p for p in self.present(day) if p not in self.g.leaders and p.leaves is None]
        chosen = max(candidates, key=lambda p: p.attend + p.helps) if candidates else self.parent(day, core=True)
        chosen.membership["role"] = LEADER
        chosen.attend = max(chosen.attend, 0.8)
        return chosen

    def specialist_share(self, day):
        """How much of the organising and answering the specialist does, on this day."""
        if self.style == "organiser":
            return 1.0
        if self.style == "stepping_back":
            months_left = (self.step_back_end - day).days / 30
            return 0.0 if months_left <= 0 else min(0.7, 0.7 * months_left / 6)
        return {"hard_questions": 0.1, "occasional": 0.2}[self.style]

    def meeting(self, day, people, scale, turned, extra=False):
        rng, g = self.rng, self.g
        leaders = [p for p in g.leaders if p.leaves is None or p.leaves > day]
        if not leaders and self.style != "organiser":
            return
        if self.situation.name == "leader_ill" and turned:
            return
        if self.situation.name == "fading" and turned and rng.random() > self.energy + 0.2:
            return  # cancelled, nobody reschedules
        if rng.random() < 0.05:
            return  # the hall was not free; no meeting this month
        share = self.specialist_share(day)
        by_specialist = rng.random() < share
        organiser = self.specialist if by_specialist or not leaders else rng.choice(leaders).user
        starts = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)
        created = starts - timedelta(days=rng.randint(6, 18))
        event = g.rows.add(
            Event,
            group_id=self.group,
            title="Встреча" if not extra else "Прогулка",
            description="",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            status=PUBLISHED,
            created_by_id=organiser,
            created_at=created,
            going_count=0,
        )
        g.rows.add(
            EventOrganiser,
            event_id=event,
            user_id=organiser,
            is_specialist=organiser is self.specialist,
            status=ACCEPTED,
            created_at=created,
            answered_at=created,
        )
        mood = scale * rng.uniform(0.8, 1.2) * (self.energy if self.situation.name in ("fading", "split") else 1.0)
        marked = rng.random() < 0.85
        came = 0
        for person in people:
            if rng.random() < min(0.97, person.attend * mood):
                came += 1
                g.rows.add(
                    Registration,
                    event_id=event,
                    user_id=person.user,
                    status=GOING,
                    attended=True if marked else None,
                    queued_at=created,
                    created_at=created,
                )
        event["going_count"] = came

    def post(self, day, person, people):
        rng, g = self.rng, self.g
        when = _moment(day, rng)
        post = g.rows.add(
            Post,
            group_id=self.group,
            author_id=person.user,
            kind="discussion",
            title="Вопрос",
            body="",
            created_at=when,
            comment_count=0,
        )
        for other in people:
            if other is not person and rng.random() < min(0.5, other.writes * 0.3):
                g.rows.add(
                    Comment,
                    post_id=post,
                    author_id=other.user,
                    body="Да",
                    created_at=when + timedelta(hours=rng.randint(1, 30)),
                )
                post["comment_count"] += 1

    def ask(self, day, person, people):
        rng, g = self.rng, self.g
        created = _moment(day, rng)
        request = g.rows.add(
            HelpRequest,
            group_id=self.group,
            author_id=person.user,
            kind=NEED,
            title="Помогите",
            details="",
            category="advice",
            status="open",
            created_at=created,
            response_count=0,
        )
        helpers = [p for p in people if p is not person]
        weights = [p.helps for p in helpers]
        answers = []
        if rng.random() < self.specialist_share(day):
            answers.append((self.specialist, created + timedelta(hours=rng.uniform(1, 30))))
        pull = sum(weights) * (0.5 + 0.5 * self.energy)
        if helpers and rng.random() < 1 - math.exp(-pull / 2):
            chosen = rng.choices(helpers, weights)[0]
            answers.append((chosen.user, created + timedelta(hours=rng.expovariate(1 / 14))))
        for helper, when in answers:
            g.rows.add(HelpResponse, request_id=request, helper_id=helper, message="", created_at=when, helped=False)
        request["response_count"] = len(answers)
        if answers:
            first = min(answers, key=lambda a: a[1])
            request["first_response_at"] = first[1]
            if rng.random() < 0.65:
                request["status"], request["resolved_at"] = RESOLVED, first[1] + timedelta(days=rng.randint(1, 6))
                for row in g.rows.tables[HelpResponse][-len(answers) :]:
                    if row["helper_id"] is first[0]:
                        row["helped"] = True
        elif rng.random() < 0.6:
            request["status"], request["closed_at"] = CLOSED, created + timedelta(days=rng.randint(3, 30))


@dataclass
class Outcome:
    scenario: str
    seed: int
    expected: str
    labels: list
    raw: list
    explanations: list

    @property
    def final(self):
        return self.labels[-1] if self.labels else None

    @property
    def right(self):
        return self.final == self.expected


def run(seeds, now, only=None):
    """Build every situation for every seed, snapshot the last year, collect the outcomes."""
    situations = [s for s in SITUATIONS if not only or s.name in only]
    rows, built = Rows(), []
    last = service.last_complete_period(now)
    end = date(last.year, last.month, 28)
    for seed in seeds:
        for situation in situations:
            built.append((Life(situation, seed, end, rows).build(), situation, seed))
    rows.insert()
    db.session.commit()
    analyze()
    db.session.commit()
    ids = [group["id"] for group, _, _ in built]
    periods = []
    month = last
    for _ in range(SNAPSHOT_MONTHS):
        periods.insert(0, month)
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    service.take_snapshots(periods, ids, fill=1)
    db.session.commit()
    found = {g: ([], [], []) for g in ids}
    for group_id, stage, raw, explanation in db.session.execute(
        select(HealthSnapshot.group_id, HealthSnapshot.stage, HealthSnapshot.raw_stage, HealthSnapshot.explanation)
        .where(HealthSnapshot.group_id.in_(ids), HealthSnapshot.period >= periods[0])
        .order_by(HealthSnapshot.group_id, HealthSnapshot.period)
    ):
        found[group_id][0].append(stage)
        found[group_id][1].append(raw)
        found[group_id][2].append(explanation)
    return {
        group["id"]: Outcome(situation.name, seed, situation.expected, *found[group["id"]])
        for group, situation, seed in built
    }


def accuracy(outcomes):
    result = {}
    for outcome in outcomes.values():
        right, total = result.get(outcome.scenario, (0, 0))
        result[outcome.scenario] = (right + outcome.right, total + 1)
    result["all"] = (sum(r for r, _ in result.values()), sum(t for _, t in result.values()))
    return result


def report(outcomes):
    lines = []
    for name, (right, total) in accuracy(outcomes).items():
        finals = {}
        for outcome in outcomes.values():
            if outcome.scenario == name or name == "all":
                finals[outcome.final] = finals.get(outcome.final, 0) + 1
        detail = ", ".join(f"{stage} {n}" for stage, n in sorted(finals.items(), key=lambda item: -item[1]))
        lines.append(f"{name:<14} {right:>4}/{total:<4} {100 * right / max(1, total):5.1f} %   final labels: {detail}")
    return "\n".join(lines)
