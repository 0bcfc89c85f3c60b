"""Monthly snapshots (the verdict of each month, stored), breaks, offline meetings, and what
the health pages read.

A snapshot is computed once a month for every live group (`snapshot_latest`, a daily job that
also fills months a group is missing), and again for one group when a leader changes its past
(a break declared, a meeting recorded): pages only read snapshots, plus a cheap live part.
"""

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, case, null, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from community.audit import audit
from community.errors import RuleError
from community.events.models import ACCEPTED, GOING, PUBLISHED, Event, EventOrganiser, Registration
from community.extensions import db
from community.groups.models import SPECIALIST, Group, Membership
from community.health import indicators
from community.health.explanation import explain
from community.health.models import HealthBreak, HealthSnapshot
from community.health.periods import (
    add_months,
    age_in_months,
    break_months,
    month_start,
    period_end,
)
from community.health.verdict import BREAK, History, evaluate, judged, label, percent
from community.jobs import after_commit, job
from community.models import utcnow

HISTORY_MONTHS = 12
# What a month's verdict reads of earlier months: the same month a year ago and the one before
# it (A1 against the same season, two snapshots in a row), and up to six non-break months.
LOOKBACK_MONTHS = 13
MAX_BREAK_DAYS = 120


def last_complete_period(now=None):
    return add_months(month_start((now or utcnow()).date()), -1)


# --- snapshots ---------------------------------------------------------------------------------------


def breaks_by_group(group_ids):
    rows = db.session.execute(
        select(HealthBreak.group_id, HealthBreak.starts_on, HealthBreak.ends_on).where(
            HealthBreak.group_id.in_(group_ids)
        )
    ).all()
    result = {g: [] for g in group_ids}
    for group_id, starts_on, ends_on in rows:
        result[group_id].append((starts_on, ends_on))
    return result


def _stored(group_ids, first, last):
    """{group_id: {period, ...}} of the snapshots stored between two periods."""
    rows = db.session.execute(
        select(HealthSnapshot.group_id, HealthSnapshot.period).where(
            HealthSnapshot.group_id.in_(group_ids), HealthSnapshot.period >= first, HealthSnapshot.period <= last
        )
    ).all()
    result = defaultdict(set)
    for group_id, period in rows:
        result[group_id].add(period)
    return result


def _history_rows(group_ids, period, values_for):
    """The stored months before `period` that its verdict reads, as {group: {period: row}}.
    Columns only, except `values` for the months in `values_for` (the quarter before) and the
    explanation of the month just before: decoding a year of JSON for every group was most of
    the cost of this read."""
    first, previous = add_months(period, -LOOKBACK_MONTHS), add_months(period, -1)
    values = case((HealthSnapshot.period.in_(sorted(values_for)), HealthSnapshot.values), else_=null())
    explanation = case((HealthSnapshot.period == previous, HealthSnapshot.explanation), else_=null())
    rows = db.session.execute(
        select(
            HealthSnapshot.group_id,
            HealthSnapshot.period,
            HealthSnapshot.raw_stage,
            HealthSnapshot.stage,
            HealthSnapshot.active,
            HealthSnapshot.meeting_at,
            HealthSnapshot.parent_meeting,
            values.label("values"),
            explanation.label("explanation"),
        ).where(
            HealthSnapshot.group_id.in_(group_ids),
            HealthSnapshot.period >= first,
            HealthSnapshot.period < period,
        )
    ).all()
    result = defaultdict(dict)
    for row in rows:
        result[row.group_id][row.period] = row
    return result


def _plan(group_ids, periods, fill):
    """{period: [group ids]}: the months to compute, oldest first. Each wanted month for every
    group that existed by its end, and up to `fill` earlier months a group has no snapshot of
    (so that a label has the months it is read from)."""
    created = dict(db.session.execute(select(Group.id, Group.created_at).where(Group.id.in_(group_ids))).all())
    wanted = sorted(set(periods))
    plan = defaultdict(set)
    first = add_months(wanted[0], -fill)
    stored = _stored(group_ids, first, wanted[0]) if fill else {}
    for g, created_at in created.items():
        created_period = month_start(created_at.date())
        for period in wanted:
            if period >= created_period:
                plan[period].add(g)
        month = first
        while month < wanted[0]:
            if month >= created_period and month not in stored.get(g, ()):
                plan[month].add(g)
            month = add_months(month, 1)
    return {period: sorted(ids) for period, ids in sorted(plan.items())}, created


