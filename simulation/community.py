"""Generator 1: communities grown from people and their choices (health-realism.md).

Nothing here reads the verdict's thresholds. A community is a set of families, each with its
own propensity to come to meetings, post, reply, ask and help; a few core families, many
peripheral ones; newcomers who often drop after a first visit (first meetings decide); people
who leave. Leaders are people too: they take turns, tire, burn out or are joined by others.
Specialists organise everything, or answer hard questions, or step back. Time is lumpy:
summers thin out (or stop, when the leaders declare a break), New Year and the May holidays
thin attendance, September brings document questions, meetings get cancelled, attendance is
sometimes not marked, requests go unanswered.

A *story* (see `simulation.scenarios`) sets who the people are and what happens to them; the
month loop below turns it into rows of the real tables, day by day.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from community.auth.models import FAMILY_FORMS, User
from community.events.models import ACCEPTED, CANCELLED, GOING, PUBLISHED, Event, EventOrganiser, Registration
from community.groups.models import ACTIVE, APPROVAL, LEADER, LEFT, MEMBER, SPECIALIST, Comment, Group, Membership, Post
from community.health.models import HealthBreak
from community.health.periods import add_months, days_in
from community.mutual_help.models import CATEGORIES, CLOSED, NEED, OFFER, RESOLVED, HelpRequest, HelpResponse
from community.mutual_help.models import OPEN as REQUEST_OPEN
from community.orgs.models import Organisation, Specialist

# How engaged a family is: chance of coming to a given meeting, posts, replies and requests
# a month, how readily they help, and the chance of leaving the group in a month.
ENGAGEMENT = {
    "core": {"attend": 0.85, "post": 0.5, "comment": 1.6, "ask": 0.15, "helps": 1.0, "leave": 0.004},
    "regular": {"attend": 0.55, "post": 0.2, "comment": 0.7, "ask": 0.15, "helps": 0.45, "leave": 0.01},
    "occasional": {"attend": 0.18, "post": 0.05, "comment": 0.2, "ask": 0.1, "helps": 0.12, "leave": 0.02},
    "quiet": {"attend": 0.03, "post": 0.01, "comment": 0.03, "ask": 0.04, "helps": 0.02, "leave": 0.025},
}
FOUNDERS = {"core": 0.25, "regular": 0.3, "occasional": 0.25, "quiet": 0.2}
# A newcomer who came to a meeting in their first two months stays with these chances…
STAYERS = {"core": 0.08, "regular": 0.32, "occasional": 0.35, "quiet": 0.25}
# … one who did not, mostly drifts away.
DRIFTERS = {"core": 0.0, "regular": 0.05, "occasional": 0.25, "quiet": 0.7}
# Where more parents organise and greet newcomers, more of those who came stay.
WELCOMED = {"core": 0.15, "regular": 0.45, "occasional": 0.3, "quiet": 0.1}
# Life moves on: each month an engaged family may step down a level (children grow up, work
# changes); newcomers who stay take their place.
COOLING = {"core": ("regular", 0.01), "regular": ("occasional", 0.02), "occasional": ("quiet", 0.02)}
# Attendance by calendar month: the dacha season, the New Year and May holidays, September.
SEASON = {1: 0.7, 2: 1.0, 3: 1.0, 4: 1.0, 5: 0.8, 6: 0.7, 7: 0.5, 8: 0.5, 9: 1.1, 10: 1.0, 11: 1.0, 12: 1.0}
ASKING = {9: 1.6, 10: 1.2}  # September brings school and payment questions


@dataclass(eq=False)
class Family:
    user: dict
    membership: dict
    joined: datetime
    kind: str
    rates: dict
    newcomer_until: int = -1  # the month index up to which the family is still trying the group
    attended_early: bool = False
    left: datetime | None = None
    organises: bool = False


@dataclass
class Story:
    """Who the people are and what happens to them. Month indexes count from the group's creation."""

    name: str
    months: int  # the group's age at the end, in months (its first month is index 0)
    founders: int
    joiners: float = 1.0  # newcomers a month
    organisers: int = 3  # parents who take turns organising the monthly meeting
    specialist: str = "advisor"  # "organiser", "advisor", "none"; or "leaves" (supported until `support_until`)
    support_until: int | None = None
    policy: str = APPROVAL
    summer: str = "normal"  # "normal": thinner; "lull": no regular meeting in July and August; "break": declared
    extra_events: float = 0.3  # picnics, trainings: extra events a month
    burnout_from: int | None = None  # the sole organiser tires from this month
    grow_from: int | None = None  # from this month more families join and more parents organise
    helper_hub: bool = False  # one person answers nearly every request
    asking: float = 1.0  # how readily families ask for help
    cancel: float = 0.06  # a meeting is cancelled
    unmarked: float = 0.08  # the organiser forgot to mark who came
    crisis: int | None = None  # a month with many requests
    burst: int | None = None  # a month with a burst of joiners after a city event
    notes: list = field(default_factory=list)


