"""The indicators of SPEC §4, computed in SQL for many groups at once, at the end of a month.

`compute(groups, period)` answers every indicator for every group in a fixed number of
queries, whatever the number of groups. Each query starts from the groups' own rows (their
events, requests, posts) and aggregates with GROUP BY group_id; only small results are
finished in Python.

Who took part in each month is rolled up once, when the month's snapshot is taken, into
`health_activity` (`roll_up`): the quarterly and half-yearly indicators read those few rows
per person and month instead of rescanning a year of registrations, posts and answers.

Conventions (SPEC §4): a *member* is a parent — specialists and admins are excluded
everywhere. *Active* means attended a meeting, posted or commented, asked or answered a
help request, or organised a meeting; logging in does not count. A person's activity counts
only while they were a member of the group, so A1 ≤ members always. At a monthly snapshot
"this month" is the calendar month, "the quarter" its last three calendar months, "the half
year" six. "Of the last N months" rules (rhythm, the leadership bench, retention) use the
group's last N *non-break* months, never months before the group existed.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from statistics import median

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    column,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union,
    union_all,
    values,
)
from sqlalchemy.sql.elements import BindParameter

from community.auth.models import User
from community.events.models import ACCEPTED, GOING, PUBLISHED, Event, EventOrganiser, Registration
from community.extensions import db
from community.groups.models import LEADER, MEMBER, SPECIALIST, Comment, Membership, Post
from community.health.models import HealthActivity
from community.health.periods import add_months, ninety_non_break_days_start, period_end, period_start
from community.health.verdict import THRESHOLDS as T
from community.models import UTCDateTime
from community.mutual_help.models import CLOSED, NEED, OFFER, RESOLVED, HelpRequest, HelpResponse
from community.orgs.models import Specialist

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
MONTH_DAYS = timedelta(days=30)
UNANSWERED_SINCE = timedelta(days=60)
LEVELS = ("exploring", "participating", "contributing", "leading")
KINDS = ("meetings", "answers", "threads")
# Bits of the per-group month windows (see `Scope.windows`).
THIS_QUARTER, LAST_QUARTER, QUARTER, HALF_YEAR, LEADER_MONTHS, NEWCOMER_MONTHS = 1, 2, 4, 8, 16, 32


def staff_ids():
    """Specialists and admins: never counted as members (one query, reused by every indicator)."""
    return sorted(
        db.session.scalars(union(select(Specialist.user_id), select(User.id).where(User.is_admin.is_(True)))).all()
    )


@dataclass
class Scope:
    """The groups and the month being measured, with each group's windows."""

    period: object
    created: dict  # group id → created_at
    break_months: dict  # group id → set of break periods
    breaks: dict  # group id → [(starts_on, ends_on)]
    staff: list = field(default_factory=list)

    @property
    def group_ids(self):
        return list(self.created)

    @property
    def start(self):
        return period_start(self.period)

    @property
    def at(self):
        return period_end(self.period)

    def months_back(self, n):
        """The first instant of the month `n` months before this one."""
        return period_start(add_months(self.period, -n))

    def non_break(self, group_id, count, before=0):
        """The group's last `count` non-break months (skipping the first `before` of them)."""
        created = self.created[group_id].date().replace(day=1)
        months, current = [], self.period
        while len(months) < before + count and current >= created and (self.period.year - current.year) < 4:
            if current not in self.break_months.get(group_id, ()):
                months.append(current)
            current = add_months(current, -1)
        return months[before:]

    def group_windows(self, g):
        """((period, bits), ...): which of a group's months belong to which window."""
        bits = defaultdict(int)
        for month in self.non_break(g, 3):
            bits[month] |= THIS_QUARTER
        for month in self.non_break(g, 3, before=3):
            bits[month] |= LAST_QUARTER
        for month in self.non_break(g, T["formed_leader_window"]):
            bits[month] |= LEADER_MONTHS
        for n in range(6):
            bits[add_months(self.period, -n)] |= HALF_YEAR | (QUARTER if n < 3 else 0)
        for n in range(4):
            bits[add_months(self.period, -n)] |= NEWCOMER_MONTHS
        return tuple(sorted(bits.items()))

    def patterns(self):
        """The windows, shared: most groups have the same months in the same windows, so the
        query gets ({pattern: ((period, bits), ...)}, {group_id: pattern}) — a few patterns,
        not hundreds of groups' months as parameters."""
        numbers, of_group = {}, {}
        for g in self.group_ids:
            windows = self.group_windows(g)
            of_group[g] = numbers.setdefault(windows, len(numbers))
        return {n: windows for windows, n in numbers.items()}, of_group

    def windows(self):
        """(group_id, period, bits) rows, group by group."""
        return [(g, month, bits) for g in self.group_ids for month, bits in self.group_windows(g)]

    def months_needed(self):
        """Every month some window of some group reaches (the roll-ups they read)."""
        patterns, _ = self.patterns()
        return sorted({month for windows in patterns.values() for month, _ in windows})


