"""What a signed-in person sees first: what is new for them, in the order they act on it.

Every reader below is one query over all the person's groups (never one per group), so the
home page costs the same handful of queries for a newcomer and for a leader of ten groups."""

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from community.extensions import db
from community.groups.models import ACTIVE, DECISION, LEADER, PENDING, SPECIALIST, Group, Membership, Post
from community.models import utcnow
from community.mutual_help.models import IN_PROGRESS, NEED, OPEN, HelpRequest, HelpResponse, HelpSubscription

MEETINGS_SHOWN = 3
HELP_SHOWN = 5
MY_REQUESTS_SHOWN = 5
AT_RISK_SHOWN = 10
URGENCY_ORDER = {"today": 0, "week": 1, "whenever": 2}


@dataclass
class GroupNews:
    """One of my groups, my place in it, and what appeared there since my last visit."""

    group: Group
    membership: Membership
    new_posts: int = 0
    new_decisions: int = 0

    @property
    def is_pending(self):
        return self.membership.status == PENDING


@dataclass
class LeaderNews:
    """For a group I lead: who waits to join, which needs nobody answered, what the monthly
    health check warns about."""

    group: Group
    waiting: int = 0
    unanswered: int = 0
    warnings: list = field(default_factory=list)

    @property
    def has_news(self):
        return bool(self.waiting or self.unanswered or self.warnings)


def my_memberships(user):
    """(group, membership) for every live group where I am active or waiting, by name."""
    return db.session.execute(
        select(Group, Membership)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id, Membership.status.in_([ACTIVE, PENDING]), Group.archived_at.is_(None))
        .order_by(Group.name)
    ).all()


def group_news(user, memberships):
    """My groups with the posts and decisions others wrote since I last opened each (or since
    I joined). One query."""
    news = [GroupNews(group, m) for group, m in memberships]
    active = {n.group.id: n for n in news if n.membership.status == ACTIVE}
    if not active:
        return news
    since = func.coalesce(Membership.last_seen_at, Membership.joined_at, Membership.requested_at)
    rows = db.session.execute(
        select(
            Post.group_id,
            func.count(Post.id),
            func.count(case((Post.kind == DECISION, Post.id))),
        )
        .join(Membership, and_(Membership.group_id == Post.group_id, Membership.user_id == user.id))
        .where(
            Post.group_id.in_(list(active)),
            Post.hidden_at.is_(None),
            or_(Post.author_id.is_(None), Post.author_id != user.id),
            Post.created_at > since,
        )
        .group_by(Post.group_id)
    ).all()
    for group_id, posts, decisions in rows:
        active[group_id].new_posts = posts - decisions
        active[group_id].new_decisions = decisions
    return news


def help_to_answer(user, limit=HELP_SHOWN):
    """Open needs of others in my groups that I have not answered: the kinds of help I asked
    to hear about first, then the ones nobody answered, the most urgent, the newest. Sensitive
    ones only where I am a parent (specialists see totals). One query."""
    mine = aliased(Membership)
    my_categories = select(HelpSubscription.category).where(HelpSubscription.user_id == user.id)
    answered = select(HelpResponse.request_id).where(HelpResponse.helper_id == user.id)
    urgency = case(*[(HelpRequest.urgency == u, n) for u, n in URGENCY_ORDER.items()], else_=len(URGENCY_ORDER))
    is_mine = HelpRequest.category.in_(my_categories)
    rows = db.session.execute(
        select(HelpRequest, is_mine)
        .join(Group, Group.id == HelpRequest.group_id)
        .join(mine, and_(mine.group_id == HelpRequest.group_id, mine.user_id == user.id, mine.status == ACTIVE))
        .where(
            Group.archived_at.is_(None),
            HelpRequest.kind == NEED,
            HelpRequest.status == OPEN,
            HelpRequest.hidden_at.is_(None),
            or_(HelpRequest.author_id.is_(None), HelpRequest.author_id != user.id),
            HelpRequest.id.not_in(answered),
            or_(HelpRequest.sensitive.is_(False), mine.role != SPECIALIST),
        )
        .options(joinedload(HelpRequest.group))
        .order_by(is_mine.desc(), (HelpRequest.response_count == 0).desc(), urgency, HelpRequest.created_at.desc())
        .limit(limit)
    ).all()
    return [(request, bool(in_my_categories)) for request, in_my_categories in rows]