def take_snapshots(periods, group_ids=None, fill=HISTORY_MONTHS):
    """Compute and store the snapshot of each period (oldest first) for each live group, and of
    up to `fill` earlier months a group is missing. Idempotent: a month computed again replaces
    its snapshot. A fixed number of queries per month computed, whatever the number of groups."""
    if group_ids is None:
        group_ids = db.session.scalars(select(Group.id).where(Group.archived_at.is_(None))).all()
    group_ids = list(group_ids)
    if not group_ids or not periods:
        return 0
    plan, created = _plan(group_ids, periods, fill)
    breaks = breaks_by_group(group_ids)
    staff = indicators.staff_ids()
    rolled = set()
    stored = 0
    for period, ids in plan.items():
        stored += _snapshot_month(period, ids, created, breaks, staff, rolled)
    db.session.flush()
    return stored


def _snapshot_month(period, ids, created, breaks, staff, rolled):
    at = period_end(period)
    first = add_months(period, -LOOKBACK_MONTHS - 12)
    scope = indicators.Scope(
        period,
        {g: created[g] for g in ids},
        {g: break_months(breaks[g], first, period) for g in ids},
        {g: breaks[g] for g in ids},
        staff,
    )
    quarter_months = {m for g in ids for m in scope.non_break(g, 1, before=3)}
    history = _history_rows(ids, period, quarter_months)

    # Months the windows reach that have no snapshot (a group's first months, or a backfill):
    # roll them up once, and read their meeting facts and A1 from the activity tables.
    reached = set(scope.months_needed()) | {add_months(period, -12), add_months(period, -13)}
    unsnapshotted = defaultdict(list)
    for month in sorted(reached - {period}):
        for g in ids:
            if month >= month_start(created[g].date()) and month not in history[g]:
                unsnapshotted[month].append(g)
    for month, groups in unsnapshotted.items():
        to_roll = [g for g in groups if (g, month) not in rolled]
        if to_roll:
            indicators.roll_up(to_roll, month, staff)
            rolled.update((g, month) for g in to_roll)
    indicators.roll_up(ids, period, staff)
    rolled.update((g, period) for g in ids)
    # Meeting facts for the months the rhythm rules read (A1 alone is needed a year back).
    flagged = [month for month in unsnapshotted if month in set(scope.months_needed())]
    facts = indicators.month_facts(ids, min([period, *flagged]), period, staff)
    a1_missing = indicators.active_families(ids, sorted(unsnapshotted))
    values = indicators.compute(scope, facts)

    rows = []
    for g in ids:
        months, raw = {}, {}
        for month, row in history[g].items():
            months[month] = {
                **(row.values or {}),
                "A1": row.active,
                "meeting": row.meeting_at is not None,
                "meeting_at": row.meeting_at.isoformat() if row.meeting_at else None,
                "parent_meeting": row.parent_meeting,
            }
            raw[month] = row.raw_stage
        for month, groups in unsnapshotted.items():
            if g in groups:
                fact = facts.get((g, month), {})
                months[month] = {
                    "A1": a1_missing.get((g, month), 0),
                    "meeting": fact.get("meeting", False),
                    "meeting_at": fact.get("meeting_at"),
                    "parent_meeting": fact.get("parent_meeting", False),
                }
        group_history = History(created[g], breaks[g], months, raw, scope.break_months[g])
        v = values[g]
        age = age_in_months(created[g], at)
        recent = group_history.non_break(period, 3)
        v["A2"] = [sum(1 for m in recent if (v if m == period else months.get(m, {})).get("meeting")), len(recent)]
        v["age_months"] = age
        verdict = evaluate(v, period, at, group_history, age)

        previous_month = history[g].get(add_months(period, -1))
        before = group_history.previous_non_break(period)
        previous_raw = raw.get(before) if before else None
        if before is not None and before not in raw and before in months:
            previous_raw = None  # a month without a snapshot: the group's label starts over
        shown = label(verdict.raw, previous_raw, previous_month.stage if previous_month else None)
        previous = _previous_explanation(previous_month)
        explanation = explain(verdict, shown, previous)
        if verdict.raw == BREAK and previous:
            explanation["basis"] = previous
        rows.append(
            {
                "group_id": g,
                "period": period,
                "computed_at": utcnow(),
                "values": v,
                "raw_stage": verdict.raw,
                "stage": shown,
                "explanation": explanation,
                "members": v["members"],
                "active": v["A1"],
                "answer_rate": percent(v["P1"]) if judged(v["P1"]) else None,
                "is_break": verdict.raw == BREAK,
                "meeting_at": datetime.fromisoformat(v["meeting_at"]) if v["meeting_at"] else None,
                "parent_meeting": v["parent_meeting"],
            }
        )
    _upsert(rows)
    return len(rows)