def _parent(column_, staff):
    """Not staff: `staff` is a list of ids or an expanding bound parameter (empty: nobody)."""
    if isinstance(staff, BindParameter) or staff:
        return and_(column_.is_not(None), column_.not_in(staff))
    return column_.is_not(None)


def _by_group(rows, default=0):
    result = defaultdict(lambda: default)
    for group_id, value in rows:
        result[group_id] = value
    return result


# --- the monthly roll-up ------------------------------------------------------------------------------


def _attendance(group_ids, start, end, staff):
    """(event_id, group_id, user_id, starts_at) of parents who came to the groups' published
    meetings that started in [start, end). Organisers tick who came; when nobody marked a
    meeting at all, those registered as going are taken to have come (a leader who forgot to
    tick does not make a meeting disappear)."""
    in_window = (
        Event.group_id.in_(group_ids),
        Event.status == PUBLISHED,
        Event.starts_at >= start,
        Event.starts_at < end,
    )
    marked = (
        select(Registration.event_id, func.max(case((Registration.attended.is_not(None), 1), else_=0)).label("marked"))
        .join(Event, Event.id == Registration.event_id)
        .where(*in_window)
        .group_by(Registration.event_id)
        .subquery("marked")
    )
    came = or_(
        Registration.attended.is_(True),
        and_(Registration.attended.is_(None), Registration.status == GOING, marked.c.marked == 0),
    )
    return (
        select(Registration.event_id, Event.group_id, Registration.user_id, Event.starts_at)
        .join(Event, Event.id == Registration.event_id)
        .join(marked, marked.c.event_id == Registration.event_id)
        .where(*in_window, came, _parent(Registration.user_id, staff))
        .subquery("attendance")
    )


def _attendee_counts(group_ids, start, end, staff):
    """Parent attendees of each published meeting of the groups that started in [start, end)."""
    came = _attendance(group_ids, start, end, staff)
    return select(came.c.event_id, func.count().label("n")).group_by(came.c.event_id).subquery("sizes")


def _activity(group_ids, start, end, staff):
    """(group_id, user_id, at, level, led, attended, crowd) for everything parents did in [start, end)."""
    came = _attendance(group_ids, start, end, staff)
    sizes = select(came.c.event_id, func.count().label("n")).group_by(came.c.event_id).subquery("sizes")
    crowd = case((sizes.c.n >= T["meeting_min_attendees"], 1), else_=0)

    def row(group, user, at, level, led=0, attended=0, crowd_=literal(0)):
        return [
            group.label("group_id"),
            user.label("user_id"),
            at.label("at"),
            literal(level).label("level"),
            literal(led).label("led"),
            literal(attended).label("attended"),
            crowd_.label("crowd"),
        ]

    in_month = [
        Event.group_id.in_(group_ids),
        Event.status == PUBLISHED,
        Event.starts_at >= start,
        Event.starts_at < end,
    ]
    parts = [
        select(*row(came.c.group_id, came.c.user_id, came.c.starts_at, 1, attended=1, crowd_=crowd)).join(
            sizes, sizes.c.event_id == came.c.event_id
        ),
        select(*row(Event.group_id, EventOrganiser.user_id, Event.starts_at, 3, led=1))
        .join(Event, Event.id == EventOrganiser.event_id)
        .where(EventOrganiser.status == ACCEPTED, *in_month),
        select(*row(Membership.group_id, Membership.decided_by_id, Membership.joined_at, 0, led=1)).where(
            Membership.group_id.in_(group_ids),
            Membership.decided_by_id.is_not(None),
            Membership.joined_at >= start,
            Membership.joined_at < end,
        ),
        select(*row(Post.group_id, Post.author_id, Post.created_at, 2)).where(
            Post.group_id.in_(group_ids), Post.created_at >= start, Post.created_at < end
        ),
        select(*row(Post.group_id, Comment.author_id, Comment.created_at, 1))
        .join(Post, Post.id == Comment.post_id)
        .where(Post.group_id.in_(group_ids), Comment.created_at >= start, Comment.created_at < end),
        select(*row(HelpRequest.group_id, HelpRequest.author_id, HelpRequest.created_at, 2)).where(
            HelpRequest.group_id.in_(group_ids), HelpRequest.created_at >= start, HelpRequest.created_at < end
        ),
        select(*row(HelpRequest.group_id, HelpResponse.helper_id, HelpResponse.created_at, 2))
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(HelpRequest.group_id.in_(group_ids), HelpResponse.created_at >= start, HelpResponse.created_at < end),
    ]
    return union_all(*parts).subquery("activity")


