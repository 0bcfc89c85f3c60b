"""What can happen to an opportunity to take part: publishing it with every part the
framework asks for (purpose and its limits, level, role, open criteria, time, dates and
format, preparation and support, costs covered, places, deadline), editing, closing, and
telling the parents it is for. Choosing applicants is in `choosing.py`; sessions and who
took part in `sessions.py`."""

from datetime import timedelta
from functools import cache

from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy.orm import joinedload

from community.audit import audit
from community.auth.models import User
from community.errors import RuleError
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, MEMBER, Group, Membership
from community.involve import choosing
from community.involve.access import audience_group_ids, get_opportunity, is_specialist_of
from community.involve.models import (
    APPLIED,
    CLOSED,
    DRAFT,
    LIVE_APPLICATION,
    MAX_PLACES,
    OPEN,
    Application,
    Format,
    Level,
    Opportunity,
)
from community.jobs import after_commit, job
from community.models import utcnow
from community.notifications.service import notify
from community.paging import paginate
from community.urls import path_for

FIELDS = (
    "title",
    "purpose",
    "limits",
    "level",
    "role",
    "criteria",
    "time_asked",
    "starts_on",
    "ends_on",
    "format",
    "place",
    "preparation",
    "materials",
    "covers_travel",
    "covers_childcare",
    "covers_other",
    "cost_limit",
    "costs_note",
    "places",
    "deadline",
)
MAX_SPAN = timedelta(days=3 * 366)
STATUS_ORDER = {OPEN: 0, DRAFT: 1, CLOSED: 2}


# --- reading ------------------------------------------------------------------------------------------


def _parent_groups(user):
    """Ids of the live groups where `user` is an active parent (member or leader)."""
    return (
        select(Membership.group_id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Membership.user_id == user.id,
            Membership.status == ACTIVE,
            Membership.role.in_([MEMBER, LEADER]),
            Group.archived_at.is_(None),
        )
    )


def _visible_to_parent(user):
    """A condition: the opportunity is for a group where `user` is an active parent."""
    groups = _parent_groups(user)
    organisations = select(Group.organisation_id).where(Group.id.in_(groups), Group.organisation_id.is_not(None))
    return or_(
        Opportunity.group_id.in_(groups),
        and_(Opportunity.group_id.is_(None), Opportunity.organisation_id.in_(organisations)),
    )


def _ordered(opportunities):
    return sorted(opportunities, key=lambda o: (STATUS_ORDER[o.status], o.has_ended, o.deadline, o.id))


def for_organisation(organisation, user):
    """The organisation's opportunities as `user` may see them: all of them (drafts and its
    groups' own included) for its specialists; the published ones for admins; the ones for
    their groups for parents; none for anyone else. One query."""
    query = (
        select(Opportunity).options(joinedload(Opportunity.group)).where(Opportunity.organisation_id == organisation.id)
    )
    if not is_specialist_of(user, organisation.id):
        query = query.where(Opportunity.status != DRAFT)
        if not user.is_admin:
            query = query.where(_visible_to_parent(user))
    return _ordered(db.session.scalars(query).all())


def for_group(group, sees_drafts):
    """Opportunities the group's parents can take: its organisation's and its own (its own
    drafts too for the people who decide on them). One query."""
    own = Opportunity.group_id == group.id
    if not sees_drafts:
        own = and_(own, Opportunity.status != DRAFT)
    conditions = [own]
    if group.organisation_id is not None:
        conditions.append(
            and_(
                Opportunity.group_id.is_(None),
                Opportunity.organisation_id == group.organisation_id,
                Opportunity.status != DRAFT,
            )
        )
    rows = db.session.scalars(select(Opportunity).where(or_(*conditions))).all()
    return _ordered(rows)


def open_for_group(group, sees_drafts, limit=3):
    """The few a group page shows: taking applications, or a draft of the group's own. One
    query, built once: deadlines end at local midnight, so the database keeps the ones whose
    deadline is yesterday or later in UTC and `takes_applications` decides exactly."""
    params = {
        "group_id": group.id,
        "organisation_id": group.organisation_id,
        "yesterday": utcnow().date() - timedelta(days=1),
    }
    rows = db.session.scalars(_open_for_group_query(sees_drafts), params).all()
    return [o for o in _ordered(rows) if o.takes_applications or o.status == DRAFT][:limit]


