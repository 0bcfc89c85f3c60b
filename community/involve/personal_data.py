"""What involvement holds about a person, for "Download my data" and "Delete my account"
(`community/auth/personal_data.py` lists the columns in `HOLDINGS` and calls these)."""

from sqlalchemy import delete, select

from community.extensions import db
from community.involve import choosing
from community.involve.claims.models import CostClaim
from community.involve.claims.service import claim_title, my_claims
from community.involve.models import (
    LIVE_APPLICATION,
    Application,
    Opportunity,
    OpportunitySession,
    SessionAttendance,
)


def _iso(moment):
    return moment.isoformat() if moment else None


def export_part(user):
    """My applications (with what I wrote and what the organisers answered), the sessions I
    took part in, and my cost claims (the receipts are listed, not included)."""
    applications = db.session.execute(
        select(Application, Opportunity.title)
        .join(Opportunity, Opportunity.id == Application.opportunity_id)
        .where(Application.user_id == user.id)
        .order_by(Application.id)
    ).all()
    sessions = db.session.execute(
        select(OpportunitySession, Opportunity.title)
        .join(SessionAttendance, SessionAttendance.session_id == OpportunitySession.id)
        .join(Opportunity, Opportunity.id == OpportunitySession.opportunity_id)
        .where(SessionAttendance.user_id == user.id)
        .order_by(OpportunitySession.starts_at)
    ).all()
    return {
        "applications": [
            {
                "opportunity": title,
                "applied_at": _iso(a.created_at),
                "your_note": a.note,
                "status": a.status,
                "organisers_wrote": a.reason,
            }
            for a, title in applications
        ],
        "sessions_taken_part": [
            {"opportunity": title, "session": s.title, "at": _iso(s.starts_at)} for s, title in sessions
        ],
        "cost_claims": [
            {
                "for": claim_title(c),
                "category": c.category,
                "amount_kopecks": c.amount,
                "spent_on": c.spent_on.isoformat(),
                "your_note": c.note,
                "receipt": bool(c.receipt_key),
                "status": c.status,
                "organisation_wrote": c.reason,
                "sent_at": _iso(c.created_at),
            }
            for c in my_claims(user)
        ],
    }


# What you did as an organiser, on rows that belong to others: the kind and the time only.
ACTIONS = (
    ("published an opportunity to take part", Opportunity.created_by_id, Opportunity.created_at),
    ("answered an application", Application.decided_by_id, Application.decided_at),
    ("added a session", OpportunitySession.created_by_id, OpportunitySession.created_at),
    ("recorded who took part", SessionAttendance.recorded_by_id, SessionAttendance.recorded_at),
    ("decided on a cost claim", CostClaim.decided_by_id, CostClaim.decided_at),
    ("marked a cost claim paid", CostClaim.paid_by_id, CostClaim.paid_at),
)


def erase_part(user):
    """Before the account goes: a place the person held goes to the first person waiting
    (under each opportunity's lock), then their applications, attendance and claims go. Their
    receipts' files are removed by the daily sweep once no claim refers to them."""
    live = db.session.scalars(
        select(Application)
        .where(Application.user_id == user.id, Application.status.in_(LIVE_APPLICATION))
        .order_by(Application.opportunity_id)
    ).all()
    for application in live:
        opportunity = application.opportunity
        choosing.lock_opportunity(opportunity)
        db.session.refresh(application)
        held_place = application.status == "accepted"
        choosing.revoke_roles(application)
        db.session.delete(application)
        db.session.flush()
        if held_place:
            choosing.fill_from_waitlist(opportunity)
        choosing.recount(opportunity)
    for model in (CostClaim, SessionAttendance, Application):
        db.session.execute(delete(model).where(model.user_id == user.id).execution_options(synchronize_session=False))
    db.session.flush()