def roll_up(group_ids, period, staff):
    """(Re)write `health_activity` for `period`: one row per parent who took part in each group
    that month while a member. Two statements, whatever the number of groups."""
    group_ids = list(group_ids)
    if not group_ids:
        return
    start, end = period_start(period), period_end(period)
    db.session.execute(
        delete(HealthActivity).where(HealthActivity.group_id.in_(group_ids), HealthActivity.period == period)
    )
    act = _activity(group_ids, start, end, staff)
    member = and_(
        Membership.group_id == act.c.group_id,
        Membership.user_id == act.c.user_id,
        Membership.joined_at <= act.c.at,
        or_(Membership.ended_at.is_(None), Membership.ended_at > act.c.at),
        Membership.role != SPECIALIST,
    )
    rows = (
        select(
            act.c.group_id,
            literal(period, Date).label("period"),
            act.c.user_id,
            func.max(act.c.level),
            case((func.max(act.c.led) > 0, True), else_=False),
            func.sum(act.c.attended),
            case((func.max(act.c.crowd) > 0, True), else_=False),
            func.min(case((act.c.level >= 1, act.c.at))),
        )
        .join(Membership, member)
        .where(_parent(act.c.user_id, staff))
        .group_by(act.c.group_id, act.c.user_id)
    )
    db.session.execute(
        insert(HealthActivity).from_select(
            ["group_id", "period", "user_id", "level", "led", "attended", "crowd", "first_at"], rows
        )
    )


def active_families(group_ids, periods):
    """A1 of each group in each of `periods`, read from the roll-ups: {(group_id, period): count}."""
    if not group_ids or not periods:
        return {}
    rows = db.session.execute(
        select(HealthActivity.group_id, HealthActivity.period, func.count())
        .where(HealthActivity.group_id.in_(group_ids), HealthActivity.period.in_(periods), HealthActivity.level >= 1)
        .group_by(HealthActivity.group_id, HealthActivity.period)
    ).all()
    return {(g, period): n for g, period, n in rows}


# --- meetings: F2, the rhythm, and meetings run by parents alone ------------------------------------------


def month_facts(group_ids, first, last, staff):
    """For each group and month in [first, last]: {"meeting": a meeting with at least 3 parent
    attendees was held (SPEC §4's "held meeting"), "parent_meeting": one of them had no
    specialist organiser, "meetings": how many were held, "meeting_at": when the last of them
    started}. Starts from the groups' events of those months."""
    start, end = period_start(first), period_end(last)
    sizes = _attendee_counts(group_ids, start, end, staff)
    is_staff = or_(EventOrganiser.is_specialist.is_(True), EventOrganiser.user_id.in_(staff) if staff else False)
    organisers = (
        select(EventOrganiser.event_id, func.max(case((is_staff, 1), else_=0)).label("staff"))
        .join(Event, Event.id == EventOrganiser.event_id)
        .where(
            Event.group_id.in_(group_ids),
            Event.status == PUBLISHED,
            Event.starts_at >= start,
            Event.starts_at < end,
            EventOrganiser.status == ACCEPTED,
        )
        .group_by(EventOrganiser.event_id)
        .subquery("organisers")
    )
    rows = db.session.execute(
        select(Event.group_id, Event.starts_at, sizes.c.n, organisers.c.staff, Event.created_by_id)
        .join(sizes, sizes.c.event_id == Event.id)
        .outerjoin(organisers, organisers.c.event_id == Event.id)
        .where(sizes.c.n >= T["meeting_min_attendees"])
    ).all()
    staff_set = set(staff)
    facts = defaultdict(lambda: {"meeting": False, "parent_meeting": False, "meetings": 0, "meeting_at": None})
    for group_id, starts_at, _n, has_staff, created_by in rows:
        month = starts_at.date().replace(day=1)
        entry = facts[(group_id, month)]
        entry["meeting"] = True
        entry["meetings"] += 1
        if entry["meeting_at"] is None or starts_at.isoformat() > entry["meeting_at"]:
            entry["meeting_at"] = starts_at.isoformat()
        if not has_staff and created_by not in staff_set:
            entry["parent_meeting"] = True
    return facts


