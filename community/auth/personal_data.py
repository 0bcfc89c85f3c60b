"""What Krug holds about a person, table by table: what "Download my data" gives them, and
what "Delete my account" does to it. The privacy notice (/privacy) says the same in words.

`HOLDINGS` lists every column that points at a person (each foreign key to `user`, and the
columns that hold their email address): a table added later that holds people's rows and
is not listed here fails `tests/test_personal_data.py`.

What deletion does, in three kinds:
- DELETE: the rows go (the account, sessions, memberships, messages, replies, notices…);
- ERASE_TEXT: what the person wrote is removed, the bare fact stays for the group's totals
  without their name (help asked and given, how an event felt);
- UNLINK: a row that belongs to the group or to someone else keeps no trace of who it was
  (an event they created, a decision they recorded, a request they approved).
"""

import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update

from community.audit import AuditEvent, audit
from community.auth.models import User, UserSession
from community.events.models import GOING, WAITLISTED, Event, EventFeedback, EventOrganiser, Registration
from community.extensions import db
from community.groups.models import (
    ACTIVE,
    DISCUSSION,
    LEADER,
    PENDING,
    Comment,
    EngagementRole,
    Group,
    Membership,
    Post,
)
from community.health.models import HealthActivity, HealthBreak
from community.involve import personal_data as involvement
from community.messages.models import Message
from community.models import utcnow
from community.mutual_help.models import CLOSED, HelpMessage, HelpRequest, HelpResponse, HelpSubscription
from community.notifications.models import SENDING, Notification, OutboxMessage
from community.offline.models import OfflineMember
from community.orgs.models import Organisation, Specialist, SpecialistInvitation, SupportOffer
from community.report.models import UnexpectedMark, UnplannedResult
from community.safety import personal_data as safety
from community.series.models import EventSeries
from community.surveys import personal_data as surveys
from community.voice import personal_data as voice

DELETE, ERASE_TEXT, UNLINK = "delete", "erase text", "unlink"


@dataclass(frozen=True)
class Holding:
    """One column that points at a person: what deletion does, and where the export shows it."""

    table: str
    column: str
    on_delete: str
    section: str


