"""The stage verdict, version 2 (SPEC §4): forming, formed, growing, runs without the NGO, at risk.

Every threshold lives in THRESHOLDS; the "How we measure" page prints them from here.
`evaluate` is a pure function of one month's indicator values and the group's earlier months
(a `History`), so the simulator and the tests can check it without a database. `label`
turns the raw stages of successive months into the label people see.
"""

from dataclasses import dataclass, field

from community.health.periods import add_months, non_break_months, period_start, quiet_days

FORMING, FORMED, GROWING, SELF_RUNNING, AT_RISK = "forming", "formed", "growing", "self_running", "at_risk"
BREAK = "break"  # the raw stage of a declared break month: every rule skips it
STAGES = (FORMING, FORMED, GROWING, SELF_RUNNING, AT_RISK)
RANK = {FORMING: 0, FORMED: 1, GROWING: 2, SELF_RUNNING: 2}

THRESHOLDS = {
    # Honest numbers: no threshold fires on a denominator under this.
    "min_denominator": 5,
    # F1 activity
    "formed_active_families": 6,
    "formed_active_share": 0.15,
    # F2 rhythm: a meeting with at least 3 member attendees in 4 of the last 6 non-break months
    # (2 of the last 3 while the group is younger than 6 months)
    "meeting_min_attendees": 3,
    "formed_meeting_months": 4,
    "formed_meeting_window": 6,
    "young_meeting_months": 2,
    "young_meeting_window": 3,
    "young_age_months": 6,
    # F3 peer answers (judged from min_denominator requests in 90 days)
    "formed_peer_answer_rate": 0.70,
    "answer_hours": 72,
    # F4 leadership: parents who organised a meeting or welcomed a newcomer, last 6 non-break months
    "formed_leaders": 2,
    "formed_leader_window": 6,
    # F5 parents lead (judged from min_denominator items)
    "formed_parent_share": 0.50,
    # F6 age
    "formed_age_months": 3,
    # Growth signals: material changes, never a +1
    "growing_signals": 2,
    "growth_active_rise": 0.20,
    "growth_active_families": 3,
    "growth_bench": 3,
    "growth_joiners": 3,
    "growth_activation": 0.50,
    "growth_ties_points": 10,
    # Runs without the NGO
    "self_running_share": 0.90,
    "self_running_min_items": 3,
    "self_running_days": 90,
    "self_running_months": 5,
    "self_running_window": 6,
    "self_running_bench": 2,
    "self_running_retention": 0.60,
    # Severe signals
    "risk_days_without_meeting": 60,
    "risk_min_age_months": 3,
    "risk_active_drop": 0.30,
    "risk_retention": 0.40,
    "risk_unanswered": 2,
    "unanswered_days": 7,
    # Warnings
    "warn_single_organiser_members": 6,
    "warn_single_organiser_age": 6,
    "warn_helper_acts": 5,
}
T = THRESHOLDS
# The order in which an unmet condition becomes the next step (SPEC §4): parent leadership
# first, then rhythm, activity, the leadership bench, peer answers; age only waits.
STEP_ORDER = ("parents_lead", "rhythm", "activity", "leaders", "answers", "age")


def ratio(pair):
    """(numerator, denominator) → share, or None when there is nothing to divide."""
    numerator, denominator = pair[0], pair[1]
    return numerator / denominator if denominator else None


def judged(pair, minimum=None):
    """A share is judged only on enough cases (SPEC: no threshold fires on fewer than 5)."""
    return pair[1] >= (T["min_denominator"] if minimum is None else minimum)


def percent(pair):
    share = ratio(pair)
    return None if share is None else round(100 * share)


