"""What a membership opened, closed when it ends: leaving, removal, the end of a
specialist's link, or the deletion of the account.

- places at the group's coming events are given up, each under its event's lock, so the
  waiting list moves up at once;
- co-organiser roles and invitations of events still to come end (past events keep who
  organised them: that is the group's history);
- engagement roles (consultant, ambassador, …) end;
- the person's open help requests in the group are closed.

The rest follows active memberships by itself: the private calendar feed and reminders
show only events of groups the person is in, help threads and notices reach only members.
"""

from sqlalchemy import delete, or_, select

from community.events import registration as places
from community.events.models import Event, EventOrganiser
from community.extensions import db
from community.groups.models import EngagementRole
from community.models import utcnow
from community.mutual_help import service as mutual_help


def close_what_membership_opened(membership):
    """Undo what being in the group gave `membership`'s person (the caller holds the group's lock)."""
    user_id, group_id = membership.user_id, membership.group_id
    places.withdraw_from_group(user_id, group_id)
    _end_organiser_roles(user_id, group_id)
    db.session.execute(delete(EngagementRole).where(EngagementRole.membership_id == membership.id))
    mutual_help.close_requests_of(user_id, group_id)


def _end_organiser_roles(user_id, group_id):
    coming = select(Event.id).where(Event.group_id == group_id, or_(Event.ends_at > utcnow(), Event.status == "draft"))
    db.session.execute(
        delete(EventOrganiser)
        .where(EventOrganiser.user_id == user_id, EventOrganiser.event_id.in_(coming))
        .execution_options(synchronize_session="fetch")
    )