HOLDINGS = (
    Holding("user", "id", DELETE, "account"),
    Holding("user_session", "user_id", DELETE, "sessions"),
    Holding("membership", "user_id", DELETE, "memberships"),
    Holding("membership", "decided_by_id", UNLINK, "your_actions"),
    Holding("engagement_role", "offered_by_id", UNLINK, "your_actions"),
    Holding("post", "author_id", ERASE_TEXT, "posts"),
    Holding("post", "hidden_by_id", UNLINK, "your_actions"),
    Holding("comment", "author_id", DELETE, "replies"),
    Holding("comment", "hidden_by_id", UNLINK, "your_actions"),
    Holding("event", "created_by_id", UNLINK, "events_created"),
    Holding("event_organiser", "user_id", DELETE, "events_organised"),
    Holding("event_organiser", "invited_by_id", UNLINK, "your_actions"),
    Holding("registration", "user_id", DELETE, "registrations"),
    Holding("event_feedback", "user_id", ERASE_TEXT, "event_feedback"),
    Holding("help_request", "author_id", ERASE_TEXT, "help_requests"),
    Holding("help_request", "hidden_by_id", UNLINK, "your_actions"),
    Holding("help_request", "recorded_by_id", UNLINK, "your_actions"),
    Holding("help_response", "helper_id", ERASE_TEXT, "help_answers"),
    Holding("help_message", "author_id", DELETE, "help_messages"),
    Holding("help_subscription", "user_id", DELETE, "help_preferences"),
    Holding("message", "sender_id", DELETE, "messages"),
    Holding("message", "recipient_id", DELETE, "messages"),
    Holding("notification", "user_id", DELETE, "notifications"),
    Holding("notification", "actor_id", ERASE_TEXT, "notices_about_you"),
    Holding("outbox_message", "recipient", DELETE, "emails"),
    Holding("audit_event", "actor_id", UNLINK, "security_record"),
    Holding("audit_event", "target_id", ERASE_TEXT, "security_record"),
    Holding("specialist", "user_id", DELETE, "organisations"),
    Holding("specialist_invitation", "email", DELETE, "organisations"),
    Holding("specialist_invitation", "invited_by_id", UNLINK, "your_actions"),
    Holding("support_offer", "specialist_id", ERASE_TEXT, "support_offers"),
    Holding("support_offer", "decided_by_id", UNLINK, "your_actions"),
    Holding("health_break", "created_by_id", UNLINK, "your_actions"),
    Holding("event_series", "created_by_id", UNLINK, "your_actions"),
    Holding("health_activity", "user_id", DELETE, "memberships"),
    # Involvement (community/involve/personal_data.py).
    Holding("opportunity", "created_by_id", UNLINK, "your_actions"),
    Holding("opportunity_application", "user_id", DELETE, "applications"),
    Holding("opportunity_application", "decided_by_id", UNLINK, "your_actions"),
    Holding("opportunity_session", "created_by_id", UNLINK, "your_actions"),
    Holding("session_attendance", "user_id", DELETE, "sessions_taken_part"),
    Holding("session_attendance", "recorded_by_id", UNLINK, "your_actions"),
    Holding("cost_claim", "user_id", DELETE, "cost_claims"),
    Holding("cost_claim", "decided_by_id", UNLINK, "your_actions"),
    Holding("cost_claim", "paid_by_id", UNLINK, "your_actions"),
    # You said — we did (community/voice/personal_data.py).
    Holding("suggestion", "author_id", DELETE, "suggestions"),
    Holding("suggestion_support", "user_id", DELETE, "suggestions_supported"),
    Holding("suggestion_answer", "answered_by_id", UNLINK, "your_actions"),
    # Pulse surveys (community/surveys/personal_data.py): who answered, never what.
    Holding("survey", "created_by_id", UNLINK, "your_actions"),
    Holding("survey_ballot", "user_id", DELETE, "surveys_answered"),
    # Self-assessment (community/assessment/): the organisation's ratings are its record.
    Holding("assessment_round", "opened_by_id", UNLINK, "your_actions"),
    Holding("assessment_rating", "rated_by_id", UNLINK, "your_actions"),
    Holding("assessment_ballot", "user_id", DELETE, "surveys_answered"),
    # Keeping groups safe, and “спасибо” (community/safety/personal_data.py).
    Holding("user", "suspended_by_id", UNLINK, "your_actions"),
    Holding("report", "reporter_id", DELETE, "reports"),
    Holding("report", "author_id", UNLINK, "reports_about_you"),
    Holding("report", "decided_by_id", UNLINK, "your_actions"),
    Holding("help_response", "hidden_by_id", UNLINK, "your_actions"),
    Holding("help_message", "hidden_by_id", UNLINK, "your_actions"),
    Holding("message", "hidden_by_id", UNLINK, "your_actions"),
    Holding("block", "blocker_id", DELETE, "blocked"),
    Holding("block", "blocked_id", DELETE, "blocked"),
    Holding("thanks", "user_id", DELETE, "thanks_given"),
    Holding("unplanned_result", "created_by_id", UNLINK, "your_actions"),
    Holding("unexpected_mark", "marked_by_id", UNLINK, "your_actions"),
    # Members without an account (community/offline): the leader deletes them at their request.
    Holding("offline_member", "user_id", DELETE, "account"),
    Holding("offline_member", "consent_by_id", UNLINK, "your_actions"),
    Holding("offline_member", "added_by_id", UNLINK, "your_actions"),
    Holding("offline_member", "link_user_id", UNLINK, "account"),
)
# Details in audit rows that are someone's personal data (addresses, a leader's reasons).
AUDIT_PERSONAL_KEYS = ("email", "old", "new", "reason")


def _iso(moment):
    return moment.isoformat() if moment else None


def _group_names(group_ids):
    ids = {i for i in group_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Group.id, Group.name).where(Group.id.in_(ids))).all())


# --- export ---------------------------------------------------------------------------------------------