class History:
    """What the verdict may know about a group's months: their values, raw stages and breaks."""

    def __init__(self, created_at, breaks=(), months=None, raw=None, break_months=()):
        self.created_at = created_at
        self.breaks = list(breaks)
        self.months = months or {}  # period → values
        self.raw = raw or {}  # period → raw stage
        self.break_months = set(break_months)

    @property
    def created_period(self):
        return self.created_at.date().replace(day=1)

    def values(self, period):
        return self.months.get(period)

    def a1(self, period):
        values = self.months.get(period)
        return None if values is None else values.get("A1")

    def existed(self, period):
        return period >= self.created_period

    def non_break(self, period, count):
        """The last `count` non-break months up to `period`, newest first, in the group's life."""
        key = (period, count)
        cache = self.__dict__.setdefault("_non_break", {})
        if key not in cache:
            cache[key] = non_break_months(period, self.break_months, self.created_period, count)
        return cache[key]

    def previous_non_break(self, period, back=1):
        months = self.non_break(add_months(period, -1), back)
        return months[back - 1] if len(months) >= back else None


@dataclass
class Verdict:
    """One month's raw stage and everything that explains it."""

    period: object
    raw: str
    severe: list = field(default_factory=list)  # (code, numbers)
    warnings: list = field(default_factory=list)  # (code, numbers)
    conditions: list = field(default_factory=list)  # (code, met, numbers), F1…F6
    signals: list = field(default_factory=list)  # growth signals present: (code, numbers)
    missing_signals: list = field(default_factory=list)  # (code, numbers, progress 0…1)
    independence: list = field(default_factory=list)  # runs-without-the-NGO conditions: (code, met, numbers)

    @property
    def unmet(self):
        return [(code, numbers) for code, met, numbers in self.conditions if not met]

    @property
    def formed(self):
        return bool(self.conditions) and not self.unmet


# --- formed: F1 to F6 ---------------------------------------------------------------------------


def formed_conditions(v, history, period, age):
    """Each condition of a formed community as (code, met, numbers)."""
    a1, members = v["A1"], v["members"]
    young = age < T["young_age_months"]
    window = T["young_meeting_window"] if young else T["formed_meeting_window"]
    need = T["young_meeting_months"] if young else T["formed_meeting_months"]
    months = history.non_break(period, window)
    held = sum(1 for month in months if _flag(history, v, period, month, "meeting"))
    p1 = v["P1"]
    l1 = l1_total(v)
    return [
        (
            "activity",
            a1 >= T["formed_active_families"] and a1 >= T["formed_active_share"] * members,
            {"count": a1, "members": members},
        ),
        ("rhythm", held >= need, {"held": held, "months": len(months), "need": need, "window": window}),
        (
            "answers",
            not judged(p1) or ratio(p1) >= T["formed_peer_answer_rate"],
            {"answered": p1[0], "requests": p1[1]},
        ),
        ("leaders", v["bench6"] >= T["formed_leaders"], {"count": v["bench6"]}),
        (
            "parents_lead",
            not judged(l1) or ratio(l1) >= T["formed_parent_share"],
            {"parents": l1[0], "total": l1[1]},
        ),
        ("age", age >= T["formed_age_months"], {"months": age}),
    ]


def _flag(history, v, period, month, key):
    values = v if month == period else history.values(month)
    return bool(values and values.get(key))


def l1_total(v):
    kinds = v["L1"].values()
    return [sum(p for p, _ in kinds), sum(total for _, total in kinds)]


# --- growth ---------------------------------------------------------------------------------------------


def active_reference(v, history, period):
    """A1 to compare with: the same month a year ago when the group existed then (and the month
    was not a break), else the quarter before. (months back, A1) or None."""
    year = add_months(period, -12)
    if history.existed(year) and year not in history.break_months and history.a1(year) is not None:
        return 12, history.a1(year)
    quarter = add_months(period, -3)
    if history.existed(quarter) and quarter not in history.break_months and history.a1(quarter) is not None:
        return 3, history.a1(quarter)
    return None


def quarter_before(history, period):
    """The values of the third non-break month before this one (growth compares with them)."""
    month = history.previous_non_break(period, 3)
    return history.values(month) if month else None


