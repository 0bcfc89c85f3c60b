"""The stage verdict: forming, formed, growing, at risk, runs without the NGO.

Every threshold lives in THRESHOLDS; the "How we measure" page prints them from here.
`evaluate` is a pure function of indicator values, so the simulator and the tests can
check it without a database.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

FORMING, FORMED, GROWING, SELF_RUNNING, AT_RISK = "forming", "formed", "growing", "self_running", "at_risk"
STAGES = (FORMING, FORMED, GROWING, SELF_RUNNING, AT_RISK)

THRESHOLDS = {
    # Formed
    "formed_active_families": 6,  # A1 ≥ 6
    "formed_meeting_months": 3,  # A2 = 3 of 3
    "formed_peer_answer_rate": 0.70,  # P1 ≥ 70 % …
    "formed_peer_answer_min_requests": 3,  # … when there were at least 3 requests
    "formed_leader_bench": 2,  # L2 ≥ 2
    "formed_independence": 0.50,  # L1 ≥ 50 %
    "formed_reciprocity": 0.25,  # P2 ≥ 25 % …
    "formed_reciprocity_min_exchanges": 5,  # … when there were at least 5 exchanges
    # Growing: formed, and at least this many signals
    "growing_signals": 2,
    "growing_activation": 0.50,  # G1 ≥ 50 %
    "growing_retention": 0.70,  # G2 ≥ 70 %
    # Runs without the NGO
    "self_running_independence": 0.90,  # L1 ≥ 90 % for three months
    "self_running_parent_only_months": 3,  # a specialist-free event every month
    "self_running_leader_bench": 2,  # L2 ≥ 2
    "self_running_retention": 0.60,  # G2 ≥ 60 %
    # At risk (overrides everything)
    "risk_days_without_event": 60,
    "risk_unanswered_days": 7,
    "risk_single_organiser_group_size": 6,
    "risk_active_drop": 0.30,  # A1 down ≥ 30 % against the same season
    "risk_retention": 0.40,  # G2 < 40 %
    # Honest numbers
    "min_denominator": 5,  # no threshold fires on a denominator under 5
}
T = THRESHOLDS


def ratio(pair):
    """(numerator, denominator) → share, or None when there is nothing to divide."""
    numerator, denominator = pair
    return numerator / denominator if denominator else None


def _enough(pair):
    return pair[1] >= T["min_denominator"]


@dataclass
class Verdict:
    """The stage for one month, the reasons (codes with their numbers) and one next step."""

    stage: str
    reasons: list = field(default_factory=list)
    next_step: tuple = ("", {})


def formed_checks(v):
    """Each condition of *formed*, as (code, passed, numbers)."""
    p1, p2 = v["P1"], v["P2"]
    return [
        ("active", v["A1"] >= T["formed_active_families"], {"count": v["A1"]}),
        ("rhythm", v["A2"] >= T["formed_meeting_months"], {"months": v["A2"]}),
        (
            "answers",
            p1[1] < T["formed_peer_answer_min_requests"] or ratio(p1) >= T["formed_peer_answer_rate"],
            {"answered": p1[0], "requests": p1[1]},
        ),
        ("bench", v["L2"] >= T["formed_leader_bench"], {"count": v["L2"]}),
        (
            "independence",
            ratio(v["L1"]) is None or ratio(v["L1"]) >= T["formed_independence"],
            {"parents": v["L1"][0], "total": v["L1"][1]},
        ),
        (
            "reciprocity",
            v["exchanges"] < T["formed_reciprocity_min_exchanges"] or (ratio(p2) or 0) >= T["formed_reciprocity"],
            {"both": p2[0], "total": p2[1]},
        ),
    ]


def _active_drop(v):
    before = v.get("A1_year_ago")
    return bool(before and before >= T["min_denominator"] and 1 - v["A1"] / before >= T["risk_active_drop"])


def risk_checks(v, at, breaks=(), recent=()):
    """The at-risk signals that fire, as (code, numbers). `recent`: the previous monthly
    snapshots' values, newest first: a drop against the same season must show in the month
    before too, so that one quiet month is not taken for a decline."""
    fired = []
    last = datetime.fromisoformat(v["last_event_at"]) if v.get("last_event_at") else None
    if v["members"] >= T["min_denominator"]:
        since = last or (at - timedelta(days=10_000))
        quiet_days = (at - since).days - _break_days(breaks, since, at)
        if quiet_days >= T["risk_days_without_event"]:
            fired.append(("no_event", {"days": min(quiet_days, 999)}))
    if v["unanswered_7d"]:
        fired.append(("unanswered", {"count": v["unanswered_7d"]}))
    if v["L2"] == 1 and v["members"] >= T["risk_single_organiser_group_size"]:
        fired.append(("single_organiser", {"members": v["members"]}))
    if _active_drop(v) and (not recent or _active_drop(recent[0])):
        fired.append(("active_drop", {"now": v["A1"], "before": v["A1_year_ago"]}))
    if _enough(v["G2"]) and ratio(v["G2"]) < T["risk_retention"]:
        fired.append(("retention", {"stayed": v["G2"][0], "total": v["G2"][1]}))
    return fired


def _break_days(breaks, since, until):
    """Days between `since` and `until` covered by declared breaks (overlaps counted once)."""
    covered = set()
    for starts_on, ends_on in breaks:
        day = max(since.date(), starts_on)
        while day <= min(until.date(), ends_on):
            covered.add(day)
            day += timedelta(days=1)
    return len(covered)


def growing_signals(v, previous):
    """The growth signals present, comparing with the values of a quarter before."""
    signals = []
    if previous is not None:
        if v["A1"] > previous["A1"]:
            signals.append(("active_rising", {"now": v["A1"], "before": previous["A1"]}))
        if v["L2"] > previous["L2"]:
            signals.append(("bench_up", {"now": v["L2"], "before": previous["L2"]}))
        p2_now, p2_before = ratio(v["P2"]), ratio(previous["P2"])
        p4_now, p4_before = ratio(v["P4"]), ratio(previous["P4"])
        if (p2_now is not None and p2_before is not None and p2_now > p2_before and _enough(v["P2"])) or (
            p4_now is not None and p4_before is not None and p4_now > p4_before and _enough(v["P4"])
        ):
            signals.append(("ties_rising", {}))
    if _enough(v["G1"]) and ratio(v["G1"]) >= T["growing_activation"]:
        signals.append(("activation", {"active": v["G1"][0], "total": v["G1"][1]}))
    if _enough(v["G2"]) and ratio(v["G2"]) >= T["growing_retention"]:
        signals.append(("retention_high", {"stayed": v["G2"][0], "total": v["G2"][1]}))
    return signals


def self_running(v, recent):
    """Runs without the NGO: L1 ≥ 90 % in this and the two previous months, a
    specialist-free event every month, a bench of leaders, and people staying."""
    months = [v] + list(recent[:2])
    l1_ok = len(months) == 3 and all((ratio(m["L1"]) or 0) >= T["self_running_independence"] for m in months)
    return (
        l1_ok
        and v["L1_parent_only_months"] >= T["self_running_parent_only_months"]
        and v["L2"] >= T["self_running_leader_bench"]
        and (not _enough(v["G2"]) or ratio(v["G2"]) >= T["self_running_retention"])
    )


def evaluate(v, at, previous_quarter=None, recent=(), breaks=()):
    """The stage for one moment. `previous_quarter`: values 3 months before (for growth);
    `recent`: values of the previous monthly snapshots, newest first (for self-running)."""
    risks = risk_checks(v, at, breaks, recent)
    if risks:
        return Verdict(AT_RISK, [("risk_" + code, numbers) for code, numbers in risks], _next_step(risks[0][0], v))
    checks = formed_checks(v)
    missing = [(code, numbers) for code, passed, numbers in checks if not passed]
    if missing:
        return Verdict(
            FORMING, [("missing_" + code, numbers) for code, numbers in missing], _next_step(missing[0][0], v)
        )
    met = [("met_" + code, numbers) for code, _, numbers in checks]
    if self_running(v, recent):
        return Verdict(SELF_RUNNING, [("self_running", {"months": 3})] + met[:2], ("keep_going", {}))
    signals = growing_signals(v, previous_quarter)
    if len(signals) >= T["growing_signals"]:
        return Verdict(GROWING, signals, ("share_leadership", {}))
    return Verdict(FORMED, met[:3], _next_step("growth", v))


def _next_step(code, v):
    """One next step in plain words, keyed by what drove the verdict."""
    steps = {
        "no_event": "plan_meeting",
        "unanswered": "answer_requests",
        "single_organiser": "invite_coorganiser",
        "active_drop": "reach_out",
        "retention": "reach_out",
        "active": "invite_families",
        "rhythm": "monthly_meeting",
        "answers": "answer_requests",
        "bench": "invite_coorganiser",
        "independence": "parents_lead",
        "reciprocity": "ask_for_help",
        "growth": "welcome_newcomers",
    }
    return steps.get(code, "welcome_newcomers"), {}


def settle(raw_stages):
    """Apply the two-snapshot rule to raw stages, oldest first: a new stage must hold for
    two consecutive months before it shows, except *at risk*, which shows at once. Growing
    and runs-without-the-NGO are formed too: two months that are each formed, growing or
    self-running are two months of *formed*, so a group moving between them is not left
    showing an older stage (forming, or at risk) for months."""
    beyond = {FORMED, GROWING, SELF_RUNNING}
    shown = []
    current = None
    for n, raw in enumerate(raw_stages):
        if current is None or raw == AT_RISK or raw != current and raw_stages[n - 1] == raw:
            current = raw
        elif current not in beyond and raw in beyond and raw_stages[n - 1] in beyond:
            current = FORMED
        shown.append(current)
    return shown