def last_held_meeting(group_id, since, at, staff):
    """When the group's latest held meeting (3 or more parents) in [since, at) started, or None.
    For one group's page: starts from its own events of those months."""
    params = {"group_ids": [group_id], "since": since, "at": at, "staff": list(staff)}
    return db.session.scalar(_last_held_meeting(), params)


@cache
def _last_held_meeting():
    """`last_held_meeting`'s statement, built once with bound parameters (building it cost
    more than running it)."""
    sizes = _attendee_counts(
        bindparam("group_ids", expanding=True), bindparam("since"), bindparam("at"), bindparam("staff", expanding=True)
    )
    return (
        select(func.max(Event.starts_at))
        .join(sizes, sizes.c.event_id == Event.id)
        .where(sizes.c.n >= T["meeting_min_attendees"])
    )


# --- people: members, A1, A3, L2, L3, F4, G1, G2, P4, I1 -------------------------------------------------


def members_during(scope):
    """Parents who were members at some time in the month (so that A1 ≤ members)."""
    return _by_group(
        db.session.execute(
            select(Membership.group_id, func.count(Membership.id))
            .where(
                Membership.group_id.in_(scope.group_ids),
                Membership.joined_at < scope.at,
                or_(Membership.ended_at.is_(None), Membership.ended_at > scope.start),
                Membership.role != SPECIALIST,
                _parent(Membership.user_id, scope.staff),
            )
            .group_by(Membership.group_id)
        ).all()
    )


def _bit(bits, flag):
    return bits.op("&")(flag) > 0


def _window_bits(scope, a):
    """Which windows a roll-up row's month belongs to, as SQL: most groups share one pattern
    (no breaks, older than a year), so the pattern is a CASE on the month, and the few groups
    with their own (breaks, youth) come first, by id. A handful of parameters, however many
    groups there are."""
    patterns, of_group = scope.patterns()
    members = defaultdict(list)
    for g, n in of_group.items():
        members[n].append(g)
    common = max(members, key=lambda n: len(members[n]))  # one of the largest
    whens = []
    for n, months in patterns.items():
        if n != common:
            whens += [(and_(a.group_id.in_(members[n]), a.period == month), bits) for month, bits in months]
    whens += [(a.period == month, bits) for month, bits in patterns[common]]
    return case(*whens, else_=0), patterns, members, common


def _tied_query(scope):
    """(group, person) tied to at least two other parents in the quarter through help answers
    or replies, as a subquery. (Shared meetings tie too: the roll-up's `crowd` marks who met
    two or more others.)"""
    start, at, staff = scope.months_back(2), scope.at, scope.staff
    help_pairs = (
        select(HelpRequest.group_id, HelpResponse.helper_id.label("a"), HelpRequest.author_id.label("b"))
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(
            HelpRequest.group_id.in_(scope.group_ids), HelpResponse.created_at >= start, HelpResponse.created_at < at
        )
    )
    replies = (
        select(Post.group_id, Comment.author_id.label("a"), Post.author_id.label("b"))
        .join(Post, Post.id == Comment.post_id)
        .where(Post.group_id.in_(scope.group_ids), Comment.created_at >= start, Comment.created_at < at)
    )
    base = union_all(help_pairs, replies).subquery()
    both_ways = union_all(
        select(base.c.group_id, base.c.a, base.c.b), select(base.c.group_id, base.c.b.label("a"), base.c.a.label("b"))
    ).subquery()
    return (
        select(both_ways.c.group_id, both_ways.c.a.label("user_id"))
        .where(both_ways.c.a != both_ways.c.b, _parent(both_ways.c.a, staff), _parent(both_ways.c.b, staff))
        .group_by(both_ways.c.group_id, both_ways.c.a)
        .having(func.count(func.distinct(both_ways.c.b)) >= 2)
        .subquery("tied")
    )


