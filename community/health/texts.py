"""Plain sentences for stages, reasons, next steps and indicators, in the reader's language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from community.health.verdict import THRESHOLDS as T

STAGE_LABELS = {
    "forming": _l("Forming"),
    "formed": _l("Formed"),
    "growing": _l("Growing"),
    "self_running": _l("Runs without the NGO"),
    "at_risk": _l("At risk"),
}
STAGE_HINTS = {
    "forming": _l("The community is taking shape: not all signs of a formed community are there yet."),
    "formed": _l("The community has formed: families meet every month, answer each other and share the leading."),
    "growing": _l("The community has formed and is growing."),
    "self_running": _l("Parents run the community on their own: the organisation can step back."),
    "at_risk": _l("Something needs attention now."),
}

REASONS = {
    "missing_active": lambda n: ngettext(
        "Only %(num)d family took part this month; a formed group has at least %(min)d.",
        "Only %(num)d families took part this month; a formed group has at least %(min)d.",
        n["count"],
        min=T["formed_active_families"],
    ),
    "missing_rhythm": lambda n: _(
        "Meetings with at least 3 families happened in %(months)d of the last 3 months.", months=n["months"]
    ),
    "missing_answers": lambda n: _("Parents answered %(answered)d of %(requests)d help requests within 3 days.", **n),
    "missing_bench": lambda n: ngettext(
        "%(num)d parent organised or welcomed people in the last 3 months.",
        "%(num)d parents organised or welcomed people in the last 3 months.",
        n["count"],
    ),
    "missing_independence": lambda n: _("Parents started %(parents)d of %(total)d events, threads and answers.", **n),
    "missing_reciprocity": lambda n: _("%(both)d of %(total)d people both gave and received help.", **n),
    "met_active": lambda n: ngettext(
        "%(num)d family took part this month.", "%(num)d families took part this month.", n["count"]
    ),
    "met_rhythm": lambda n: _("There was a meeting every month for the last 3 months."),
    "met_answers": lambda n: _("Parents answered %(answered)d of %(requests)d help requests within 3 days.", **n),
    "met_bench": lambda n: ngettext(
        "%(num)d parent shares the organising.", "%(num)d parents share the organising.", n["count"]
    ),
    "met_independence": lambda n: _("Parents started %(parents)d of %(total)d events, threads and answers.", **n),
    "met_reciprocity": lambda n: _("%(both)d of %(total)d people both gave and received help.", **n),
    "active_rising": lambda n: _("More families take part: %(now)d now, %(before)d three months ago.", **n),
    "bench_up": lambda n: _("More parents organise: %(now)d now, %(before)d three months ago.", **n),
    "ties_rising": lambda n: _("Families are more connected with each other than three months ago."),
    "activation": lambda n: _("%(active)d of %(total)d newcomers joined in within their first month.", **n),
    "retention_high": lambda n: _("%(stayed)d of %(total)d families active last quarter are still active.", **n),
    "self_running": lambda n: _(
        "For three months parents started at least %(share)d %% of everything, and every month had a meeting run by parents alone.",
        share=round(T["self_running_independence"] * 100),
    ),
    "risk_no_event": lambda n: _("No meeting for %(days)d days (declared breaks not counted).", **n),
    "risk_unanswered": lambda n: ngettext(
        "%(num)d help request has had no answer for a week.",
        "%(num)d help requests have had no answer for a week.",
        n["count"],
    ),
    "risk_single_organiser": lambda n: _("Only one person organises everything in a group of %(members)d.", **n),
    "risk_active_drop": lambda n: _("%(now)d families took part this month, against %(before)d a year ago.", **n),
    "risk_retention": lambda n: _("Only %(stayed)d of %(total)d families active last quarter are still active.", **n),
    "settling": lambda n: _(
        "The latest month points to “%(stage)s”; the label changes when a second month agrees.",
        stage=STAGE_LABELS.get(n["raw"], n["raw"]),
    ),
}

NEXT_STEPS = {
    "plan_meeting": _l("Plan the next meeting now, or declare a break if the group is resting."),
    "answer_requests": _l("Look at the unanswered help requests and ask someone you know who could help."),
    "invite_coorganiser": _l("Invite one more parent to co-organise the next meeting."),
    "reach_out": _l("Write to families who stopped coming and ask what would help them come back."),
    "invite_families": _l("Ask each member to bring one family they know to the next meeting."),
    "monthly_meeting": _l("Agree on a regular monthly meeting day, so families can plan for it."),
    "parents_lead": _l("Ask parents to start the next event or discussion themselves."),
    "ask_for_help": _l("Encourage people who often help to ask for help too: support goes both ways."),
    "welcome_newcomers": _l("Welcome newcomers personally and invite them to the next meeting."),
    "share_leadership": _l("Keep sharing the leading: let a newer member co-organise a meeting."),
    "keep_going": _l("Keep going — and tell other groups how you do it."),
}


def reason_text(code, numbers, hide_small=False):
    """The sentence for one reason. Where only aggregates may be seen, a reason built on a
    count under 5 is not spelled out."""
    text = REASONS.get(code)
    if hide_small and any(isinstance(v, int) and 0 < v < T["min_denominator"] for v in numbers.values()):
        return _("A sign based on fewer than 5 people (details hidden).")
    try:
        return text(numbers) if text else ""
    except (KeyError, TypeError, ValueError):
        return ""


def shown_reasons(snapshot):
    """The reasons of a snapshot as (code, numbers), with a note while a new stage settles."""
    reasons = [(code, numbers) for code, numbers in snapshot.reasons if code != "next_step"]
    if snapshot.stage != snapshot.raw_stage:
        reasons = [("settling", {"raw": snapshot.raw_stage})]
    return reasons


INDICATORS = (
    # id, name, window, why it matters
    (
        "A1",
        _l("Active families"),
        _l("30 days"),
        _l("Families who came to a meeting, wrote, asked or answered. Logging in does not count."),
    ),
    (
        "A2",
        _l("Meeting rhythm"),
        _l("3 months"),
        _l("Months with at least one meeting of 3 or more families. Regular meetings hold a community together."),
    ),
    (
        "A3",
        _l("Repeat attendance"),
        _l("90 days"),
        _l("Share of attendees who came at least twice. Groups usually close when people stop coming back."),
    ),
    (
        "P1",
        _l("Peer answer rate"),
        _l("90 days"),
        _l(
            "Help requests answered by another parent within 72 hours. Self-answers and specialists' answers do not count."
        ),
    ),
    (
        "P2",
        _l("Reciprocity"),
        _l("180 days"),
        _l("People who both gave and received help, among all who did either. In mutual aid, people do both."),
    ),
    (
        "P3",
        _l("Helper breadth"),
        _l("90 days"),
        _l("The smallest number of people who gave half of all help. One helper carrying everything is fragile."),
    ),
    (
        "P4",
        _l("Connectedness"),
        _l("90 days"),
        _l("Active members tied to at least two others through help, replies or shared meetings."),
    ),
    (
        "L1",
        _l("Leader independence"),
        _l("90 days"),
        _l("Events, threads and help answers started by parents, among all started by parents and specialists."),
    ),
    (
        "L2",
        _l("Leader bench"),
        _l("90 days"),
        _l("Parents who organised a meeting or welcomed a newcomer. More than one keeps the group safe."),
    ),
    (
        "L3",
        _l("Movement up"),
        _l("quarter"),
        _l(
            "Members who moved up a level (exploring, participating, contributing, leading) minus those who moved down."
        ),
    ),
    ("G1", _l("Newcomer activation"), _l("90 days"), _l("Newcomers who took part within 30 days of joining.")),
    ("G2", _l("Retention"), _l("quarter"), _l("Families active last quarter who are still active this quarter.")),
    (
        "I1",
        _l("Representation"),
        _l("180 days"),
        _l(
            "The mix of family forms and of newcomers and experienced parents among the active and the leaders, against all members."
        ),
    ),
)


def small(count, hide_small):
    """Counts under 5 are shown as "fewer than 5" where only aggregates may be seen."""
    if hide_small and 0 < count < T["min_denominator"]:
        return _("fewer than 5")
    return str(count)


def _share(pair):
    numerator, denominator = pair
    return round(100 * numerator / denominator) if denominator else None


def describe(v, hide_small=False):
    """One plain sentence per indicator, with its counts (a percentage never alone)."""

    def n(x):
        return small(x, hide_small)

    def pct(pair):
        share = _share(pair)
        if share is None:
            return _("no data yet")
        if hide_small and pair[1] < T["min_denominator"]:
            return _("fewer than 5 in total")
        return _("%(share)d %% (%(num)s of %(total)s)", share=share, num=n(pair[0]), total=n(pair[1]))

    members = v["members"]
    a1 = _("%(num)s families took part in the last 30 days, of %(total)s members.", num=n(v["A1"]), total=n(members))
    if v.get("A1_year_ago") is not None:
        a1 += " " + _("A year ago: %(num)s.", num=n(v["A1_year_ago"]))
    p1 = _("Answered within 3 days: %(value)s.", value=pct(v["P1"]))
    if v.get("P1_median_hours") is not None:
        p1 += " " + _("Median time to the first answer: %(hours)s hours.", hours=v["P1_median_hours"])
    giver_half, givers, given = v["P3"]
    p3 = (
        _(
            "%(num)s of %(givers)s helpers gave half of all help (%(given)s times).",
            num=n(giver_half),
            givers=n(givers),
            given=n(given),
        )
        if given
        else _("no confirmed help yet")
    )
    up, down = v["L3"]
    newcomers = v["G1"]
    return {
        "A1": a1,
        "A2": _("%(months)d of the last 3 months had a meeting of 3 or more families.", months=v["A2"]),
        "A3": _("Came at least twice: %(value)s.", value=pct(v["A3"])),
        "P1": p1,
        "P2": _("Both gave and received: %(value)s.", value=pct(v["P2"])),
        "P3": p3,
        "P4": _("Tied to at least two others: %(value)s.", value=pct(v["P4"])),
        "L1": _("Started by parents: %(value)s.", value=pct(v["L1"]))
        + " "
        + _("%(months)d of the last 3 months had a meeting run by parents alone.", months=v["L1_parent_only_months"]),
        "L2": _("%(num)s parents organised a meeting or welcomed a newcomer.", num=n(v["L2"])),
        "L3": _("%(up)s moved up a level, %(down)s moved down.", up=n(up), down=n(down)),
        "G1": _("Newcomers who took part in their first month: %(value)s.", value=pct(newcomers)),
        "G2": _("Still active this quarter: %(value)s.", value=pct(v["G2"])),
        "I1": "",
    }


KEY_SERIES = {
    # Indicator id → how to read one number from a snapshot for its trend line.
    "A1": lambda v: v["A1"],
    "A2": lambda v: v["A2"],
    "A3": lambda v: _share(v["A3"]),
    "P1": lambda v: _share(v["P1"]),
    "P2": lambda v: _share(v["P2"]),
    "P3": lambda v: v["P3"][0],
    "P4": lambda v: _share(v["P4"]),
    "L1": lambda v: _share(v["L1"]),
    "L2": lambda v: v["L2"],
    "L3": lambda v: v["L3"][0] - v["L3"][1],
    "G1": lambda v: _share(v["G1"]),
    "G2": lambda v: _share(v["G2"]),
}
