"""Reports, and what the leaders and admins do with them; blocking; suspending accounts.

Every decision is audited (community/audit.py) against the group it touched, so the group's
leaders read it in the moderation record; installation-wide steps (suspending an account)
are audited against the account too."""

from functools import cache

from flask import g
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community import email
from community.audit import AuditEvent, audit
from community.auth import viewer
from community.auth.models import User
from community.errors import RuleError
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, Comment, Group, Membership, Post
from community.models import utcnow
from community.mutual_help.models import HelpRequest
from community.notifications.service import notify
from community.paging import paginate
from community.safety.items import MODELS, author_column, can_read
from community.safety.models import DISMISSED, HIDDEN, OPEN, Block, ItemKind, Reason, Report

PAGE_SIZE = 20
LOG_PAGE_SIZE = 30
# Actions shown in a group's moderation record: ours, and the older direct "hide" buttons.
GROUP_ACTIONS = "moderation."


# --- reporting -------------------------------------------------------------------------------------


def report_item(user, item, reason, note=""):
    """A member reports something they can read. One open report per person per item: the
    database refuses a second (a double tap, or two tabs at once)."""
    if not can_read(user, item):
        raise RuleError("safety.cannot-report")
    if item.author_id == user.id:
        raise RuleError("safety.own-item")
    if reason not in tuple(Reason):
        raise RuleError("safety.bad-reason", field="reason")
    group = item.group
    report = Report(
        group_id=group.id if group is not None and item.kind != ItemKind.MESSAGE else None,
        kind=item.kind,
        item_id=item.id,
        author_id=item.author_id,
        reporter_id=user.id,
        reason=reason,
        note=(note or "").strip(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
            db.session.flush()
    except IntegrityError:
        raise RuleError("safety.already-reported") from None
    if report.group_id is not None:
        for leader in _leaders(report.group_id):
            if leader.id != item.author_id:
                notify(leader, "safety.reported", _reports_path(group), group=group.name)
    db.session.flush()
    return report


def _leaders(group_id):
    return db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group_id, Membership.role == LEADER, Membership.status == ACTIVE)
    ).all()


def _reports_path(group):
    from community.urls import path_for

    return path_for("safety.group_reports", slug=group.slug)


def open_count(group):
    """How many reports in the group wait for the leaders (the number in the group's tabs)."""
    return db.session.scalar(_open_count_query(), {"group_id": group.id})


@cache
def _open_count_query():
    return select(func.count(Report.id)).where(Report.group_id == bindparam("group_id"), Report.status == OPEN)


def group_reports(group, status, page):
    """One page of the group's reports: open ones oldest first (first come, first seen);
    decided ones newest first."""
    query = select(Report).where(Report.group_id == group.id)
    return _page(query, status, page)


def all_reports(status, page):
    """Every report of the installation (admins)."""
    return _page(select(Report), status, page)


def _page(query, status, page):
    if status == OPEN:
        query = query.where(Report.status == OPEN).order_by(Report.created_at, Report.id)
    else:
        query = query.where(Report.status != OPEN).order_by(Report.decided_at.desc(), Report.id.desc())
    query = query.options(
        joinedload(Report.reporter), joinedload(Report.author), joinedload(Report.decided_by), joinedload(Report.group)
    )
    return paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def get_report(report_id):
    return db.session.get(Report, report_id)


def can_decide(user, report):
    """A group's leaders decide on its reports; admins on every report (private messages:
    admins only)."""
    if getattr(user, "is_admin", False):
        return True
    if report.group_id is None:
        return False
    from community.groups.access import access_for

    return access_for(user, report.group).can_moderate


# --- deciding --------------------------------------------------------------------------------------