def people(scope):
    """What people did in each group's windows, summed up per group in SQL: one statement
    that reads the roll-ups once (a materialised table), returning per group one row of sums
    and the rows of I1's mix of the active (form, experience, count)."""
    a = HealthActivity
    bits, patterns, members, common = _window_bits(scope, a)
    # The roll-up's key (group, month) picks exactly the rows the windows read; each row's
    # windows are worked out once, then summed up per person, then per group.
    rows = (
        select(a.group_id, a.user_id, a.level, a.led, a.attended, a.crowd, bits.label("bits"))
        .where(a.group_id.in_(scope.group_ids), a.period.in_(scope.months_needed()))
        .cte("months")
        .prefix_with("MATERIALIZED")
    )
    active = rows.c.level >= 1

    def flag(bit, condition=None):
        condition = _bit(rows.c.bits, bit) if condition is None else and_(_bit(rows.c.bits, bit), condition)
        return func.max(case((condition, 1), else_=0))

    def level_in(bit):
        return func.max(case((_bit(rows.c.bits, bit), rows.c.level), else_=0))

    p = (
        select(
            rows.c.group_id,
            rows.c.user_id,
            flag(THIS_QUARTER, active).label("this_quarter"),
            flag(LAST_QUARTER, active).label("last_quarter"),
            level_in(THIS_QUARTER).label("level_now"),
            level_in(LAST_QUARTER).label("level_before"),
            flag(QUARTER, active).label("quarter"),
            func.sum(case((_bit(rows.c.bits, QUARTER), rows.c.attended), else_=0)).label("attended"),
            flag(QUARTER, rows.c.crowd.is_(True)).label("crowd"),
            flag(QUARTER, rows.c.led.is_(True)).label("led_quarter"),
            flag(LEADER_MONTHS, rows.c.led.is_(True)).label("led_months"),
            flag(HALF_YEAR, active).label("half_year"),
        )
        .where(rows.c.bits > 0)
        .group_by(rows.c.group_id, rows.c.user_id)
        .cte("per_person")
        .prefix_with("MATERIALIZED")
    )
    # L3's roster: members at the end of the month who joined before this quarter began.
    quarter_starts = {
        n: period_start(min(m for m, bits in months if bits & THIS_QUARTER)) for n, months in patterns.items()
    }
    common_start = literal(quarter_starts[common], UTCDateTime())
    others = [(p.c.group_id.in_(members[n]), quarter_starts[n]) for n in patterns if n != common]
    starts = case(*others, else_=common_start) if others else common_start
    roster = and_(
        Membership.joined_at < starts,
        or_(Membership.ended_at.is_(None), Membership.ended_at >= scope.at),
    )
    ties = _tied_query(scope)

    def count_if(condition):
        return func.sum(case((condition, 1), else_=0))

    sums = (
        select(
            p.c.group_id,
            literal("sums").label("kind"),
            literal(None, String).label("form"),
            literal(None, Integer).label("years"),
            count_if(p.c.attended >= 1).label("a3_total"),
            count_if(p.c.attended >= 2).label("a3_repeat"),
            func.sum(p.c.led_quarter).label("l2"),
            func.sum(p.c.led_months).label("bench6"),
            func.sum(p.c.last_quarter).label("g2_total"),
            count_if(and_(p.c.last_quarter == 1, p.c.this_quarter == 1)).label("g2_stayed"),
            func.sum(p.c.quarter).label("p4_total"),
            count_if(and_(p.c.quarter == 1, or_(p.c.crowd == 1, ties.c.user_id.is_not(None)))).label("p4_tied"),
            count_if(and_(roster, p.c.level_now > p.c.level_before)).label("l3_up"),
            count_if(and_(roster, p.c.level_now < p.c.level_before)).label("l3_down"),
        )
        .outerjoin(Membership, and_(Membership.group_id == p.c.group_id, Membership.user_id == p.c.user_id))
        .outerjoin(ties, and_(ties.c.group_id == p.c.group_id, ties.c.user_id == p.c.user_id))
        .group_by(p.c.group_id)
    )
    zero = literal(0)
    mix = (
        select(
            p.c.group_id,
            literal("mix"),
            User.family_form,
            User.experience_years,
            func.count(),
            *[zero] * 9,
        )
        .join(User, User.id == p.c.user_id)
        .where(p.c.half_year == 1)
        .group_by(p.c.group_id, User.family_form, User.experience_years)
    )
    return db.session.execute(union_all(sums, mix)).all()


