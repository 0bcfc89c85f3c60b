"""The indicators of SPEC §4, computed in SQL for many groups at once.

`compute(group_ids, at)` answers every indicator for every group in a fixed number of
queries, whatever the number of groups: each query aggregates with GROUP BY group_id.
Only small per-group results (a few rows per event or request) are finished in Python.

Conventions: a *member* is a parent — specialists and admins are excluded everywhere.
*Active* means attended an event, posted or commented, asked or answered a help request,
or co-organised an event; logging in does not count.
"""

from collections import defaultdict
from datetime import timedelta
from statistics import median

from sqlalchemy import and_, case, func, literal, or_, select, union, union_all
from sqlalchemy.orm import aliased

from community.auth.models import User
from community.events.models import ACCEPTED, Event, EventOrganiser, Registration
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, SPECIALIST, Comment, Group, Membership, Post
from community.mutual_help.models import CLOSED, NEED, RESOLVED, HelpRequest, HelpResponse
from community.orgs.models import Specialist

DAY = timedelta(days=1)
MONTH = timedelta(days=30)
QUARTER = timedelta(days=90)
HALF_YEAR = timedelta(days=180)
ANSWER_WINDOW = timedelta(hours=72)
UNANSWERED_RISK = timedelta(days=7)
MEETING_MIN_ATTENDEES = 3
LEVELS = ("exploring", "participating", "contributing", "leading")


def staff_ids():
    """Specialists and admins: never counted as members."""
    return union(select(Specialist.user_id), select(User.id).where(User.is_admin.is_(True)))


def _parent(column):
    return and_(column.is_not(None), column.not_in(staff_ids()))


# --- building blocks ---------------------------------------------------------------------------


def activity(group_ids, start, end, kinds=None):
    """(group_id, user_id, at, kind) for every activity of a parent in [start, end)."""
    parts = {
        "attend": select(Event.group_id, Registration.user_id.label("user_id"), Event.starts_at.label("at"))
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.attended.is_(True),
            Event.status == "published",
            Event.starts_at >= start,
            Event.starts_at < end,
        ),
        "organise": select(Event.group_id, EventOrganiser.user_id.label("user_id"), Event.starts_at.label("at"))
        .join(Event, Event.id == EventOrganiser.event_id)
        .where(
            EventOrganiser.status == ACCEPTED,
            Event.status == "published",
            Event.starts_at >= start,
            Event.starts_at < end,
        ),
        "post": select(Post.group_id, Post.author_id.label("user_id"), Post.created_at.label("at")).where(
            Post.created_at >= start, Post.created_at < end
        ),
        "comment": select(Post.group_id, Comment.author_id.label("user_id"), Comment.created_at.label("at"))
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.created_at >= start, Comment.created_at < end),
        "ask": select(
            HelpRequest.group_id, HelpRequest.author_id.label("user_id"), HelpRequest.created_at.label("at")
        ).where(HelpRequest.created_at >= start, HelpRequest.created_at < end),
        "answer": select(
            HelpRequest.group_id, HelpResponse.helper_id.label("user_id"), HelpResponse.created_at.label("at")
        )
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(HelpResponse.created_at >= start, HelpResponse.created_at < end),
    }
    selects = []
    for kind, query in parts.items():
        if kinds is None or kind in kinds:
            group_col = query.selected_columns[0]
            user_col = query.selected_columns[1]
            selects.append(
                query.add_columns(literal(kind).label("kind")).where(group_col.in_(group_ids), _parent(user_col))
            )
    return union_all(*selects).subquery("activity")


def _by_group(rows, default=0):
    result = defaultdict(lambda: default)
    for group_id, value in rows:
        result[group_id] = value
    return result