class Community:
    """One community: builds its rows month by month into `rows` (a `simulation.rows.Rows`)."""

    def __init__(self, key, story, last_period, rows):
        self.key, self.story, self.rows = key, story, rows
        self.rng = random.Random(key)
        self.first_period = add_months(last_period, -(story.months - 1))
        self.count = 0
        self.families = []
        self.posts = []  # (row, month)

    # --- helpers ---------------------------------------------------------------------------------

    def period(self, m):
        return add_months(self.first_period, m)

    def at(self, m, day, hour=12, minute=0):
        period = self.period(m)
        day = max(1, min(day, days_in(period)))
        return datetime(period.year, period.month, day, hour, minute, tzinfo=UTC)

    def poisson(self, mean):
        if mean <= 0:
            return 0
        threshold, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= threshold:
                return k
            k += 1

    def user(self, when, name):
        self.count += 1
        return self.rows.add(
            User,
            email=f"sim-{self.key.replace(':', '-')}-{self.count}@sim.krug",
            display_name=name,
            password_hash=self.rows.password_hash,
            email_verified_at=when,
            consent_at=when,
            consent_version="simulated",
            family_form=self.rng.choice((*FAMILY_FORMS, None)),
            experience_years=self.rng.choice((None, 1, 2, 4, 7, 12)),
            created_at=when,
        )

    def pick(self, weights):
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def rates(self, kind):
        spread = self.rng.lognormvariate(0, 0.3)
        base = ENGAGEMENT[kind]
        return {
            k: (v if k == "leave" else min(0.97, v * spread) if k == "attend" else v * spread) for k, v in base.items()
        }

    # --- people ----------------------------------------------------------------------------------

    def join(self, m, day, kind=None, role=MEMBER, newcomer=True):
        when = self.at(m, day, 9 + self.rng.randint(0, 10))
        user = self.user(when, f"Родитель {self.count + 1}")
        welcomer = None
        if self.story.policy == APPROVAL and self.families:
            welcomer = self.specialist if self.story.specialist == "organiser" else self.welcomer()
        membership = self.rows.add(
            Membership,
            group_id=self.group,
            user_id=user,
            role=role,
            status=ACTIVE,
            requested_at=when - timedelta(hours=self.rng.randint(2, 40)),
            joined_at=when,
            decided_by_id=welcomer,
            ended_at=None,
        )
        # A newcomer writes little until they have found their feet; a founder is who they are.
        kind = kind or ("occasional" if newcomer else self.pick(FOUNDERS))
        family = Family(user, membership, when, kind, self.rates(kind))
        if newcomer:
            family.newcomer_until = m + 1
            # Invited personally to a first meeting where more parents greet newcomers.
            welcomed = self.story.grow_from is not None and m >= self.story.grow_from
            family.rates["attend"] = 0.65 if welcomed else 0.5
        self.families.append(family)
        return family

    def welcomer(self):
        """Whichever organising parent answers the request to join."""
        leaders = [f for f in self.organisers if f.left is None]
        return self.rng.choice(leaders).user if leaders else None

    def settle_newcomer(self, family, m):
        growing = self.story.grow_from is not None and m >= self.story.grow_from
        kind = self.pick((WELCOMED if growing else STAYERS) if family.attended_early else DRIFTERS)
        family.kind, family.rates = kind, self.rates(kind)
        family.newcomer_until = -1

    def leave(self, family, m):
        family.left = self.at(m, self.rng.randint(2, 27), 20)
        family.membership["status"], family.membership["ended_at"] = LEFT, family.left

    def present(self, when):
        return [f for f in self.families if f.joined <= when and (f.left is None or f.left > when)]

    # --- the group --------------------------------------------------------------------------------

    def build(self):
        story, rng = self.story, self.rng
        created = self.at(0, rng.randint(1, 10), 10)
        self.specialist = None
        self.specialist_membership = None
        organisation = None
        if story.specialist != "none":
            organisation = self.rows.add(
                Organisation, name=f"Фонд {self.key}", slug=f"sim-org-{self.key.replace(':', '-')}", created_at=created
            )
            self.specialist = self.user(created, "Специалист фонда")
            self.rows.add(Specialist, organisation_id=organisation, user_id=self.specialist, joined_at=created)
        self.group = self.rows.add(
            Group,
            name=f"Круг {story.name} {self.key}",
            slug=f"sim-{self.key.replace(':', '-')}",
            city="Симск",
            description=" ".join(story.notes),
            how_to_join="Симуляция",
            join_policy=story.policy,
            organisation_id=organisation,
            created_at=created,
            search_text=f"sim {self.key}",
            member_count=0,
        )
        if self.specialist is not None:
            self.specialist_membership = self.rows.add(
                Membership,
                group_id=self.group,
                user_id=self.specialist,
                role=SPECIALIST,
                status=ACTIVE,
                requested_at=created,
                joined_at=created + timedelta(hours=2),
                ended_at=None,
            )
        self.organisers = []
        for n in range(story.founders):
            day = created.day + (0 if n < 2 else rng.randint(0, 12))
            family = self.join(0, day, kind="core" if n < max(2, story.organisers) else None, newcomer=False)
            family.membership["role"] = LEADER if n == 0 else MEMBER
            if n < story.organisers:
                family.organises = True
                self.organisers.append(family)
        self.energy = 1.0
        for m in range(story.months):
            self.month(m)
        if story.summer == "break":
            for m in range(story.months):
                if self.period(m).month == 7 and m + 1 < story.months:
                    year = self.period(m).year
                    self.rows.add(
                        HealthBreak,
                        group_id=self.group,
                        starts_on=datetime(year, 7, 1).date(),
                        ends_on=datetime(year, 8, 31).date(),
                        reason="Лето",
                        created_by_id=self.organisers[0].user,
                        created_at=self.at(m, 1) - timedelta(days=10),
                    )
        self.group["member_count"] = sum(1 for f in self.families if f.left is None)
        return self.group

    # --- one month --------------------------------------------------------------------------------

    def month(self, m):  # noqa: C901 — one month of a group's life, in order
        story, rng = self.story, self.rng
        calendar = self.period(m).month
        season = SEASON[calendar] * rng.lognormvariate(0, 0.1)
        in_break = story.summer == "break" and calendar in (7, 8)
        lull = story.summer in ("lull", "break") and calendar in (7, 8)

        # Support ends; leaders tire; the group grows.
        if story.specialist == "leaves" and story.support_until == m and self.specialist_membership:
            self.specialist_membership["status"] = LEFT
            self.specialist_membership["ended_at"] = self.at(m, 1, 9)
        supported = self.specialist is not None and (story.support_until is None or m < story.support_until)
        if story.burnout_from is not None and m >= story.burnout_from:
            self.energy = max(0.0, self.energy - rng.uniform(0.25, 0.35))
        if story.grow_from is not None and m >= story.grow_from and m % 3 == 0:
            candidates = [f for f in self.families if f.left is None and not f.organises and f.kind == "core"]
            if candidates and len(self.organisers) < 6:
                chosen = rng.choice(candidates)
                chosen.organises = True
                self.organisers.append(chosen)

        # Who comes and who goes.
        growing = story.grow_from is not None and m >= story.grow_from
        joiners = story.joiners * (2.2 if growing else 1.0)  # word of mouth: families bring families
        if self.energy < 0.6:
            joiners *= self.energy
        arriving = self.poisson(joiners * (0.5 if lull else 1.0)) + (rng.randint(5, 9) if story.burst == m else 0)
        burst_fate = story.burst == m
        for _ in range(arriving if m else 0):
            family = self.join(m, rng.randint(1, 26))
            if burst_fate and rng.random() < 0.8:
                # Came after a city event; most never really start.
                family.kind, family.rates, family.newcomer_until = "quiet", self.rates("quiet"), -1
        for family in list(self.families):
            if family.left is None and family.newcomer_until == m - 1 and family.newcomer_until >= 0:
                self.settle_newcomer(family, m)
            cooled = COOLING.get(family.kind)
            settled = family.left is None and not family.organises and cooled and family.newcomer_until < 0
            if settled and rng.random() < cooled[1] * (0.5 if growing else 1.0):
                family.kind, family.rates = cooled[0], self.rates(cooled[0])
            if family.left is None and not family.organises and family.joined < self.at(m, 1):
                hazard = family.rates["leave"] * (2.5 if self.energy < 0.5 else 0.6 if growing else 1.0)
                if rng.random() < hazard:
                    self.leave(family, m)

        # Meetings: the monthly meeting, and now and then a picnic or a training.
        meetings = [] if in_break else [("monthly", rng.randint(5, 24))]
        if lull:
            meetings = []  # the dacha season: the regular meeting stops for July and August
        if self.energy < 1.0 and meetings and (self.energy < 0.1 or rng.random() > self.energy + 0.15):
            meetings = []  # a tired leader skips a month; a burnt-out one stops
        # More organising parents hold more: a picnic, a training, a family day.
        hands = max(1.0, len([f for f in self.organisers if f.left is None]) / 2)
        extras = (
            self.poisson(story.extra_events * hands * (0.4 if lull else 1.0))
            if not in_break and self.energy >= 1
            else 0
        )
        meetings += [("extra", rng.randint(3, 27)) for _ in range(extras)]
        for n, (kind, day) in enumerate(meetings):
            if not self.meeting(m, n, kind, day, season, supported) and kind == "monthly" and rng.random() < 0.7:
                # Cancelled ("the meeting moves to next Saturday"): most groups meet a week later.
                self.meeting(m, n, kind, min(day + 7, 28), season, supported, cancel=False)

        # The feed, and mutual help.
        self.feed(m, season)
        self.help(m, season, supported)

    def team(self, m, n, supported):
        """Who organises this meeting: the specialist, or the parents taking turns."""
        story = self.story
        if story.specialist == "organiser" and supported:
            return [], True
        organisers = [f for f in self.organisers if f.left is None]
        if not organisers:
            return [], supported
        lead = organisers[(m + n) % len(organisers)]
        team = [lead]
        if len(organisers) > 1 and self.rng.random() < 0.3:
            team.append(self.rng.choice([f for f in organisers if f is not lead]))
        with_specialist = supported and story.specialist == "advisor" and self.rng.random() < 0.3
        return team, with_specialist

    def meeting(self, m, n, kind, day, season, supported, cancel=True):
        """One event with its organisers and registrations; False when it was cancelled."""
        rng = self.rng
        team, with_specialist = self.team(m, n, supported)
        if not team and not with_specialist:
            return True
        starts = self.at(m, day, rng.choice((11, 12, 15, 18)))
        created = starts - timedelta(days=rng.randint(7, 20))
        cancelled = cancel and rng.random() < self.story.cancel
        creator = team[0].user if team else self.specialist
        event = self.rows.add(
            Event,
            group_id=self.group,
            title="Встреча клуба" if kind == "monthly" else "Пикник",
            description="",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="Семейный центр",
            status=CANCELLED if cancelled else PUBLISHED,
            created_by_id=creator,
            created_at=created,
            cancelled_at=starts - timedelta(days=2) if cancelled else None,
            going_count=0,
        )
        for user, is_specialist in [(f.user, False) for f in team] + (
            [(self.specialist, True)] if with_specialist else []
        ):
            self.rows.add(
                EventOrganiser,
                event_id=event,
                user_id=user,
                is_specialist=is_specialist,
                status=ACCEPTED,
                created_at=created,
                answered_at=created,
            )
        appeal = (1.0 if kind == "monthly" else 0.6) * season * rng.lognormvariate(0, 0.15) * self.drive
        marked = rng.random() > self.story.unmarked
        going = 0
        for family in self.present(starts):
            if family in team:
                chance, shows = 1.0, True
            else:
                chance = min(0.97, family.rates["attend"] * appeal * 1.15)
                shows = rng.random() < 0.87
            if rng.random() >= chance:
                continue
            going += 1
            self.rows.add(
                Registration,
                event_id=event,
                user_id=family.user,
                status=CANCELLED if cancelled else GOING,
                attended=None if cancelled or not marked else shows,
                queued_at=created + timedelta(hours=1),
                created_at=created + timedelta(hours=1),
            )
            if shows and not cancelled and family.newcomer_until >= m:
                family.attended_early = True
        event["going_count"] = 0 if cancelled else going
        return not cancelled

    @property
    def drive(self):
        """How much the leaders' energy carries the group: a burnt-out sole leader halves it."""
        return 1 - 0.67 * (1 - self.energy)

    def feed(self, m, season):
        rng = self.rng
        season *= self.drive
        start = self.at(m, 1)
        people = self.present(start)
        for family in people:
            for _ in range(self.poisson(family.rates["post"] * season)):
                when = self.at(m, rng.randint(1, 26), rng.randint(8, 22))
                if when < family.joined:
                    continue
                post = self.rows.add(
                    Post,
                    group_id=self.group,
                    author_id=family.user,
                    kind="discussion",
                    title="Как у вас дела?",
                    body="",
                    created_at=when,
                    comment_count=0,
                )
                self.posts.append((post, m))
        recent = [post for post, month in self.posts if month >= m - 1]
        supported = self.story.support_until is None or m < self.story.support_until
        if self.specialist is not None and supported and rng.random() < 0.6:
            self.rows.add(
                Post,
                group_id=self.group,
                author_id=self.specialist,
                kind="announcement",
                title="Новости фонда",
                body="",
                created_at=self.at(m, rng.randint(1, 26), 10),
                comment_count=0,
            )
        if not recent:
            return
        month_end = self.at(m + 1, 1) if m + 1 < self.story.months else self.at(m, days_in(self.period(m)), 23)
        for family in people:
            for _ in range(self.poisson(family.rates["comment"] * season)):
                post = rng.choice(recent)
                when = max(
                    post["created_at"] + timedelta(hours=rng.randint(1, 72)),
                    family.joined + timedelta(hours=1),
                    self.at(m, rng.randint(1, 27), rng.randint(8, 22)),
                )
                if when >= month_end:
                    continue
                self.rows.add(Comment, post_id=post, author_id=family.user, body="Спасибо!", created_at=when)
                post["comment_count"] += 1

    def help(self, m, season, supported):  # noqa: C901 — a month of requests and answers
        story, rng = self.story, self.rng
        calendar = self.period(m).month
        boost = ASKING.get(calendar, 1.0) * (3.0 if story.crisis == m else 1.0) * story.asking
        start = self.at(m, 1)
        people = self.present(start)
        hub = self.organisers[0] if story.helper_hub and self.organisers else None
        for author in people:
            for _ in range(self.poisson(author.rates["ask"] * boost * (0.8 + 0.2 * season))):
                created = self.at(m, rng.randint(1, 27), rng.randint(7, 22))
                if created < author.joined:
                    continue
                offer = rng.random() < 0.12
                request = self.rows.add(
                    HelpRequest,
                    group_id=self.group,
                    author_id=author.user,
                    kind=OFFER if offer else NEED,
                    title="Нужна помощь" if not offer else "Могу помочь",
                    details="",
                    category=rng.choice(CATEGORIES),
                    status=REQUEST_OPEN,
                    created_at=created,
                    response_count=0,
                )
                helpers = [f for f in self.present(created) if f is not author]
                answers = []
                if story.specialist == "organiser" and supported:
                    answers.append((self.specialist, created + timedelta(hours=rng.uniform(0.5, 8))))
                    if rng.random() < 0.25 and helpers:
                        answers.append((self.chosen(helpers).user, created + timedelta(hours=rng.uniform(10, 60))))
                elif hub is not None and hub is not author and hub.left is None and rng.random() < 0.9:
                    answers.append((hub.user, created + timedelta(hours=rng.lognormvariate(1.5, 1.0))))
                else:
                    pull = sum(f.rates["helps"] for f in helpers) * self.drive
                    if helpers and rng.random() < 1 - math.exp(-pull / 1.5):
                        answers.append(
                            (self.chosen(helpers).user, created + timedelta(hours=rng.lognormvariate(1.8, 1.1)))
                        )
                        if rng.random() < 0.3:
                            answers.append(
                                (self.chosen(helpers).user, created + timedelta(hours=rng.lognormvariate(2.8, 1.0)))
                            )
                    if supported and story.specialist == "advisor" and rng.random() < 0.3:
                        answers.append((self.specialist, created + timedelta(hours=rng.uniform(4, 48))))
                first = {}
                for user, when in answers:
                    if id(user) not in first or when < first[id(user)][1]:
                        first[id(user)] = (user, when)
                self.answer(request, sorted(first.values(), key=lambda answer: answer[1]), created)

    def chosen(self, helpers):
        return self.rng.choices(helpers, [f.rates["helps"] + 0.01 for f in helpers])[0]

    def answer(self, request, answers, created):
        rng = self.rng
        for user, when in answers:
            self.rows.add(
                HelpResponse,
                request_id=request,
                helper_id=user,
                message="Могу помочь.",
                created_at=when,
                accepted_at=None,
                helped=False,
            )
        request["response_count"] = len(answers)
        if answers:
            first_user, first_at = answers[0]
            request["first_response_at"] = first_at
            if rng.random() < 0.7:
                resolved = first_at + timedelta(days=rng.uniform(0.5, 5))
                request["status"], request["resolved_at"] = RESOLVED, resolved
                request["thank_you"] = "Спасибо!"
                # The requester marks who helped: the first who answered, mostly.
                for row in reversed(self.rows.tables[HelpResponse]):
                    if row["request_id"] is request and row["helper_id"] is first_user:
                        row["helped"], row["accepted_at"] = True, first_at + timedelta(hours=1)
                        break
        else:
            if rng.random() < 0.5:
                request["status"], request["closed_at"] = CLOSED, created + timedelta(days=rng.uniform(4, 20))
            else:
                request["status"], request["closed_at"] = CLOSED, created + timedelta(days=60)