@cache
def _open_for_group_query(sees_drafts):
    taking = and_(Opportunity.status == OPEN, Opportunity.deadline >= bindparam("yesterday"))
    own = and_(
        Opportunity.group_id == bindparam("group_id"),
        or_(taking, Opportunity.status == DRAFT) if sees_drafts else taking,
    )
    organisation = and_(
        Opportunity.group_id.is_(None), Opportunity.organisation_id == bindparam("organisation_id"), taking
    )
    return select(Opportunity).where(or_(own, organisation))


def for_parent(user, limit=6):
    """The home page: opportunities open to me, and the ones I applied to that are still on,
    each with my application (one query)."""
    if not user.is_authenticated:
        return []
    recent = utcnow().date() - timedelta(days=1)
    rows = db.session.execute(
        select(Opportunity, Application)
        .outerjoin(Application, and_(Application.opportunity_id == Opportunity.id, Application.user_id == user.id))
        .where(
            Opportunity.status != DRAFT,
            Opportunity.ends_on >= recent,
            or_(
                and_(Opportunity.status == OPEN, Opportunity.deadline >= recent, _visible_to_parent(user)),
                Application.status.in_(LIVE_APPLICATION),
            ),
        )
        .options(joinedload(Opportunity.organisation), joinedload(Opportunity.group))
        .order_by(Opportunity.deadline, Opportunity.id)
    ).all()
    shown = []
    for opportunity, application in rows:
        mine = application is not None and application.is_live
        if (mine and not opportunity.has_ended) or (not mine and opportunity.takes_applications):
            shown.append((opportunity, application if mine else None))
    shown.sort(key=lambda row: row[1] is None)
    return shown[:limit]


def waiting_counts(opportunity_ids):
    """How many applications wait for a decision, per opportunity (one query)."""
    if not opportunity_ids:
        return {}
    return dict(
        db.session.execute(
            select(Application.opportunity_id, func.count(Application.id))
            .where(Application.opportunity_id.in_(opportunity_ids), Application.status == APPLIED)
            .group_by(Application.opportunity_id)
        ).all()
    )


APPLICANTS_PAGE_SIZE = 30
APPLICANT_ORDER = {APPLIED: 0, "waitlisted": 1, "accepted": 2, "declined": 3, "withdrawn": 4}


def applications_of(opportunity, page=1):
    """One page of the applications with their people, the ones waiting for a decision first
    (a `paginate` result)."""
    return paginate(
        select(Application)
        .where(Application.opportunity_id == opportunity.id)
        .options(joinedload(Application.user))
        .order_by(
            case(APPLICANT_ORDER, value=Application.status, else_=9),
            func.coalesce(Application.queued_at, Application.created_at),
            Application.id,
        ),
        page=page,
        per_page=APPLICANTS_PAGE_SIZE,
        error_out=False,
    )


def get_application(opportunity, application_id):
    application = db.session.get(Application, application_id)
    if application is None or application.opportunity_id != opportunity.id:
        return None
    return application


# --- publishing ------------------------------------------------------------------------------------------


def _check(fields, opportunity, today, payer_id):
    """The rules for an opportunity's parts (the form checks each field on its own). Dates in
    the past are refused only when they are new or changed."""

    def changed(name):
        return opportunity is None or getattr(opportunity, name) != fields[name]

    if not (fields.get("criteria") or "").strip():
        raise RuleError("involve.no-criteria", field="criteria")
    if fields["level"] not in tuple(Level) or fields["format"] not in tuple(Format):
        raise RuleError("involve.bad-choice", field="level")
    if not 1 <= (fields["places"] or 0) <= MAX_PLACES:
        raise RuleError("involve.bad-places", field="places")
    if fields["ends_on"] < fields["starts_on"]:
        raise RuleError("involve.ends-before-start", field="ends_on")
    if fields["ends_on"] - fields["starts_on"] > MAX_SPAN:
        raise RuleError("involve.too-long", field="ends_on")
    if changed("ends_on") and fields["ends_on"] < today:
        raise RuleError("involve.ends-in-past", field="ends_on")
    if changed("deadline") and fields["deadline"] < today:
        raise RuleError("involve.deadline-past", field="deadline")
    if fields["deadline"] > fields["ends_on"]:
        raise RuleError("involve.deadline-after-end", field="deadline")
    covers = fields["covers_travel"] or fields["covers_childcare"] or fields["covers_other"]
    if covers and payer_id is None:
        raise RuleError("involve.no-payer", field="covers_travel")
    if not covers:
        fields["cost_limit"] = None