def export(user):
    """Everything Krug holds about `user`, section by section (JSON-ready)."""
    uid = user.id
    sections = {
        "account": _account(user),
        "sessions": [
            {"started_at": _iso(s.created_at), "device": s.user_agent}
            for s in db.session.scalars(select(UserSession).where(UserSession.user_id == uid))
        ],
    }
    sections.update(_groups_part(uid))
    sections.update(_events_part(uid))
    sections.update(_help_part(uid))
    sections.update(_messages_part(user))
    sections.update(_organisations_part(user))
    sections.update(involvement.export_part(user))
    sections.update(voice.export_part(user))
    sections.update(surveys.export_part(user))
    sections.update(safety.export_part(user))
    sections["your_actions"] = _actions(uid)
    sections["security_record"] = [
        {"at": _iso(e.at), "action": e.action, "by_you": e.actor_id == uid}
        for e in db.session.scalars(
            select(AuditEvent)
            .where(or_(AuditEvent.actor_id == uid, (AuditEvent.target_type == "user") & (AuditEvent.target_id == uid)))
            .order_by(AuditEvent.id)
        )
    ]
    return {"exported_at": utcnow().isoformat(), **sections}


def _account(user):
    return {
        "email": user.email,
        "display_name": user.display_name,
        "city": user.city,
        "locale": user.locale,
        "timezone": user.timezone,
        "created_at": _iso(user.created_at),
        "email_verified_at": _iso(user.email_verified_at),
        "email_notifications": user.email_notifications,
        "email_frequency": user.email_frequency,
        "digest_sent_at": _iso(user.digest_sent_at),
        "opportunity_emails": user.opportunity_emails,
        "family_form": user.family_form,
        "experience_years": user.experience_years,
        "has_calendar_feed": user.calendar_token is not None,
        "is_admin": user.is_admin,
        "suspended_at": _iso(user.suspended_at),
        "consent": {"given_at": _iso(user.consent_at), "text_version": user.consent_version},
        # A leader asked you to confirm the history of a member without an account as yours.
        "asked_to_take_over_history_in": sorted(
            _group_names(
                db.session.scalars(select(OfflineMember.group_id).where(OfflineMember.link_user_id == user.id))
            ).values()
        ),
    }


def _groups_part(uid):
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == uid).order_by(Membership.id)).all()
    posts = db.session.scalars(select(Post).where(Post.author_id == uid).order_by(Post.id)).all()
    replies = db.session.execute(
        select(Comment, Post.group_id, Post.title)
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.author_id == uid)
    ).all()
    names = _group_names([m.group_id for m in memberships] + [p.group_id for p in posts] + [r[1] for r in replies])
    return {
        "memberships": [
            {
                "group": names.get(m.group_id),
                "role": m.role,
                "status": m.status,
                "asked_at": _iso(m.requested_at),
                "joined_at": _iso(m.joined_at),
                "ended_at": _iso(m.ended_at),
                "your_message": m.request_message,
                "reason_given": m.reason,
                "engagement_roles": [{"role": r.role, "status": r.status} for r in m.engagement_roles],
                # The monthly summary the group's health figures are counted from.
                "months_taking_part": [
                    {"month": period.isoformat()[:7], "level": level}
                    for period, level in db.session.execute(
                        select(HealthActivity.period, HealthActivity.level)
                        .where(HealthActivity.user_id == uid, HealthActivity.group_id == m.group_id)
                        .order_by(HealthActivity.period)
                    )
                ],
            }
            for m in memberships
        ],
        "posts": [
            {
                "group": names.get(p.group_id),
                "kind": p.kind,
                "title": p.title,
                "text": p.body,
                "members_said": p.members_said,
                "at": _iso(p.created_at),
            }
            for p in posts
        ],
        "replies": [
            {"group": names.get(group_id), "to": title, "text": c.body, "at": _iso(c.created_at)}
            for c, group_id, title in replies
        ],
    }


