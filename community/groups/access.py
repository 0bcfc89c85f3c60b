"""One place that answers "what may this person do in this group"."""

from dataclasses import dataclass
from functools import cache, cached_property

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import joinedload

from community.audit import audit
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, PENDING, SPECIALIST, Group, Membership


@dataclass(frozen=True)
class GroupAccess:
    """What one viewer may do in one group. Templates ask it; they never re-derive a rule."""

    group: Group
    membership: Membership | None
    is_admin: bool = False
    user_id: int | None = None

    @property
    def status(self):
        return self.membership.status if self.membership else None

    @property
    def is_member(self):
        """Active in the group in any role (member, leader or specialist)."""
        return self.status == ACTIVE

    @property
    def is_pending(self):
        return self.status == PENDING

    @property
    def is_leader(self):
        return self.is_member and self.membership.role == LEADER

    @property
    def is_specialist(self):
        return self.is_member and self.membership.role == SPECIALIST

    @property
    def is_archived(self):
        return self.group.archived_at is not None

    @property
    def can_view(self):
        """The private part: feed, members, events, help. Admins see it to moderate."""
        return self.is_member or self.is_admin

    @property
    def can_read_sensitive(self):
        """Sensitive help requests: the group's parents only, never its specialists (who see
        totals); an admin may open one to moderate, and that is audited."""
        return (self.is_member and not self.is_specialist) or self.is_admin

    @property
    def can_see_members(self):
        return self.is_member

    @property
    def can_join(self):
        return not self.is_archived and self.status not in (ACTIVE, PENDING)

    @property
    def can_manage(self):
        """Edit the group, admit and remove members, appoint leaders."""
        return self.is_leader and not self.is_archived

    @property
    def can_post(self):
        return self.is_member and not self.is_archived

    @property
    def can_announce(self):
        """Announcements and decisions reach everyone: leaders only."""
        return self.can_manage

    @property
    def can_moderate(self):
        return (self.is_leader or self.is_admin) and not self.is_archived

    @property
    def can_organise_events(self):
        return (self.is_leader or self.is_specialist) and not self.is_archived

    @cached_property
    def supports(self):
        """The viewer works for the organisation that supports the group (member or not)."""
        from community.orgs.service import user_works_for

        return user_works_for(self.user_id, self.group.organisation_id)

    @property
    def can_see_health(self):
        """Community health: the members, admins and the supporting organisation's specialists."""
        return self.is_member or self.is_admin or self.supports

    @property
    def sees_totals_only(self):
        """Specialists and admins see aggregates only: counts under 5 are not spelled out."""
        return not self.is_member or self.is_specialist

    @property
    def can_record_health(self):
        """Declare breaks and record meetings held outside Krug."""
        return self.is_leader and not self.is_archived


ADMIN_READ = "admin.read"


def note_admin_read(access, **detail):
    """An admin who is not in the group opened its content: audited once per request and
    group (what page, and which sensitive request), and shown to the group's leaders."""
    if not access.is_admin or access.is_member:
        return
    noted = g.setdefault("_admin_reads", set())
    key = (access.group.id, tuple(sorted(detail.items())))
    if key in noted:
        return
    noted.add(key)
    audit(current_user, ADMIN_READ, access.group, page=request.endpoint or "", **detail)


def membership_of(user, group):
    if not user.is_authenticated:
        return None
    # The group page asks for the viewer's engagement roles: loaded with the row.
    return (
        db.session.execute(
            select(Membership)
            .where(Membership.group_id == group.id, Membership.user_id == user.id)
            .options(joinedload(Membership.engagement_roles))
        )
        .unique()
        .scalar_one_or_none()
    )


def access_for(user, group, membership=...):
    """The viewer's access to `group`, computed once per request (`membership`: the viewer's
    row when the caller loaded it already, or None for none)."""
    known = g.setdefault("_group_access", {})
    if group.id not in known:
        user_id = user.id if user.is_authenticated else None
        if membership is ...:
            membership = membership_of(user, group)
        known[group.id] = GroupAccess(group, membership, bool(getattr(user, "is_admin", False)), user_id)
    return known[group.id]


def _group_and_membership(user, slug):
    """The group by slug with its organisation, whether parents lead it and, in the same query,
    the viewer's membership (with their engagement roles): one query where the group page
    used to ask three."""
    if not user.is_authenticated:
        return db.session.scalar(_group_query(), {"slug": slug}), None
    row = db.session.execute(_group_and_membership_query(), {"slug": slug, "viewer": user.id}).unique().one_or_none()
    return row if row is not None else (None, None)


@cache
def _group_query():
    """The statements of `_group_and_membership`, built once with bound parameters."""
    from community.groups.service import with_parent_led

    return (
        select(Group).where(Group.slug == bindparam("slug")).options(joinedload(Group.organisation), with_parent_led())
    )


@cache
def _group_and_membership_query():
    viewer = and_(Membership.group_id == Group.id, Membership.user_id == bindparam("viewer"))
    return (
        _group_query()
        .add_columns(Membership)
        .outerjoin(Membership, viewer)
        .options(joinedload(Membership.engagement_roles))
    )


# Rights some non-members hold: for these, whoever holds the right may see the group's page of
# it (the rest get 404), and insiders without the right get 403.
REACHES_OUTSIDERS = {"see_health": "can_see_health", "record_health": "can_see_health"}


def get_group_for(user, slug, need="view"):
    """Load a group by slug and check the viewer may `need` it: outsiders get 404 for
    anything private; insiders without the right get 403."""
    # Every group page's header names the supporting organisation: loaded with the group.
    group, membership = _group_and_membership(user, slug)
    if group is None:
        abort(404)
    access = access_for(user, group, membership)
    if need == "public":
        return group, access
    if not getattr(access, REACHES_OUTSIDERS.get(need, "can_view")):
        abort(404)
    if not getattr(access, need if need.startswith("can_") else f"can_{need}"):
        abort(403)
    note_admin_read(access)
    return group, access
