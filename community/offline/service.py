"""Members without an account: a leader adds, edits and deletes them (each audited), and
registers them for meetings. Attendance, help records and the health indicators treat them
like every other member: they are a `User` with an active `Membership`."""

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update as sa_update
from sqlalchemy.orm import contains_eager

from community.audit import AuditEvent, audit
from community.auth.models import EmailFrequency, User
from community.errors import RuleError
from community.events import registration
from community.events.models import GOING, WAITLISTED, Registration
from community.extensions import db
from community.groups.models import ACTIVE, MEMBER, SPECIALIST, Membership
from community.groups.service import _recount, lock_group
from community.models import utcnow
from community.mutual_help.models import HelpRequest, HelpResponse
from community.offline.models import OfflineMember

CONSENT_VERSION = "offline"  # user.consent_version of a person added by a leader
ACTIONS = (
    "offline.add",
    "offline.edit",
    "offline.delete",
    "offline.register",
    "offline.cancel",
    "offline.export",
    "offline.link_request",
    "offline.link",
)
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-]+$")


def clean_phone(value):
    """A phone number as typed ("+7 912 345-67-89"), or "" for none; RuleError if it is not one."""
    value = " ".join((value or "").split())
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARS.match(value) or not 7 <= len(digits) <= 15:
        raise RuleError("offline.bad-phone", field="phone")
    return value


def offline_members(group):
    """The group's members without an account, by name (one query)."""
    return db.session.scalars(
        select(OfflineMember)
        .join(User, User.id == OfflineMember.user_id)
        .where(OfflineMember.group_id == group.id)
        .options(contains_eager(OfflineMember.user))
        .order_by(User.display_name, OfflineMember.id)
    ).all()


def get_offline_member(group, offline_id):
    return db.session.scalar(
        select(OfflineMember).where(OfflineMember.id == offline_id, OfflineMember.group_id == group.id)
    )


def _check_open(group):
    if group.archived_at is not None:
        raise RuleError("groups.archived")


def add(actor, group, name, phone, purpose):
    """Add a parent without an account: a `User` with no email and no password (cannot sign
    in, never emailed), an active membership, and the consent as the leader recorded it."""
    lock_group(group)
    _check_open(group)
    phone = clean_phone(phone)
    now = utcnow()
    user = User(
        email=None,
        display_name=name,
        password_hash="",
        locale=getattr(actor, "locale", None) or "ru",
        timezone=group.timezone,
        consent_at=now,
        consent_version=CONSENT_VERSION,
        email_notifications=False,
        email_frequency=EmailFrequency.NEVER,
    )
    db.session.add(user)
    db.session.flush()
    db.session.add(
        Membership(
            group_id=group.id, user_id=user.id, role=MEMBER, status=ACTIVE, joined_at=now, decided_by_id=actor.id
        )
    )
    offline = OfflineMember(
        user_id=user.id,
        group_id=group.id,
        phone=phone,
        consent_purpose=purpose,
        consent_at=now,
        consent_by_id=actor.id,
        added_at=now,
        added_by_id=actor.id,
    )
    db.session.add(offline)
    db.session.flush()
    _recount(group)
    audit(actor, "offline.add", user, group_id=group.id, phone_given=bool(phone))
    db.session.flush()
    return offline


def update(actor, offline, name, phone, purpose):
    """Correct the name, phone or purpose; a new phone or purpose is a new consent (who, when)."""
    group = _group_of(offline)
    lock_group(group)
    _check_open(group)
    offline = _still_here(offline)
    phone = clean_phone(phone)
    changed = []
    if name != offline.user.display_name:
        offline.user.display_name = name
        changed.append("name")
    if phone != offline.phone:
        changed.append("phone")
    if purpose != offline.consent_purpose:
        changed.append("purpose")
    if {"phone", "purpose"} & set(changed):
        offline.phone, offline.consent_purpose = phone, purpose
        offline.consent_at, offline.consent_by_id = utcnow(), actor.id
    if changed:
        audit(actor, "offline.edit", offline.user, group_id=group.id, changed=changed)
    db.session.flush()
    return changed