def _events_part(uid):
    def described(event):
        return {"title": event.title, "starts_at": _iso(event.starts_at), "group": event.group.name}

    created = db.session.scalars(select(Event).where(Event.created_by_id == uid).order_by(Event.id)).all()
    organised = db.session.scalars(select(EventOrganiser).where(EventOrganiser.user_id == uid)).all()
    registrations = db.session.scalars(select(Registration).where(Registration.user_id == uid)).all()
    feedback = db.session.execute(
        select(EventFeedback, Event).join(Event, Event.id == EventFeedback.event_id).where(EventFeedback.user_id == uid)
    ).all()
    return {
        "events_created": [described(e) for e in created],
        "events_organised": [{**described(o.event), "status": o.status} for o in organised],
        "registrations": [
            {**described(r.event), "status": r.status, "attended": r.attended, "name_shown": r.show_name}
            for r in registrations
        ],
        "event_feedback": [
            {**described(e), "feeling": f.feeling, "helped": f.helped, "change": f.change, "anonymous": f.anonymous}
            for f, e in feedback
        ],
    }


def _help_part(uid):
    requests = db.session.scalars(select(HelpRequest).where(HelpRequest.author_id == uid)).all()
    answers = db.session.execute(
        select(HelpResponse, HelpRequest.title)
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(HelpResponse.helper_id == uid)
    ).all()
    messages = db.session.execute(
        select(HelpMessage, HelpRequest.title)
        .join(HelpRequest, HelpRequest.id == HelpMessage.request_id)
        .where(HelpMessage.author_id == uid)
    ).all()
    names = _group_names([r.group_id for r in requests])
    return {
        "help_requests": [
            {
                "group": names.get(r.group_id),
                "kind": r.kind,
                "title": r.title,
                "details": r.details,
                "category": r.category,
                "status": r.status,
                "sensitive": r.sensitive,
                "thank_you": r.thank_you,
                "at": _iso(r.created_at),
            }
            for r in requests
        ],
        "help_answers": [
            {"to": title, "message": a.message, "accepted": a.accepted_at is not None, "helped": a.helped}
            for a, title in answers
        ],
        "help_messages": [{"about": title, "text": m.body, "at": _iso(m.created_at)} for m, title in messages],
        "help_preferences": sorted(
            db.session.scalars(select(HelpSubscription.category).where(HelpSubscription.user_id == uid))
        ),
    }


def _messages_part(user):
    uid = user.id
    messages = db.session.scalars(
        select(Message).where(or_(Message.sender_id == uid, Message.recipient_id == uid)).order_by(Message.id)
    ).all()
    people = {m.sender_id for m in messages} | {m.recipient_id for m in messages}
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(people - {uid}))).all())
    return {
        "messages": [
            {
                "from_you": m.sender_id == uid,
                "with": names.get(m.recipient_id if m.sender_id == uid else m.sender_id),
                "text": m.body,
                "at": _iso(m.created_at),
                "read_at": _iso(m.read_at),
            }
            for m in messages
        ],
        "notifications": [
            {"kind": n.kind, "about": n.data, "at": _iso(n.created_at), "read_at": _iso(n.read_at)}
            for n in db.session.scalars(
                select(Notification).where(Notification.user_id == uid).order_by(Notification.id)
            )
        ],
        "notices_about_you": db.session.scalar(select(func.count(Notification.id)).where(Notification.actor_id == uid)),
        "emails": [
            {"subject": e.subject, "at": _iso(e.created_at), "status": e.status, "sent_at": _iso(e.sent_at)}
            for e in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.recipient == user.email).order_by(OutboxMessage.id)
            )
        ],
    }


def _organisations_part(user):
    uid = user.id
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    offers = db.session.scalars(select(SupportOffer).where(SupportOffer.specialist_id == uid)).all()
    groups = _group_names([o.group_id for o in offers])
    invitations = db.session.scalars(select(SpecialistInvitation).where(SpecialistInvitation.email == user.email)).all()
    return {
        "organisations": [
            {"organisation": names.get(s.organisation_id), "specialist_since": _iso(s.joined_at)}
            for s in db.session.scalars(select(Specialist).where(Specialist.user_id == uid))
        ]
        + [
            {
                "organisation": names.get(i.organisation_id),
                "invited_at": _iso(i.created_at),
                "accepted_at": _iso(i.accepted_at),
            }
            for i in invitations
        ],
        "support_offers": [
            {
                "organisation": names.get(o.organisation_id),
                "group": groups.get(o.group_id),
                "message": o.message,
                "status": o.status,
            }
            for o in offers
        ],
    }


