"""Snapshots, breaks, offline meetings, and what the health pages show."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, null, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from community.audit import audit
from community.errors import RuleError
from community.events.models import ACCEPTED, GOING, PUBLISHED, Event, EventOrganiser, Registration
from community.extensions import db
from community.groups.models import Group
from community.health import indicators
from community.health.models import HealthBreak, HealthSnapshot
from community.health.verdict import AT_RISK, evaluate, settle
from community.jobs import job
from community.models import utcnow

HISTORY_MONTHS = 12


# --- periods ---------------------------------------------------------------------------------------


def month_start(day):
    return date(day.year, day.month, 1)


def add_months(period, months):
    index = period.year * 12 + period.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_end(period):
    """The moment a monthly snapshot describes: the first instant of the next month (UTC)."""
    return datetime.combine(add_months(period, 1), time(0), tzinfo=UTC)


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


def _history(group_ids, before):
    """Earlier snapshots per group, newest first: {group_id: [row, ...]}. Rows carry `period`,
    `raw_stage` and, for the last three months only (all the verdict reads), `values`: decoding
    a year of JSON for every group was most of the cost of this query."""
    recent = case((HealthSnapshot.period >= add_months(before, -3), HealthSnapshot.values), else_=null())
    rows = db.session.execute(
        select(HealthSnapshot.group_id, HealthSnapshot.period, HealthSnapshot.raw_stage, recent.label("values"))
        .where(HealthSnapshot.group_id.in_(group_ids), HealthSnapshot.period < before)
        .order_by(HealthSnapshot.period.desc())
    ).all()
    result = {g: [] for g in group_ids}
    for row in rows:
        result[row.group_id].append(row)
    return result


def take_snapshots(periods, group_ids=None):
    """Compute and store the snapshot of each period (oldest first) for each live group.
    Idempotent: a period computed again replaces its snapshot."""
    if group_ids is None:
        group_ids = db.session.scalars(select(Group.id).where(Group.archived_at.is_(None))).all()
    group_ids = list(group_ids)
    if not group_ids:
        return 0
    breaks = breaks_by_group(group_ids)
    stored = 0
    for period in sorted(periods):
        at = period_end(period)
        values = indicators.compute(group_ids, at)
        history = _history(group_ids, period)
        quarter_before = {}
        missing = [g for g in group_ids if not _snapshot_of(history[g], add_months(period, -3))]
        if missing:
            quarter_before.update(indicators.compute(missing, at - indicators.QUARTER))
        rows = []
        for g in group_ids:
            earlier = history[g]
            previous = _snapshot_of(earlier, add_months(period, -3))
            recent = [s.values for s in earlier[:2] if s.period >= add_months(period, -2)]
            verdict = evaluate(values[g], at, previous.values if previous else quarter_before.get(g), recent, breaks[g])
            raw_history = [s.raw_stage for s in reversed(earlier)] + [verdict.stage]
            stage = settle(raw_history)[-1]
            rows.append(
                {
                    "group_id": g,
                    "period": period,
                    "computed_at": utcnow(),
                    "values": values[g],
                    "raw_stage": verdict.stage,
                    "stage": stage,
                    "reasons": [[code, numbers] for code, numbers in verdict.reasons]
                    + [["next_step", {"code": verdict.next_step[0]}]],
                }
            )
        _upsert(rows)
        stored += len(rows)
    db.session.flush()
    return stored


def _snapshot_of(snapshots, period):
    return next((s for s in snapshots if s.period == period), None)


def _upsert(rows):
    """One executemany for all the rows, not one statement per group."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(HealthSnapshot.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["group_id", "period"],
        set_={k: statement.excluded[k] for k in ("computed_at", "values", "raw_stage", "stage", "reasons")},
    )
    db.session.execute(statement, rows)


@job("health.snapshot")
def snapshot_latest(now=None):
    return take_snapshots([last_complete_period(now)])


