"""One place that answers "what may this person do with this event"."""

from dataclasses import dataclass

from flask import abort

from community.events import service
from community.events.models import (
    ACCEPTED,
    CANCELLED,
    DRAFT,
    GOING,
    INVITED,
    PUBLISHED,
    WAITLISTED,
    Event,
    EventOrganiser,
    Registration,
)
from community.groups.access import GroupAccess, access_for, note_admin_read
from community.models import utcnow


@dataclass(frozen=True)
class EventAccess:
    """The viewer's rights on one event, derived from their group role and organiser row."""

    event: Event
    group: GroupAccess
    organiser: EventOrganiser | None
    registration: Registration | None

    @property
    def is_organiser(self):
        return self.organiser is not None and self.organiser.status == ACCEPTED

    @property
    def is_invited(self):
        return self.organiser is not None and self.organiser.status == INVITED

    @property
    def can_view(self):
        if not self.group.can_view:
            return False
        return self.event.status != DRAFT or self.can_edit or self.is_invited

    @property
    def can_edit(self):
        """Accepted co-organisers and the group's leaders edit, cancel and invite."""
        return (self.is_organiser or self.group.is_leader) and not self.group.is_archived

    @property
    def can_manage_attendance(self):
        return self.can_edit and self.event.starts_at <= utcnow() and self.event.status != CANCELLED

    @property
    def is_registered(self):
        return self.registration is not None and self.registration.status in (GOING, WAITLISTED)

    @property
    def is_going(self):
        return self.registration is not None and self.registration.status == GOING

    @property
    def can_see_link(self):
        return self.is_registered or self.can_edit

    @property
    def can_register(self):
        return (
            self.group.is_member
            and not self.is_registered
            and self.event.status == PUBLISHED
            and self.event.starts_at > utcnow()
            and not self.group.is_archived
        )

    @property
    def can_see_names(self):
        return self.can_edit


def event_access(user, event):
    return EventAccess(
        event,
        access_for(user, event.group),
        service.my_organiser_row(user, event),
        service.my_registration(user, event),
    )


def get_event_for(user, event_id, need="view"):
    """Load an event and check the viewer may `need` it: outsiders 404, insiders without the right 403.
    The event, its group and the viewer's rows come in one query."""
    found = service.event_with_viewer(event_id, user)
    if found is None:
        abort(404)
    event, membership, organiser, registration = found
    access = EventAccess(event, access_for(user, event.group, membership), organiser, registration)
    if not access.can_view:
        abort(404)
    if need != "view" and not getattr(access, f"can_{need}"):
        abort(403)
    note_admin_read(access.group, event=event.id)
    return event, access
