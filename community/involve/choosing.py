"""Applying, choosing fairly, and the waiting list.

Places: every change to an opportunity's applications happens under the opportunity's row
lock, and its counters are recomputed from the rows after it; a CHECK constraint keeps
`accepted_count <= places` behind that. So twenty organisers' clicks (or one organiser's
twenty) at the same moment can never accept more people than there are places.

Accepted people hold the opportunity's role on their memberships in the groups it is for
(`EngagementRole` with `opportunity_id`), until the opportunity ends.
"""

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from community.audit import audit
from community.errors import RuleError
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, MEMBER, EngagementRole, EngagementStatus, Membership
from community.involve.access import audience_group_ids, is_in_audience, is_manager
from community.involve.models import (
    ACCEPTED,
    APPLIED,
    DECLINED,
    LIVE_APPLICATION,
    WAITLISTED,
    WITHDRAWN,
    Application,
    Opportunity,
)
from community.models import utcnow
from community.notifications.service import notify
from community.urls import path_for


def lock_opportunity(opportunity):
    """Take the opportunity's row lock and re-read it: its applications change one
    transaction at a time (SQLite's single writer gives the same on its own)."""
    db.session.execute(select(Opportunity.id).where(Opportunity.id == opportunity.id).with_for_update())
    db.session.refresh(opportunity)


def recount(opportunity):
    """The counters follow the rows (under the lock)."""
    counts = dict(
        db.session.execute(
            select(Application.status, func.count(Application.id))
            .where(Application.opportunity_id == opportunity.id, Application.status.in_([ACCEPTED, WAITLISTED]))
            .group_by(Application.status)
        ).all()
    )
    opportunity.accepted_count = counts.get(ACCEPTED, 0)
    opportunity.waitlist_count = counts.get(WAITLISTED, 0)
    db.session.flush()


def _fresh(application):
    db.session.refresh(application)
    return application


def _link(opportunity):
    return path_for("involve.detail", opportunity_id=opportunity.id)


# --- the parent's side ---------------------------------------------------------------------------------


