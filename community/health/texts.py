"""Plain sentences for stages, facts, warnings, next steps and indicators, in the reader's language.

Every count of people passes through `small()`: where only aggregates may be seen (specialists,
admins, every export they read), a count under 5 reads "fewer than 5".
"""

from flask_babel import format_date, format_decimal, ngettext

from community.health.verdict import THRESHOLDS as T
from community.health.verdict import percent
from community.i18n import gettext as _
from community.i18n import lazy_gettext as _l

STAGE_LABELS = {
    "forming": _l("Forming"),
    "formed": _l("Formed"),
    "growing": _l("Growing"),
    "self_running": _l("Runs without the NGO"),
    "at_risk": _l("At risk"),
    "break": _l("Break"),
}
STAGE_HINTS = {
    "forming": _l("The community is taking shape: not all signs of a formed community are there yet."),
    "formed": _l("The community has formed: families meet, answer each other and share the leading."),
    "growing": _l("The community has formed and is growing."),
    "self_running": _l("Parents run the community on their own: the organisation can step back."),
    "at_risk": _l("Something needs attention now."),
}
NEXT_STEPS = {
    "plan_meeting": _l("Plan the next meeting now, or declare a break if the group is resting."),
    "reach_out": _l("Write to the families who stopped coming and ask what would help them come back."),
    "answer_requests": _l("Look at the help requests without an answer and ask someone you know who could help."),
    "parents_lead": _l("Ask a parent to co-organise the next meeting."),
    "monthly_meeting": _l("Agree on a regular monthly meeting day, so families can plan for it."),
    "invite_families": _l("Ask each member to bring one family they know to the next meeting."),
    "second_organiser": _l("Invite one more parent to co-organise, so the organising does not rest on one person."),
    "give_it_time": _l("Keep meeting: a group gets its first stage when it is 3 months old."),
    "keep_meeting": _l("Keep this up: the label changes when a second month agrees."),
    "bring_a_family": _l("Ask each member to bring one family they know to the next meeting."),
    "new_organiser": _l("Let a newer member co-organise a meeting."),
    "welcome_newcomers": _l("Welcome newcomers personally and invite them to the next meeting."),
    "pair_families": _l("Pair a newer family with an experienced one, so they help each other."),
    "one_more_helper": _l("Invite one more helper: ask someone who was helped to answer the next request."),
    "share_leadership": _l("Keep sharing the leading: let a newer member co-organise a meeting."),
    "keep_going": _l("Keep going — and tell other groups how you do it."),
}


def small(count, hide_small):
    """A count of people; under 5 it reads "fewer than 5" where only aggregates may be seen."""
    if count is None:
        return "—"
    if hide_small and 0 < count < T["min_denominator"]:
        return _("fewer than 5")
    return str(count)


def _plural(count, hide_small):
    """The number that picks the plural form: "fewer than 5 families" takes the form of 5."""
    return T["min_denominator"] if hide_small and 0 < count < T["min_denominator"] else count


def _share_line():
    return round(T["formed_peer_answer_rate"] * 100)


