"""What can happen to organisations: creating them, inviting specialists, offering support
to groups, linking and unlinking. The rules and transactions live here; views stay thin."""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from types import SimpleNamespace

from slugify import slugify
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community import email
from community.audit import audit
from community.auth.models import User
from community.auth.service import get_user_by_email, normalise_email
from community.errors import RuleError
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, LEFT, SPECIALIST, Group, Membership
from community.groups.service import _recount, end_membership, leaders_of, lock_group, parent_led_ids
from community.models import utcnow
from community.notifications.service import notify
from community.orgs.models import (
    InvitationState,
    Organisation,
    Specialist,
    SpecialistInvitation,
    SupportOffer,
    SupportStatus,
)
from community.urls import external_url, path_for

INVITATION_LIFETIME = timedelta(days=14)
OFFERED, ACCEPTED, DECLINED, WITHDRAWN = SupportStatus
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"new", "offer", "offers", "invitations", "link", "admin"}


# --- reading ---------------------------------------------------------------------------------


def get_organisation(slug):
    return db.session.scalar(_organisation_query(), {"slug": slug})


@cache
def _organisation_query():
    return select(Organisation).where(Organisation.slug == bindparam("slug"))


def organisations_with_counts():
    """Every organisation with its number of specialists and of live linked groups (one query)."""
    specialists = (
        select(func.count(Specialist.id)).where(Specialist.organisation_id == Organisation.id).scalar_subquery()
    )
    groups = (
        select(func.count(Group.id))
        .where(Group.organisation_id == Organisation.id, Group.archived_at.is_(None))
        .scalar_subquery()
    )
    return db.session.execute(select(Organisation, specialists, groups).order_by(Organisation.name)).all()


def organisations_of(user):
    """The organisations `user` works for (usually one). For the person signed in, their
    ids come with the session (auth/viewer.py): no query for people who work for none."""
    if not user.is_authenticated:
        return []
    from community.auth import viewer

    if viewer.organisation_ids(user.id) == []:
        return []
    return db.session.scalars(
        select(Organisation)
        .join(Specialist, Specialist.organisation_id == Organisation.id)
        .where(Specialist.user_id == user.id)
        .order_by(Organisation.name)
    ).all()


def is_specialist_of(user, organisation):
    return works_for(user, organisation.id)


def works_for(user, organisation_id):
    return user.is_authenticated and user_works_for(user.id, organisation_id)


def user_works_for(user_id, organisation_id):
    """Is the user a specialist of the organisation? For the person signed in, the ids of
    their organisations come with the session (auth/viewer.py): no query."""
    if user_id is None or organisation_id is None:
        return False
    from community.auth import viewer

    known = viewer.organisation_ids(user_id)
    if known is not None:
        return organisation_id in known
    found = select(Specialist.id).where(Specialist.organisation_id == organisation_id, Specialist.user_id == user_id)
    return db.session.scalar(found) is not None


def specialists_of(organisation):
    return db.session.scalars(
        select(Specialist)
        .where(Specialist.organisation_id == organisation.id)
        .options(joinedload(Specialist.user))
        .order_by(Specialist.joined_at)
    ).all()


def supported_groups(organisation):
    """The live groups linked to `organisation`, with which of them are parent-led (two queries)."""
    groups = db.session.scalars(
        select(Group).where(Group.organisation_id == organisation.id, Group.archived_at.is_(None)).order_by(Group.name)
    ).all()
    return groups, parent_led_ids([g.id for g in groups])


def open_offers_of(organisation):
    """The organisation's offers still waiting for a leader, with their groups."""
    return db.session.execute(
        select(SupportOffer, Group)
        .join(Group, Group.id == SupportOffer.group_id)
        .where(SupportOffer.organisation_id == organisation.id, SupportOffer.status == OFFERED)
        .order_by(SupportOffer.created_at)
    ).all()