def apply(user, opportunity, note):
    """Apply with a short note. One application per person (a unique constraint); someone who
    withdrew may apply again."""
    lock_opportunity(opportunity)
    if is_manager(user, opportunity):
        raise RuleError("involve.own-opportunity")
    if not is_in_audience(user, opportunity):
        raise RuleError("involve.not-for-you")
    if not opportunity.takes_applications:
        raise RuleError("involve.not-open")
    note = (note or "").strip()
    application = db.session.scalar(
        select(Application)
        .where(Application.opportunity_id == opportunity.id, Application.user_id == user.id)
        .execution_options(populate_existing=True)
    )
    now = utcnow()
    if application is None:
        application = Application(opportunity_id=opportunity.id, user_id=user.id, note=note, created_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(application)
        except IntegrityError:
            raise RuleError("involve.already-applied") from None
    elif application.status == WITHDRAWN:
        application.status, application.note, application.reason = APPLIED, note, ""
        application.created_at, application.updated_at, application.decided_at = now, now, None
        application.decided_by_id = application.queued_at = None
    else:
        raise RuleError("involve.already-applied")
    db.session.flush()
    for manager in managers_to_tell(opportunity):
        notify(
            manager,
            "involve.applied",
            path_for("involve.applicants", opportunity_id=opportunity.id),
            email_template="involve/applied",
            actor=user,
            name=user.display_name,
            title=opportunity.title,
        )
    return application


def withdraw(user, opportunity):
    """The applicant steps back: a place they held goes to the first person waiting."""
    lock_opportunity(opportunity)
    application = db.session.scalar(
        select(Application)
        .where(Application.opportunity_id == opportunity.id, Application.user_id == user.id)
        .execution_options(populate_existing=True)
    )
    if application is None or application.status not in LIVE_APPLICATION:
        raise RuleError("involve.no-application")
    if opportunity.has_ended:
        raise RuleError("involve.ended")
    held_place = application.status == ACCEPTED
    application.status, application.updated_at = WITHDRAWN, utcnow()
    db.session.flush()
    if held_place:
        revoke_roles(application)
        audit(user, "involve.withdraw", opportunity, application_id=application.id)
        fill_from_waitlist(opportunity)
    recount(opportunity)
    for manager in managers_to_tell(opportunity):
        notify(
            manager,
            "involve.withdrawn",
            path_for("involve.applicants", opportunity_id=opportunity.id),
            actor=user,
            name=user.display_name,
            title=opportunity.title,
        )


# --- the organiser's side --------------------------------------------------------------------------------


def accept(actor, application, reason=""):
    """Accept against the criteria: a place if one is free, else the waiting list (the first
    place that frees up is theirs). `reason`: optional words the person reads with it.
    Returns the new status."""
    opportunity = application.opportunity
    lock_opportunity(opportunity)
    _fresh(application)
    if application.status != APPLIED:
        raise RuleError("involve.already-decided")
    now = utcnow()
    places_taken = _count(opportunity, ACCEPTED)
    if places_taken < opportunity.places:
        application.status = ACCEPTED
        grant_roles(actor, application)
    else:
        application.status, application.queued_at = WAITLISTED, now
    application.reason = (reason or "").strip()
    application.decided_by_id, application.decided_at, application.updated_at = actor.id, now, now
    db.session.flush()
    recount(opportunity)
    audit(actor, "involve.accept", application, opportunity_id=opportunity.id, status=application.status)
    _tell_decision(application)
    return application.status


def decline(actor, application, reason):
    """Decline with a reason the applicant reads (a person on the waiting list too)."""
    opportunity = application.opportunity
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("involve.reason-needed", field="reason")
    lock_opportunity(opportunity)
    _fresh(application)
    if application.status not in (APPLIED, WAITLISTED):
        raise RuleError("involve.already-decided")
    now = utcnow()
    application.status, application.reason = DECLINED, reason
    application.decided_by_id, application.decided_at, application.updated_at = actor.id, now, now
    db.session.flush()
    recount(opportunity)
    audit(actor, "involve.decline", application, opportunity_id=opportunity.id)
    _tell_decision(application)


def _tell_decision(application):
    opportunity = application.opportunity
    notify(
        application.user,
        f"involve.{application.status}",
        _link(opportunity),
        email_template="involve/decided",
        force_email=True,
        title=opportunity.title,
        org=opportunity.owner_name,
        status=application.status,
        reason=application.reason,
    )


def fill_from_waitlist(opportunity):
    """Give free places to the people waiting, first chosen first (under the lock)."""
    taken = _count(opportunity, ACCEPTED)
    while taken < opportunity.places:
        promoted = db.session.scalar(
            select(Application)
            .where(Application.opportunity_id == opportunity.id, Application.status == WAITLISTED)
            .order_by(Application.queued_at, Application.id)
            .limit(1)
        )
        if promoted is None:
            break
        promoted.status, promoted.updated_at = ACCEPTED, utcnow()
        db.session.flush()
        grant_roles(None, promoted)
        taken += 1
        audit(None, "involve.promote", promoted, opportunity_id=opportunity.id)
        notify(
            promoted.user,
            "involve.promoted",
            _link(opportunity),
            email_template="involve/promoted",
            force_email=True,
            title=opportunity.title,
            org=opportunity.owner_name,
        )
    recount(opportunity)


def _count(opportunity, status):
    return db.session.scalar(
        select(func.count(Application.id)).where(
            Application.opportunity_id == opportunity.id, Application.status == status
        )
    )


# --- the role on the membership ------------------------------------------------------------------------------


def grant_roles(actor, application):
    """The accepted person holds the opportunity's role on each of their parent memberships in
    the groups it is for, until it ends (shown on the members list)."""
    opportunity = application.opportunity
    memberships = db.session.scalars(
        select(Membership).where(
            Membership.user_id == application.user_id,
            Membership.status == ACTIVE,
            Membership.role.in_([MEMBER, LEADER]),
            Membership.group_id.in_(audience_group_ids(opportunity)),
        )
    ).all()
    held = set(
        db.session.scalars(select(EngagementRole.membership_id).where(EngagementRole.opportunity_id == opportunity.id))
    )
    for membership in memberships:
        if membership.id not in held:
            db.session.add(
                EngagementRole(
                    membership_id=membership.id,
                    role=opportunity.role,
                    status=EngagementStatus.ACCEPTED,
                    offered_by_id=getattr(actor, "id", None) or opportunity.created_by_id,
                    opportunity_id=opportunity.id,
                    ends_on=opportunity.ends_on,
                    created_at=utcnow(),
                )
            )
    db.session.flush()


def revoke_roles(application):
    """The person no longer holds the opportunity's role anywhere."""
    db.session.execute(
        delete(EngagementRole)
        .where(
            EngagementRole.opportunity_id == application.opportunity_id,
            EngagementRole.membership_id.in_(select(Membership.id).where(Membership.user_id == application.user_id)),
        )
        .execution_options(synchronize_session=False)
    )


def sync_roles(opportunity):
    """After an edit: the held roles follow the opportunity's role and end date."""
    db.session.execute(
        update(EngagementRole)
        .where(EngagementRole.opportunity_id == opportunity.id)
        .values(role=opportunity.role, ends_on=opportunity.ends_on)
        .execution_options(synchronize_session=False)
    )


def managers_to_tell(opportunity):
    """Who hears about applications: the person who published it, or else every decider."""
    from community.auth.models import User
    from community.orgs.models import Specialist

    if opportunity.created_by_id is not None:
        creator = db.session.get(User, opportunity.created_by_id)
        if creator is not None and is_manager(creator, opportunity):
            return [creator]
    people = []
    if opportunity.organisation_id is not None:
        people += db.session.scalars(
            select(User)
            .join(Specialist, Specialist.user_id == User.id)
            .where(Specialist.organisation_id == opportunity.organisation_id)
        ).all()
    if opportunity.group_id is not None:
        people += db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.group_id == opportunity.group_id, Membership.status == ACTIVE, Membership.role == LEADER)
        ).all()
    return list({u.id: u for u in people}.values())
