"""What can happen to a cost claim: who may claim what, submitting with a receipt, the
organisation's decision with a reason, payment — each change audited and told to the
claimant — and the accountant's CSV.

Only people who took part claim: a session of an opportunity where the organiser recorded
them, or an event marked "travel costs reimbursed" where they were marked as attending. One
claim per person, session or event, and kind of cost: the database's unique constraints
decide, so twenty presses of the button at once leave one claim."""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community.audit import audit
from community.auth.models import User
from community.errors import RuleError
from community.events.models import CANCELLED, GOING, Event, Registration
from community.extensions import db
from community.groups.models import Group
from community.involve.claims import receipts
from community.involve.claims.models import (
    APPROVED,
    DECLINED,
    MAX_AMOUNT,
    PAID,
    SUBMITTED,
    ClaimCategory,
    CostClaim,
)
from community.involve.models import Opportunity, OpportunitySession, SessionAttendance
from community.models import utcnow
from community.notifications.service import notify
from community.orgs.models import Specialist
from community.paging import paginate
from community.urls import path_for

OLDEST = timedelta(days=366)
TRAVEL = ClaimCategory.TRAVEL


@dataclass
class Claimable:
    """Something the person took part in and may claim for: a session or an event, the
    organisation that pays, the kinds of cost it covers and those not claimed yet."""

    session: OpportunitySession | None
    event: Event | None
    organisation_id: int
    title: str
    context: str
    starts_at: object
    categories: list
    limit: int | None = None
    note: str = ""
    claimed: list = field(default_factory=list)

    @property
    def open_categories(self):
        return [c for c in self.categories if c not in self.claimed]

    @property
    def key(self):
        return ("session", self.session.id) if self.session else ("event", self.event.id)


# --- who may claim what ------------------------------------------------------------------------------


def _session_claimable(session, opportunity):
    return Claimable(
        session=session,
        event=None,
        organisation_id=opportunity.organisation_id,
        title=session.title,
        context=opportunity.title,
        starts_at=session.starts_at,
        categories=opportunity.covered,
        limit=opportunity.cost_limit,
        note=opportunity.costs_note,
    )


def _event_claimable(event, group):
    return Claimable(
        session=None,
        event=event,
        organisation_id=group.organisation_id,
        title=event.title,
        context=group.name,
        starts_at=event.starts_at,
        categories=[TRAVEL],
        note=event.travel_note,
    )


def claimable_for(user):
    """Sessions and events of the last year the person took part in and that cover costs
    paid by an organisation, each with the kinds of cost not claimed yet (three queries)."""
    since = utcnow() - OLDEST
    sessions = db.session.execute(
        select(OpportunitySession, Opportunity)
        .join(SessionAttendance, SessionAttendance.session_id == OpportunitySession.id)
        .join(Opportunity, Opportunity.id == OpportunitySession.opportunity_id)
        .where(
            SessionAttendance.user_id == user.id,
            OpportunitySession.starts_at >= since,
            Opportunity.organisation_id.is_not(None),
        )
    ).all()
    events = db.session.execute(
        select(Event, Group)
        .join(Registration, Registration.event_id == Event.id)
        .join(Group, Group.id == Event.group_id)
        .where(
            Registration.user_id == user.id,
            Registration.status == GOING,
            Registration.attended.is_(True),
            Event.travel_reimbursed.is_(True),
            Event.status != CANCELLED,
            Event.starts_at >= since,
            Group.organisation_id.is_not(None),
        )
    ).all()
    items = [_session_claimable(s, o) for s, o in sessions if o.covered] + [_event_claimable(e, g) for e, g in events]
    claimed = {}
    for session_id, event_id, category in db.session.execute(
        select(CostClaim.session_id, CostClaim.event_id, CostClaim.category).where(CostClaim.user_id == user.id)
    ):
        key = ("session", session_id) if session_id else ("event", event_id)
        claimed.setdefault(key, []).append(category)
    for item in items:
        item.claimed = claimed.get(item.key, [])
    return sorted(items, key=lambda i: i.starts_at, reverse=True)