def members_at(group_ids, at):
    """Parent members of each group at a moment."""
    query = (
        select(Membership.group_id, func.count(Membership.id))
        .where(
            Membership.group_id.in_(group_ids),
            Membership.joined_at.is_not(None),
            Membership.joined_at <= at,
            or_(Membership.ended_at.is_(None), Membership.ended_at > at),
            Membership.role != SPECIALIST,
            _parent(Membership.user_id),
        )
        .group_by(Membership.group_id)
    )
    return _by_group(db.session.execute(query).all())


def active_counts(group_ids, start, end):
    act = activity(group_ids, start, end)
    query = select(act.c.group_id, func.count(func.distinct(act.c.user_id))).group_by(act.c.group_id)
    return _by_group(db.session.execute(query).all())


def _month_start(at):
    return (at.day, at.hour, at.minute, at.second, at.microsecond) == (1, 0, 0, 0, 0)


def _month_before(at):
    """A1's window: the calendar month that just ended at a monthly snapshot, else 30 days."""
    if _month_start(at):
        index = at.year * 12 + at.month - 1 - 1
        return at.replace(year=index // 12, month=index % 12 + 1)
    return at - MONTH


def _three_months_before(at):
    """Where A2 and L1's parent-only months start looking: at a monthly snapshot (the first
    instant of a month), the first day of the month two before the one just ended, so that
    every calendar month is counted whole; at any other moment, 90 days back."""
    if _month_start(at):
        index = at.year * 12 + at.month - 1 - 3
        return at.replace(year=index // 12, month=index % 12 + 1)
    return at - 3 * MONTH


def _months_ago(at, moment):
    """Which of the last three months `moment` falls in (0, 1, 2): calendar months at a
    monthly snapshot, 30-day slices at any other moment."""
    if _month_start(at):
        last = at - timedelta(microseconds=1)
        return (last.year - moment.year) * 12 + last.month - moment.month
    return min(2, int((at - moment) / MONTH))


# --- activity: A1, A2, A3 --------------------------------------------------------------------------


def meetings(group_ids, at):
    """Held events of the last 3 months with their parent attendee counts, and the last event."""
    attendees = (
        select(Registration.event_id, func.count(Registration.id).label("n"))
        .where(Registration.attended.is_(True), _parent(Registration.user_id))
        .group_by(Registration.event_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Event.group_id, Event.starts_at, func.coalesce(attendees.c.n, 0))
        .outerjoin(attendees, attendees.c.event_id == Event.id)
        .where(
            Event.group_id.in_(group_ids),
            Event.status == "published",
            Event.status != "draft",
            Event.starts_at >= _three_months_before(at),
            Event.starts_at < at,
        )
    ).all()
    months_with_meeting = defaultdict(set)
    for group_id, starts_at, count in rows:
        if count >= MEETING_MIN_ATTENDEES:
            months_with_meeting[group_id].add(_months_ago(at, starts_at))
    last_event = _by_group(
        db.session.execute(
            select(Event.group_id, func.max(Event.starts_at))
            .where(Event.group_id.in_(group_ids), Event.status == "published", Event.starts_at < at)
            .group_by(Event.group_id)
        ).all(),
        default=None,
    )
    return {g: len(months_with_meeting[g]) for g in group_ids}, last_event


def repeat_attendance(group_ids, at):
    per_person = (
        select(Event.group_id, Registration.user_id, func.count(Registration.id).label("times"))
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.group_id.in_(group_ids),
            Registration.attended.is_(True),
            Event.status == "published",
            Event.starts_at >= at - QUARTER,
            Event.starts_at < at,
            _parent(Registration.user_id),
        )
        .group_by(Event.group_id, Registration.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(per_person.c.group_id, func.count(), func.sum(case((per_person.c.times >= 2, 1), else_=0))).group_by(
            per_person.c.group_id
        )
    ).all()
    return {g: (int(repeat or 0), total) for g, total, repeat in rows}


# --- peer support: P1 to P4 ----------------------------------------------------------------------------


def peer_answers(group_ids, at):
    """Needs of the last 90 days old enough to judge (72 h), with their first peer answer."""
    helper = aliased(User)
    first_peer = (
        select(HelpResponse.request_id, func.min(HelpResponse.created_at).label("first_at"))
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(
            HelpResponse.helper_id != HelpRequest.author_id,
            _parent(HelpResponse.helper_id),
            HelpResponse.created_at < at,
        )
        .group_by(HelpResponse.request_id)
        .subquery()
    )
    rows = db.session.execute(
        select(HelpRequest.group_id, HelpRequest.created_at, first_peer.c.first_at)
        .outerjoin(first_peer, first_peer.c.request_id == HelpRequest.id)
        .where(
            HelpRequest.group_id.in_(group_ids),
            HelpRequest.kind == NEED,
            HelpRequest.offline.is_(False),
            HelpRequest.created_at >= at - QUARTER,
            HelpRequest.created_at <= at - ANSWER_WINDOW,
            _parent(HelpRequest.author_id),
        )
    ).all()
    del helper
    result = {g: {"requests": 0, "answered": 0, "hours": []} for g in group_ids}
    for group_id, created_at, first_at in rows:
        entry = result[group_id]
        entry["requests"] += 1
        if first_at is not None:
            entry["hours"].append((first_at - created_at).total_seconds() / 3600)
            if first_at - created_at <= ANSWER_WINDOW:
                entry["answered"] += 1
    return result


def unanswered_too_long(group_ids, at):
    """Needs still open at `at` with no answer for 7 days (an at-risk signal)."""
    answered_before = select(HelpResponse.request_id).where(HelpResponse.created_at < at)
    query = (
        select(HelpRequest.group_id, func.count(HelpRequest.id))
        .where(
            HelpRequest.group_id.in_(group_ids),
            HelpRequest.kind == NEED,
            HelpRequest.offline.is_(False),
            HelpRequest.hidden_at.is_(None),
            HelpRequest.created_at <= at - UNANSWERED_RISK,
            HelpRequest.created_at >= at - 2 * MONTH,
            HelpRequest.id.not_in(answered_before),
            or_(
                HelpRequest.status.not_in([RESOLVED, CLOSED]),
                func.coalesce(HelpRequest.resolved_at, HelpRequest.closed_at) > at,
            ),
        )
        .group_by(HelpRequest.group_id)
    )
    return _by_group(db.session.execute(query).all())


def _confirmed_help(group_ids, start, end):
    """Help the requester confirmed (resolved saying who helped), between parents. For a
    need the responder gave; for an offer the author gave and the responder received."""
    is_offer = HelpRequest.kind == "offer"
    giver = case((is_offer, HelpRequest.author_id), else_=HelpResponse.helper_id)
    receiver = case((is_offer, HelpResponse.helper_id), else_=HelpRequest.author_id)
    return (
        select(HelpRequest.group_id, giver.label("giver"), receiver.label("receiver"))
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(
            HelpRequest.group_id.in_(group_ids),
            HelpResponse.helped.is_(True),
            HelpResponse.helper_id != HelpRequest.author_id,
            _parent(HelpResponse.helper_id),
            _parent(HelpRequest.author_id),
            func.coalesce(HelpRequest.resolved_at, HelpResponse.created_at) >= start,
            func.coalesce(HelpRequest.resolved_at, HelpResponse.created_at) < end,
        )
    )


def reciprocity(group_ids, at):
    help_rows = _confirmed_help(group_ids, at - HALF_YEAR, at).subquery()
    roles = union_all(
        select(
            help_rows.c.group_id,
            help_rows.c.giver.label("user_id"),
            literal(1).label("gave"),
            literal(0).label("received"),
        ),
        select(
            help_rows.c.group_id,
            help_rows.c.receiver.label("user_id"),
            literal(0).label("gave"),
            literal(1).label("received"),
        ),
    ).subquery()
    per_person = (
        select(
            roles.c.group_id,
            roles.c.user_id,
            func.sum(roles.c.gave).label("gave"),
            func.sum(roles.c.received).label("received"),
        )
        .group_by(roles.c.group_id, roles.c.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            per_person.c.group_id,
            func.count(),
            func.sum(case((and_(per_person.c.gave > 0, per_person.c.received > 0), 1), else_=0)),
        ).group_by(per_person.c.group_id)
    ).all()
    exchanges = _by_group(
        db.session.execute(select(help_rows.c.group_id, func.count()).group_by(help_rows.c.group_id)).all()
    )
    return {g: (int(both or 0), total) for g, total, both in rows}, exchanges


def helper_breadth(group_ids, at):
    """The smallest number of people who gave half of the confirmed help (90 days)."""
    help_rows = _confirmed_help(group_ids, at - QUARTER, at).subquery()
    rows = db.session.execute(
        select(help_rows.c.group_id, help_rows.c.giver, func.count()).group_by(help_rows.c.group_id, help_rows.c.giver)
    ).all()
    per_group = defaultdict(list)
    for group_id, _giver, count in rows:
        per_group[group_id].append(count)
    result = {}
    for group_id, counts in per_group.items():
        counts.sort(reverse=True)
        total, running = sum(counts), 0
        for n, count in enumerate(counts, start=1):
            running += count
            if running * 2 >= total:
                result[group_id] = (n, len(counts), total)
                break
    return result


def connectedness(group_ids, at):
    """Share of active members tied to at least two other members (help, replies, shared events).

    A parent who attended an event with two or more other parents is tied to two people by that
    event alone, so only events with exactly two parent attendees are paired up: pairing every
    attendee with every other grows with the square of attendance (millions of rows at scale)."""
    start = at - QUARTER
    attended = (
        select(Event.group_id, Registration.event_id, Registration.user_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.group_id.in_(group_ids),
            Event.starts_at >= start,
            Event.starts_at < at,
            Event.status == "published",
            Registration.attended.is_(True),
            _parent(Registration.user_id),
        )
        .cte("attended")
    )
    sizes = select(attended.c.event_id, func.count().label("n")).group_by(attended.c.event_id).cte("sizes")
    # Attendees of an event with 3+ parents: tied to two others already (and active: they attended).
    crowd = (
        select(attended.c.group_id, attended.c.user_id.label("a"))
        .join(sizes, sizes.c.event_id == attended.c.event_id)
        .where(sizes.c.n >= 3)
    )
    a1, a2 = aliased(attended), aliased(attended)
    pairs = (
        select(a1.c.group_id, a1.c.user_id.label("a"), a2.c.user_id.label("b"))
        .join(a2, and_(a2.c.event_id == a1.c.event_id, a2.c.user_id != a1.c.user_id))
        .join(sizes, sizes.c.event_id == a1.c.event_id)
        .where(sizes.c.n == 2)
    )
    help_rows = (
        select(HelpRequest.group_id, HelpResponse.helper_id.label("a"), HelpRequest.author_id.label("b"))
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(HelpRequest.group_id.in_(group_ids), HelpResponse.created_at >= start, HelpResponse.created_at < at)
    )
    replies = (
        select(Post.group_id, Comment.author_id.label("a"), Post.author_id.label("b"))
        .join(Post, Post.id == Comment.post_id)
        .where(Post.group_id.in_(group_ids), Comment.created_at >= start, Comment.created_at < at)
    )
    base = union_all(help_rows, replies).subquery()
    both_ways = union(
        select(base.c.group_id, base.c.a, base.c.b),
        select(base.c.group_id, base.c.b.label("a"), base.c.a.label("b")),
        pairs,
    ).subquery()
    act = activity(group_ids, start, at)
    active_people = select(act.c.group_id, act.c.user_id).distinct().subquery()
    ties = (
        select(both_ways.c.group_id, both_ways.c.a)
        .join(
            active_people,
            and_(active_people.c.group_id == both_ways.c.group_id, active_people.c.user_id == both_ways.c.a),
        )
        .where(both_ways.c.a != both_ways.c.b, _parent(both_ways.c.a), _parent(both_ways.c.b))
        .group_by(both_ways.c.group_id, both_ways.c.a)
        .having(func.count(func.distinct(both_ways.c.b)) >= 2)
    )
    people = union(ties, crowd).subquery()
    connected = _by_group(db.session.execute(select(people.c.group_id, func.count()).group_by(people.c.group_id)).all())
    active = active_counts(group_ids, start, at)
    return {g: (connected[g], active[g]) for g in group_ids}


# --- leadership: L1 to L3 --------------------------------------------------------------------------------


def independence(group_ids, at):
    """Items started by parents vs all (parents + specialists): events, threads, help answers."""
    start = at - QUARTER
    items = union_all(
        select(Event.group_id, Event.created_by_id.label("user_id")).where(
            Event.group_id.in_(group_ids), Event.created_at >= start, Event.created_at < at, Event.status != "draft"
        ),
        select(Post.group_id, Post.author_id.label("user_id")).where(
            Post.group_id.in_(group_ids), Post.created_at >= start, Post.created_at < at
        ),
        select(HelpRequest.group_id, HelpResponse.helper_id.label("user_id"))
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(HelpRequest.group_id.in_(group_ids), HelpResponse.created_at >= start, HelpResponse.created_at < at),
    ).subquery()
    is_staff = items.c.user_id.in_(staff_ids())
    rows = db.session.execute(
        select(items.c.group_id, func.sum(case((is_staff, 0), else_=1)), func.sum(case((is_staff, 1), else_=0)))
        .where(items.c.user_id.is_not(None))
        .group_by(items.c.group_id)
    ).all()
    shares = {g: (int(parents or 0), int(parents or 0) + int(staff or 0)) for g, parents, staff in rows}

    organisers = db.session.execute(
        select(
            Event.group_id,
            Event.starts_at,
            func.max(case((EventOrganiser.is_specialist, 1), else_=0)),
            func.max(case((EventOrganiser.is_specialist, 0), else_=1)),
        )
        .join(EventOrganiser, and_(EventOrganiser.event_id == Event.id, EventOrganiser.status == ACCEPTED))
        .where(
            Event.group_id.in_(group_ids),
            Event.status == "published",
            Event.starts_at >= _three_months_before(at),
            Event.starts_at < at,
        )
        .group_by(Event.group_id, Event.id, Event.starts_at)
    ).all()
    parent_only_months = defaultdict(set)
    for group_id, starts_at, has_specialist, has_parent in organisers:
        if has_parent and not has_specialist:
            parent_only_months[group_id].add(_months_ago(at, starts_at))
    return shares, {g: len(parent_only_months[g]) for g in group_ids}


def leader_bench(group_ids, at, start=None):
    """Parents who organised an event or welcomed a newcomer (approved a request)."""
    start = start or at - QUARTER
    people = union(
        select(Event.group_id, EventOrganiser.user_id.label("user_id"))
        .join(Event, Event.id == EventOrganiser.event_id)
        .where(
            Event.group_id.in_(group_ids),
            EventOrganiser.status == ACCEPTED,
            Event.status == "published",
            Event.starts_at >= start,
            Event.starts_at < at,
        ),
        select(Membership.group_id, Membership.decided_by_id.label("user_id")).where(
            Membership.group_id.in_(group_ids),
            Membership.decided_by_id.is_not(None),
            Membership.joined_at >= start,
            Membership.joined_at < at,
        ),
    ).subquery()
    query = (
        select(people.c.group_id, func.count(func.distinct(people.c.user_id)))
        .where(_parent(people.c.user_id))
        .group_by(people.c.group_id)
    )
    return _by_group(db.session.execute(query).all())


def _levels(group_ids, start, end):
    """(group_id, user_id, level) for the highest participation level reached in the window."""
    act = activity(group_ids, start, end)
    level = case(
        (act.c.kind == "organise", 3),
        (act.c.kind.in_(["ask", "answer", "post"]), 2),
        else_=1,
    )
    return (
        select(act.c.group_id, act.c.user_id, func.max(level).label("level"))
        .group_by(act.c.group_id, act.c.user_id)
        .subquery()
    )


def movement(group_ids, at):
    """Members who moved up a participation level this quarter minus those who moved down."""
    now, before = _levels(group_ids, at - QUARTER, at), _levels(group_ids, at - 2 * QUARTER, at - QUARTER)
    roster = (
        select(Membership.group_id, Membership.user_id)
        .where(
            Membership.group_id.in_(group_ids),
            Membership.joined_at.is_not(None),
            Membership.joined_at <= at - QUARTER,
            or_(Membership.ended_at.is_(None), Membership.ended_at > at),
            Membership.role != SPECIALIST,
            _parent(Membership.user_id),
        )
        .subquery()
    )
    level_now = func.coalesce(now.c.level, 0)
    level_before = func.coalesce(before.c.level, 0)
    rows = db.session.execute(
        select(
            roster.c.group_id,
            func.sum(case((level_now > level_before, 1), else_=0)),
            func.sum(case((level_now < level_before, 1), else_=0)),
        )
        .outerjoin(now, and_(now.c.group_id == roster.c.group_id, now.c.user_id == roster.c.user_id))
        .outerjoin(before, and_(before.c.group_id == roster.c.group_id, before.c.user_id == roster.c.user_id))
        .group_by(roster.c.group_id)
    ).all()
    return {g: (int(up or 0), int(down or 0)) for g, up, down in rows}


# --- growth: G1, G2 ------------------------------------------------------------------------------------


def newcomer_activation(group_ids, at):
    """Joiners of the 90 days that ended 30 days ago, active within 30 days of joining."""
    act = activity(group_ids, at - QUARTER - MONTH, at)
    rows = db.session.execute(
        select(Membership.group_id, Membership.joined_at, func.min(act.c.at))
        .outerjoin(
            act,
            and_(
                act.c.group_id == Membership.group_id,
                act.c.user_id == Membership.user_id,
                act.c.at >= Membership.joined_at,
            ),
        )
        .where(
            Membership.group_id.in_(group_ids),
            Membership.joined_at >= at - QUARTER - MONTH,
            Membership.joined_at < at - MONTH,
            Membership.role == "member",
            _parent(Membership.user_id),
        )
        .group_by(Membership.group_id, Membership.id, Membership.joined_at)
    ).all()
    result = defaultdict(lambda: [0, 0])
    for group_id, joined_at, first_at in rows:
        result[group_id][1] += 1
        if first_at is not None and first_at - joined_at <= MONTH:
            result[group_id][0] += 1
    return {g: tuple(result[g]) for g in group_ids}


def retention(group_ids, at):
    """Active last quarter and this quarter ÷ active last quarter."""
    last = activity(group_ids, at - 2 * QUARTER, at - QUARTER)
    this = activity(group_ids, at - QUARTER, at)
    last_people = select(last.c.group_id, last.c.user_id).distinct().subquery()
    this_people = select(this.c.group_id, this.c.user_id).distinct().subquery()
    rows = db.session.execute(
        select(last_people.c.group_id, func.count(), func.count(this_people.c.user_id))
        .outerjoin(
            this_people,
            and_(this_people.c.group_id == last_people.c.group_id, this_people.c.user_id == last_people.c.user_id),
        )
        .group_by(last_people.c.group_id)
    ).all()
    return {g: (stayed, total) for g, total, stayed in rows}


# --- representation: I1 --------------------------------------------------------------------------------


def representation(group_ids, at):
    """Family forms and newcomers vs experienced, among active members, leaders and all members."""
    act = activity(group_ids, at - HALF_YEAR, at)
    active_people = select(act.c.group_id, act.c.user_id).distinct().subquery()
    experience = case(
        (User.experience_years.is_(None), "unknown"), (User.experience_years < 2, "newcomer"), else_="experienced"
    )
    form = func.coalesce(User.family_form, "unknown")
    members = (
        select(Membership.group_id, Membership.user_id, Membership.role)
        .where(
            Membership.group_id.in_(group_ids),
            Membership.status == ACTIVE,
            Membership.role != SPECIALIST,
            _parent(Membership.user_id),
        )
        .subquery()
    )
    result = defaultdict(lambda: {"members": defaultdict(int), "active": defaultdict(int), "leaders": defaultdict(int)})
    for population, query in (
        (
            "members",
            select(members.c.group_id, form, experience, func.count())
            .join(User, User.id == members.c.user_id)
            .group_by(members.c.group_id, form, experience),
        ),
        (
            "leaders",
            select(members.c.group_id, form, experience, func.count())
            .join(User, User.id == members.c.user_id)
            .where(members.c.role == LEADER)
            .group_by(members.c.group_id, form, experience),
        ),
        (
            "active",
            select(active_people.c.group_id, form, experience, func.count())
            .join(User, User.id == active_people.c.user_id)
            .group_by(active_people.c.group_id, form, experience),
        ),
    ):
        for group_id, family_form, level, count in db.session.execute(query).all():
            result[group_id][population][f"form:{family_form}"] += count
            result[group_id][population][f"experience:{level}"] += count
    return {g: {k: dict(v) for k, v in result[g].items()} for g in group_ids}


# --- everything at once -----------------------------------------------------------------------------------


def compute(group_ids, at):
    """Every indicator for every group at the moment `at`: {group_id: {name: value}}.

    Values are plain numbers (and small dicts) so they can be stored in a snapshot. A
    ratio is stored with its numerator and denominator, never alone.
    """
    group_ids = list(group_ids)
    if not group_ids:
        return {}
    created = dict(db.session.execute(select(Group.id, Group.created_at).where(Group.id.in_(group_ids))).all())
    members = members_at(group_ids, at)
    active = active_counts(group_ids, _month_before(at), at)
    year_ago = at.replace(year=at.year - 1) if _month_start(at) else at - timedelta(days=365)
    year_ago_groups = [g for g in group_ids if created[g] <= year_ago]
    active_year_ago = active_counts(year_ago_groups, _month_before(year_ago), year_ago) if year_ago_groups else {}
    rhythm, last_event = meetings(group_ids, at)
    repeat = repeat_attendance(group_ids, at)
    answers = peer_answers(group_ids, at)
    unanswered = unanswered_too_long(group_ids, at)
    reciprocal, exchanges = reciprocity(group_ids, at)
    breadth = helper_breadth(group_ids, at)
    ties = connectedness(group_ids, at)
    shares, parent_only_months = independence(group_ids, at)
    bench = leader_bench(group_ids, at)
    moves = movement(group_ids, at)
    activation = newcomer_activation(group_ids, at)
    kept = retention(group_ids, at)
    mix = representation(group_ids, at)

    result = {}
    for g in group_ids:
        a = answers[g]
        result[g] = {
            "members": members[g],
            "A1": active[g],
            "A1_year_ago": active_year_ago.get(g) if g in year_ago_groups else None,
            "A2": rhythm[g],
            "last_event_at": last_event[g].isoformat() if last_event[g] else None,
            "A3": list(repeat.get(g, (0, 0))),
            "P1": [a["answered"], a["requests"]],
            "P1_median_hours": round(median(a["hours"]), 1) if a["hours"] else None,
            "unanswered_7d": unanswered[g],
            "P2": list(reciprocal.get(g, (0, 0))),
            "exchanges": exchanges[g],
            "P3": list(breadth.get(g, (0, 0, 0))),
            "P4": list(ties[g]),
            "L1": list(shares.get(g, (0, 0))),
            "L1_parent_only_months": parent_only_months[g],
            "L2": bench[g],
            "L3": list(moves.get(g, (0, 0))),
            "G1": list(activation[g]),
            "G2": list(kept.get(g, (0, 0))),
            "I1": mix[g],
        }
    return result
