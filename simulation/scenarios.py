"""The situations SPEC §4 lists, as stories for generator 1, each with what a person who knows
the group would say about it at the end.

The groups are supported by an organisation whose specialist answers hard questions, runs a
training now and then and posts its news — except where the story says otherwise (the NGO runs
everything; the support ended a year ago). A group no organisation ever touched does run
without the NGO, whatever else it is, so the steady and growing stories are supported ones.

Every story draws its people and events from ranges of plausible values (seeded), then noise
on top: a crisis month of requests, a burst of joiners after a city event who mostly do not
come back. What is "right" is written from the story, never from the thresholds.
"""

from collections.abc import Callable
from dataclasses import dataclass

from simulation.community import Story


@dataclass(frozen=True)
class Scenario:
    name: str
    story: Callable
    expected: str  # the label a person who knows the group would give at the end
    why: str


def _noise(rng, story):
    """A crisis month of requests and a burst of joiners, in some stories."""
    if rng.random() < 0.3:
        story.crisis = rng.randint(max(1, story.months - 12), story.months - 1)
    if rng.random() < 0.25 and story.months > 6:
        story.burst = rng.randint(max(1, story.months - 14), story.months - 4)
    return story


def new_group(rng):
    """Two months old, six families: too early to call it formed, however keen."""
    return Story(
        "new",
        months=2,
        founders=6,
        joiners=rng.uniform(0.3, 1.0),
        organisers=rng.choice((1, 2)),
        specialist=rng.choice(("advisor", "none")),
    )


def steady(rng, **changes):
    """A steady group with turnover: three parents take turns organising the monthly meeting;
    families come and go, the numbers hold."""
    story = Story(
        "steady",
        months=rng.randint(24, 36),
        founders=rng.randint(22, 34),
        joiners=rng.uniform(0.8, 1.5),
        organisers=3,
        specialist="advisor",
        policy=rng.choice(("approval", "open")),
        extra_events=rng.uniform(0.1, 0.5),
    )
    for key, value in changes.items():
        setattr(story, key, value)
    return _noise(rng, story)


def growing(rng):
    """Formed, and for the last eight to ten months gaining families and organisers: word of
    mouth brings twice as many newcomers, more parents organise and greet them, so more stay."""
    months = rng.randint(16, 26)
    story = Story(
        "growing",
        months=months,
        founders=rng.randint(11, 16),
        joiners=rng.uniform(0.9, 1.4),
        organisers=2,
        specialist="advisor",
        policy=rng.choice(("approval", "open")),
        grow_from=months - rng.randint(8, 10),
        extra_events=rng.uniform(0.2, 0.6),
    )
    return _noise(rng, story)


def ngo_run(rng):
    """The specialist organises every meeting, welcomes every newcomer and answers every request."""
    story = Story(
        "ngo_run",
        months=rng.randint(12, 26),
        founders=rng.randint(15, 26),
        joiners=rng.uniform(0.8, 1.6),
        organisers=0,
        specialist="organiser",
        policy="approval",
        extra_events=rng.uniform(0.2, 0.6),
    )
    return _noise(rng, story)


def self_running(rng):
    """The organisation supported the group, then stepped back; for a year since, parents have
    run everything."""
    months = rng.randint(24, 32)
    story = Story(
        "self_running",
        months=months,
        founders=rng.randint(18, 28),
        joiners=rng.uniform(0.8, 1.4),
        organisers=rng.choice((3, 4)),
        specialist="leaves",
        support_until=months - rng.randint(12, 14),
        policy=rng.choice(("approval", "open")),
        extra_events=rng.uniform(0.2, 0.5),
    )
    return _noise(rng, story)


def burnout(rng):
    """A sole leader who burns out: from five months before the end, fewer and smaller meetings,
    attendance halving over three months, then no meetings at all."""
    months = rng.randint(18, 30)
    story = Story(
        "burnout",
        months=months,
        founders=rng.randint(18, 28),
        joiners=rng.uniform(0.8, 1.3),
        organisers=1,
        specialist=rng.choice(("advisor", "none")),
        policy=rng.choice(("approval", "open")),
        burnout_from=months - 5,
        extra_events=rng.uniform(0.0, 0.2),
    )
    return story


def lull(rng, declared):
    """A steady group that stops for July and August and starts again in September."""
    return steady(rng, summer="break" if declared else "lull", name="lull_break" if declared else "lull")


def one_helper(rng):
    """A steady group where one person (a hub carer, as in the Mockingbird model) answers nearly
    every request — and, since someone always answers, families ask more."""
    return steady(rng, helper_hub=True, name="one_helper", asking=1.6)


SCENARIOS = {
    "new": Scenario("new", new_group, "forming", "a new group (2 months, 6 families)"),
    "steady": Scenario("steady", steady, "formed", "steady, with turnover; three parents take turns"),
    "growing": Scenario("growing", growing, "growing", "gaining families and organisers"),
    "ngo_run": Scenario("ngo_run", ngo_run, "never self_running", "the specialist runs everything"),
    "self_running": Scenario("self_running", self_running, "self_running", "a year on parents after support ended"),
    "burnout": Scenario("burnout", burnout, "at_risk within two months", "a sole leader burns out"),
    "lull_break": Scenario(
        "lull_break", lambda rng: lull(rng, True), "formed by October, never at risk in Sep/Oct", "a declared summer"
    ),
    "lull": Scenario("lull", lambda rng: lull(rng, False), "formed by October", "a summer lull, no break declared"),
    "one_helper": Scenario("one_helper", one_helper, "the warning names it", "one person does all the helping"),
}