SENTENCES = {
    # Formed conditions, met and unmet
    "met_activity": lambda n, h: ngettext(
        "%(count)s of %(members)s families took part in the month.",
        "%(count)s of %(members)s families took part in the month.",
        _plural(n["count"], h),
        count=small(n["count"], h),
        members=small(n["members"], h),
    ),
    "unmet_activity": lambda n, h: ngettext(
        "%(count)s of %(members)s families took part in the month; a formed group has at least %(min)d, and at least %(share)d %% of its members.",
        "%(count)s of %(members)s families took part in the month; a formed group has at least %(min)d, and at least %(share)d %% of its members.",
        _plural(n["count"], h),
        count=small(n["count"], h),
        members=small(n["members"], h),
        min=T["formed_active_families"],
        share=round(T["formed_active_share"] * 100),
    ),
    "met_rhythm": lambda n, h: _(
        "A meeting of 3 or more families in %(held)d of the last %(months)d months.", held=n["held"], months=n["months"]
    ),
    "unmet_rhythm": lambda n, h: _(
        "A meeting of 3 or more families in %(held)d of the last %(months)d months; a formed group meets in at least %(need)d of %(window)d.",
        **n,
    ),
    "met_answers": lambda n, h: _(
        "Parents answered %(answered)d of %(requests)d help requests within 3 days.",
        answered=n["answered"],
        requests=n["requests"],
    ),
    "unmet_answers": lambda n, h: _(
        "Parents answered %(answered)d of %(requests)d help requests within 3 days; a formed group answers at least %(share)d %%.",
        answered=n["answered"],
        requests=n["requests"],
        share=_share_line(),
    ),
    "met_leaders": lambda n, h: ngettext(
        "%(count)s parent organised a meeting or welcomed a newcomer in the last 6 months.",
        "%(count)s parents organised a meeting or welcomed a newcomer in the last 6 months.",
        _plural(n["count"], h),
        count=small(n["count"], h),
    ),
    "unmet_leaders": lambda n, h: ngettext(
        "%(count)s parent organised a meeting or welcomed a newcomer in the last 6 months; a formed group has at least %(min)d.",
        "%(count)s parents organised a meeting or welcomed a newcomer in the last 6 months; a formed group has at least %(min)d.",
        _plural(n["count"], h),
        count=small(n["count"], h),
        min=T["formed_leaders"],
    ),
    "met_parents_lead": lambda n, h: _(
        "Parents started %(parents)d of %(total)d meetings, threads and help answers.",
        parents=n["parents"],
        total=n["total"],
    ),
    "unmet_parents_lead": lambda n, h: _(
        "Parents started %(parents)d of %(total)d meetings, threads and help answers; in a formed group they start at least half.",
        parents=n["parents"],
        total=n["total"],
    ),
    "unmet_age": lambda n, h: ngettext(
        "The group is %(num)d month old; a group gets its first stage at 3 months.",
        "The group is %(num)d months old; a group gets its first stage at 3 months.",
        n["months"],
    ),
    "met_all": lambda n, h: _("every condition of a formed community held."),
    # Growth signals
    "signal_active_up": lambda n, h: (
        _(
            "More families take part: %(now)s in the month, against %(before)s in the same month a year before.",
            now=small(n["now"], h),
            before=small(n["before"], h),
        )
        if n.get("months") == 12
        else _(
            "More families take part: %(now)s in the month, against %(before)s three months before.",
            now=small(n["now"], h),
            before=small(n["before"], h),
        )
    ),
    "signal_bench_up": lambda n, h: _(
        "More parents lead: %(now)s organised or welcomed newcomers in the last 3 months, against %(before)s before.",
        now=small(n["now"], h),
        before=small(n["before"], h),
    ),
    "signal_newcomers": lambda n, h: _(
        "%(joiners)s new families joined in 3 months, and %(active)s of %(total)s newcomers took part in their first month.",
        joiners=small(n["joiners"], h),
        active=small(n["active"], h),
        total=small(n["total"], h),
    ),
    "signal_ties_up": lambda n, h: (
        _(
            "More families both give and receive help: %(now)d %% against %(before)d %% three months before.",
            now=n["now"],
            before=n["before"],
        )
        if n.get("indicator") == "P2"
        else _(
            "More families are tied to two or more others: %(now)d %% against %(before)d %% three months before.",
            now=n["now"],
            before=n["before"],
        )
    ),
    # Runs without the NGO
    "indep_kind_meetings": lambda n, h: _(
        "Parents organised %(parents)d of %(total)d meetings in the last 90 days (breaks not counted).", **n
    ),
    "indep_kind_answers": lambda n, h: _(
        "Parents gave %(parents)d of %(total)d help answers in the last 90 days (breaks not counted).", **n
    ),
    "indep_kind_threads": lambda n, h: _(
        "Parents started %(parents)d of %(total)d threads in the last 90 days (breaks not counted).", **n
    ),
    "indep_parent_meetings": lambda n, h: _(
        "A meeting run by parents alone, with no specialist organising, in %(held)d of the last %(months)d months.",
        held=n["held"],
        months=n["months"],
    ),
    "indep_bench": lambda n, h: ngettext(
        "%(count)s parent organised or welcomed newcomers in the last 3 months.",
        "%(count)s parents organised or welcomed newcomers in the last 3 months.",
        _plural(n["count"], h),
        count=small(n["count"], h),
    ),
    "indep_retention": lambda n, h: _(
        "%(stayed)s of %(total)s families active last quarter are still active.",
        stayed=small(n["stayed"], h),
        total=small(n["total"], h),
    ),
    # Severe signals
    "severe_no_meeting": lambda n, h: _("No meeting for %(days)d days (declared breaks not counted).", days=n["days"]),
    "severe_active_drop": lambda n, h: _(
        "%(now)s families took part in the month against %(before)s in the same month a year before; the month before was down as much.",
        now=small(n["now"], h),
        before=small(n["before"], h),
    ),
    "severe_retention": lambda n, h: _(
        "Only %(stayed)s of %(total)s families active last quarter are still active.",
        stayed=small(n["stayed"], h),
        total=small(n["total"], h),
    ),
    "severe_unanswered": lambda n, h: ngettext(
        "%(num)d help request has had no answer for a week.",
        "%(num)d help requests have had no answer for a week.",
        n["count"],
    ),
    # Warnings
    "warn_unanswered_one": lambda n, h: _("One help request has had no answer for a week."),
    "warn_single_organiser": lambda n, h: _(
        "One person organises everything in a group of %(members)s families.", members=small(n["members"], h)
    ),
    "warn_one_helper": lambda n, h: ngettext(
        "One person gives most of the help (%(num)d time in the last 3 months).",
        "One person gives most of the help (%(num)d times in the last 3 months).",
        n["acts"],
    ),
    "warn_active_drop_once": lambda n, h: _(
        "%(now)s families took part in the month against %(before)s in the same month a year before.",
        now=small(n["now"], h),
        before=small(n["before"], h),
    ),
    "break_month": lambda n, h: _(
        "The month was a declared break: it does not count against the group, and the stage stays as it was."
    ),
}
# A break month lists the alarms it found as warnings, in the same words.
for _code in ("no_meeting", "active_drop", "retention", "unanswered"):
    SENTENCES["warn_" + _code] = SENTENCES["severe_" + _code]