def open_offers_for(group):
    """Offers waiting for this group's leaders, with the organisation and the specialist."""
    return db.session.scalars(
        select(SupportOffer)
        .where(SupportOffer.group_id == group.id, SupportOffer.status == OFFERED)
        .options(joinedload(SupportOffer.organisation), joinedload(SupportOffer.specialist))
        .order_by(SupportOffer.created_at)
    ).all()


def get_offer(offer_id):
    """The offer and its group, or (None, None)."""
    row = db.session.execute(
        select(SupportOffer, Group).join(Group, Group.id == SupportOffer.group_id).where(SupportOffer.id == offer_id)
    ).first()
    return (row[0], row[1]) if row else (None, None)


@dataclass(frozen=True)
class SupportPanel:
    """What the group page shows about organisations to one viewer."""

    organisation: Organisation | None = None
    offers: list = field(default_factory=list)
    can_end_link: bool = False
    offer_orgs: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    can_join_as_specialist: bool = False

    @property
    def is_empty(self):
        return not (self.organisation or self.offers or self.offer_orgs or self.waiting)


def support_panel(group, access, user):
    """The group page's organisation panel for `user`, in a constant number of queries (at most three)."""
    if not user.is_authenticated:
        return SupportPanel()
    linked = group.organisation_id is not None
    live = group.archived_at is None
    mine = organisations_of(user) if live else []
    leader = access.can_manage
    offers = open_offers_for(group) if live and not linked and (leader or mine) else []
    my_ids = {o.id for o in mine}
    waiting = [o for o in offers if o.organisation_id in my_ids]
    waiting_ids = {o.organisation_id for o in waiting}
    return SupportPanel(
        organisation=group.organisation,
        offers=offers if leader else [],
        can_end_link=linked and leader,
        offer_orgs=[o for o in mine if o.id not in waiting_ids] if not linked else [],
        waiting=waiting,
        can_join_as_specialist=linked and group.organisation_id in my_ids and not access.is_member,
    )


# --- organisations and specialists (admin) ------------------------------------------------------