def _group_of(offline):
    from community.groups.models import Group

    return db.session.get(Group, offline.group_id)


def _membership(offline):
    return db.session.scalar(
        select(Membership).where(Membership.group_id == offline.group_id, Membership.user_id == offline.user_id)
    )


def _still_here(offline):
    """The row as the database holds it after the group's lock: another leader may have
    deleted the person a moment ago."""
    found = db.session.scalar(
        select(OfflineMember).where(OfflineMember.id == offline.id).execution_options(populate_existing=True)
    )
    if found is None:
        raise RuleError("offline.gone")
    membership = _membership(found)
    if membership is None or membership.status != ACTIVE:
        raise RuleError("offline.gone")
    return found


def register(actor, offline, event):
    """Register the person for one of the group's meetings (a place, or the waiting list)."""
    _check_open(_group_of(offline))
    if event.group_id != offline.group_id:
        raise RuleError("offline.other-group")
    _still_here(offline)
    result = registration.register(offline.user, event)
    audit(actor, "offline.register", offline.user, group_id=offline.group_id, event_id=event.id, status=result.status)
    return result


def cancel(actor, offline, event):
    """Cancel their place (the first person waiting is promoted, as for anyone)."""
    if event.group_id != offline.group_id:
        raise RuleError("offline.other-group")
    registration.cancel_registration(offline.user, event)
    audit(actor, "offline.cancel", offline.user, group_id=offline.group_id, event_id=event.id)


def registrations_of(offline, events):
    """{event id: registration status} for the person at `events` (one query)."""
    ids = [e.id for e in events]
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Registration.event_id, Registration.status).where(
                Registration.user_id == offline.user_id,
                Registration.event_id.in_(ids),
                Registration.status.in_([GOING, WAITLISTED]),
            )
        ).all()
    )


def delete(actor, offline):
    """Delete the person at their request: places at coming meetings are given up (the waiting
    list moves up), and everything else goes as for an account deleted by its owner."""
    from community.auth import personal_data

    group = _group_of(offline)
    lock_group(group)
    offline = _still_here(offline)
    user = offline.user
    audit(actor, "offline.delete", group, group_id=group.id, member_id=user.id)
    personal_data.erase(user)
    db.session.flush()


def export(offline):
    """What Krug holds about the person (the leader hands it over at their request)."""
    from community.auth import personal_data

    data = personal_data.export(offline.user)
    data["member_without_account"] = {
        "phone": offline.phone,
        "consent": {
            "purpose": offline.consent_purpose,
            "recorded_at": offline.consent_at.isoformat(),
            "recorded_by": offline.consent_by.display_name if offline.consent_by else None,
        },
        "added_at": offline.added_at.isoformat(),
        "added_by": offline.added_by.display_name if offline.added_by else None,
    }
    return data


def record(group, limit=100):
    """Who added, changed, registered and deleted members without an account in this group,
    newest first (the group's leaders see it). Names of people deleted since are not kept."""
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(ACTIONS)).order_by(AuditEvent.id.desc()).limit(2000)
    ).all()
    rows = [r for r in rows if (r.detail or {}).get("group_id") == group.id][:limit]
    ids = {r.actor_id for r in rows} | {r.target_id for r in rows if r.target_type == "user"}
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}
    return [
        {
            "at": r.at,
            "action": r.action,
            "actor": names.get(r.actor_id),
            "member": names.get(r.target_id) if r.target_type == "user" else None,
        }
        for r in rows
    ]


# --- linking: the person now has an account ---------------------------------------------------

LINK_TOKEN = "offline-link"  # noqa: S105 (the purpose of a signed link, not a secret)
LINK_VALID = timedelta(days=14)


def link_candidates(group):
    """Members of the group with an account whom a leader may link a person to: parents and
    leaders (not specialists), by name."""
    return db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.group_id == group.id,
            Membership.status == ACTIVE,
            Membership.role != SPECIALIST,
            User.email.is_not(None),
        )
        .order_by(User.display_name, User.id)
    ).all()