def claimable_session(user, session_id):
    """The session as something `user` may claim for, or None if they did not take part."""
    row = db.session.execute(
        select(OpportunitySession, Opportunity)
        .join(Opportunity, Opportunity.id == OpportunitySession.opportunity_id)
        .join(
            SessionAttendance,
            and_(SessionAttendance.session_id == OpportunitySession.id, SessionAttendance.user_id == user.id),
        )
        .where(OpportunitySession.id == session_id, Opportunity.organisation_id.is_not(None))
    ).first()
    if row is None or not row[1].covered:
        return None
    return _with_claimed(user, _session_claimable(*row))


def claimable_event(user, event_id):
    """The event as something `user` may claim travel for, or None if they may not."""
    row = db.session.execute(
        select(Event, Group)
        .join(Group, Group.id == Event.group_id)
        .join(Registration, and_(Registration.event_id == Event.id, Registration.user_id == user.id))
        .where(
            Event.id == event_id,
            Registration.status == GOING,
            Registration.attended.is_(True),
            Event.travel_reimbursed.is_(True),
            Event.status != CANCELLED,
            Group.organisation_id.is_not(None),
        )
    ).first()
    return _with_claimed(user, _event_claimable(*row)) if row else None


def _with_claimed(user, item):
    column = CostClaim.session_id if item.session else CostClaim.event_id
    target = item.session.id if item.session else item.event.id
    item.claimed = list(
        db.session.scalars(select(CostClaim.category).where(CostClaim.user_id == user.id, column == target))
    )
    return item


# --- the claimant's side --------------------------------------------------------------------------------


def _check_cost(amount, limit, spent_on):
    if not 0 < amount <= MAX_AMOUNT:
        raise RuleError("claims.bad-amount", field="amount")
    if limit is not None and amount > limit:
        raise RuleError("claims.over-limit", field="amount")
    today = utcnow().date()
    if spent_on > today + timedelta(days=1):
        raise RuleError("claims.spent-in-future", field="spent_on")
    if spent_on < today - OLDEST:
        raise RuleError("claims.spent-too-old", field="spent_on")


def submit_claim(user, item, category, amount, spent_on, note, receipt=None):
    """Claim one kind of cost for something taken part in (`item` from `claimable_*`). The
    receipt file is written only once the claim's row is in."""
    if item is None:
        raise RuleError("claims.not-taken-part")
    if category not in item.categories:
        raise RuleError("claims.not-covered", field="category")
    _check_cost(amount, item.limit, spent_on)
    claim = CostClaim(
        user_id=user.id,
        organisation_id=item.organisation_id,
        session_id=item.session.id if item.session else None,
        event_id=item.event.id if item.event else None,
        category=category,
        amount=amount,
        spent_on=spent_on,
        note=(note or "").strip(),
        status=SUBMITTED,
    )
    try:
        with db.session.begin_nested():
            db.session.add(claim)
    except IntegrityError:
        raise RuleError("claims.already-claimed", field="category") from None
    if receipt is not None:
        claim.receipt_key = receipts.store(receipt)
        claim.receipt_type, claim.receipt_size = receipt.type, len(receipt.data)
    db.session.flush()
    audit(user, "claims.submit", claim, amount=amount, category=category)
    _tell_specialists(claim, user, item.title)
    return claim


def claim_limit(claim):
    """The most that can be claimed for one kind of cost here (None: no limit)."""
    return claim.session.opportunity.cost_limit if claim.session is not None else None


def resubmit_claim(user, claim, amount, spent_on, note, receipt=None):
    """Send a declined claim again, corrected as the organisation asked (a new amount, date,
    note or receipt). It waits for a decision as a new claim does; the earlier answer stays
    in the audit trail."""
    if claim.user_id != user.id:
        raise RuleError("claims.not-yours")
    _check_cost(amount, claim_limit(claim), spent_on)
    _change(
        claim,
        DECLINED,
        status=SUBMITTED,
        amount=amount,
        spent_on=spent_on,
        note=(note or "").strip(),
        reason="",
        decided_by_id=None,
        decided_at=None,
    )
    if receipt is not None:
        claim.receipt_key = receipts.store(receipt)
        claim.receipt_type, claim.receipt_size = receipt.type, len(receipt.data)
    db.session.flush()
    audit(user, "claims.resubmit", claim, amount=amount, new_receipt=receipt is not None)
    _tell_specialists(claim, user, claim_title(claim), again=True)
    return claim