def _previous_explanation(row):
    """What the month before left for this one: its explanation, or, for a break month, the
    explanation of the last month before the break."""
    if row is None or not row.explanation:
        return None
    explanation = row.explanation
    if row.raw_stage == BREAK:
        return explanation.get("basis")
    return explanation


def _upsert(rows):
    """One executemany for all the rows, not one statement per group."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(HealthSnapshot.__table__)
    columns = [key for key in rows[0] if key not in ("group_id", "period")]
    statement = statement.on_conflict_do_update(
        index_elements=["group_id", "period"], set_={k: statement.excluded[k] for k in columns}
    )
    db.session.execute(statement, rows)


@job("health.snapshot")
def snapshot_latest(now=None):
    """The daily job: last month's snapshot of every live group (again, so that attendance
    marked late still counts), and any month of the past year a group is missing."""
    return take_snapshots([last_complete_period(now)])


@job("health.refresh")
def refresh_group(group_id, from_period):
    """Recompute one group's snapshots from `from_period` (ISO date) on, after its past changed."""
    group = db.session.get(Group, group_id)
    if group is None or group.archived_at is not None:
        return 0
    start = datetime.fromisoformat(from_period).date()
    last = last_complete_period()
    periods, month = [], max(start, month_start(group.created_at.date()))
    while month <= last:
        periods.append(month)
        month = add_months(month, 1)
    return take_snapshots(periods, [group_id], fill=0) if periods else 0


def backfill(months=HISTORY_MONTHS, now=None):
    """Compute the last `months` monthly snapshots of every live group (and the month before
    them, so that the first one's label has a month to be read from)."""
    last = last_complete_period(now)
    return take_snapshots([add_months(last, -n) for n in range(months - 1, -1, -1)], fill=1)


# --- what the pages read ----------------------------------------------------------------------------------


def history(group, months=HISTORY_MONTHS):
    """The group's last `months` snapshots, oldest first."""
    rows = db.session.scalars(
        select(HealthSnapshot)
        .where(HealthSnapshot.group_id == group.id)
        .order_by(HealthSnapshot.period.desc())
        .limit(months)
    ).all()
    return list(reversed(rows))


def live_signals(group, breaks, now=None, staff=None):
    """The cheap live part of a group page: what holds now, since the last monthly check.
    A few small queries that start from the group's own events and requests."""
    from community.health.periods import quiet_days
    from community.health.verdict import THRESHOLDS as T

    now = now or utcnow()
    staff = indicators.staff_ids() if staff is None else staff
    since = max(group.created_at, now - timedelta(days=400))
    last = indicators.last_held_meeting(group.id, since, now, staff)
    unanswered = indicators.unanswered_too_long([group.id], now)[group.id]
    age = age_in_months(group.created_at, now)
    severe, warnings = [], []
    days = quiet_days(last, since, now, breaks)
    if age >= T["risk_min_age_months"] and days >= T["risk_days_without_meeting"]:
        severe.append(["no_meeting", {"days": min(days, 999)}, "plan_meeting"])
    if unanswered >= T["risk_unanswered"]:
        severe.append(["unanswered", {"count": unanswered}, "answer_requests"])
    elif unanswered == 1:
        warnings.append(["unanswered_one", {"count": 1}, "answer_requests"])
    return {"severe": severe, "warnings": warnings, "last_meeting_at": last, "days": days}