# What you did to rows that belong to someone else or to the group: the kind and the time only.
_ACTIONS = (
    ("decided on a membership", Membership.decided_by_id, func.coalesce(Membership.ended_at, Membership.joined_at)),
    ("offered an engagement role", EngagementRole.offered_by_id, EngagementRole.created_at),
    ("hid a post", Post.hidden_by_id, Post.hidden_at),
    ("hid a reply", Comment.hidden_by_id, Comment.hidden_at),
    ("invited a co-organiser", EventOrganiser.invited_by_id, EventOrganiser.created_at),
    ("hid a help request", HelpRequest.hidden_by_id, HelpRequest.hidden_at),
    ("recorded help given offline", HelpRequest.recorded_by_id, HelpRequest.created_at),
    ("invited a specialist", SpecialistInvitation.invited_by_id, SpecialistInvitation.created_at),
    ("answered an offer of support", SupportOffer.decided_by_id, SupportOffer.decided_at),
    ("declared a break of a group", HealthBreak.created_by_id, HealthBreak.created_at),
    ("planned a regular meeting", EventSeries.created_by_id, EventSeries.created_at),
    ("noted an unplanned result in an impact report", UnplannedResult.created_by_id, UnplannedResult.created_at),
    ("marked an item as an unexpected result", UnexpectedMark.marked_by_id, UnexpectedMark.marked_at),
    *involvement.ACTIONS,
    *voice.ACTIONS,
    *surveys.ACTIONS,
    *safety.ACTIONS,
    ("added a member without an account", OfflineMember.added_by_id, OfflineMember.added_at),
    ("recorded a member's consent", OfflineMember.consent_by_id, OfflineMember.consent_at),
)


def _actions(uid):
    done = []
    for what, column, when in _ACTIONS:
        done += [{"what": what, "at": _iso(at)} for at in db.session.scalars(select(when).where(column == uid))]
    return done


# --- deletion ---------------------------------------------------------------------------------------------


def groups_led_alone(user):
    """Live groups where `user` is the only active leader (they must hand over first)."""
    from community.groups.service import _active_leader_count

    led = db.session.scalars(
        select(Group)
        .join(Membership, Membership.group_id == Group.id)
        .where(
            Membership.user_id == user.id,
            Membership.role == LEADER,
            Membership.status == ACTIVE,
            Group.archived_at.is_(None),
        )
        .order_by(Group.id)
    ).all()
    return [group for group in led if _active_leader_count(group) <= 1]