def _tell_specialists(claim, user, title, again=False):
    for specialist in _specialists(claim.organisation_id):
        notify(
            specialist,
            "claims.resubmitted" if again else "claims.submitted",
            path_for("claims.detail", claim_id=claim.id),
            email_template="claims/submitted",
            actor=user,
            name=user.display_name,
            title=title,
            again=again,
        )


# --- the organisation's side ------------------------------------------------------------------------------


def _change(claim, expected, **values):
    """Move a claim on from `expected` once: a conditional update, so two specialists cannot
    both decide it, nor pay it twice."""
    changed = db.session.execute(
        update(CostClaim)
        .where(CostClaim.id == claim.id, CostClaim.status == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise RuleError("claims.already-decided")
    db.session.refresh(claim)


def approve(actor, claim, note=""):
    _change(claim, SUBMITTED, status=APPROVED, reason=(note or "").strip(), decided_by_id=actor.id, decided_at=utcnow())
    audit(actor, "claims.approve", claim, amount=claim.amount)
    _tell(claim)


def decline(actor, claim, reason):
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("claims.reason-needed", field="reason")
    _change(claim, SUBMITTED, status=DECLINED, reason=reason, decided_by_id=actor.id, decided_at=utcnow())
    audit(actor, "claims.decline", claim, amount=claim.amount)
    _tell(claim)


def mark_paid(actor, claim):
    _change(claim, APPROVED, status=PAID, paid_by_id=actor.id, paid_at=utcnow())
    audit(actor, "claims.pay", claim, amount=claim.amount)
    _tell(claim)


def _tell(claim):
    """Every change reaches the claimant by email, whatever their settings: it is their money."""
    notify(
        claim.user,
        f"claims.{claim.status}",
        path_for("claims.detail", claim_id=claim.id),
        email_template="claims/changed",
        force_email=True,
        title=claim_title(claim),
        status=claim.status,
        reason=claim.reason,
        amount=claim.amount,
        org=claim.organisation.name,
    )


def _specialists(organisation_id):
    return db.session.scalars(
        select(User)
        .join(Specialist, Specialist.user_id == User.id)
        .where(Specialist.organisation_id == organisation_id)
        .order_by(User.id)
    ).all()


# --- reading ------------------------------------------------------------------------------------------------


def _with_subject(query):
    return query.options(
        joinedload(CostClaim.user),
        joinedload(CostClaim.organisation),
        joinedload(CostClaim.session).joinedload(OpportunitySession.opportunity),
        joinedload(CostClaim.event).joinedload(Event.group),
    )


def get_claim(claim_id):
    return db.session.scalar(_with_subject(select(CostClaim).where(CostClaim.id == claim_id)))


def claim_title(claim):
    """What the claim is for, in a few words: the session or event and what it belongs to."""
    if claim.session is not None:
        return f"{claim.session.opportunity.title}: {claim.session.title}"
    return f"{claim.event.group.name}: {claim.event.title}"


def my_claims(user):
    return db.session.scalars(
        _with_subject(select(CostClaim).where(CostClaim.user_id == user.id)).order_by(CostClaim.created_at.desc())
    ).all()


STATUS_ORDER = {SUBMITTED: 0, APPROVED: 1, DECLINED: 2, PAID: 3}
CLAIMS_PAGE_SIZE = 30


def claims_of(organisation, status=None, page=1):
    """One page of the organisation's claims (one status, or all), those to act on first
    (a `paginate` result)."""
    query = _with_subject(select(CostClaim).where(CostClaim.organisation_id == organisation.id))
    if status:
        query = query.where(CostClaim.status == status)
    return paginate(
        query.order_by(
            case(STATUS_ORDER, value=CostClaim.status, else_=9), CostClaim.created_at.desc(), CostClaim.id.desc()
        ),
        page=page,
        per_page=CLAIMS_PAGE_SIZE,
        error_out=False,
    )


def every_claim_of(organisation):
    """All the organisation's claims in the order they were spent (for the accountant's CSV)."""
    return db.session.scalars(
        _with_subject(select(CostClaim).where(CostClaim.organisation_id == organisation.id)).order_by(
            CostClaim.spent_on, CostClaim.id
        )
    ).all()


def status_counts(organisation):
    return dict(
        db.session.execute(
            select(CostClaim.status, func.count(CostClaim.id))
            .where(CostClaim.organisation_id == organisation.id)
            .group_by(CostClaim.status)
        ).all()
    )
