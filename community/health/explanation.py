"""Why a label is what it is (SPEC §4 "Explanation"), as codes with their numbers.

Every label comes with (1) the facts that hold it up, (2) when the latest month differs from
the label, what changed, (3) the warnings, each with its own step, and (4) one next step. The
result is stored with the snapshot (plain JSON) and put into words by `texts`, in the reader's
language, when a page shows it. Reasons are never replaced by a status message.
"""

from community.health.verdict import AT_RISK, BREAK, FORMED, FORMING, GROWING, SELF_RUNNING, STEP_ORDER, judged

SEVERE_STEPS = {
    "no_meeting": "plan_meeting",
    "active_drop": "reach_out",
    "retention": "reach_out",
    "unanswered": "answer_requests",
}
CONDITION_STEPS = {
    "parents_lead": "parents_lead",
    "rhythm": "monthly_meeting",
    "activity": "invite_families",
    "leaders": "second_organiser",
    "answers": "answer_requests",
    "age": "give_it_time",
}
GROWTH_STEPS = {
    "active_up": "bring_a_family",
    "bench_up": "new_organiser",
    "newcomers": "welcome_newcomers",
    "ties_up": "pair_families",
}
WARNING_STEPS = {
    "unanswered_one": "answer_requests",
    "single_organiser": "second_organiser",
    "one_helper": "one_more_helper",
    "active_drop_once": "reach_out",
    **SEVERE_STEPS,
}


def met_facts(verdict):
    """The conditions of *formed* that hold, as facts (those not judged on too few cases left out)."""
    facts = []
    for code, met, numbers in verdict.conditions:
        if not met or code == "age":
            continue
        if code == "answers" and not judged((numbers["answered"], numbers["requests"])):
            continue
        if code == "parents_lead" and not judged((numbers["parents"], numbers["total"])):
            continue
        facts.append(["met_" + code, numbers])
    return facts


def unmet_codes(verdict):
    """This month's unmet conditions in the order the next step follows."""
    unmet = {code for code, _ in verdict.unmet}
    return [code for code in STEP_ORDER if code in unmet]


def raw_facts(verdict):
    """The facts behind a month's raw stage."""
    if verdict.raw == BREAK:
        return [["break_month", {}]]
    if verdict.raw == AT_RISK:
        return [["severe_" + code, numbers] for code, numbers in verdict.severe]
    if verdict.raw == FORMING:
        numbers = dict(verdict.unmet)
        return [["unmet_" + code, numbers[code]] for code in unmet_codes(verdict)]
    if verdict.raw == SELF_RUNNING:
        return [["indep_" + code, numbers] for code, met, numbers in verdict.independence if met]
    if verdict.raw == GROWING:
        return [["signal_" + code, numbers] for code, numbers in verdict.signals]
    return met_facts(verdict)


def _with_month(facts, period):
    """Facts of an earlier month, marked with that month (an ISO date) so the sentence can say so."""
    return [[code, {**numbers, "month": period}] for code, numbers in facts]


def next_step(verdict, shown, previous):
    """One next step, chosen in SPEC §4's order."""
    if verdict.raw == BREAK:
        return previous["next"] if previous and previous.get("next") else ["keep_going", {}]
    if shown == AT_RISK:
        code, numbers = verdict.severe[0]
        return [SEVERE_STEPS[code], numbers]
    if shown == SELF_RUNNING:
        return ["keep_going", {}]
    if shown == FORMING:
        unmet = unmet_codes(verdict) if verdict.raw != BREAK else []
        if not unmet and previous:
            unmet = previous.get("unmet", [])
        return [CONDITION_STEPS[unmet[0]], {}] if unmet else ["keep_meeting", {}]
    if not verdict.missing_signals:
        return ["share_leadership", {}]
    weakest = min(verdict.missing_signals, key=lambda signal: signal[2])
    return [GROWTH_STEPS[weakest[0]], weakest[1]]


def explain(verdict, shown, previous=None):
    """The explanation of the label `shown` for `verdict`'s month. `previous`: the explanation
    stored with the previous non-break month (with its "period" and "raw"), or None."""
    own = raw_facts(verdict)
    changed = None
    if verdict.raw == BREAK:
        facts = previous["facts"] if previous else []
        changed = ["break_month", {}]
    elif shown == verdict.raw:
        facts = own
    else:
        if shown in (FORMED, GROWING):
            facts = met_facts(verdict)
        elif previous and previous.get("raw") == shown:
            facts = _with_month(previous["raw_facts"], previous["period"])
        else:
            facts = [["unmet_" + code, numbers] for code, numbers in verdict.unmet] or met_facts(verdict)
        first = own[0] if own else ["met_all", {}]
        changed = ["changed", {"raw": verdict.raw, "fact": first}]
    warnings = [["warn_" + code, numbers, WARNING_STEPS[code]] for code, numbers in verdict.warnings]
    return {
        "facts": facts,
        "changed": changed,
        "warnings": warnings,
        "next": next_step(verdict, shown, previous),
        "raw": verdict.raw,
        "raw_facts": own,
        "unmet": unmet_codes(verdict),
        "period": verdict.period.isoformat(),
    }