def joiners(scope):
    """Parents who joined as members in the last four months, with their first activity after
    joining (from the roll-ups): (group_id, joined_at, first_at or None)."""
    first = (
        select(HealthActivity.group_id, HealthActivity.user_id, func.min(HealthActivity.first_at).label("first_at"))
        .where(
            HealthActivity.group_id.in_(scope.group_ids),
            HealthActivity.period >= add_months(scope.period, -3),
            HealthActivity.period <= scope.period,
            HealthActivity.level >= 1,
        )
        .group_by(HealthActivity.group_id, HealthActivity.user_id)
        .subquery("first")
    )
    return db.session.execute(
        select(Membership.group_id, Membership.joined_at, first.c.first_at)
        .outerjoin(first, and_(first.c.group_id == Membership.group_id, first.c.user_id == Membership.user_id))
        .where(
            Membership.group_id.in_(scope.group_ids),
            Membership.joined_at >= scope.months_back(3),
            Membership.joined_at < scope.at,
            Membership.role == MEMBER,
            _parent(Membership.user_id, scope.staff),
        )
    ).all()


def _experience(years):
    if years is None:
        return "unknown"
    return "newcomer" if years < 2 else "experienced"


def membership_mix(group_ids, at, staff):
    """I1 for members and leaders at `at`: {group: {"members": {...}, "leaders": {...}}}. The
    group page asks for its own group, now (one small query on the group's memberships)."""
    params = {"group_ids": list(group_ids), "at": at, "staff": list(staff)}
    rows = db.session.execute(_membership_mix(), params).all()
    result = defaultdict(lambda: {"members": defaultdict(int), "leaders": defaultdict(int)})
    for group_id, role, form, years, count in rows:
        for population in ("members", "leaders") if role == LEADER else ("members",):
            result[group_id][population][f"form:{form or 'unknown'}"] += count
            result[group_id][population][f"experience:{_experience(years)}"] += count
    return result


@cache
def _membership_mix():
    """`membership_mix`'s statement, built once with bound parameters."""
    at = bindparam("at")
    return (
        select(Membership.group_id, Membership.role, User.family_form, User.experience_years, func.count())
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.group_id.in_(bindparam("group_ids", expanding=True)),
            Membership.joined_at < at,
            or_(Membership.ended_at.is_(None), Membership.ended_at >= at),
            Membership.role != SPECIALIST,
            _parent(Membership.user_id, bindparam("staff", expanding=True)),
        )
        .group_by(Membership.group_id, Membership.role, User.family_form, User.experience_years)
    )


def people_indicators(scope):
    """A3, L2, L3, F4's bench, G1, G2, P4 and I1 (active) from the roll-ups."""
    result = {
        g: {
            "A3": [0, 0],
            "L2": 0,
            "L3": [0, 0],
            "bench6": 0,
            "G1": [0, 0],
            "joiners_90d": 0,
            "G2": [0, 0],
            "P4": [0, 0],
            "active": defaultdict(int),
        }
        for g in scope.group_ids
    }
    for group_id, kind, form, years, *n in people(scope):
        r = result[group_id]
        if kind == "mix":
            r["active"][f"form:{form or 'unknown'}"] += n[0]
            r["active"][f"experience:{_experience(years)}"] += n[0]
            continue
        a3_total, a3_repeat, l2, bench6, g2_total, g2_stayed, p4_total, p4_tied, l3_up, l3_down = (
            int(x or 0) for x in n
        )
        r.update(
            A3=[a3_repeat, a3_total],
            L2=l2,
            bench6=bench6,
            G2=[g2_stayed, g2_total],
            P4=[p4_tied, p4_total],
            L3=[l3_up, l3_down],
        )
    quarter = scope.months_back(2)
    for group_id, joined_at, first_at in joiners(scope):
        r = result[group_id]
        if joined_at >= quarter:
            r["joiners_90d"] += 1
        if joined_at < scope.start:
            r["G1"][1] += 1
            r["G1"][0] += first_at is not None and first_at - joined_at <= MONTH_DAYS
    return result


# --- peer support: P1 to P3 ---------------------------------------------------------------------------------