def _close_reports(actor, kind, item_id, status):
    """Close every open report on the item at once; how many were open."""
    return db.session.execute(
        update(Report)
        .where(Report.kind == kind, Report.item_id == item_id, Report.status == OPEN)
        .values(status=status, decided_at=utcnow(), decided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount


def hide_reported(actor, report, note=""):
    """Hide the reported item and close every open report on it; the author is told why, in
    Krug and by email. Two moderators at once: the item is hidden (and its author told) once."""
    from community.safety.items import load_item

    if report.status != OPEN:
        raise RuleError("safety.already-decided")
    item = load_item(report.kind, report.item_id)
    if item is None:
        raise RuleError("safety.item-gone")
    hide_item(actor, item, report.reason, note, report_id=report.id)
    db.session.refresh(report)


def hide_item(actor, item, reason, note="", report_id=None, tell=True, record=True):
    """Hide one item (conditional update: only the first moderator does it), close its open
    reports, audit (unless a suspension records the lot), and tell the author."""
    model = MODELS[item.kind]
    hidden = db.session.execute(
        update(model)
        .where(model.id == item.id, model.hidden_at.is_(None))
        .values(hidden_at=utcnow(), hidden_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    _close_reports(actor, item.kind, item.id, HIDDEN)
    if not hidden:
        return False
    db.session.refresh(item.obj)
    if item.kind == ItemKind.POST:
        item.obj.pinned_at = None
    if item.kind == ItemKind.COMMENT:
        from community.groups.feed import _recount_comments

        _recount_comments(item.obj.post)
    group = item.group
    if record:
        audit(
            actor,
            "moderation.hide",
            group if group is not None else item.obj,
            item=item.kind,
            item_id=item.id,
            author_id=item.author_id,
            why=reason,
            report_id=report_id,
        )
    author = db.session.get(User, item.author_id) if item.author_id else None
    if tell and author is not None:
        notify(
            author,
            "safety.hidden",
            item.url,
            email_template="safety/hidden",
            force_email=True,
            group=group.name if group is not None else "",
            item=item.kind,
            why=reason,
            note=(note or "").strip(),
            title=item.title,
            text=item.text,
        )
    db.session.flush()
    return True


def dismiss(actor, report):
    """Leave the item as it is: the report is closed (only once, whoever is first)."""
    closed = db.session.execute(
        update(Report)
        .where(Report.id == report.id, Report.status == OPEN)
        .values(status=DISMISSED, decided_at=utcnow(), decided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not closed:
        raise RuleError("safety.already-decided")
    audit(
        actor,
        "moderation.dismiss",
        report.group if report.group is not None else report,
        item=report.kind,
        item_id=report.item_id,
        report_id=report.id,
    )
    db.session.refresh(report)


# --- the moderation record of a group ----------------------------------------------------------------


def _group_actions(group):
    """Audit rows about the group's moderation: ours (against the group) and the older
    direct "hide" buttons (against a post, reply or help request of the group)."""
    posts = select(Post.id).where(Post.group_id == group.id)
    comments = select(Comment.id).join(Post, Post.id == Comment.post_id).where(Post.group_id == group.id)
    requests = select(HelpRequest.id).where(HelpRequest.group_id == group.id)
    return or_(
        and_(
            AuditEvent.target_type == "group",
            AuditEvent.target_id == group.id,
            AuditEvent.action.startswith(GROUP_ACTIONS),
        ),
        and_(
            AuditEvent.action.in_(["post.hide", "post.unhide"]),
            AuditEvent.target_type == "post",
            AuditEvent.target_id.in_(posts),
        ),
        and_(
            AuditEvent.action == "comment.hide", AuditEvent.target_type == "comment", AuditEvent.target_id.in_(comments)
        ),
        and_(
            AuditEvent.action == "help.hide",
            AuditEvent.target_type == "helprequest",
            AuditEvent.target_id.in_(requests),
        ),
    )


def moderation_log(group, page=1):
    """One page of the record, newest first, each step's actor (None once their account is
    gone) loaded in the same query: a `paginate` result (two queries at most at any size: the
    page and its count)."""
    return paginate(
        select(AuditEvent)
        .where(_group_actions(group))
        .options(joinedload(AuditEvent.actor).load_only(User.display_name))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
        page=page,
        per_page=LOG_PAGE_SIZE,
        error_out=False,
    )


# --- blocking ----------------------------------------------------------------------------------------


def block(user, other):
    """`user` blocks `other` (again: nothing changes)."""
    if other.id == user.id:
        raise RuleError("safety.block-self")
    try:
        with db.session.begin_nested():
            db.session.add(Block(blocker_id=user.id, blocked_id=other.id))
            db.session.flush()
    except IntegrityError:
        pass  # already blocked
    _blocks_changed(user)


def unblock(user, other):
    db.session.execute(Block.__table__.delete().where(Block.blocker_id == user.id, Block.blocked_id == other.id))
    _blocks_changed(user)


def _blocks_changed(user):
    g.pop("_blocked_ids", None)
    viewer.forget_user_after_commit(user.id)  # the cached list of whom they blocked


def blocked_ids(user):
    """Whom the viewer has blocked: their items are folded away. From the signed-in person's
    cached entry when it holds the list, else one query per request."""
    known = g.get("_blocked_ids")  # asked once per item of a list: found once per request
    if known is not None:
        return known
    if not user.is_authenticated:
        return frozenset()
    found = viewer.current()
    if found is not None and found.user.id == user.id and found.blocked is not None:
        g._blocked_ids = found.blocked
    else:
        g._blocked_ids = frozenset(db.session.scalars(select(Block.blocked_id).where(Block.blocker_id == user.id)))
    return g._blocked_ids


def has_blocked(blocker, blocked):
    """`blocker` has blocked `blocked` (so `blocked` cannot write to them)."""
    found = select(Block.id).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked.id)
    return db.session.scalar(found) is not None


def blocked_people(user):
    return db.session.scalars(
        select(Block).where(Block.blocker_id == user.id).options(joinedload(Block.blocked)).order_by(Block.id.desc())
    ).all()


# --- suspending an account ---------------------------------------------------------------------------


def suspend(admin, user, reason, hide_everything=False):
    """An admin suspends an account: it cannot sign in, every session ends at once, and (if
    asked) everything it wrote is hidden, each group's leaders seeing it in their record."""
    from community.auth.service import end_sessions_of
    from community.auth.viewer import forget_user_after_commit

    if user.id == admin.id:
        raise RuleError("safety.suspend-self")
    done = db.session.execute(
        update(User)
        .where(User.id == user.id, User.suspended_at.is_(None))
        .values(suspended_at=utcnow(), suspended_by_id=admin.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise RuleError("safety.already-suspended")
    db.session.refresh(user)
    forget_user_after_commit(user.id)
    end_sessions_of(user)
    hidden = _hide_everything_of(admin, user) if hide_everything else {}
    audit(admin, "moderation.suspend", user, reason=(reason or "").strip(), hidden=sum(hidden.values()))
    for group_id, count in hidden.items():
        audit(admin, "moderation.suspend_hide", db.session.get(Group, group_id), author_id=user.id, count=count)
    email.send("safety/suspended", user, reason=(reason or "").strip())
    db.session.flush()


def _hide_everything_of(admin, user):
    """Hide every visible item the person wrote; {group_id: how many} for the groups' records."""
    from community.safety.items import load_items

    pairs = []
    for kind, model in MODELS.items():
        ids = db.session.scalars(
            select(model.id).where(author_column(kind) == user.id, model.hidden_at.is_(None))
        ).all()
        pairs += [(kind, i) for i in ids]
    per_group = {}
    for item in load_items(pairs).values():
        if hide_item(admin, item, Reason.OTHER, tell=False, record=False) and item.group is not None:
            per_group[item.group.id] = per_group.get(item.group.id, 0) + 1
    return per_group


def lift_suspension(admin, user):
    """The person can sign in again (what was hidden stays hidden: leaders may show it)."""
    done = db.session.execute(
        update(User)
        .where(User.id == user.id, User.suspended_at.is_not(None))
        .values(suspended_at=None, suspended_by_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise RuleError("safety.not-suspended")
    from community.auth.viewer import forget_user_after_commit

    forget_user_after_commit(user.id)
    db.session.refresh(user)
    audit(admin, "moderation.unsuspend", user)
    email.send("safety/unsuspended", user)
    db.session.flush()


def suspended_people():
    return db.session.scalars(
        select(User).where(User.suspended_at.is_not(None)).order_by(User.suspended_at.desc())
    ).all()


def get_user(user_id):
    return db.session.get(User, user_id)