def answers_to_my_requests(user, limit=MY_REQUESTS_SHOWN):
    """My needs and offers still on, that someone answered: the latest answer first. One query."""
    latest = func.max(HelpResponse.created_at).label("latest")
    answers = (
        select(HelpResponse.request_id, latest, func.count(HelpResponse.accepted_at).label("accepted"))
        .group_by(HelpResponse.request_id)
        .subquery()
    )
    return db.session.execute(
        select(HelpRequest, answers.c.latest, answers.c.accepted)
        .join(answers, answers.c.request_id == HelpRequest.id)
        .join(Group, Group.id == HelpRequest.group_id)
        .where(
            HelpRequest.author_id == user.id,
            HelpRequest.status.in_([OPEN, IN_PROGRESS]),
            HelpRequest.hidden_at.is_(None),
            Group.archived_at.is_(None),
        )
        .options(joinedload(HelpRequest.group))
        .order_by(answers.c.latest.desc())
        .limit(limit)
    ).all()


def leader_news(user, memberships):
    """For each group I lead: join requests waiting, needs nobody answered, and the warnings of
    its latest monthly health check. Three queries whatever the number of groups."""
    from community.health.models import HealthSnapshot
    from community.health.texts import explained

    led = {g.id: LeaderNews(g) for g, m in memberships if m.status == ACTIVE and m.role == LEADER}
    if not led:
        return []
    ids = list(led)
    for group_id, count in db.session.execute(
        select(Membership.group_id, func.count(Membership.id))
        .where(Membership.group_id.in_(ids), Membership.status == PENDING)
        .group_by(Membership.group_id)
    ):
        led[group_id].waiting = count
    for group_id, count in db.session.execute(
        select(HelpRequest.group_id, func.count(HelpRequest.id))
        .where(
            HelpRequest.group_id.in_(ids),
            HelpRequest.kind == NEED,
            HelpRequest.status == OPEN,
            HelpRequest.response_count == 0,
            HelpRequest.hidden_at.is_(None),
        )
        .group_by(HelpRequest.group_id)
    ):
        led[group_id].unanswered = count
    for group_id, explanation in db.session.execute(_latest_snapshots(ids, HealthSnapshot.explanation)):
        led[group_id].warnings = explained(explanation)["warnings"]
    return [news for news in led.values() if news.has_news]


def _latest_snapshots(group_ids, *columns):
    """(group_id, *columns) of each group's latest monthly health snapshot."""
    from community.health.models import HealthSnapshot

    latest = (
        select(HealthSnapshot.group_id, func.max(HealthSnapshot.period).label("period"))
        .where(HealthSnapshot.group_id.in_(group_ids))
        .group_by(HealthSnapshot.group_id)
        .subquery()
    )
    return select(HealthSnapshot.group_id, *columns).join(
        latest, and_(latest.c.group_id == HealthSnapshot.group_id, latest.c.period == HealthSnapshot.period)
    )


def groups_at_risk(organisation_ids, limit=AT_RISK_SHOWN):
    """For specialists: the live groups of my organisations whose latest monthly check says
    *at risk*, each with the next step it suggests. One query."""
    from community.health.models import HealthSnapshot
    from community.health.texts import explained

    if not organisation_ids:
        return []
    groups = select(Group.id).where(Group.organisation_id.in_(organisation_ids), Group.archived_at.is_(None))
    query = (
        _latest_snapshots(groups, HealthSnapshot.explanation, Group)
        .join(Group, Group.id == HealthSnapshot.group_id)
        .where(HealthSnapshot.stage == "at_risk")
        .order_by(Group.name)
        .limit(limit)
    )
    return [(group, explained(explanation, hide_small=True)) for _id, explanation, group in db.session.execute(query)]


def mark_group_seen(membership, every_seconds=300):
    """Remember that the member opened the group's page (at most one write per few minutes)."""
    now = utcnow()
    if membership.last_seen_at is None or (now - membership.last_seen_at).total_seconds() > every_seconds:
        membership.last_seen_at = now