def peer_answers(scope):
    """Needs of the quarter old enough to judge (72 h), with their first answer by another parent."""
    request, response = HelpRequest, HelpResponse
    peer = and_(response.helper_id != request.author_id, _parent(response.helper_id, scope.staff))
    rows = db.session.execute(
        select(request.group_id, request.created_at, func.min(case((peer, response.created_at))))
        .outerjoin(response, and_(response.request_id == request.id, response.created_at < scope.at))
        .where(
            request.group_id.in_(scope.group_ids),
            request.kind == NEED,
            request.offline.is_(False),
            request.created_at >= scope.months_back(2),
            request.created_at <= scope.at - T["answer_hours"] * HOUR,
            _parent(request.author_id, scope.staff),
        )
        .group_by(request.group_id, request.id, request.created_at)
    ).all()
    result = {g: {"requests": 0, "answered": 0, "hours": []} for g in scope.group_ids}
    for group_id, created_at, first_at in rows:
        entry = result[group_id]
        entry["requests"] += 1
        if first_at is not None:
            entry["hours"].append((first_at - created_at).total_seconds() / 3600)
            entry["answered"] += first_at - created_at <= T["answer_hours"] * HOUR
    return result


def unanswered_too_long(group_ids, at):
    """Needs still open at `at`, 7 to 60 days old, that nobody has answered."""
    params = {
        "group_ids": list(group_ids),
        "at": at,
        "newest": at - T["unanswered_days"] * DAY,
        "oldest": at - UNANSWERED_SINCE,
    }
    return _by_group(db.session.execute(_unanswered_too_long(), params).all())


@cache
def _unanswered_too_long():
    """`unanswered_too_long`'s statement, built once with bound parameters."""
    at = bindparam("at")
    answered = (
        select(HelpResponse.id).where(HelpResponse.request_id == HelpRequest.id, HelpResponse.created_at < at).exists()
    )
    return (
        select(HelpRequest.group_id, func.count(HelpRequest.id))
        .where(
            HelpRequest.group_id.in_(bindparam("group_ids", expanding=True)),
            HelpRequest.kind == NEED,
            HelpRequest.offline.is_(False),
            HelpRequest.hidden_at.is_(None),
            HelpRequest.created_at <= bindparam("newest"),
            HelpRequest.created_at >= bindparam("oldest"),
            ~answered,
            or_(
                HelpRequest.status.not_in([RESOLVED, CLOSED]),
                func.coalesce(HelpRequest.resolved_at, HelpRequest.closed_at) > at,
            ),
        )
        .group_by(HelpRequest.group_id)
    )


def confirmed_help(scope):
    """Help the requester confirmed, between parents, in the half year: (group, giver, receiver,
    when). For a need the responder gave; for an offer the author gave and the responder received."""
    is_offer = HelpRequest.kind == OFFER
    when = func.coalesce(HelpRequest.resolved_at, HelpResponse.created_at)
    return db.session.execute(
        select(
            HelpRequest.group_id,
            case((is_offer, HelpRequest.author_id), else_=HelpResponse.helper_id),
            case((is_offer, HelpResponse.helper_id), else_=HelpRequest.author_id),
            when,
        )
        .join(HelpResponse, HelpResponse.request_id == HelpRequest.id)
        .where(
            HelpRequest.group_id.in_(scope.group_ids),
            HelpResponse.helped.is_(True),
            HelpResponse.helper_id != HelpRequest.author_id,
            _parent(HelpResponse.helper_id, scope.staff),
            _parent(HelpRequest.author_id, scope.staff),
            when >= scope.months_back(5),
            when < scope.at,
        )
    ).all()


def help_indicators(scope):
    """P2 (half year), the number of confirmed exchanges, and P3 (quarter)."""
    gave, received = defaultdict(set), defaultdict(set)
    given = defaultdict(lambda: defaultdict(int))
    exchanges = defaultdict(int)
    quarter = scope.months_back(2)
    for group_id, giver, receiver, when in confirmed_help(scope):
        gave[group_id].add(giver)
        received[group_id].add(receiver)
        exchanges[group_id] += 1
        if when >= quarter:
            given[group_id][giver] += 1
    result = {}
    for g in scope.group_ids:
        p3 = [0, 0, 0]
        counts = sorted(given[g].values(), reverse=True)
        total, running = sum(counts), 0
        for n, count in enumerate(counts, start=1):
            running += count
            if running * 2 >= total:
                p3 = [n, len(counts), total]
                break
        result[g] = {
            "P2": [len(gave[g] & received[g]), len(gave[g] | received[g])],
            "exchanges": exchanges[g],
            "P3": p3,
        }
    return result


# --- leadership: L1 per kind --------------------------------------------------------------------------------