def _clean(fields):
    values = {name: fields.get(name) for name in FIELDS}
    for name in ("title", "purpose", "limits", "criteria", "time_asked", "place", "preparation", "materials"):
        values[name] = (values[name] or "").strip()
    values["costs_note"] = (values["costs_note"] or "").strip()
    for name in ("covers_travel", "covers_childcare", "covers_other"):
        values[name] = bool(values[name])
    return values


def create_opportunity(actor, fields, *, organisation=None, group=None, publish=False):
    """A specialist publishes for the organisation's groups, or a leader for their group (the
    group's organisation, if any, covers its costs). Saved as a draft unless `publish`."""
    if group is not None:
        if not _leads(actor, group):
            raise RuleError("involve.not-allowed")
        owner = {"group_id": group.id, "organisation_id": group.organisation_id, "timezone": group.timezone}
    else:
        if not is_specialist_of(actor, organisation.id):
            raise RuleError("involve.not-allowed")
        owner = {"group_id": None, "organisation_id": organisation.id, "timezone": organisation.timezone}
    values = _clean(fields)
    opportunity = Opportunity(**values, **owner, status=DRAFT, created_by_id=actor.id)
    _check(values, None, opportunity.today(), owner["organisation_id"])
    opportunity.cost_limit = values["cost_limit"]
    db.session.add(opportunity)
    db.session.flush()
    audit(actor, "involve.create", opportunity)
    if publish:
        publish_opportunity(actor, opportunity)
    return opportunity


def _leads(user, group):
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.group_id == group.id,
                Membership.user_id == user.id,
                Membership.status == ACTIVE,
                Membership.role == LEADER,
            )
        )
        is not None
        and group.archived_at is None
    )


def update_opportunity(actor, opportunity, fields):
    """Change what it says. Places never go below the people accepted; more places go to the
    people waiting; accepted people's roles follow the role and the end date."""
    choosing.lock_opportunity(opportunity)
    values = _clean(fields)
    _check(values, opportunity, opportunity.today(), opportunity.organisation_id)
    if values["places"] < opportunity.accepted_count:
        raise RuleError("involve.places-below-accepted", field="places")
    more_places = values["places"] > opportunity.places
    for name, value in values.items():
        setattr(opportunity, name, value)
    opportunity.updated_at = utcnow()
    db.session.flush()
    choosing.sync_roles(opportunity)
    if more_places and opportunity.status != DRAFT:
        choosing.fill_from_waitlist(opportunity)
    audit(actor, "involve.update", opportunity)


def publish_opportunity(actor, opportunity):
    """Draft to open (once); the parents it is for are told after the commit."""
    if opportunity.deadline_passed:
        raise RuleError("involve.deadline-past", field="deadline")
    if not opportunity.criteria.strip():
        raise RuleError("involve.no-criteria", field="criteria")
    published = db.session.execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity.id, Opportunity.status == DRAFT)
        .values(status=OPEN, published_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not published:
        raise RuleError("involve.not-draft")
    db.session.refresh(opportunity)
    audit(actor, "involve.publish", opportunity)
    after_commit("involve.announce", opportunity.id)


def close_opportunity(actor, opportunity):
    """No more applications. Decisions, sessions and cost claims go on."""
    closed = db.session.execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity.id, Opportunity.status == OPEN)
        .values(status=CLOSED, closed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not closed:
        raise RuleError("involve.not-open")
    db.session.refresh(opportunity)
    audit(actor, "involve.close", opportunity)


@job("involve.announce")
def announce(opportunity_id):
    """Tell the parents an opportunity is for: a notice for each, an email for those who asked
    for them in their profile. Runs once per opportunity, even when retried."""
    claimed = db.session.execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity_id, Opportunity.status == OPEN, Opportunity.announced_at.is_(None))
        .values(announced_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return 0
    opportunity = get_opportunity(opportunity_id)
    people = db.session.scalars(
        select(User)
        .where(
            User.id.in_(
                select(Membership.user_id).where(
                    Membership.status == ACTIVE,
                    Membership.role.in_([MEMBER, LEADER]),
                    Membership.group_id.in_(audience_group_ids(opportunity)),
                )
            ),
            User.id != (opportunity.created_by_id or 0),
        )
        .order_by(User.id)
    ).all()
    for person in people:
        notify(
            person,
            "involve.new",
            path_for("involve.detail", opportunity_id=opportunity.id),
            email_template="involve/new_opportunity" if person.opportunity_emails else None,
            force_email=True,
            title=opportunity.title,
            org=opportunity.owner_name,
            deadline=opportunity.deadline,
        )
    return len(people)
