"""Build many communities, take their monthly snapshots with the real service, and judge the
labels against what each story says.

    outcomes = run(SCENARIOS, seeds=range(20), now=NOW)   # inside an app context
    report(outcomes)

Snapshots are taken exactly as `flask --app wsgi snapshot-health --backfill` takes them: the
rows are in the real tables, and `service.take_snapshots` computes every month.
"""

import random
from dataclasses import dataclass, field

from sqlalchemy import select

from community.extensions import db
from community.health import service
from community.health.models import HealthSnapshot
from community.health.periods import add_months
from community.health.verdict import AT_RISK, SELF_RUNNING
from simulation.community import Community
from simulation.rows import Rows, analyze

SNAPSHOT_MONTHS = 14


@dataclass
class Outcome:
    scenario: str
    seed: int
    story: object
    periods: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    raw: list = field(default_factory=list)
    explanations: list = field(default_factory=list)

    @property
    def final(self):
        return self.labels[-1] if self.labels else None

    def label_at(self, month):
        """The label shown for the latest period of calendar month `month`."""
        for period, shown in reversed(list(zip(self.periods, self.labels, strict=True))):
            if period.month == month:
                return shown
        return None

    @property
    def right(self):
        return judge(self)


def judge(outcome):
    """Is the label what the story says it should be?"""
    name, labels = outcome.scenario, outcome.labels
    if not labels:
        return False
    if name == "ngo_run":
        return SELF_RUNNING not in labels
    if name == "burnout":
        decline = outcome.story.burnout_from
        first_month = outcome.story.months - len(labels)  # the month index of labels[0]
        by = decline + 2 + 2  # the halving takes three months (decline … decline+2), then two more
        risky = [first_month + n for n, shown in enumerate(labels) if shown == AT_RISK and first_month + n >= decline]
        return bool(risky) and risky[0] <= by and labels[-1] == AT_RISK
    if name == "lull_break":
        return outcome.label_at(10) == "formed" and AT_RISK not in (outcome.label_at(9), outcome.label_at(10))
    if name == "lull":
        return outcome.label_at(10) == "formed"
    if name == "one_helper":
        warnings = outcome.explanations[-1].get("warnings", [])
        return any(code == "warn_one_helper" for code, *_ in warnings)
    expected = {"new": "forming", "steady": "formed", "growing": "growing", "self_running": "self_running"}
    return labels[-1] == expected[name]


def last_period_of(name, seed, last):
    """Where a community's story ends: the summer stories in October (the month SPEC §4 names);
    every other story at a month of the year that depends on the seed, so that the verdict is
    tried at every time of the year, not in one season only."""
    if name in ("lull", "lull_break"):
        return last if last.month == 10 else add_months(last, -((last.month - 10) % 12))
    return add_months(last, -(seed % 12))


def generate(scenarios, seeds, last_period):
    """Build one community per scenario and seed (inserted and committed):
    {group_id: (name, seed, story, last period)}."""
    rows, built = Rows(), []
    for seed in seeds:
        for name, scenario in scenarios.items():
            story = scenario.story(random.Random(f"{name}:{seed}:story"))
            end = last_period_of(name, seed, last_period)
            group = Community(f"{name}-{seed}", story, end, rows).build()
            built.append((group, name, seed, story, end))
    rows.insert()
    db.session.commit()
    analyze()
    db.session.commit()
    return {group["id"]: (name, seed, story, end) for group, name, seed, story, end in built}


