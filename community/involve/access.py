"""One place that answers "what may this person do with this opportunity".

Who decides: the specialists of the opportunity's organisation and, for a group's own
opportunity, the group's leaders. Who may take part: active parents (members and leaders,
not specialists) of the groups it is for — every live group the organisation supports, or
the one group. Everyone else does not learn it exists (404)."""

from dataclasses import dataclass

from flask import abort, g
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community.extensions import db
from community.groups.models import ACTIVE, LEADER, MEMBER, Group, Membership
from community.involve.models import ACCEPTED, DRAFT, WITHDRAWN, Application, Opportunity


def get_opportunity(opportunity_id):
    return db.session.scalar(
        select(Opportunity)
        .where(Opportunity.id == opportunity_id)
        .options(joinedload(Opportunity.organisation), joinedload(Opportunity.group))
    )


def audience_group_ids(opportunity):
    """A query for the ids of the live groups whose parents the opportunity is for."""
    live = Group.archived_at.is_(None)
    if opportunity.group_id is not None:
        return select(Group.id).where(Group.id == opportunity.group_id, live)
    return select(Group.id).where(Group.organisation_id == opportunity.organisation_id, live)


def is_in_audience(user, opportunity):
    """An active parent (member or leader, not specialist) of a group the opportunity is for."""
    if not user.is_authenticated:
        return False
    return (
        db.session.scalar(
            select(Membership.id)
            .where(
                Membership.user_id == user.id,
                Membership.status == ACTIVE,
                Membership.role.in_([MEMBER, LEADER]),
                Membership.group_id.in_(audience_group_ids(opportunity)),
            )
            .limit(1)
        )
        is not None
    )


def is_specialist_of(user, organisation_id):
    from community.orgs.service import works_for

    return works_for(user, organisation_id)


def is_manager(user, opportunity):
    """The organisation's specialists, and for a group's own opportunity its active leaders."""
    if not user.is_authenticated:
        return False
    if is_specialist_of(user, opportunity.organisation_id):
        return True
    if opportunity.group_id is None:
        return False
    return (
        db.session.scalar(
            select(Membership.id)
            .join(Group, Group.id == Membership.group_id)
            .where(
                Membership.group_id == opportunity.group_id,
                Membership.user_id == user.id,
                Membership.status == ACTIVE,
                Membership.role == LEADER,
                Group.archived_at.is_(None),
            )
        )
        is not None
    )


def my_application(user, opportunity):
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Application).where(Application.opportunity_id == opportunity.id, Application.user_id == user.id)
    )


@dataclass(frozen=True)
class OpportunityAccess:
    """The viewer's rights on one opportunity. Templates ask it; they never re-derive a rule."""

    opportunity: Opportunity
    is_manager: bool
    is_audience: bool
    application: Application | None
    is_admin: bool = False

    @property
    def can_view(self):
        if self.is_manager or self.is_admin:
            return True
        if self.opportunity.status == DRAFT:
            return False
        return self.is_audience or self.application is not None

    @property
    def can_manage(self):
        """Edit, publish, close, choose applicants, hold sessions and record who took part."""
        return self.is_manager

    @property
    def is_accepted(self):
        return self.application is not None and self.application.status == ACCEPTED

    @property
    def has_live_application(self):
        return self.application is not None and self.application.is_live

    @property
    def can_apply(self):
        return (
            self.is_audience
            and not self.is_manager
            and self.opportunity.takes_applications
            and (self.application is None or self.application.status == WITHDRAWN)
        )

    @property
    def can_withdraw(self):
        return self.has_live_application and not self.opportunity.has_ended

    @property
    def can_see_materials(self):
        return self.is_accepted or self.is_manager

    @property
    def can_see_applicants(self):
        """Applicants' notes are seen only by the applicant and the deciders."""
        return self.is_manager


def access_for(user, opportunity):
    """The viewer's access to `opportunity`, computed once per request."""
    cache = g.setdefault("_opportunity_access", {})
    if opportunity.id not in cache:
        cache[opportunity.id] = OpportunityAccess(
            opportunity,
            is_manager(user, opportunity),
            is_in_audience(user, opportunity),
            my_application(user, opportunity),
            bool(getattr(user, "is_admin", False)),
        )
    return cache[opportunity.id]


def forget_access(opportunity):
    """After a change to the viewer's application, the next question reads the database again."""
    g.get("_opportunity_access", {}).pop(opportunity.id, None)


def get_opportunity_for(user, opportunity_id, need="view"):
    """Load an opportunity and check the viewer may `need` it: people it is not for get 404;
    people who see it but lack the right get 403."""
    opportunity = get_opportunity(opportunity_id)
    if opportunity is None:
        abort(404)
    access = access_for(user, opportunity)
    if not access.can_view:
        abort(404)
    if need != "view" and not getattr(access, f"can_{need}"):
        abort(403)
    return opportunity, access
