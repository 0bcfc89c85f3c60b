"""The email digest: one email a day or a week instead of one per happening, for the people
who chose it. It holds the coming week's meetings, the new needs for help and the decisions
of their groups (muted groups left out); nothing new, no email.

`send_digests` runs from the scheduler every hour and is idempotent: each person's digest is
claimed with a conditional UPDATE of `digest_sent_at` in the same transaction as its outbox
row, so two workers, or a run repeated by hand, never send the same period twice, and a run
that fails sends nothing and claims nothing."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload

from community import email
from community.auth.models import EmailFrequency, User
from community.events.models import PUBLISHED, Event
from community.extensions import db
from community.groups.models import ACTIVE, DECISION, SPECIALIST, Group, Membership, Post
from community.jobs import job
from community.models import utcnow
from community.mutual_help.models import NEED, OPEN, HelpRequest

PERIODS = {EmailFrequency.DAILY: timedelta(days=1), EmailFrequency.WEEKLY: timedelta(days=7)}
MEETINGS_AHEAD = timedelta(days=7)
SHOWN = 10


def period_start(frequency, now):
    """The start of the current period in UTC: today, or this week's Monday."""
    day = now.astimezone(UTC).date()
    if frequency == EmailFrequency.WEEKLY:
        day -= timedelta(days=day.weekday())
    return datetime.combine(day, time.min, tzinfo=UTC)


def _due(frequency, now):
    """People with this frequency, a verified address, and no digest in this period yet."""
    start = period_start(frequency, now)
    return db.session.scalars(
        select(User.id).where(
            User.email_frequency == frequency,
            User.email_verified_at.is_not(None),
            or_(User.digest_sent_at.is_(None), User.digest_sent_at < start),
        )
    ).all()


def _claim(user_id, frequency, now):
    """Take this person's digest for the period; False when someone else already did."""
    start = period_start(frequency, now)
    return bool(
        db.session.execute(
            update(User)
            .where(
                User.id == user_id,
                User.email_frequency == frequency,
                or_(User.digest_sent_at.is_(None), User.digest_sent_at < start),
            )
            .values(digest_sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def contents(user, since, now):
    """What a digest for `user` holds: meetings in the coming week, needs and decisions since
    `since`, in their active groups that they have not muted. Three queries."""
    groups = select(Membership.group_id).join(Group, Group.id == Membership.group_id)
    groups = groups.where(
        Membership.user_id == user.id,
        Membership.status == ACTIVE,
        Membership.muted.is_(False),
        Group.archived_at.is_(None),
    )
    meetings = db.session.scalars(
        select(Event)
        .where(
            Event.group_id.in_(groups),
            Event.status == PUBLISHED,
            Event.starts_at >= now,
            Event.starts_at < now + MEETINGS_AHEAD,
        )
        .options(joinedload(Event.group))
        .order_by(Event.starts_at)
        .limit(SHOWN)
    ).all()
    # Sensitive needs only for parents: specialists see totals, never the requests.
    parent_groups = groups.where(Membership.role != SPECIALIST)
    needs = db.session.scalars(
        select(HelpRequest)
        .where(
            HelpRequest.group_id.in_(groups),
            HelpRequest.kind == NEED,
            HelpRequest.status == OPEN,
            HelpRequest.hidden_at.is_(None),
            HelpRequest.created_at >= since,
            or_(HelpRequest.author_id.is_(None), HelpRequest.author_id != user.id),
            or_(HelpRequest.sensitive.is_(False), HelpRequest.group_id.in_(parent_groups)),
        )
        .options(joinedload(HelpRequest.group))
        .order_by(HelpRequest.created_at.desc())
        .limit(SHOWN)
    ).all()
    decisions = db.session.scalars(
        select(Post)
        .where(
            and_(Post.group_id.in_(groups), Post.kind == DECISION, Post.hidden_at.is_(None)),
            Post.created_at >= since,
        )
        .options(joinedload(Post.group))
        .order_by(Post.created_at.desc())
        .limit(SHOWN)
    ).all()
    return {"meetings": meetings, "needs": needs, "decisions": decisions}


def set_muted(membership, muted):
    """Leave a group out of the member's digest (or take it back in)."""
    membership.muted = bool(muted)
    db.session.flush()


@job("notifications.digest")
def send_digests(now=None):
    """Write each due digest to the outbox, once per person and period; skip empty ones.
    Returns how many were written."""
    now = now or utcnow()
    written = 0
    for frequency, length in PERIODS.items():
        for user_id in _due(frequency, now):
            if not _claim(user_id, frequency, now):
                continue
            user = db.session.get(User, user_id)
            found = contents(user, now - length, now)
            if any(found.values()):
                email.send("notifications/digest", user, frequency=frequency, **found)
                written += 1
    db.session.flush()
    return written