def month_name(iso):
    from datetime import date

    return format_date(date.fromisoformat(iso), "LLLL yyyy")


def sentence(code, numbers, hide_small=False):
    """One fact, signal or warning in words. Facts of an earlier month say which month."""
    if code == "changed":
        fact = numbers.get("fact") or ["met_all", {}]
        return _(
            "The latest month looked like “%(stage)s”: %(fact)s",
            stage=STAGE_LABELS.get(numbers["raw"], numbers["raw"]),
            fact=sentence(fact[0], fact[1], hide_small),
        )
    text = SENTENCES.get(code)
    if text is None:
        return ""
    words = text(numbers, hide_small)
    words = words[:1].upper() + words[1:]  # "fewer than 5 parents…" starts a sentence too
    if numbers.get("month"):
        words = _("%(month)s: %(fact)s", month=month_name(numbers["month"]), fact=words)
    return words


def explained(explanation, hide_small=False):
    """A stored explanation in words: {"facts", "changed", "warnings": [(text, step)], "next"}."""
    if not explanation:
        return {"facts": [], "changed": "", "warnings": [], "next": ""}
    changed = explanation.get("changed")
    step = (explanation.get("next") or ["", {}])[0]
    return {
        "facts": [line for line in (sentence(c, n, hide_small) for c, n in explanation.get("facts", [])) if line],
        "changed": sentence(changed[0], changed[1], hide_small) if changed else "",
        "warnings": [
            (sentence(code, numbers, hide_small), str(NEXT_STEPS.get(step_code, "")))
            for code, numbers, step_code in explanation.get("warnings", [])
        ],
        "next": str(NEXT_STEPS.get(step, "")),
    }


def live_explained(live, hide_small=False):
    """The live part (what holds now) in words: [(text, step, severe)], severe signals first."""
    lines = []
    for prefix, items in (("severe_", live["severe"]), ("warn_", live["warnings"])):
        for code, numbers, step in items:
            lines.append(
                (sentence(prefix + code, numbers, hide_small), str(NEXT_STEPS.get(step, "")), prefix == "severe_")
            )
    return lines