def _unique_slug(name):
    base = slugify(name, max_length=60, word_boundary=True) or "org"
    taken = set(db.session.scalars(select(Organisation.slug).where(Organisation.slug.like(f"{base}%"))))
    if base not in taken and base not in RESERVED_SLUGS:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def check_slug(slug, exclude_id=None):
    """A slug typed by the admin: lowercase latin letters, digits and hyphens, not taken."""
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        raise RuleError("orgs.slug-invalid", field="slug")
    query = select(Organisation.id).where(Organisation.slug == slug)
    if exclude_id:
        query = query.where(Organisation.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise RuleError("orgs.slug-taken", field="slug")


def create_organisation(actor, name, slug, region, timezone):
    """Create an organisation; without a slug, one is made from the name."""
    slug = (slug or "").strip().lower()
    if slug:
        check_slug(slug)
    else:
        slug = _unique_slug(name)
    organisation = Organisation(name=name.strip(), slug=slug, region=(region or "").strip(), timezone=timezone)
    db.session.add(organisation)
    _flush_or_slug_taken()
    audit(actor, "org.create", organisation, slug=organisation.slug)
    db.session.flush()
    return organisation


def update_organisation(actor, organisation, name, slug, region, timezone):
    slug = (slug or "").strip().lower() or organisation.slug
    if slug != organisation.slug:
        check_slug(slug, exclude_id=organisation.id)
    organisation.name, organisation.slug = name.strip(), slug
    organisation.region, organisation.timezone = (region or "").strip(), timezone
    _flush_or_slug_taken()


def _flush_or_slug_taken():
    """Two admins may pick one slug at once: the unique constraint decides."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise RuleError("orgs.slug-taken", field="slug") from exc


def open_invitations(organisation):
    """Invitations not yet accepted, newest first (expired ones included, to resend)."""
    return db.session.scalars(
        select(SpecialistInvitation)
        .where(SpecialistInvitation.organisation_id == organisation.id, SpecialistInvitation.accepted_at.is_(None))
        .order_by(SpecialistInvitation.created_at.desc())
    ).all()


def invitation_expired(invitation):
    return invitation.created_at < utcnow() - INVITATION_LIFETIME


def invite_specialist(actor, organisation, address):
    """Email an invitation link; inviting the same address again renews and resends it."""
    address = normalise_email(address)
    existing_user = get_user_by_email(address)
    if existing_user is not None and is_specialist_of(existing_user, organisation):
        raise RuleError("orgs.already-specialist", field="email")
    invitation = db.session.scalar(
        select(SpecialistInvitation).where(
            SpecialistInvitation.organisation_id == organisation.id,
            SpecialistInvitation.email == address,
            SpecialistInvitation.accepted_at.is_(None),
        )
    )
    if invitation is None:
        invitation = SpecialistInvitation(organisation_id=organisation.id, email=address)
        db.session.add(invitation)
    invitation.created_at, invitation.invited_by_id = utcnow(), actor.id
    db.session.flush()
    # Someone without an account yet gets the email in the inviting admin's language.
    recipient = existing_user or SimpleNamespace(email=address, display_name="", locale=actor.locale)
    email.send(
        "orgs/specialist_invitation",
        recipient,
        org=organisation.name,
        email=address,
        has_account=existing_user is not None,
        link=external_url("orgs.invitation", token=invitation.token),
        register_link=external_url("auth.register"),
        days=INVITATION_LIFETIME.days,
    )
    audit(actor, "org.invite_specialist", organisation, email=address)
    db.session.flush()
    return invitation


def cancel_invitation(actor, invitation):
    if invitation.accepted_at is None:
        db.session.delete(invitation)
        audit(actor, "org.cancel_invitation", invitation.organisation, email=invitation.email)
        db.session.flush()


def get_invitation(token):
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(SpecialistInvitation)
        .where(SpecialistInvitation.token == token)
        .options(joinedload(SpecialistInvitation.organisation))
    )


def invitation_state(invitation, user):
    """Why `user` may or may not accept: ok, used, expired or other-email."""
    if invitation.accepted_at is not None:
        return InvitationState.USED
    if invitation_expired(invitation):
        return InvitationState.EXPIRED
    if normalise_email(user.email) != invitation.email:
        return InvitationState.OTHER_EMAIL
    return InvitationState.OK


def accept_invitation(user, invitation):
    """The invited person becomes a specialist of the organisation; the link works once."""
    state = invitation_state(invitation, user)
    if state != InvitationState.OK:
        raise RuleError("orgs." + state)
    used = db.session.execute(
        update(SpecialistInvitation)
        .where(SpecialistInvitation.id == invitation.id, SpecialistInvitation.accepted_at.is_(None))
        .values(accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not used:
        raise RuleError("orgs.used")
    organisation = invitation.organisation
    if not is_specialist_of(user, organisation):
        try:
            with db.session.begin_nested():
                db.session.add(Specialist(organisation_id=organisation.id, user_id=user.id))
        except IntegrityError:
            pass  # added a moment ago by another invitation: the person is a specialist either way
    audit(user, "org.add_specialist", user, organisation_id=organisation.id, invited_by_id=invitation.invited_by_id)
    db.session.flush()
    return organisation


def remove_specialist(actor, specialist):
    """The person no longer works for the organisation: they leave its groups as specialists."""
    organisation, user = specialist.organisation, specialist.user
    group_ids = select(Group.id).where(Group.organisation_id == organisation.id)
    _end_specialist_memberships(actor, group_ids, [user.id])
    db.session.delete(specialist)
    audit(actor, "org.remove_specialist", user, organisation_id=organisation.id)
    db.session.flush()


def get_specialist(organisation, specialist_id):
    specialist = db.session.get(Specialist, specialist_id)
    if specialist is None or specialist.organisation_id != organisation.id:
        return None
    return specialist


# --- support offers and links ----------------------------------------------------------------------


def offer_support(user, organisation, group, message=""):
    """A specialist offers their organisation's support; the group's leaders are asked."""
    if not is_specialist_of(user, organisation):
        raise RuleError("orgs.not-specialist")
    # Lock the group row (PostgreSQL; SQLite already serialises writers) so the checks hold.
    group = db.session.scalar(
        select(Group).where(Group.id == group.id).with_for_update().execution_options(populate_existing=True)
    )
    if group.archived_at is not None:
        raise RuleError("orgs.archived")
    if group.organisation_id is not None:
        raise RuleError("orgs.already-linked")
    pending = db.session.scalar(
        select(SupportOffer.id).where(
            SupportOffer.group_id == group.id,
            SupportOffer.organisation_id == organisation.id,
            SupportOffer.status == OFFERED,
        )
    )
    if pending is not None:
        raise RuleError("orgs.already-offered")
    offer = SupportOffer(
        organisation_id=organisation.id,
        group_id=group.id,
        specialist_id=user.id,
        message=(message or "").strip()[:1000],
    )
    db.session.add(offer)
    for leader in leaders_of(group):
        notify(
            leader,
            "support.offered",
            path_for("groups.detail", slug=group.slug),
            email_template="orgs/support_offered",
            org=organisation.name,
            group=group.name,
            actor=user,
            name=user.display_name,
            message=offer.message,
        )
    db.session.flush()
    return offer


def _decide_offer(actor, offer, status):
    """Answer an offer once: a conditional update, so two leaders cannot both answer it."""
    decided = db.session.execute(
        update(SupportOffer)
        .where(SupportOffer.id == offer.id, SupportOffer.status == OFFERED)
        .values(status=status, decided_at=utcnow(), decided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not decided:
        raise RuleError("orgs.already-decided")
    db.session.refresh(offer)


def accept_offer(actor, offer, group):
    """Link the group to the organisation; the offering specialist joins it as a specialist."""
    if group.archived_at is not None:
        raise RuleError("orgs.archived")
    _decide_offer(actor, offer, ACCEPTED)
    linked = db.session.execute(
        update(Group)
        .where(Group.id == group.id, Group.organisation_id.is_(None))
        .values(organisation_id=offer.organisation_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not linked:
        raise RuleError("orgs.already-linked")
    db.session.refresh(group)
    organisation = offer.organisation
    audit(actor, "org.link", group, organisation_id=organisation.id, offer_id=offer.id)
    specialist = offer.specialist
    if specialist is not None and is_specialist_of(specialist, organisation):
        _make_specialist_member(actor, group, specialist, organisation)
    data = {"org": organisation.name, "group": group.name}
    notify(
        specialist,
        "support.accepted",
        path_for("groups.detail", slug=group.slug),
        email_template="orgs/support_accepted",
        **data,
    )
    # Other organisations' offers are answered too: the group now has its organisation.
    others = open_offers_for(group)
    if others:
        db.session.execute(
            update(SupportOffer)
            .where(SupportOffer.id.in_([o.id for o in others]), SupportOffer.status == OFFERED)
            .values(status=DECLINED, decided_at=utcnow(), decided_by_id=actor.id)
            .execution_options(synchronize_session=False)
        )
    for other in others:
        notify(
            other.specialist,
            "support.declined",
            path_for("orgs.detail", slug=other.organisation.slug),
            email_template="orgs/support_declined",
            org=other.organisation.name,
            group=group.name,
        )
    db.session.flush()


def decline_offer(actor, offer, group):
    _decide_offer(actor, offer, DECLINED)
    notify(
        offer.specialist,
        "support.declined",
        path_for("orgs.detail", slug=offer.organisation.slug),
        email_template="orgs/support_declined",
        org=offer.organisation.name,
        group=group.name,
    )
    db.session.flush()


def withdraw_offer(user, offer):
    _decide_offer(user, offer, WITHDRAWN)
    db.session.flush()


def _make_specialist_member(actor, group, user, organisation):
    """Give `user` an active specialist membership (one row per person and group)."""
    lock_group(group)
    now = utcnow()
    membership = db.session.scalar(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
    )
    if membership is None:
        try:
            with db.session.begin_nested():
                membership = Membership(
                    group_id=group.id, user_id=user.id, role=SPECIALIST, status=ACTIVE, requested_at=now, joined_at=now
                )
                db.session.add(membership)
        except IntegrityError:  # they joined the group a moment ago
            membership = db.session.scalar(
                select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
            )
    if membership.status == ACTIVE and membership.role == LEADER:
        return  # a leader keeps leading; never leave a group without its leader
    if membership.status != ACTIVE:
        membership.joined_at = now
    membership.role, membership.status = SPECIALIST, ACTIVE
    membership.ended_at, membership.reason, membership.decided_by_id = None, "", actor.id
    db.session.flush()
    _recount(group)
    audit(actor, "member.make_specialist", user, group_id=group.id, organisation_id=organisation.id)


def join_as_specialist(user, group):
    """Another specialist of the linked organisation joins the group beside their colleague."""
    organisation = group.organisation
    if group.archived_at is not None:
        raise RuleError("orgs.archived")
    if organisation is None or not is_specialist_of(user, organisation):
        raise RuleError("orgs.not-specialist")
    status = db.session.scalar(
        select(Membership.status).where(Membership.group_id == group.id, Membership.user_id == user.id)
    )
    if status == ACTIVE:
        raise RuleError("orgs.already-member")
    _make_specialist_member(user, group, user, organisation)
    for leader in leaders_of(group):
        notify(
            leader,
            "join.joined",
            path_for("groups.members", slug=group.slug),
            actor=user,
            name=user.display_name,
            group=group.name,
        )
    db.session.flush()


def end_link(actor, group):
    """A leader ends the link: the organisation's specialists leave the group and are told."""
    organisation = group.organisation
    if organisation is None:
        raise RuleError("orgs.not-linked")
    unlinked = db.session.execute(
        update(Group)
        .where(Group.id == group.id, Group.organisation_id == organisation.id)
        .values(organisation_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not unlinked:
        raise RuleError("orgs.not-linked")
    db.session.refresh(group)
    staff = db.session.scalars(
        select(User)
        .join(Specialist, Specialist.user_id == User.id)
        .where(Specialist.organisation_id == organisation.id)
    ).all()
    _end_specialist_memberships(actor, [group.id], [u.id for u in staff])
    audit(actor, "org.unlink", group, organisation_id=organisation.id)
    for user in staff:
        notify(
            user,
            "support.ended",
            path_for("orgs.detail", slug=organisation.slug),
            email_template="orgs/support_ended",
            org=organisation.name,
            group=group.name,
        )
    db.session.flush()


def _end_specialist_memberships(actor, group_ids, user_ids):
    """Active specialist memberships of these people in these groups end (`left`, audited), with
    what they opened: places at coming events, co-organiser roles (see `groups/leaving.py`)."""
    if not user_ids:
        return
    memberships = db.session.scalars(
        select(Membership)
        .where(
            Membership.group_id.in_(group_ids),
            Membership.user_id.in_(user_ids),
            Membership.role == SPECIALIST,
            Membership.status == ACTIVE,
        )
        .options(joinedload(Membership.user))
        .order_by(Membership.group_id)
    ).all()
    for membership in memberships:
        lock_group(membership.group)
        db.session.refresh(membership)
        if membership.status != ACTIVE:
            continue
        end_membership(membership, LEFT)
        audit(actor, "member.end_specialist", membership.user, group_id=membership.group_id)
