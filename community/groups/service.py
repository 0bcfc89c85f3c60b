"""What can happen to a group and its members: the verbs, their rules, their transactions."""

from datetime import timedelta
from functools import cache

from slugify import slugify
from sqlalchemy import bindparam, case, exists, false, func, or_, select, update
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload, with_expression

from community.audit import audit
from community.auth.models import User
from community.errors import RuleError
from community.extensions import db
from community.groups.models import (
    ACTIVE,
    APPROVAL,
    DECLINED,
    ENGAGEMENT_ROLES,
    LEADER,
    LEFT,
    MEMBER,
    OPEN,
    PENDING,
    REMOVED,
    SPECIALIST,
    EngagementRole,
    EngagementStatus,
    Group,
    Membership,
)
from community.i18n import is_valid_timezone
from community.models import utcnow
from community.notifications.service import mark_read, notify
from community.orgs.models import Specialist
from community.paging import paged, paginate
from community.urls import path_for

PAGE_SIZE = 20


# --- reading ---------------------------------------------------------------------------


def search_key(*parts):
    """Lower-case text to search in: SQLite's lower() knows only ASCII, so we store it.
    The parts are joined with " | " so that "name | city" is unambiguous for `name_taken`."""
    return " | ".join(" ".join(p.lower().split()) for p in parts if p)[:300]


def directory(query="", page=1, near=""):
    """One page of live groups matching `query` (name, city or region, however spelt) and
    which of them are parent-led: one query (two when the page is full: the count) whatever
    the number of groups. With `near` (the viewer's city), groups in that city come first,
    then the ones in its region."""
    from community.groups.search import query_words, region_of, skeleton

    words = query_words(query)
    nothing = bool((query or "").strip()) and not words  # only signs ("%", "'--"): they name no group
    city = skeleton(near)
    region = region_of(near) if city else None
    params = {f"word{n}": f"%{_like(word)}%" for n, word in enumerate(words)}
    if city:
        params.update(city_inside=f"%| {_like(city)} |%", city_last=f"%| {_like(city)}", region=region)
    statement = _directory_query(len(words), nothing, bool(city), bool(region))
    groups = paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False, params=params)
    return groups, {group.id for group in groups.items if group.parent_led}


def _like(text):
    """`text` for a LIKE pattern with ESCAPE '/': its own / % and _ stand for themselves."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


@cache
def _directory_query(words, nothing, near, in_region):
    """`directory`'s statements, built once per shape with bound parameters."""
    conditions = [Group.archived_at.is_(None)]
    if nothing:
        conditions.append(false())
    conditions += [Group.search_index.like(bindparam(f"word{n}"), escape="/") for n in range(words)]
    order = [Group.member_count.desc(), Group.name]
    if near:
        in_city = or_(
            Group.search_index.like(bindparam("city_inside"), escape="/"),
            Group.search_index.like(bindparam("city_last"), escape="/"),
        )
        region = Group.region == bindparam("region") if in_region else false()
        order.insert(0, case((in_city, 0), (region, 1), else_=2))
    return paged(select(Group).where(*conditions).order_by(*order).options(with_parent_led()))


def is_near(group, city):
    """Is `group` in `city` or its region (for the directory's "near you" mark)?"""
    from community.groups.search import region_of, skeleton

    if not city:
        return False
    region = region_of(city)
    return skeleton(group.city) == skeleton(city) or bool(region and group.region == region)


def _parent_leaders(leader=Membership):
    """The conditions of an active leader who is a parent, not a specialist."""
    return (leader.role == LEADER, leader.status == ACTIVE, leader.user_id.not_in(select(Specialist.user_id)))


def parent_led_ids(group_ids):
    """Which of these groups have an active leader who is a parent, not a specialist."""
    if not group_ids:
        return set()
    return set(
        db.session.scalars(
            select(Membership.group_id).where(Membership.group_id.in_(group_ids), *_parent_leaders()).distinct()
        )
    )


