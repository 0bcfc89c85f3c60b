"""The stage verdict, version 2 (SPEC §4), on hand-made values: one case per rule and per edge
(break months, a group's age, denominators of 4 and 5, the label after *at risk*, the lower
of two months), and the explanation that comes with every label.

The month judged is May 2026; `month()` gives values that meet every condition of *formed*
and fire nothing, and `history()` a group two years old whose every earlier month looked
like that, so each test changes only what it is about.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from community.health.explanation import explain
from community.health.periods import add_months, age_in_months, break_months, is_break_month, period_end
from community.health.verdict import (
    AT_RISK,
    BREAK,
    FORMED,
    FORMING,
    GROWING,
    SELF_RUNNING,
    THRESHOLDS,
    History,
    evaluate,
    label,
    settle,
)

PERIOD = date(2026, 5, 1)
AT = period_end(PERIOD)
CREATED = datetime(2024, 4, 10, tzinfo=UTC)
F, G, S, R, f, B = FORMED, GROWING, SELF_RUNNING, AT_RISK, FORMING, BREAK


def month(**changes):
    values = {
        "members": 20,
        "A1": 8,
        "meeting": True,
        "parent_meeting": False,
        "meetings": 1,
        "meeting_at": (AT - timedelta(days=10)).isoformat(),
        "A3": [3, 5],
        "P1": [4, 5],
        "P1_median_hours": 5.0,
        "unanswered_7d": 0,
        "P2": [2, 6],
        "exchanges": 6,
        "P3": [2, 5, 8],
        "P4": [4, 7],
        "L1": {"meetings": [2, 3], "answers": [3, 5], "threads": [2, 4]},
        "L2": 2,
        "bench6": 3,
        "L3": [1, 0],
        "G1": [1, 2],
        "joiners_90d": 1,
        "G2": [4, 6],
        "I1": {},
    }
    values.update(changes)
    return values


def history(changes=None, breaks=(), created=CREATED, raw=None):
    """Every month from the group's creation to April 2026 like `month()`, with `changes`
    ({period: {key: value}}) applied."""
    months, current = {}, date(created.year, created.month, 1)
    while current < PERIOD:
        held = datetime(current.year, current.month, 1, 10, tzinfo=UTC).isoformat()  # each month's meeting
        months[current] = month(**{"meeting_at": held, **(changes or {}).get(current, {})})
        if not months[current]["meeting"]:
            months[current]["meeting_at"] = None
        current = add_months(current, 1)
    return History(
        created,
        breaks,
        months,
        raw or dict.fromkeys(months, FORMED),
        break_months(breaks, date(2023, 1, 1), PERIOD),
    )


def judge(values=None, hist=None, age=None):
    hist = hist or history()
    return evaluate(values or month(), PERIOD, AT, hist, age_in_months(hist.created_at, AT) if age is None else age)


def codes(pairs):
    return [pair[0] for pair in pairs]


# --- formed: F1 to F6 -----------------------------------------------------------------------------------


def test_formed_when_every_condition_holds():
    verdict = judge()
    assert verdict.raw == FORMED
    assert codes(verdict.conditions) == ["activity", "rhythm", "answers", "leaders", "parents_lead", "age"]
    assert verdict.unmet == []
    assert verdict.severe == verdict.warnings == []


@pytest.mark.parametrize(
    ("changes", "unmet"),
    [
        ({"A1": 5}, "activity"),  # F1: 6 families …
        ({"A1": 6, "members": 41}, "activity"),  # … and 15 % of members (6 < 6.15)
        ({"P1": [3, 5]}, "answers"),  # F3: 60 % of 5 requests
        ({"bench6": 1}, "leaders"),  # F4: 2 parents organised or welcomed in 6 non-break months
        ({"L1": {"meetings": [1, 3], "answers": [1, 2], "threads": [0, 0]}}, "parents_lead"),  # F5: 2 of 5
    ],
)
def test_forming_names_the_condition_that_is_missing(changes, unmet):
    verdict = judge(month(**changes))
    assert verdict.raw == FORMING
    assert codes(verdict.unmet) == [unmet]


def test_f1_holds_at_exactly_six_families_and_fifteen_percent():
    assert judge(month(A1=6, members=40)).raw == FORMED


def test_rhythm_needs_a_meeting_in_four_of_the_last_six_non_break_months():
    quiet = {add_months(PERIOD, -n): {"meeting": False} for n in (1, 2)}
    assert judge(hist=history(quiet)).raw == FORMED  # 4 of 6
    quiet[add_months(PERIOD, -3)] = {"meeting": False}
    verdict = judge(hist=history(quiet))
    assert verdict.raw == FORMING
    assert verdict.unmet == [("rhythm", {"held": 3, "months": 6, "need": 4, "window": 6})]


def test_break_months_are_skipped_by_the_rhythm_rule():
    """July and August 2025 were a declared break without meetings: the last six non-break months
    are November–April, so the two quiet months never count against the group."""
    summer = [(date(2025, 7, 1), date(2025, 8, 31))]
    quiet = {add_months(PERIOD, -n): {"meeting": False} for n in (1, 2, 3)}  # Feb–Apr quiet
    assert judge(hist=history(quiet, breaks=summer)).raw == FORMING  # 3 of 6 still
    near = [(date(2026, 2, 1), date(2026, 4, 30))]  # the quiet months themselves were a break
    verdict = judge(hist=history(quiet, breaks=near))
    assert verdict.raw == FORMED
    rhythm = dict((code, numbers) for code, _, numbers in verdict.conditions)["rhythm"]
    assert rhythm == {"held": 6, "months": 6, "need": 4, "window": 6}


def test_a_month_is_a_break_month_when_at_least_half_of_it_is_inside_a_break():
    assert is_break_month(date(2026, 7, 1), [(date(2026, 7, 1), date(2026, 7, 16))])  # 16 of 31 days
    assert not is_break_month(date(2026, 7, 1), [(date(2026, 7, 1), date(2026, 7, 15))])  # 15 of 31
    assert is_break_month(date(2026, 6, 1), [(date(2026, 6, 16), date(2026, 8, 31))])  # 15 of 30
    # The New Year holidays (31 December to 8 January) make neither month a break month.
    holidays = [(date(2025, 12, 31), date(2026, 1, 8))]
    assert break_months(holidays, date(2025, 12, 1), date(2026, 1, 1)) == set()


def test_a_young_group_needs_a_meeting_in_two_of_its_last_three_months():
    young = datetime(2025, 12, 5, tzinfo=UTC)  # 4 months old on 1 June 2026
    quiet = {date(2026, 4, 1): {"meeting": False}}
    verdict = judge(hist=history(quiet, created=young))
    assert verdict.raw == FORMED
    quiet[date(2026, 3, 1)] = {"meeting": False}
    assert codes(judge(hist=history(quiet, created=young)).unmet) == ["rhythm"]


def test_f6_a_group_younger_than_three_months_is_forming():
    """SPEC: a new group (2 months, 6 families) is forming, however lively."""
    created = datetime(2026, 3, 20, tzinfo=UTC)  # 2 months old on 1 June
    verdict = judge(hist=history(created=created))
    assert verdict.raw == FORMING
    assert verdict.unmet == [("age", {"months": 2})]
    assert judge(hist=history(created=datetime(2026, 3, 1, tzinfo=UTC))).raw == FORMED  # 3 months


def test_months_before_the_group_existed_are_not_counted():
    created = datetime(2026, 1, 15, tzinfo=UTC)  # four months: January to April, then May
    rhythm = dict((code, numbers) for code, _, numbers in judge(hist=history(created=created)).conditions)["rhythm"]
    assert rhythm["months"] == 3  # younger than 6 months: the last 3 of its months


@pytest.mark.parametrize(
    ("changes", "stage"),
    [
        ({"P1": [0, 4]}, FORMED),  # 4 requests: P1 is not judged
        ({"P1": [3, 5]}, FORMING),  # 5 requests: 60 % fails
        ({"L1": {"meetings": [0, 2], "answers": [1, 2], "threads": [0, 0]}}, FORMED),  # 4 items
        ({"L1": {"meetings": [0, 2], "answers": [2, 3], "threads": [0, 0]}}, FORMING),  # 5 items, 40 %
        ({"G2": [1, 4]}, FORMED),  # 25 % retention of 4 people: not judged
        ({"G2": [1, 5]}, AT_RISK),  # 20 % of 5
    ],
)
def test_denominators_of_four_never_fire_five_do(changes, stage):
    assert judge(month(**changes)).raw == stage


# --- severe signals and warnings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code", "numbers"),
    [
        ({"meeting": False, "meeting_at": None}, "no_meeting", {"days": 60}),  # the last on 1 April
        ({"G2": [1, 5]}, "retention", {"stayed": 1, "total": 5}),
        ({"unanswered_7d": 2}, "unanswered", {"count": 2}),
    ],
)
def test_each_severe_signal_makes_the_month_at_risk(changes, code, numbers):
    verdict = judge(month(**changes))
    assert verdict.raw == AT_RISK
    assert verdict.severe == [(code, numbers)]


def test_no_meeting_for_sixty_days_outside_breaks():
    assert judge(month(meeting_at=(AT - timedelta(days=59)).isoformat())).raw == FORMED
    quiet = month(meeting_at=(AT - timedelta(days=80)).isoformat())  # 12 March → 1 June
    assert judge(quiet).severe == [("no_meeting", {"days": 80})]
    april = [(date(2026, 4, 2), date(2026, 5, 1))]  # 30 days of it declared a break
    assert judge(quiet, history(breaks=april)).raw == FORMED
    overlapping = april + april + [(date(2026, 4, 10), date(2026, 4, 20))]
    assert judge(month(meeting_at=(AT - timedelta(days=100)).isoformat()), history(breaks=overlapping)).severe == [
        ("no_meeting", {"days": 70})
    ]


def test_no_meeting_is_not_judged_before_three_months_of_age():
    created = datetime(2026, 3, 20, tzinfo=UTC)  # 2 months old
    verdict = judge(month(meeting_at=None), history(created=created))
    assert verdict.severe == []
    older = datetime(2026, 2, 20, tzinfo=UTC)  # 3 months old, never met: 101 days since creation
    never = {date(2026, m, 1): {"meeting": False} for m in (2, 3, 4)}
    assert judge(month(meeting=False, meeting_at=None), history(never, created=older)).severe == [
        ("no_meeting", {"days": 101})
    ]


def test_a_meeting_of_fewer_than_three_families_is_not_a_held_meeting():
    """The last month with a held meeting was February: March and April had meetings of two."""
    two = {date(2026, m, 1): {"meeting": False} for m in (3, 4)}
    verdict = judge(month(meeting=False, meeting_at=None), history(two))
    assert verdict.severe == [("no_meeting", {"days": 119})]  # since 1 February, 10:00


def test_one_unanswered_request_is_a_warning_two_are_severe():
    one = judge(month(unanswered_7d=1))
    assert (one.raw, one.warnings) == (FORMED, [("unanswered_one", {"count": 1})])
    assert judge(month(unanswered_7d=2)).raw == AT_RISK


def test_a1_down_by_thirty_percent_is_severe_only_in_two_snapshots_in_a_row():
    """May 2026 against May 2025, and April 2026 against April 2025."""
    year_ago = {date(2025, 5, 1): {"A1": 10}, date(2025, 4, 1): {"A1": 10}}
    once = judge(month(A1=7), history(year_ago))  # April 2026 had 8 (down 20 %)
    assert (once.raw, once.warnings) == (FORMED, [("active_drop_once", {"now": 7, "before": 10})])
    twice = judge(month(A1=7), history({**year_ago, date(2026, 4, 1): {"A1": 7}}))
    assert twice.raw == AT_RISK
    assert twice.severe == [("active_drop", {"now": 7, "before": 10})]
    # Down 29 %, or down from fewer than 5 a year ago: nothing.
    assert judge(month(A1=7, members=20), history({date(2025, 5, 1): {"A1": 9}})).warnings == []
    small = {date(2025, 5, 1): {"A1": 4}, date(2025, 4, 1): {"A1": 4}, date(2026, 4, 1): {"A1": 1}}
    assert judge(month(A1=1), history(small)).severe == []


def test_a_break_month_a_year_ago_is_not_compared_with():
    summer = [(date(2025, 5, 1), date(2025, 5, 31))]
    year_ago = {date(2025, 5, 1): {"A1": 20}, date(2025, 4, 1): {"A1": 20}, date(2026, 4, 1): {"A1": 7}}
    assert judge(month(A1=7), history(year_ago, breaks=summer)).severe == []


def test_single_organiser_warning():
    assert judge(month(L2=1, members=6)).warnings == [("single_organiser", {"members": 6})]
    assert judge(month(L2=1, members=5)).warnings == []  # a group of 5
    young = datetime(2025, 12, 5, tzinfo=UTC)  # 5 months old
    assert judge(month(L2=1, members=6), history(created=young)).warnings == []
    assert judge(month(L2=1, members=6)).raw == FORMED  # warnings never change the stage


def test_one_person_giving_half_of_the_help_is_a_warning_from_five_acts():
    assert judge(month(P3=[1, 3, 5])).warnings == [("one_helper", {"acts": 5})]
    assert judge(month(P3=[1, 2, 4])).warnings == []


def test_a_break_month_is_skipped_and_its_alarms_are_only_warnings():
    summer = [(date(2026, 5, 1), date(2026, 5, 31))]
    verdict = judge(month(A1=1, meeting=False, unanswered_7d=3), history(breaks=summer))
    assert verdict.raw == BREAK
    assert verdict.severe == []
    assert ("unanswered", {"count": 3}) in verdict.warnings


# --- growth ------------------------------------------------------------------------------------------------


def test_growth_signals_are_material_changes():
    year_ago = {date(2025, 5, 1): {"A1": 8}}
    quarter = {date(2026, 2, 1): {"L2": 2, "P2": [2, 6], "P4": [4, 8]}}
    # A1 up 3 and 37 %: a signal; up 2 is not.
    assert codes(judge(month(A1=11), history(year_ago)).signals) == ["active_up"]
    assert judge(month(A1=10), history(year_ago)).signals == []
    # Up 3 but only 15 % (20 → 23): not material.
    assert judge(month(A1=23, members=100), history({date(2025, 5, 1): {"A1": 20}})).signals == []
    # L2 up by one to at least 3.
    assert codes(judge(month(L2=3), history(quarter)).signals) == ["bench_up"]
    assert judge(month(L2=2), history({date(2026, 2, 1): {"L2": 1}})).signals == []
    # Three joiners in 90 days and G1 ≥ 50 % of at least 5.
    assert codes(judge(month(joiners_90d=3, G1=[3, 5])).signals) == ["newcomers"]
    assert judge(month(joiners_90d=3, G1=[3, 4])).signals == []
    assert judge(month(joiners_90d=2, G1=[3, 5])).signals == []
    # Reciprocity or connectedness up 10 points (on 5 people or more, then and now).
    assert codes(judge(month(P4=[6, 8]), history(quarter)).signals) == ["ties_up"]  # 50 % → 75 %
    assert judge(month(P4=[4, 7]), history(quarter)).signals == []
    # Retention is stability, never growth.
    assert judge(month(G2=[6, 6])).signals == []


def test_growth_compares_with_the_quarter_before_when_there_is_no_year():
    created = datetime(2025, 9, 1, tzinfo=UTC)
    assert judge(month(A1=11), history({date(2026, 2, 1): {"A1": 8}}, created=created)).signals == [
        ("active_up", {"now": 11, "before": 8, "months": 3})
    ]


def test_growing_needs_two_signals():
    hist = history({date(2025, 5, 1): {"A1": 8}, date(2026, 2, 1): {"L2": 2}})
    assert judge(month(A1=11), hist).raw == FORMED
    verdict = judge(month(A1=11, L2=3), hist)
    assert verdict.raw == GROWING
    assert codes(verdict.signals) == ["active_up", "bench_up"]


# --- runs without the NGO ---------------------------------------------------------------------------------


def running(**changes):
    base = {"L1": {"meetings": [5, 5], "answers": [9, 10], "threads": [4, 4]}, "parent_meeting": True, "L2": 3}
    return month(**{**base, "G2": [5, 6], **changes})


def parent_run(months=6):
    return {add_months(PERIOD, -n): {"parent_meeting": n < months} for n in range(1, 13)}


def test_runs_without_the_ngo():
    verdict = judge(running(), history(parent_run()))
    assert verdict.raw == SELF_RUNNING
    assert all(met for _, met, _ in verdict.independence)


@pytest.mark.parametrize(
    "changes",
    [
        {"L1": {"meetings": [4, 5], "answers": [9, 10], "threads": [4, 4]}},  # meetings 80 %
        {"L1": {"meetings": [5, 5], "answers": [8, 10], "threads": [4, 4]}},  # answers 80 %
        {"L2": 1},
        {"G2": [5, 9]},  # 56 % retention
    ],
)
def test_runs_without_the_ngo_needs_each_condition(changes):
    assert judge(running(**changes), history(parent_run())).raw != SELF_RUNNING


def test_kinds_with_fewer_than_three_items_are_not_judged():
    few = running(L1={"meetings": [5, 5], "answers": [1, 2], "threads": [0, 0]})
    assert judge(few, history(parent_run())).raw == SELF_RUNNING


def test_meetings_without_a_specialist_in_five_of_the_last_six_months():
    assert judge(running(), history(parent_run(5))).raw == SELF_RUNNING  # this month and 4 before
    assert judge(running(), history(parent_run(4))).raw == FORMED
    assert judge(running(parent_meeting=False), history(parent_run(6))).raw == SELF_RUNNING  # Nov–Apr


def test_runs_without_the_ngo_ranks_above_growing():
    hist = history({**parent_run(), date(2025, 5, 1): {"A1": 8}, date(2026, 2, 1): {"L2": 2}})
    assert judge(running(A1=11), hist).raw == SELF_RUNNING


# --- the label ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ([], []),
        ([f], [f]),
        ([F], [f]),  # no earlier month: a stage shows after two
        ([R], [R]),  # at risk shows at once
        ([f, F, F], [f, f, F]),
        ([f, F, f, F], [f, f, f, f]),  # lower of two: a stage that never holds twice never shows
        ([F, F, G, F, F], [f, F, F, F, F]),  # one month of growing never shows
        ([F, G, G], [f, F, G]),
        ([G, S, S], [f, F, S]),  # growing beside runs-without-the-NGO is formed
        ([F, R, F, F], [f, R, F, F]),  # after at risk: that month's raw stage, at most formed
        ([F, R, G, G], [f, R, F, G]),
        ([F, R, S, S], [f, R, F, S]),
        ([F, R, f, F], [f, R, f, f]),
        ([F, F, B, B, F], [f, F, F, F, F]),  # break months keep the label and are skipped
        ([F, F, B, G, G], [f, F, F, F, G]),
        ([F, R, B, F], [f, R, R, F]),  # the first month after at risk, across the break
    ],
)
def test_the_label_shown(raw, shown):
    assert settle(raw) == shown


def test_label_of_one_month():
    assert label(F, None) == FORMING
    assert label(G, R) == F
    assert label(B, F, previous_label=G) == G


# --- the explanation ---------------------------------------------------------------------------------------


def test_at_risk_always_carries_its_severe_signal_and_its_fix():
    verdict = judge(month(unanswered_7d=2, G2=[1, 5]))
    text = explain(verdict, AT_RISK)
    assert text["facts"] == [["severe_retention", {"stayed": 1, "total": 5}], ["severe_unanswered", {"count": 2}]]
    assert text["next"] == ["reach_out", {"stayed": 1, "total": 5}]
    assert text["changed"] is None


def test_the_next_step_follows_the_order_parent_leadership_first():
    verdict = judge(month(A1=3, bench6=1, L1={"meetings": [0, 3], "answers": [0, 3], "threads": [0, 0]}))
    assert codes(verdict.unmet) == ["activity", "leaders", "parents_lead"]
    text = explain(verdict, FORMING)
    assert text["next"] == ["parents_lead", {}]
    assert codes(text["facts"]) == ["unmet_parents_lead", "unmet_activity", "unmet_leaders"]


def test_a_formed_group_is_told_its_weakest_growth_signal():
    hist = history({date(2025, 5, 1): {"A1": 8}, date(2026, 2, 1): {"L2": 2}})
    verdict = judge(month(A1=10, L2=2, joiners_90d=0, G1=[0, 0]), hist)
    text = explain(verdict, FORMED)
    assert codes(text["facts"]) == ["met_activity", "met_rhythm", "met_answers", "met_leaders", "met_parents_lead"]
    assert text["next"][0] == "welcome_newcomers"  # no joiners at all: the furthest from its line


def test_warnings_are_listed_whatever_the_stage_each_with_its_step():
    text = explain(judge(month(P3=[1, 2, 6])), FORMED)
    assert text["warnings"] == [["warn_one_helper", {"acts": 6}, "one_more_helper"]]
    risky = judge(month(P3=[1, 2, 6], unanswered_7d=2))
    assert explain(risky, AT_RISK)["warnings"] == [["warn_one_helper", {"acts": 6}, "one_more_helper"]]


def test_what_changed_when_the_latest_month_differs_from_the_label():
    hist = history({date(2025, 5, 1): {"A1": 8}, date(2026, 2, 1): {"L2": 2}})
    verdict = judge(month(A1=11, L2=3), hist)
    text = explain(verdict, FORMED)
    assert text["changed"] == ["changed", {"raw": GROWING, "fact": ["signal_active_up", verdict.signals[0][1]]}]
    assert codes(text["facts"])[0] == "met_activity"


def test_a_label_held_by_the_month_before_shows_that_months_facts():
    before = explain(judge(month(A1=4)), FORMING)  # April: only 4 families
    before["period"] = "2026-04-01"
    text = explain(judge(), FORMING, previous=before)
    assert text["facts"] == [["unmet_activity", {"count": 4, "members": 20, "month": "2026-04-01"}]]
    assert text["changed"][1]["raw"] == FORMED
    assert text["next"] == ["invite_families", {}]


def test_thresholds_are_the_ones_of_the_spec():
    t = THRESHOLDS
    assert (t["formed_active_families"], t["formed_active_share"]) == (6, 0.15)
    assert (t["formed_meeting_months"], t["formed_meeting_window"]) == (4, 6)
    assert (t["formed_peer_answer_rate"], t["formed_parent_share"], t["formed_age_months"]) == (0.70, 0.50, 3)
    assert (t["risk_days_without_meeting"], t["risk_active_drop"], t["risk_retention"]) == (60, 0.30, 0.40)
    assert (t["self_running_share"], t["self_running_months"], t["self_running_retention"]) == (0.90, 5, 0.60)
    assert t["min_denominator"] == 5