def growth(v, history, period):
    """(signals present, signals missing with their progress towards the line)."""
    present, missing = [], []
    minimum = T["min_denominator"]

    reference = active_reference(v, history, period)
    if reference and reference[1] >= minimum:
        months, before = reference
        needed = max(before * (1 + T["growth_active_rise"]), before + T["growth_active_families"])
        numbers = {"now": v["A1"], "before": before, "months": months}
        if v["A1"] >= needed:
            present.append(("active_up", numbers))
        else:
            missing.append(("active_up", numbers, v["A1"] / needed))
    else:
        missing.append(("active_up", {"now": v["A1"]}, 0.0))

    earlier = quarter_before(history, period)
    before_l2 = earlier.get("L2") if earlier else None
    bench_line = max(T["growth_bench"], (before_l2 or 0) + 1)
    if before_l2 is not None and v["L2"] >= bench_line:
        present.append(("bench_up", {"now": v["L2"], "before": before_l2}))
    else:
        missing.append(("bench_up", {"now": v["L2"], "before": before_l2}, v["L2"] / bench_line))

    g1 = v["G1"]
    joiners = v["joiners_90d"]
    if joiners >= T["growth_joiners"] and judged(g1) and ratio(g1) >= T["growth_activation"]:
        present.append(("newcomers", {"active": g1[0], "total": g1[1], "joiners": joiners}))
    else:
        progress = min(joiners / T["growth_joiners"], g1[1] / minimum, (ratio(g1) or 0) / T["growth_activation"])
        missing.append(("newcomers", {"active": g1[0], "total": g1[1], "joiners": joiners}, min(1.0, progress)))

    best = None
    for key in ("P2", "P4"):
        now, before = v[key], earlier.get(key) if earlier else None
        if before is None or not judged(now) or not judged(before):
            continue
        points = percent(now) - percent(before)
        if best is None or points > best[1]["points"]:
            best = (key, {"indicator": key, "now": percent(now), "before": percent(before), "points": points})
    if best and best[1]["points"] >= T["growth_ties_points"]:
        present.append(("ties_up", best[1]))
    else:
        points = best[1]["points"] if best else 0
        missing.append(("ties_up", best[1] if best else {}, max(0.0, points / T["growth_ties_points"])))
    return present, missing


# --- runs without the NGO --------------------------------------------------------------------------------


def independence(v, history, period):
    """The conditions of *runs without the NGO* beyond *formed*, as (code, met, numbers)."""
    checks = []
    for kind, (parents, total) in v["L1"].items():
        if total >= T["self_running_min_items"]:
            checks.append(
                (f"kind_{kind}", parents >= T["self_running_share"] * total, {"parents": parents, "total": total})
            )
    months = history.non_break(period, T["self_running_window"])
    parent_run = sum(1 for month in months if _flag(history, v, period, month, "parent_meeting"))
    checks.append(
        (
            "parent_meetings",
            parent_run >= T["self_running_months"],
            {"held": parent_run, "months": len(months), "need": T["self_running_months"]},
        )
    )
    checks.append(("bench", v["L2"] >= T["self_running_bench"], {"count": v["L2"]}))
    g2 = v["G2"]
    checks.append(
        (
            "retention",
            not judged(g2) or ratio(g2) >= T["self_running_retention"],
            {"stayed": g2[0], "total": g2[1]},
        )
    )
    return checks


# --- risk --------------------------------------------------------------------------------------------------


def _drop(now, before):
    return before is not None and before >= T["min_denominator"] and now <= (1 - T["risk_active_drop"]) * before


def active_drop(v, history, period):
    """A1 against the same month a year ago: (numbers, dropped now, dropped in the previous
    non-break month too)."""
    year = add_months(period, -12)
    if not history.existed(year) or year in history.break_months:
        return None, False, False
    before = history.a1(year)
    numbers = {"now": v["A1"], "before": before}
    now_down = _drop(v["A1"], before)
    previous = history.previous_non_break(period)
    previous_down = False
    if previous is not None:
        previous_year = add_months(previous, -12)
        if history.existed(previous_year) and previous_year not in history.break_months:
            prior = history.a1(previous)
            previous_down = prior is not None and _drop(prior, history.a1(previous_year))
    return numbers, now_down, previous_down


LOOKBACK = 13  # months of history the verdict reads; further back, a meeting is more than 60 days ago anyway


def last_held_meeting(v, history, period):
    """When the latest held meeting (3 or more parents) started: this month's, or the latest of
    the months before that the history holds."""
    if v.get("meeting_at"):
        return v["meeting_at"]
    for back in range(1, LOOKBACK + 1):
        values = history.values(add_months(period, -back))
        if values and values.get("meeting_at"):
            return values["meeting_at"]
    return None