def independence(scope):
    """L1 for each kind of contribution over the group's last 90 non-break days: meetings held
    (a parents' meeting has no specialist among its creator and organisers), help answers,
    threads started — [by parents, in all]."""
    starts = [
        (g, ninety_non_break_days_start(scope.at, scope.breaks.get(g, ()), T["self_running_days"]))
        for g in scope.group_ids
    ]
    windows = (
        values(column("group_id", Integer), column("start", UTCDateTime()), name="since").data(starts).cte("since")
    )
    at, staff = scope.at, scope.staff

    def by_staff(user):
        return case((user.in_(staff), 1), else_=0) if staff else literal(0)

    staff_organiser = (
        select(EventOrganiser.id)
        .where(
            EventOrganiser.event_id == Event.id,
            EventOrganiser.status == ACCEPTED,
            or_(EventOrganiser.is_specialist.is_(True), EventOrganiser.user_id.in_(staff) if staff else False),
        )
        .exists()
    )
    earliest = min(start for _, start in starts)
    items = union_all(
        select(
            Event.group_id,
            Event.starts_at.label("at"),
            literal("meetings").label("kind"),
            case((or_(staff_organiser, Event.created_by_id.in_(staff) if staff else False), 1), else_=0).label("staff"),
        ).where(
            Event.group_id.in_(scope.group_ids),
            Event.status == PUBLISHED,
            Event.starts_at >= earliest,
            Event.starts_at < at,
        ),
        select(Post.group_id, Post.created_at, literal("threads"), by_staff(Post.author_id)).where(
            Post.group_id.in_(scope.group_ids),
            Post.created_at >= earliest,
            Post.created_at < at,
            Post.author_id.is_not(None),
        ),
        select(HelpRequest.group_id, HelpResponse.created_at, literal("answers"), by_staff(HelpResponse.helper_id))
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(
            HelpRequest.group_id.in_(scope.group_ids),
            HelpResponse.created_at >= earliest,
            HelpResponse.created_at < at,
            HelpResponse.helper_id.is_not(None),
            HelpResponse.helper_id != HelpRequest.author_id,
        ),
    ).subquery()
    rows = db.session.execute(
        select(items.c.group_id, items.c.kind, func.sum(1 - items.c.staff), func.count())
        .join(windows, and_(windows.c.group_id == items.c.group_id, items.c.at >= windows.c.start))
        .group_by(items.c.group_id, items.c.kind)
    ).all()
    result = {g: {kind: [0, 0] for kind in KINDS} for g in scope.group_ids}
    for group_id, kind, parents, total in rows:
        result[group_id][kind] = [int(parents or 0), total]
    return result


# --- everything at once ---------------------------------------------------------------------------------------


def compute(scope, facts):
    """Every indicator of every group of `scope` at the end of its month: {group_id: values}.
    The month's roll-up must be written (`roll_up`) and `facts` hold `month_facts` of the month.

    Values are plain numbers (and small dicts) so they can be stored in a snapshot; a ratio is
    stored with its numerator and denominator, never alone."""
    group_ids = scope.group_ids
    if not group_ids:
        return {}
    at = scope.at
    members = members_during(scope)
    active = active_families(group_ids, [scope.period])
    answers = peer_answers(scope)
    unanswered = unanswered_too_long(group_ids, at)
    helping = help_indicators(scope)
    kinds = independence(scope)
    crowd = people_indicators(scope)

    result = {}
    for g in group_ids:
        a, p, h = answers[g], crowd[g], helping[g]
        month = facts.get((g, scope.period), {})
        result[g] = {
            "members": members[g],
            "A1": active.get((g, scope.period), 0),
            "meeting": month.get("meeting", False),
            "parent_meeting": month.get("parent_meeting", False),
            "meetings": month.get("meetings", 0),
            "meeting_at": month.get("meeting_at"),
            "A3": p["A3"],
            "P1": [a["answered"], a["requests"]],
            "P1_median_hours": round(median(a["hours"]), 1) if a["hours"] else None,
            "unanswered_7d": unanswered[g],
            "P2": h["P2"],
            "exchanges": h["exchanges"],
            "P3": h["P3"],
            "P4": p["P4"],
            "L1": kinds[g],
            "L2": p["L2"],
            "bench6": p["bench6"],
            "L3": p["L3"],
            "G1": p["G1"],
            "joiners_90d": p["joiners_90d"],
            "G2": p["G2"],
            # I1 of the active; the members' and leaders' side is read live on the group's page
            # (`membership_mix`, one group's memberships), not for every group every month.
            "I1": {"active": dict(p["active"])},
        }
    return result