def representation(group, now=None, staff=None):
    """I1's members and leaders by family form and experience, now (the snapshot holds the
    active side: who took part needs the month's roll-ups)."""
    staff = indicators.staff_ids() if staff is None else staff
    return indicators.membership_mix([group.id], now or utcnow(), staff)[group.id]


def _latest_of(groups):
    return (
        select(HealthSnapshot.group_id, db.func.max(HealthSnapshot.period).label("period"))
        .where(HealthSnapshot.group_id.in_(groups))
        .group_by(HealthSnapshot.group_id)
        .subquery("latest")
    )


def stage_counts(organisation):
    """{stage: number of groups} by their latest label, and None for groups with no snapshot."""
    return dict(db.session.execute(_stage_counts_query(), {"organisation_id": organisation.id}).all())


@cache
def _stage_counts_query():
    """`stage_counts`' statement, built once with a bound parameter (`organisation_id`)."""
    live = and_(Group.organisation_id == bindparam("organisation_id"), Group.archived_at.is_(None))
    latest = _latest_of(select(Group.id).where(live))
    return (
        select(HealthSnapshot.stage, db.func.count())
        .select_from(Group)
        .outerjoin(latest, latest.c.group_id == Group.id)
        .outerjoin(
            HealthSnapshot,
            (HealthSnapshot.group_id == latest.c.group_id) & (HealthSnapshot.period == latest.c.period),
        )
        .where(live)
        .group_by(HealthSnapshot.stage)
    )


STAGE_ORDER = {"at_risk": 0, "forming": 1, "formed": 2, "growing": 3, "self_running": 4}
PAGE_SIZE = 20


def dashboard_page(organisation, stage=None, sort="stage", page=1, per_page=PAGE_SIZE):
    """One page of group cards: each group with its latest snapshot's label and explanation
    (no indicator JSON), and the A1 trend of the page's groups. Two queries, whatever the
    number of groups, each built once with bound parameters."""
    params = {"organisation_id": organisation.id, "stage": stage, "limit": per_page, "offset": (page - 1) * per_page}
    rows = db.session.execute(_dashboard_query(sort, stage is not None), params).all()
    ids = [row.id for row in rows]
    trends = defaultdict(list)
    if ids:
        since = add_months(last_complete_period(), -(HISTORY_MONTHS - 1))
        for group_id, period, active, is_break in db.session.execute(_trends_query(), {"ids": ids, "since": since}):
            trends[group_id].append((period, active, is_break))
    return rows, trends


@cache
def _dashboard_query(sort, by_stage):
    snapshot = HealthSnapshot
    rank = case(*[(snapshot.stage == s, n) for s, n in STAGE_ORDER.items()], else_=len(STAGE_ORDER))
    order = {
        "stage": [rank, Group.name],
        "name": [Group.name],
        "active": [snapshot.active.desc().nulls_last(), Group.name],
        "answers": [snapshot.answer_rate.desc().nulls_last(), Group.name],
    }[sort]
    live = and_(Group.organisation_id == bindparam("organisation_id"), Group.archived_at.is_(None))
    latest = _latest_of(select(Group.id).where(live))
    query = (
        select(
            Group.id,
            Group.name,
            Group.slug,
            Group.city,
            snapshot.period,
            snapshot.computed_at,
            snapshot.stage,
            snapshot.explanation,
            snapshot.members,
            snapshot.active,
        )
        .outerjoin(latest, latest.c.group_id == Group.id)
        .outerjoin(snapshot, (snapshot.group_id == latest.c.group_id) & (snapshot.period == latest.c.period))
        .where(live)
    )
    if by_stage:
        query = query.where(snapshot.stage == bindparam("stage"))
    return query.order_by(*order).limit(bindparam("limit")).offset(bindparam("offset"))


