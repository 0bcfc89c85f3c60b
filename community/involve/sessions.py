"""An opportunity's sessions (a panel's meetings, a training, a forum day) and who took part
in them, recorded by the organiser as event attendance is. Taking part is what a cost claim
rests on."""

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from community.audit import audit
from community.errors import RuleError
from community.extensions import db
from community.involve.models import ACCEPTED, Application, OpportunitySession, SessionAttendance
from community.models import utcnow
from community.notifications.service import notify
from community.urls import path_for

MAX_LENGTH = timedelta(days=3)
OLDEST = timedelta(days=366)


def sessions_of(opportunity):
    """The sessions in time order, with how many took part in each (two queries)."""
    sessions = db.session.scalars(
        select(OpportunitySession)
        .where(OpportunitySession.opportunity_id == opportunity.id)
        .order_by(OpportunitySession.starts_at, OpportunitySession.id)
    ).all()
    counts = dict(
        db.session.execute(
            select(SessionAttendance.session_id, func.count(SessionAttendance.id))
            .where(SessionAttendance.session_id.in_([s.id for s in sessions]))
            .group_by(SessionAttendance.session_id)
        ).all()
    )
    return [(session, counts.get(session.id, 0)) for session in sessions]


def get_session(opportunity, session_id):
    session = db.session.get(OpportunitySession, session_id)
    if session is None or session.opportunity_id != opportunity.id:
        return None
    return session


def my_sessions(user, session_ids):
    """Which of these sessions `user` took part in."""
    if not session_ids:
        return set()
    return set(
        db.session.scalars(
            select(SessionAttendance.session_id).where(
                SessionAttendance.user_id == user.id, SessionAttendance.session_id.in_(session_ids)
            )
        )
    )


def took_part_ids(session):
    return set(db.session.scalars(select(SessionAttendance.user_id).where(SessionAttendance.session_id == session.id)))


def _check_times(starts_at, ends_at, changed=True):
    if ends_at <= starts_at:
        raise RuleError("involve.session-ends-before-start", field="ends_time")
    if ends_at - starts_at > MAX_LENGTH:
        raise RuleError("involve.session-too-long", field="ends_time")
    if changed and starts_at < utcnow() - OLDEST:
        raise RuleError("involve.session-too-old", field="starts_date")


def add_session(actor, opportunity, title, starts_at, ends_at, place):
    """Plan a session, or record one that already took place (up to a year back)."""
    _check_times(starts_at, ends_at)
    session = OpportunitySession(
        opportunity_id=opportunity.id,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip(),
        created_by_id=actor.id,
    )
    db.session.add(session)
    db.session.flush()
    audit(actor, "involve.add_session", session, opportunity_id=opportunity.id)
    return session


def has_taken_place(session):
    """Someone is recorded as having taken part (or claimed costs): the session happened."""
    return bool(took_part_ids(session) or claimed_ids(session))


def edit_session(actor, session, title, starts_at, ends_at, place):
    """Correct a session's title, time or place. A session people are recorded as having
    taken part in cannot move into the future (their attendance and claims rest on it)."""
    _check_times(starts_at, ends_at, changed=starts_at != session.starts_at)
    if starts_at > utcnow() and has_taken_place(session):
        raise RuleError("involve.session-took-place", field="starts_date")
    changed = [
        name
        for name, value in (
            ("title", title.strip()),
            ("starts_at", starts_at),
            ("ends_at", ends_at),
            ("place", (place or "").strip()),
        )
        if getattr(session, name) != value
    ]
    session.title = title.strip()
    session.starts_at, session.ends_at = starts_at, ends_at
    session.place = (place or "").strip()
    db.session.flush()
    audit(actor, "involve.edit_session", session, opportunity_id=session.opportunity_id, changed=changed)
    return changed


def remove_session(actor, session):
    """Take a session off the plan. One that took place (attendance or claims recorded) stays."""
    if has_taken_place(session):
        raise RuleError("involve.session-took-place")
    audit(actor, "involve.remove_session", session, opportunity_id=session.opportunity_id, title=session.title)
    db.session.delete(session)
    db.session.flush()


def participants(opportunity):
    """The people who can take part in sessions: everyone accepted, with their names."""
    return db.session.scalars(
        select(Application)
        .options(joinedload(Application.user))
        .where(Application.opportunity_id == opportunity.id, Application.status == ACCEPTED)
        .order_by(Application.decided_at, Application.id)
    ).all()


def claimed_ids(session):
    """People who have claimed costs for the session: their attendance stands."""
    from community.involve.claims.models import CostClaim

    return set(db.session.scalars(select(CostClaim.user_id).where(CostClaim.session_id == session.id)))


def record_attendance(actor, session, user_ids):
    """Set who took part (from the accepted people). Someone who has already claimed costs
    for the session stays recorded. People newly recorded are told they can claim costs,
    when the opportunity covers any. Returns how many took part."""
    if session.starts_at > utcnow():
        raise RuleError("involve.session-not-started")
    opportunity = session.opportunity
    allowed = {a.user_id for a in participants(opportunity)}
    before = took_part_ids(session)
    wanted = (set(user_ids) & (allowed | before)) | (before & claimed_ids(session))
    db.session.execute(
        delete(SessionAttendance)
        .where(SessionAttendance.session_id == session.id, SessionAttendance.user_id.not_in(wanted))
        .execution_options(synchronize_session=False)
    )
    now = utcnow()
    for user_id in sorted(wanted - before):
        db.session.add(SessionAttendance(session_id=session.id, user_id=user_id, recorded_by_id=actor.id))
    session.attendance_at = now
    db.session.flush()
    audit(actor, "involve.attendance", session, opportunity_id=opportunity.id, count=len(wanted))
    if opportunity.covered and opportunity.organisation_id is not None:
        from community.auth.models import User

        for user_id in sorted(wanted - before):
            notify(
                db.session.get(User, user_id),
                "involve.took_part",
                path_for("claims.mine"),
                email_template="involve/took_part",
                title=opportunity.title,
                session=session.title,
            )
    return len(wanted)