INDICATORS = (
    # id, name, window, why it matters
    (
        "A1",
        _l("Active families"),
        _l("the month"),
        _l("Families who came to a meeting, wrote, asked or answered while members. Logging in does not count."),
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
        _l("3 months"),
        _l("Share of attendees who came at least twice. Groups usually close when people stop coming back."),
    ),
    (
        "P1",
        _l("Peer answer rate"),
        _l("3 months"),
        _l(
            "Help requests answered by another parent within 72 hours. Self-answers and specialists' answers do not count."
        ),
    ),
    (
        "P2",
        _l("Reciprocity"),
        _l("6 months"),
        _l("People who both gave and received help, among all who did either. In mutual aid, people do both."),
    ),
    (
        "P3",
        _l("Helper breadth"),
        _l("3 months"),
        _l("The smallest number of people who gave half of all help. One helper carrying everything is fragile."),
    ),
    (
        "P4",
        _l("Connectedness"),
        _l("3 months"),
        _l("Active members tied to at least two others: at a meeting of 3 or more, or through help and replies."),
    ),
    (
        "L1",
        _l("Leader independence"),
        _l("90 days"),
        _l("Meetings, threads and help answers started by parents, among all started by parents and specialists."),
    ),
    (
        "L2",
        _l("Leader bench"),
        _l("3 months"),
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
    ("G1", _l("Newcomer activation"), _l("3 months"), _l("Newcomers who took part within 30 days of joining.")),
    ("G2", _l("Retention"), _l("quarter"), _l("Families active last quarter who are still active this quarter.")),
    (
        "I1",
        _l("Representation"),
        _l("6 months"),
        _l(
            "The mix of family forms and of newcomers and experienced parents among the active and the leaders, against all members."
        ),
    ),
)
NAMES = {id_: name for id_, name, _window, _why in INDICATORS}


def _total(v, key):
    if key == "L1":
        kinds = v["L1"].values()
        return [sum(p for p, _ in kinds), sum(t for _, t in kinds)]
    return v[key]


def share_text(pair, hide_small, people=True):
    """A share with its counts ("45 % (9 of 20)"), never alone; hidden on fewer than 5 people."""
    share = percent(pair)
    if share is None:
        return _("no data yet")
    if hide_small and people and pair[1] < T["min_denominator"]:
        return _("fewer than 5 in total")
    numerator = small(pair[0], hide_small) if people else str(pair[0])
    return _("%(share)d %% (%(num)s of %(total)s)", share=share, num=numerator, total=pair[1])


def hours_text(hours):
    """Hours as people write them: "5", "30", "2,5" (never "5.0")."""
    return format_decimal(hours, "#,##0.#")


def describe(v, hide_small=False):
    """One plain sentence per indicator, with its counts (a percentage never alone)."""

    def n(x):
        return small(x, hide_small)

    if not v:
        return {}
    a1 = _("%(num)s families took part in the month, of %(total)s members.", num=n(v["A1"]), total=n(v["members"]))
    p1 = _("Answered within 3 days: %(value)s.", value=share_text(v["P1"], hide_small, people=False))
    if v.get("P1_median_hours") is not None:
        p1 += " " + _("Median time to the first answer: %(hours)s hours.", hours=hours_text(v["P1_median_hours"]))
    giver_half, givers, given = v["P3"]
    p3 = (
        _(
            "%(num)s of %(givers)s helpers gave half of all help (%(given)s times).",
            num=n(giver_half),
            givers=n(givers),
            given=given,
        )
        if given
        else _("no confirmed help yet")
    )
    up, down = v["L3"]
    kinds = v["L1"]
    l1 = _(
        "Started by parents: %(value)s — meetings %(meetings)s, help answers %(answers)s, threads %(threads)s.",
        value=share_text(_total(v, "L1"), hide_small, people=False),
        meetings="{}/{}".format(*kinds["meetings"]),
        answers="{}/{}".format(*kinds["answers"]),
        threads="{}/{}".format(*kinds["threads"]),
    )
    held, months = v.get("A2", [0, 3])
    return {
        "A1": a1,
        "A2": _(
            "%(held)d of the last %(months)d months had a meeting of 3 or more families.", held=held, months=months
        ),
        "A3": _("Came at least twice: %(value)s.", value=share_text(v["A3"], hide_small)),
        "P1": p1,
        "P2": _("Both gave and received: %(value)s.", value=share_text(v["P2"], hide_small)),
        "P3": p3,
        "P4": _("Tied to at least two others: %(value)s.", value=share_text(v["P4"], hide_small)),
        "L1": l1,
        "L2": _("%(num)s parents organised a meeting or welcomed a newcomer.", num=n(v["L2"])),
        "L3": _("%(up)s moved up a level, %(down)s moved down.", up=n(up), down=n(down)),
        "G1": _("Newcomers who took part in their first month: %(value)s.", value=share_text(v["G1"], hide_small)),
        "G2": _("Still active this quarter: %(value)s.", value=share_text(v["G2"], hide_small)),
        "I1": "",
    }


# --- charts and tables --------------------------------------------------------------------------------

# (id, how to read the plotted number, is it a share of people (0–100 %), denominator key)
SHARES = ("A3", "P1", "P2", "P4", "L1", "G1", "G2")
COUNTS = ("A1", "L2")


def series_value(v, key, hide_small):
    """The number a chart plots for one month: None when there is nothing to plot, HIDDEN for a
    count under 5 (or a share of fewer than 5 people) the reader may not see."""
    from community.health.charts import HIDDEN

    if key in SHARES:
        pair = _total(v, key)
        if not pair[1]:
            return None
        if hide_small and key not in ("P1", "L1") and pair[1] < T["min_denominator"]:
            return HIDDEN
        return percent(pair)
    value = v[key]
    if hide_small and 0 < value < T["min_denominator"]:
        return HIDDEN
    return value


def cell(v, key, hide_small):
    """One cell of the monthly table or the CSV: a count, or a share with its counts."""
    if key in SHARES:
        pair = _total(v, key)
        return share_text(pair, hide_small, people=key not in ("P1", "L1"))
    if key == "A2":
        return "{}/{}".format(*v.get("A2", [0, 3]))
    if key == "P3":
        return small(v["P3"][0], hide_small)
    if key == "L3":
        return f"+{small(v['L3'][0], hide_small)} / −{small(v['L3'][1], hide_small)}"
    return small(v[key], hide_small)


TABLE_KEYS = ("A1", "A2", "A3", "P1", "P2", "P3", "P4", "L1", "L2", "L3", "G1", "G2")