@cache
def with_parent_led():
    """A loader option: `Group.parent_led` answered in the query that loads the groups (built
    once: making the alias costs more than the query)."""
    leader = aliased(Membership)  # the query may join the viewer's own membership
    led = exists().where(leader.group_id == Group.id, *_parent_leaders(leader)).correlate(Group)
    return with_expression(Group.parent_led, led)


def is_parent_led(group):
    if group.parent_led is not None:  # loaded with the group
        return group.parent_led
    return group.id in parent_led_ids([group.id])


MEMBERS_PAGE_SIZE = 50


def members_page(group, page=1, name=""):
    """One page of the group's active members, leaders first, then by name; `name` narrows
    it to the names containing it. A `paginate` result, three queries at most at any size."""
    conditions = [Membership.group_id == group.id, Membership.status == ACTIVE]
    name = " ".join((name or "").split())[:80]
    if name:
        conditions.append(User.display_name.icontains(name, autoescape=True))
    return paginate(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(*conditions)
        .options(contains_eager(Membership.user), selectinload(Membership.engagement_roles))
        .order_by(
            (Membership.role == LEADER).desc(),
            (Membership.role == SPECIALIST).desc(),
            User.display_name,
            Membership.id,
        ),
        page=page,
        per_page=MEMBERS_PAGE_SIZE,
        error_out=False,
    )


def active_members(group):
    """Active memberships with their users, leaders first (two queries, whatever the size)."""
    return db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group.id, Membership.status == ACTIVE)
        .options(joinedload(Membership.user), selectinload(Membership.engagement_roles))
        .order_by((Membership.role == LEADER).desc(), (Membership.role == SPECIALIST).desc(), Membership.joined_at)
    ).all()


def pending_requests(group):
    return db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group.id, Membership.status == PENDING)
        .options(joinedload(Membership.user))
        .order_by(Membership.requested_at)
    ).all()


def pending_count(group):
    return db.session.scalar(
        select(func.count(Membership.id)).where(Membership.group_id == group.id, Membership.status == PENDING)
    )


def my_groups(user):
    """The groups where `user` is active or waiting, for the home page."""
    return db.session.execute(
        select(Group, Membership)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id, Membership.status.in_([ACTIVE, PENDING]), Group.archived_at.is_(None))
        .order_by(Group.name)
    ).all()


def leaders_of(group):
    return db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, Membership.role == LEADER, Membership.status == ACTIVE)
    ).all()


ADMIN_VISITS_SHOWN = timedelta(days=90)


def admin_visits(group):
    """What installation admins (not in the group) opened here in the last 90 days, newest
    first: each row (when, who, which page, which help request) for the leaders to see."""
    from community.audit import AuditEvent
    from community.groups.access import ADMIN_READ

    return db.session.execute(
        select(AuditEvent.at, User.display_name, AuditEvent.detail)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.action == ADMIN_READ,
            AuditEvent.target_type == "group",
            AuditEvent.target_id == group.id,
            AuditEvent.at >= utcnow() - ADMIN_VISITS_SHOWN,
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(200)
    ).all()


def get_membership(group, membership_id):
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.group_id != group.id:
        return None
    return membership


# --- creating and editing ----------------------------------------------------------------


def unique_slug(name):
    base = slugify(name, max_length=60, word_boundary=True) or "group"
    taken = set(db.session.scalars(select(Group.slug).where(or_(Group.slug == base, Group.slug.like(f"{base}-%")))))
    if base not in taken and base not in RESERVED_SLUGS:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


RESERVED_SLUGS = {"new", "search", "mine"}


