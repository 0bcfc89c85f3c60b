"""The demo's member without an account: Галина Петровна, who has no smartphone, in the demo
leader's group. The leader added her with her consent, registered her for the next meeting,
and she came to the last one held."""

from sqlalchemy import select

from community.events import registration
from community.events.models import GOING, PUBLISHED, Event, Registration
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, Group, Membership
from community.models import utcnow
from community.offline import service


def seed_offline(known):
    leader = known["leader"]
    group = db.session.scalar(
        select(Group)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == leader.id, Membership.role == LEADER, Membership.status == ACTIVE)
        .order_by(Group.id)
    )
    if group is None:
        return None
    offline = service.add(
        leader,
        group,
        "Галина Петровна",
        "+7 916 555-01-02",
        "Записывать на встречи группы и звонить о них; телефон — только ведущим.",
    )
    now = utcnow()
    coming = db.session.scalar(
        select(Event)
        .where(Event.group_id == group.id, Event.status == PUBLISHED, Event.starts_at > now)
        .order_by(Event.starts_at)
    )
    if coming is not None:
        service.register(leader, offline, coming)
    held = db.session.scalar(
        select(Event)
        .where(Event.group_id == group.id, Event.status == PUBLISHED, Event.ends_at < now)
        .order_by(Event.starts_at.desc())
    )
    if held is not None and (held.capacity is None or held.going_count < held.capacity):
        db.session.add(
            Registration(
                event_id=held.id, user_id=offline.user_id, status=GOING, queued_at=held.created_at, attended=True
            )
        )
        db.session.flush()
        registration.recount(held)
    return offline
