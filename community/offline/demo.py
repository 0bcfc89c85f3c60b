"""The demo's member without an account: Галина Петровна, who has no smartphone, in the demo
leader's group. The leader added her with her consent, registered her for the next meeting,
and she came to the last one held."""

from datetime import timedelta

from sqlalchemy import select, update

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
        # She came to the last meeting too. The leader put her name down before it (a place is
        # taken only before an event starts: the event is brought back to then for that step,
        # the one thing no service does), then ticked her in with the others who came.
        starts_at, ends_at = held.starts_at, held.ends_at
        held.starts_at, held.ends_at = now + timedelta(days=1), now + timedelta(days=1) + (ends_at - starts_at)
        service.register(leader, offline, held)
        held.starts_at, held.ends_at = starts_at, ends_at  # History
        came = [r.user_id for r in registration.registrations(held, statuses=(GOING,)) if r.attended]
        registration.mark_attendance(leader, held, [*came, offline.user_id])
        db.session.execute(
            update(Registration)
            .where(Registration.event_id == held.id, Registration.user_id == offline.user_id)
            .values(queued_at=held.created_at, created_at=held.created_at)  # History
            .execution_options(synchronize_session=False)
        )
    return offline