def name_taken(name, city, exclude_id=None):
    """Two live groups in one city must not share a name: people would confuse them."""
    query = select(Group.id).where(Group.search_text == search_key(name, city), Group.archived_at.is_(None))
    if exclude_id:
        query = query.where(Group.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def create_group(user, name, city, description, how_to_join, join_policy, timezone="Europe/Moscow"):
    """Create a group; its creator becomes its first leader."""
    if not user.email_verified:
        raise RuleError("groups.unverified")
    if name_taken(name, city):
        raise RuleError("groups.name-taken", field="name")
    group = Group(
        name=name.strip(),
        slug=unique_slug(name),
        city=city.strip(),
        description=description.strip(),
        how_to_join=how_to_join.strip(),
        join_policy=join_policy if join_policy in (OPEN, APPROVAL) else APPROVAL,
        timezone=timezone if is_valid_timezone(timezone) else "Europe/Moscow",
        search_text=search_key(name, city),
    )
    db.session.add(group)
    db.session.flush()
    now = utcnow()
    db.session.add(Membership(group=group, user=user, role=LEADER, status=ACTIVE, requested_at=now, joined_at=now))
    db.session.flush()
    _recount(group)
    audit(user, "group.create", group)
    db.session.flush()
    return group


def update_group(actor, group, name, city, description, how_to_join, join_policy, timezone=None):
    if name_taken(name, city, exclude_id=group.id):
        raise RuleError("groups.name-taken", field="name")
    group.name, group.city = name.strip(), city.strip()
    group.description, group.how_to_join = description.strip(), how_to_join.strip()
    group.join_policy = join_policy if join_policy in (OPEN, APPROVAL) else group.join_policy
    if timezone and is_valid_timezone(timezone):
        group.timezone = timezone
    group.search_text = search_key(group.name, group.city)
    db.session.flush()


def archive_group(actor, group):
    """Archive: the group leaves the directory and becomes read-only for its members."""
    if group.archived_at is None:
        group.archived_at = utcnow()
        audit(actor, "group.archive", group)
        db.session.flush()


def lock_group(group):
    """Take the group's row lock and re-read it. Every change to the group's memberships
    happens under it, one transaction at a time, so "a group keeps one leader" and the member
    count hold under concurrent requests (SQLite's single writer gives the same on its own)."""
    db.session.flush()
    db.session.execute(select(Group.id).where(Group.id == group.id).with_for_update())
    db.session.refresh(group)


def _current(membership):
    """The membership as the database holds it now (after the lock), not as first loaded."""
    db.session.refresh(membership)
    return membership


def _recount(group):
    """The member count follows the rows: recomputed under the group's lock after each change."""
    group.member_count = db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.group_id == group.id, Membership.status == ACTIVE, Membership.role != SPECIALIST
        )
    )


# --- joining and leaving ------------------------------------------------------------------


def join_group(user, group, message=""):
    """Join an open group at once, or ask to join a group that admits by approval."""
    lock_group(group)
    if group.archived_at is not None:
        raise RuleError("groups.archived")
    membership = db.session.scalar(
        select(Membership)
        .where(Membership.group_id == group.id, Membership.user_id == user.id)
        .execution_options(populate_existing=True)
    )
    if membership is not None and membership.status in (ACTIVE, PENDING):
        raise RuleError("groups.already-" + membership.status)
    # Someone a leader removed must ask again, even in an open group.
    needs_approval = group.join_policy == APPROVAL or (membership is not None and membership.status == REMOVED)
    now = utcnow()
    if membership is None:
        membership = Membership(group=group, user=user, role=MEMBER)
        db.session.add(membership)
    membership.role = MEMBER
    membership.requested_at = now
    membership.request_message = (message or "").strip()[:1000]
    membership.reason, membership.ended_at, membership.decided_by_id = "", None, None
    data = {"name": user.display_name, "group": group.name}
    if needs_approval:
        membership.status = PENDING
        membership.joined_at = None
        for leader in leaders_of(group):
            notify(
                leader,
                "join.requested",
                path_for("groups.requests", slug=group.slug),
                email_template="groups/join_requested",
                message=membership.request_message,
                actor=user,
                **data,
            )
    else:
        membership.status = ACTIVE
        membership.joined_at = now
        for leader in leaders_of(group):
            notify(leader, "join.joined", path_for("groups.members", slug=group.slug), actor=user, **data)
    db.session.flush()
    _recount(group)
    db.session.flush()
    return membership