def request_link(actor, offline, account):
    """A leader says `account` is this person's: the account is asked by email to confirm."""
    from community import email
    from community.auth.service import make_token
    from community.urls import external_url

    group = _group_of(offline)
    lock_group(group)
    _check_open(group)
    offline = _still_here(offline)
    if account is None or account.id not in {u.id for u in link_candidates(group)}:
        raise RuleError("offline.link-not-member", field="account_id")
    offline.link_user_id, offline.link_requested_at = account.id, utcnow()
    audit(actor, "offline.link_request", offline.user, group_id=group.id, account_id=account.id)
    db.session.flush()
    link = external_url("offline.confirm", token=make_token(LINK_TOKEN, account, oid=offline.id))
    email.send(
        "offline/confirm_link",
        account,
        link=link,
        group=group.name,
        leader=actor.display_name,
        name=offline.user.display_name,
    )


def read_link(user, token):
    """The person behind a confirmation link, if it is `user`'s and still asked for."""
    from community.auth.service import read_token

    account, payload = read_token(LINK_TOKEN, token, LINK_VALID)
    if account.id != user.id:
        raise RuleError("offline.link-not-yours")
    offline = db.session.get(OfflineMember, payload.get("oid")) if isinstance(payload.get("oid"), int) else None
    if offline is None or offline.link_user_id != user.id:
        raise RuleError("offline.link-gone")
    return offline


def confirm_link(user, offline):
    """The person confirms: their membership, registrations, attendance, help and the monthly
    summary the health figures use move to their account; the row without an account goes."""
    group = _group_of(offline)
    lock_group(group)
    offline = _still_here(offline)
    if offline.link_user_id != user.id:
        raise RuleError("offline.link-gone")
    mine = db.session.scalar(select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id))
    if mine is None or mine.status != ACTIVE:
        raise RuleError("offline.link-not-member")
    old = _membership(offline)
    old_id = offline.user_id
    if old.joined_at and (mine.joined_at is None or old.joined_at < mine.joined_at):
        mine.joined_at = old.joined_at
    moved = _move_registrations(old_id, user.id)
    db.session.execute(sa_update(HelpRequest).where(HelpRequest.author_id == old_id).values(author_id=user.id))
    answered = select(HelpResponse.request_id).where(HelpResponse.helper_id == user.id).scalar_subquery()
    db.session.execute(
        sa_update(HelpResponse)
        .where(HelpResponse.helper_id == old_id, HelpResponse.request_id.not_in(answered))
        .values(helper_id=user.id)
    )
    _move_health(old_id, user.id)
    audit(user, "offline.link", group, group_id=group.id, member_id=old_id, meetings=moved)
    person = offline.user
    db.session.delete(offline)
    db.session.delete(old)
    db.session.flush()
    db.session.delete(person)  # what is left (an answer to a request they both answered) follows the keys
    db.session.flush()
    _recount(group)
    db.session.flush()
    return moved


def _move_registrations(old_id, new_id):
    """Each registration moves unless the account has its own for the same meeting: then the
    account's stands (a place the person held twice is given up, the waiting list moves)."""
    moved = 0
    rows = db.session.scalars(
        select(Registration).where(Registration.user_id == old_id).order_by(Registration.event_id)
    )
    for row in rows.all():
        theirs = db.session.scalar(
            select(Registration).where(Registration.event_id == row.event_id, Registration.user_id == new_id)
        )
        if theirs is None:
            row.user_id = new_id
            moved += 1
            continue
        event = row.event
        registration.lock_event(event)
        db.session.refresh(row)
        if row.status in (GOING, WAITLISTED):
            registration.release_place(row, event)
        if theirs.attended is None and row.attended is not None:
            theirs.attended = row.attended
        db.session.delete(row)
        db.session.flush()
        registration.recount(event)
    db.session.flush()
    return moved


def _move_health(old_id, new_id):
    from community.health.models import HealthActivity

    taken = {
        (r.group_id, r.period)
        for r in db.session.scalars(select(HealthActivity).where(HealthActivity.user_id == new_id))
    }
    for row in db.session.scalars(select(HealthActivity).where(HealthActivity.user_id == old_id)).all():
        if (row.group_id, row.period) in taken:
            db.session.delete(row)
        else:
            row.user_id = new_id
    db.session.flush()