def erase(user):
    """Delete the account as `HOLDINGS` says, in the caller's transaction. Memberships end
    first (places at coming events go to the waiting list, under each group's lock)."""
    from community.errors import RuleError
    from community.events.registration import lock_event, recount, release_place
    from community.groups.service import end_membership, lock_group
    from community.notifications.service import forget_actor

    uid = user.id
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == uid, Membership.status.in_([ACTIVE, PENDING]))
        .order_by(Membership.group_id)
    ).all()
    for membership in memberships:
        lock_group(membership.group)
        db.session.refresh(membership)
    if groups_led_alone(user):
        raise RuleError("auth.last-leader")
    for membership in memberships:
        if membership.status in (ACTIVE, PENDING):
            end_membership(membership, "left")

    # Places anywhere else (an event of a group left long ago): released, then the rows go,
    # and each event's counters follow its rows.
    for event_id in db.session.scalars(
        select(Registration.event_id).where(Registration.user_id == uid).order_by(Registration.event_id)
    ).all():
        event = db.session.get(Event, event_id)
        lock_event(event)
        registration = db.session.scalar(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.user_id == uid)
            .execution_options(populate_existing=True)
        )
        if registration.status in (GOING, WAITLISTED):
            release_place(registration, event)
        db.session.delete(registration)
        db.session.flush()
        recount(event)

    involvement.erase_part(user)
    forget_actor(user, _pages_of(uid) + voice.pages_of(uid))
    voice.erase_part(user)
    _erase_groups_part(uid)
    _erase_help_part(uid)
    db.session.execute(
        update(EventFeedback)
        .where(EventFeedback.user_id == uid)
        .values(user_id=None, helped="", change="", anonymous=True)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(Message)
        .where(or_(Message.sender_id == uid, Message.recipient_id == uid))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(SupportOffer)
        .where(SupportOffer.specialist_id == uid)
        .values(specialist_id=None, message="")
        .execution_options(synchronize_session=False)
    )
    if user.email:  # a member without an account has no address (community/offline)
        db.session.execute(delete(SpecialistInvitation).where(SpecialistInvitation.email == user.email))
        db.session.execute(
            delete(OutboxMessage).where(OutboxMessage.recipient == user.email, OutboxMessage.status != SENDING)
        )
    _erase_audit_details(uid)
    audit(None, "account.delete", user, email_hash=hashlib.sha256((user.email or "").encode()).hexdigest()[:16])
    db.session.flush()
    db.session.delete(user)  # the rest follows the foreign keys: DELETE (cascade) or UNLINK (set null)
    db.session.flush()


def _pages_of(uid):
    """The addresses of what the person wrote (their help requests and discussions), so
    notices that link there lose the title too."""
    from community.urls import path_for

    pages = [
        path_for("help.detail", request_id=i)
        for i in db.session.scalars(select(HelpRequest.id).where(HelpRequest.author_id == uid))
    ]
    discussions = db.session.execute(
        select(Post.id, Group.slug)
        .join(Group, Group.id == Post.group_id)
        .where(Post.author_id == uid, Post.kind == DISCUSSION)
    ).all()
    return pages + [path_for("posts.detail", slug=slug, post_id=post_id) for post_id, slug in discussions]


def _erase_groups_part(uid):
    from community.groups.feed import _recount_comments

    # Discussions go; where other people replied, the replies stay under an emptied post.
    others_replied = select(Comment.post_id).where(Comment.author_id.is_distinct_from(uid))
    db.session.execute(
        delete(Post)
        .where(Post.author_id == uid, Post.kind == DISCUSSION, Post.id.not_in(others_replied))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Post)
        .where(Post.author_id == uid, Post.kind == DISCUSSION)
        .values(title="", body="", members_said="", author_id=None)
        .execution_options(synchronize_session=False)
    )
    # Announcements and decisions are the group's record: they stay, without the name.
    posts = set(db.session.scalars(select(Comment.post_id).where(Comment.author_id == uid)))
    db.session.execute(delete(Comment).where(Comment.author_id == uid).execution_options(synchronize_session=False))
    for post in db.session.scalars(select(Post).where(Post.id.in_(posts))):
        _recount_comments(post)


def _erase_help_part(uid):
    db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.author_id == uid, HelpRequest.status.in_(["open", "in_progress"]))
        .values(status=CLOSED, closed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.author_id == uid)
        .values(title="", details="", close_note="", thank_you="", author_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(HelpResponse)
        .where(HelpResponse.helper_id == uid)
        .values(message="", helper_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(HelpMessage).where(HelpMessage.author_id == uid))


def _erase_audit_details(uid):
    """Audit rows stay (the installation's record of who did what), without addresses or
    reasons about the person."""
    rows = db.session.scalars(
        select(AuditEvent).where(
            or_(AuditEvent.actor_id == uid, (AuditEvent.target_type == "user") & (AuditEvent.target_id == uid))
        )
    ).all()
    for row in rows:
        if any(key in (row.detail or {}) for key in AUDIT_PERSONAL_KEYS):
            row.detail = {k: v for k, v in row.detail.items() if k not in AUDIT_PERSONAL_KEYS}