def _decide(actor, membership, new_status, reason=""):
    """Approve or decline once: a conditional update, so two leaders cannot both decide."""
    now = utcnow()
    values = {"status": new_status, "decided_by_id": actor.id, "reason": (reason or "").strip()[:1000]}
    if new_status == ACTIVE:
        values["joined_at"] = now
    else:
        values["ended_at"] = now
    decided = db.session.execute(
        update(Membership)
        .where(Membership.id == membership.id, Membership.status == PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not decided:
        raise RuleError("groups.already-decided")
    db.session.refresh(membership)


def approve_request(actor, membership):
    group = membership.group
    lock_group(group)
    _decide(actor, membership, ACTIVE)
    _recount(group)
    notify(
        membership.user,
        "join.approved",
        path_for("groups.detail", slug=group.slug),
        email_template="groups/join_approved",
        force_email=True,
        group=group.name,
    )
    db.session.flush()


def decline_request(actor, membership, reason=""):
    group = membership.group
    _decide(actor, membership, DECLINED, reason)
    notify(
        membership.user,
        "join.declined",
        path_for("groups.detail", slug=group.slug),
        email_template="groups/join_declined",
        force_email=True,
        group=group.name,
        reason=membership.reason,
    )
    db.session.flush()


def _active_leader_count(group):
    return db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.group_id == group.id, Membership.role == LEADER, Membership.status == ACTIVE
        )
    )


def leave_group(user, group):
    lock_group(group)
    membership = db.session.scalar(
        select(Membership)
        .where(Membership.group_id == group.id, Membership.user_id == user.id, Membership.status.in_([ACTIVE, PENDING]))
        .execution_options(populate_existing=True)
    )
    if membership is None:
        raise RuleError("groups.not-member")
    if membership.is_leader and _active_leader_count(group) <= 1 and group.archived_at is None:
        raise RuleError("groups.last-leader")
    end_membership(membership, LEFT)


def end_membership(membership, status):
    """Close a membership (the caller holds the group's lock) and everything it opened: places
    at coming events, co-organiser and engagement roles, open help requests (`leaving.py`)."""
    from community.groups.leaving import close_what_membership_opened

    was_active = membership.status == ACTIVE
    membership.status = status
    membership.ended_at = utcnow()
    if membership.role == LEADER:
        membership.role = MEMBER
    db.session.flush()
    if was_active:
        close_what_membership_opened(membership)
    _recount(membership.group)
    db.session.flush()


def remove_member(actor, membership, reason):
    """A leader removes someone, with a reason; audited, and the person is told."""
    group = membership.group
    lock_group(group)
    _current(membership)
    if membership.status != ACTIVE:
        raise RuleError("groups.not-member")
    if membership.user_id == actor.id:
        raise RuleError("groups.remove-self")
    if membership.role == LEADER and _active_leader_count(group) <= 1:
        raise RuleError("groups.last-leader")
    membership.decided_by_id = actor.id
    membership.reason = (reason or "").strip()[:1000]
    end_membership(membership, REMOVED)
    audit(actor, "member.remove", membership.user, group_id=group.id, reason=membership.reason)
    notify(
        membership.user,
        "member.removed",
        path_for("groups.detail", slug=group.slug),
        email_template="groups/member_removed",
        force_email=True,
        group=group.name,
        reason=membership.reason,
    )
    db.session.flush()


# --- leadership -------------------------------------------------------------------------------