def backfill(months=HISTORY_MONTHS, now=None):
    last = last_complete_period(now)
    return take_snapshots([add_months(last, -n) for n in range(months - 1, -1, -1)])


# --- what the pages show --------------------------------------------------------------------------


def history(group, months=HISTORY_MONTHS):
    rows = db.session.scalars(
        select(HealthSnapshot)
        .where(HealthSnapshot.group_id == group.id)
        .order_by(HealthSnapshot.period.desc())
        .limit(months)
    ).all()
    return list(reversed(rows))


def group_health(group, now=None):
    """The live indicators, the stage (from the snapshots, or at once if at risk now), and history."""
    now = now or utcnow()
    past = history(group)
    live = indicators.compute([group.id], now)[group.id]
    previous = next((s for s in reversed(past) if s.period <= add_months(month_start(now.date()), -3)), None)
    recent = [s.values for s in reversed(past)][:2]
    verdict = evaluate(live, now, previous.values if previous else None, recent, breaks_by_group([group.id])[group.id])
    if verdict.stage == AT_RISK or not past:
        stage, reasons, next_step = verdict.stage, verdict.reasons, verdict.next_step[0]
    else:
        from community.health.texts import shown_reasons

        latest = past[-1]
        stage = latest.stage
        reasons = shown_reasons(latest)
        next_step = next((numbers["code"] for code, numbers in latest.reasons if code == "next_step"), "")
    return {"values": live, "stage": stage, "reasons": reasons, "next_step": next_step, "history": past}


def organisation_health(organisation):
    """Every live group linked to the organisation with its latest snapshot (two queries)."""
    groups = db.session.scalars(
        select(Group).where(Group.organisation_id == organisation.id, Group.archived_at.is_(None)).order_by(Group.name)
    ).all()
    ids = [g.id for g in groups]
    snapshots = (
        db.session.scalars(
            select(HealthSnapshot)
            .where(
                HealthSnapshot.group_id.in_(ids),
                HealthSnapshot.period >= add_months(last_complete_period(), -(HISTORY_MONTHS - 1)),
            )
            .order_by(HealthSnapshot.period)
        ).all()
        if ids
        else []
    )
    by_group = {g: [] for g in ids}
    for snapshot in snapshots:
        by_group[snapshot.group_id].append(snapshot)
    return [(group, by_group[group.id]) for group in groups]


# --- leaders' records ----------------------------------------------------------------------------------


def declare_break(actor, group, starts_on, ends_on, reason):
    if ends_on < starts_on:
        raise RuleError("health.break-order", field="ends_on")
    if (ends_on - starts_on).days > 120:
        raise RuleError("health.break-long", field="ends_on")
    db.session.add(
        HealthBreak(
            group_id=group.id, starts_on=starts_on, ends_on=ends_on, reason=reason.strip(), created_by_id=actor.id
        )
    )
    audit(actor, "health.break", group, starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    db.session.flush()


def group_breaks(group):
    return db.session.scalars(
        select(HealthBreak).where(HealthBreak.group_id == group.id).order_by(HealthBreak.starts_on.desc())
    ).all()


def delete_break(actor, group, break_id):
    row = db.session.get(HealthBreak, break_id)
    if row is None or row.group_id != group.id:
        raise RuleError("health.not-found")
    db.session.delete(row)
    db.session.flush()


def record_offline_meeting(actor, group, title, day, attendee_ids):
    """A meeting held outside Krug, with who came, so the indicators count it."""
    if day > utcnow().date():
        raise RuleError("health.future", field="day")
    if day < utcnow().date() - timedelta(days=365):
        raise RuleError("health.too-old", field="day")
    starts_at = datetime.combine(day, time(12, 0), tzinfo=UTC)
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
    for user_id in set(attendee_ids):
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
    event.going_count = len(set(attendee_ids))
    audit(actor, "health.offline_meeting", event, group_id=group.id, attendees=len(set(attendee_ids)))
    db.session.flush()
    return event