def signals_of_risk(v, history, period, at, age):
    """(severe signals, warnings) as lists of (code, numbers)."""
    from datetime import datetime

    severe, warnings = [], []
    if age >= T["risk_min_age_months"]:
        last = last_held_meeting(v, history, period)
        since = max(history.created_at, period_start(add_months(period, -LOOKBACK)))
        days = quiet_days(last and datetime.fromisoformat(last), since, at, history.breaks)
        if days >= T["risk_days_without_meeting"]:
            severe.append(("no_meeting", {"days": min(days, 999)}))
    numbers, now_down, previous_down = active_drop(v, history, period)
    if now_down and previous_down:
        severe.append(("active_drop", numbers))
    elif now_down:
        warnings.append(("active_drop_once", numbers))
    g2 = v["G2"]
    if judged(g2) and ratio(g2) < T["risk_retention"]:
        severe.append(("retention", {"stayed": g2[0], "total": g2[1]}))
    unanswered = v["unanswered_7d"]
    if unanswered >= T["risk_unanswered"]:
        severe.append(("unanswered", {"count": unanswered}))
    elif unanswered == 1:
        warnings.append(("unanswered_one", {"count": 1}))
    if v["L2"] == 1 and v["members"] >= T["warn_single_organiser_members"] and age >= T["warn_single_organiser_age"]:
        warnings.append(("single_organiser", {"members": v["members"]}))
    helpers, _givers, acts = v["P3"]
    if helpers == 1 and acts >= T["warn_helper_acts"]:
        warnings.append(("one_helper", {"acts": acts}))
    return severe, warnings


# --- one month ---------------------------------------------------------------------------------------------


def evaluate(v, period, at, history, age):
    """The raw stage of one month, with its severe signals, warnings, conditions and signals."""
    severe, warnings = signals_of_risk(v, history, period, at, age)
    verdict = Verdict(period, FORMING, severe=severe, warnings=warnings)
    verdict.conditions = formed_conditions(v, history, period, age)
    verdict.signals, verdict.missing_signals = growth(v, history, period)
    verdict.independence = independence(v, history, period)
    if period in history.break_months:
        # A declared break never counts against the group: its alarms are only warnings.
        verdict.warnings = severe + warnings
        verdict.severe = []
        verdict.raw = BREAK
    elif severe:
        verdict.raw = AT_RISK
    elif not verdict.formed:
        verdict.raw = FORMING
    elif all(met for _, met, _ in verdict.independence):
        verdict.raw = SELF_RUNNING
    elif len(verdict.signals) >= T["growing_signals"]:
        verdict.raw = GROWING
    else:
        verdict.raw = FORMED
    return verdict


def lower(a, b):
    """The lower of two stages; growing beside runs-without-the-NGO gives formed."""
    if RANK[a] != RANK[b]:
        return a if RANK[a] < RANK[b] else b
    return a if a == b else FORMED


def at_most_formed(stage):
    return stage if RANK[stage] <= RANK[FORMED] else FORMED


def label(raw, previous_raw, previous_label=None):
    """The label shown for a month from its raw stage and the previous non-break month's.

    At risk shows at once. In the first month free of severe signals after an at-risk month,
    the label is that month's raw stage, at most formed. Otherwise it is the lower of the two
    months' raw stages, so a stage appears after two months and one noisy month never flips it.
    A break month keeps the label it found (`previous_label`). With no earlier month, a group
    is forming."""
    if raw == BREAK:
        return previous_label or FORMING
    if raw == AT_RISK:
        return AT_RISK
    if previous_raw is None:
        return FORMING
    if previous_raw == AT_RISK:
        return at_most_formed(raw)
    return lower(raw, previous_raw)


def settle(raw_stages):
    """Labels for raw stages of successive months, oldest first (break months included)."""
    shown, previous_raw, previous_label = [], None, None
    for raw in raw_stages:
        current = label(raw, previous_raw, previous_label)
        shown.append(current)
        previous_label = current
        if raw != BREAK:
            previous_raw = raw
    return shown