def make_leader(actor, membership):
    """Appoint a co-leader (a group may have several)."""
    group = membership.group
    lock_group(group)
    _current(membership)
    if membership.status != ACTIVE or membership.role == SPECIALIST:
        raise RuleError("groups.cannot-lead")
    if membership.role == LEADER:
        raise RuleError("groups.already-leader")
    membership.role = LEADER
    audit(actor, "member.make_leader", membership.user, group_id=group.id)
    notify(
        membership.user,
        "role.leader",
        path_for("groups.detail", slug=group.slug),
        email_template="groups/made_leader",
        group=group.name,
    )
    db.session.flush()


def step_down(actor, membership):
    """A leader stops leading (themselves, or a co-leader); one leader always remains."""
    group = membership.group
    lock_group(group)
    _current(membership)
    if not membership.is_leader:
        raise RuleError("groups.not-leader")
    if _active_leader_count(group) <= 1:
        raise RuleError("groups.last-leader")
    membership.role = MEMBER
    audit(actor, "member.step_down", membership.user, group_id=group.id)
    db.session.flush()


def hand_over(actor, actor_membership, successor):
    """Pass leadership to another member in one step: they lead, the actor steps down."""
    if successor.id == actor_membership.id:
        raise RuleError("groups.hand-over-self")
    if successor.role != LEADER:
        make_leader(actor, successor)
    step_down(actor, actor_membership)


# --- engagement roles -----------------------------------------------------------------------


def offer_engagement_role(actor, membership, role):
    if role not in ENGAGEMENT_ROLES:
        raise RuleError("groups.bad-role")
    if membership.status != ACTIVE:
        raise RuleError("groups.not-member")
    existing = db.session.scalar(
        select(EngagementRole).where(
            EngagementRole.membership_id == membership.id,
            EngagementRole.role == role,
            EngagementRole.opportunity_id.is_(None),
        )
    )
    if existing is not None and existing.status in (EngagementStatus.OFFERED, EngagementStatus.ACCEPTED):
        raise RuleError("groups.role-already")
    if existing is None:
        existing = EngagementRole(membership=membership, role=role)
        db.session.add(existing)
    existing.status, existing.offered_by_id, existing.created_at = EngagementStatus.OFFERED, actor.id, utcnow()
    notify(
        membership.user,
        "engagement.offered",
        path_for("groups.my_roles", slug=membership.group.slug),
        email_template="groups/engagement_offered",
        group=membership.group.name,
        role=role,
    )
    db.session.flush()
    return existing


def answer_engagement_role(user, engagement, accept):
    if engagement.membership.user_id != user.id:
        raise RuleError("groups.not-yours")
    answered = db.session.execute(
        update(EngagementRole)
        .where(EngagementRole.id == engagement.id, EngagementRole.status == EngagementStatus.OFFERED)
        .values(status=EngagementStatus.ACCEPTED if accept else EngagementStatus.DECLINED)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not answered:
        raise RuleError("groups.already-decided")
    db.session.refresh(engagement)
    if not _offers_waiting(engagement.membership):  # answered: the offer is no longer news
        mark_read(user, "engagement.offered", path_for("groups.my_roles", slug=engagement.membership.group.slug))
    if engagement.offered_by_id:
        offered_by = db.session.get(User, engagement.offered_by_id)
        notify(
            offered_by,
            "engagement.answered",
            path_for("groups.members", slug=engagement.membership.group.slug),
            actor=user,
            name=user.display_name,
            role=engagement.role,
        )
    db.session.flush()


def _offers_waiting(membership):
    return db.session.scalar(
        select(func.count(EngagementRole.id)).where(
            EngagementRole.membership_id == membership.id, EngagementRole.status == EngagementStatus.OFFERED
        )
    )


def end_engagement_role(actor, engagement):
    """The member or a leader ends a role (one held through an opportunity ends there)."""
    if engagement.opportunity_id is not None:
        raise RuleError("groups.role-from-opportunity")
    db.session.delete(engagement)
    db.session.flush()