def run(scenarios, seeds, now, months=SNAPSHOT_MONTHS):
    """Generate, snapshot the last `months` months of every community (as the monthly job and
    `--backfill` do), and collect {group_id: Outcome}."""
    groups = generate(scenarios, seeds, service.last_complete_period(now))
    by_end = {}
    for g, (*_, end) in groups.items():
        by_end.setdefault(end, []).append(g)
    for end, ids in sorted(by_end.items()):
        service.take_snapshots([add_months(end, -n) for n in range(months - 1, -1, -1)], ids, fill=1)
    db.session.commit()
    outcomes = {g: Outcome(name, seed, story) for g, (name, seed, story, _end) in groups.items()}
    first = {g: add_months(end, -(months - 1)) for g, (*_, end) in groups.items()}
    rows = db.session.execute(
        select(
            HealthSnapshot.group_id,
            HealthSnapshot.period,
            HealthSnapshot.stage,
            HealthSnapshot.raw_stage,
            HealthSnapshot.explanation,
        )
        .where(HealthSnapshot.group_id.in_(list(groups)))
        .order_by(HealthSnapshot.group_id, HealthSnapshot.period)
    ).all()
    for group_id, period, stage, raw, explanation in rows:
        if period < first[group_id]:
            continue
        outcome = outcomes[group_id]
        outcome.periods.append(period)
        outcome.labels.append(stage)
        outcome.raw.append(raw)
        outcome.explanations.append(explanation)
    return outcomes


def accuracy(outcomes):
    """{scenario: (right, total)}, and "all"."""
    result = {}
    for outcome in outcomes.values():
        right, total = result.get(outcome.scenario, (0, 0))
        result[outcome.scenario] = (right + outcome.right, total + 1)
    result["all"] = (sum(r for r, _ in result.values()), sum(t for _, t in result.values()))
    return result


RANK = {"forming": 0, "formed": 1, "growing": 2, "self_running": 2}


def rises_on_one_month(labels, raw):
    """Months where the label went up on the strength of one month alone: SPEC §4's "a stage
    appears after two months" (a stage rises only when this month and the previous non-break
    month both reached it). At risk shows at once, and the first month after it shows that
    month's raw stage, by design."""
    found = []
    previous_raw = None
    for n, (shown, month_raw) in enumerate(zip(labels, raw, strict=True)):
        if n and shown != labels[n - 1] and shown in RANK and labels[n - 1] in RANK:
            rose = RANK[shown] > RANK[labels[n - 1]] or (RANK[shown] == 2 and shown != labels[n - 1])
            held = all(r in RANK and (RANK[r] >= RANK[shown]) for r in (month_raw, previous_raw) if r)
            if rose and not (held and previous_raw is not None):
                found.append(n)
        if month_raw != "break":
            previous_raw = month_raw
    return found


def flips(labels):
    """Months where a label showed for a single month between two months of another label
    (A → B → A, at risk excepted). SPEC §4's lower-of-two rule lets a stage that held two
    months fall back on one lower month, so these happen; `report` counts them."""
    return [
        n
        for n in range(1, len(labels) - 1)
        if labels[n - 1] == labels[n + 1] != labels[n] and AT_RISK not in (labels[n], labels[n + 1])
    ]


def unexplained_risk(outcome):
    """At-risk months whose explanation does not carry a severe signal."""
    return [
        period
        for period, shown, explanation in zip(outcome.periods, outcome.labels, outcome.explanations, strict=True)
        if shown == AT_RISK and not any(code.startswith("severe_") for code, _ in explanation.get("facts", []))
    ]


def report(outcomes):
    """A plain-text table: per scenario, right/total and the final labels seen."""
    lines = []
    for name, (right, total) in accuracy(outcomes).items():
        finals = {}
        for outcome in outcomes.values():
            if outcome.scenario == name or name == "all":
                finals[outcome.final] = finals.get(outcome.final, 0) + 1
        detail = ", ".join(f"{stage} {n}" for stage, n in sorted(finals.items(), key=lambda item: -item[1]))
        lines.append(f"{name:<14} {right:>4}/{total:<4} {100 * right / max(1, total):5.1f} %   final labels: {detail}")
    single = sum(len(flips(outcome.labels)) for outcome in outcomes.values())
    months = sum(len(outcome.labels) for outcome in outcomes.values())
    lines.append(f"labels shown for a single month between two of another: {single} in {months} monthly labels")
    return "\n".join(lines)