@cache
def _trends_query():
    snapshot = HealthSnapshot
    return (
        select(snapshot.group_id, snapshot.period, snapshot.active, snapshot.is_break)
        .where(snapshot.group_id.in_(bindparam("ids", expanding=True)), snapshot.period >= bindparam("since"))
        .order_by(snapshot.period)
    )


def csv_rows(group_ids):
    """Every snapshot of the groups, by group name and month, read in batches (for streaming)."""
    return db.session.execute(
        select(Group.name, HealthSnapshot.period, HealthSnapshot.stage, HealthSnapshot.values)
        .join(Group, Group.id == HealthSnapshot.group_id)
        .where(HealthSnapshot.group_id.in_(group_ids))
        .order_by(Group.name, Group.id, HealthSnapshot.period)
        .execution_options(yield_per=500)
    )


def organisation_group_ids(organisation_id):
    """The live groups of an organisation, as a subquery."""
    return select(Group.id).where(Group.organisation_id == organisation_id, Group.archived_at.is_(None))


# --- leaders' records ----------------------------------------------------------------------------------


def _refresh_from(group, day):
    """After the group's past changed on `day`: recompute its snapshots from that month on."""
    if month_start(day) <= last_complete_period():
        after_commit("health.refresh", group.id, month_start(day).isoformat())


def declare_break(actor, group, starts_on, ends_on, reason):
    if ends_on < starts_on:
        raise RuleError("health.break-order", field="ends_on")
    if (ends_on - starts_on).days > MAX_BREAK_DAYS:
        raise RuleError("health.break-long", field="ends_on")
    db.session.add(
        HealthBreak(
            group_id=group.id, starts_on=starts_on, ends_on=ends_on, reason=reason.strip(), created_by_id=actor.id
        )
    )
    audit(actor, "health.break", group, starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    db.session.flush()
    _refresh_from(group, starts_on)


def group_breaks(group):
    return db.session.scalars(
        select(HealthBreak).where(HealthBreak.group_id == group.id).order_by(HealthBreak.starts_on.desc())
    ).all()


def delete_break(actor, group, break_id):
    row = db.session.get(HealthBreak, break_id)
    if row is None or row.group_id != group.id:
        raise RuleError("health.not-found")
    starts_on = row.starts_on
    db.session.delete(row)
    audit(actor, "health.break_removed", group, starts_on=starts_on.isoformat())
    db.session.flush()
    _refresh_from(group, starts_on)


def record_offline_meeting(actor, group, title, day, attendee_ids):
    """A meeting held outside Krug, with who came, so the indicators count it. Only people who
    were members on that day can have come."""
    if day > utcnow().date():
        raise RuleError("health.future", field="day")
    if day < utcnow().date() - timedelta(days=365):
        raise RuleError("health.too-old", field="day")
    starts_at = datetime.combine(day, time(12, 0), tzinfo=UTC)
    attendees = set(attendee_ids)
    members_then = set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.group_id == group.id,
                Membership.user_id.in_(attendees),
                Membership.role != SPECIALIST,
                Membership.joined_at <= starts_at,
                (Membership.ended_at.is_(None)) | (Membership.ended_at > starts_at),
            )
        )
    )
    if attendees - members_then:
        raise RuleError("health.not-member-then", field="attendees")
    event = Event(
        group_id=group.id,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        status=PUBLISHED,
        offline=True,
        created_by_id=actor.id,
        created_at=starts_at,
    )
    db.session.add(event)
    db.session.flush()
    db.session.add(EventOrganiser(event_id=event.id, user_id=actor.id, status=ACCEPTED, answered_at=starts_at))
    for user_id in attendees:
        db.session.add(
            Registration(
                event_id=event.id,
                user_id=user_id,
                status=GOING,
                attended=True,
                queued_at=starts_at,
                created_at=starts_at,
            )
        )
    event.going_count = len(attendees)
    audit(actor, "health.offline_meeting", event, group_id=group.id, attendees=len(attendees))
    db.session.flush()
    _refresh_from(group, day)
    return event
