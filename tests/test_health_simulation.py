"""The verdict recognises simulated communities in every situation SPEC §4 lists.

`simulation.community` grows each community from families and their choices (health-realism.md),
not from the thresholds: a new group, a steady group with turnover, a growing one, an NGO-run
one, one that runs on parents a year after its support ended, a sole leader who burns out, a
summer lull with and without a declared break, one person doing all the helping. Noise comes
with the people: skipped and cancelled meetings, attendance that varies or is not marked,
unanswered requests, families who drift away, a crisis month, a burst of joiners. The rows go
into the real tables and `service.take_snapshots` computes every month, as the monthly job does.
"""

from datetime import UTC, datetime

from simulation import run as simulation
from simulation.scenarios import SCENARIOS
from tests.conftest import work

SEEDS = range(20)  # × 9 situations = 180 communities on each database
NOW = datetime(2026, 11, 15, 8, 0, tzinfo=UTC)  # fixed, so that a failure can be replayed exactly
REQUIRED_ACCURACY = 0.95


def test_every_situation_of_spec_section_4_is_simulated():
    assert set(SCENARIOS) == {
        "new",
        "steady",
        "growing",
        "ngo_run",
        "self_running",
        "burnout",
        "lull_break",
        "lull",
        "one_helper",
    }


def test_the_verdict_recognises_simulated_communities(app):
    """The final label is right for at least 95 % of the communities; no label ever rises on the
    strength of a single month (noise); an at-risk label always carries its severe signal; the
    NGO-run group never reads as running without the NGO; the declared summer never brings at
    risk in September or October."""
    with work(app):
        outcomes = simulation.run(SCENARIOS, SEEDS, NOW)

    assert len(outcomes) == len(SEEDS) * len(SCENARIOS)
    accuracy = simulation.accuracy(outcomes)
    right, total = accuracy["all"]
    report = simulation.report(outcomes)
    assert right / total >= REQUIRED_ACCURACY, report
    for name in ("new", "ngo_run", "self_running", "burnout", "one_helper"):
        assert accuracy[name][0] == accuracy[name][1], report

    for outcome in outcomes.values():
        label = f"{outcome.scenario} seed {outcome.seed}: {list(zip(outcome.labels, outcome.raw, strict=True))}"
        assert len(outcome.labels) == min(simulation.SNAPSHOT_MONTHS, outcome.story.months), label
        assert simulation.rises_on_one_month(outcome.labels, outcome.raw) == [], label
        assert simulation.unexplained_risk(outcome) == [], label
        if outcome.scenario == "lull_break":
            assert "at_risk" not in (outcome.label_at(9), outcome.label_at(10)), label


def test_communities_are_the_same_for_the_same_seed():
    import random

    from simulation.community import Community
    from simulation.rows import Rows

    def rows_of(seed):
        rows = Rows.__new__(Rows)
        rows.tables, rows.password_hash = {}, "!"
        story = SCENARIOS["steady"].story(random.Random(f"steady:{seed}:story"))
        Community(f"steady-{seed}", story, NOW.date().replace(day=1), rows).build()
        return {model.__name__: len(batch) for model, batch in rows.tables.items()}

    assert rows_of(3) == rows_of(3)
    assert rows_of(3) != rows_of(4)


def test_the_independent_check_runs_and_stays_above_its_measured_floor(app):
    """Generator 2 (`simulation.independent`), written from health-realism.md alone, with
    situations of its own: its accuracy is measured and reported (README), not tuned. This keeps
    it from silently getting worse: measured at 72 % over 20 seeds (220 communities); the floor
    is well under that, since 5 seeds vary more."""
    from simulation import independent

    with work(app):
        outcomes = independent.run(range(5), NOW)
    right, total = independent.accuracy(outcomes)["all"]
    assert total == 5 * len(independent.SITUATIONS)
    assert right / total >= 0.6, independent.report(outcomes)
    for outcome in outcomes.values():
        if outcome.scenario in ("leader_ill", "just_started", "helpdesk"):
            assert outcome.right, independent.report(outcomes)
