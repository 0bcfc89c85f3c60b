"""What can happen to a help request: ask, offer, answer, accept, resolve with thanks,
close, reopen; and keeping the board alive."""

from datetime import timedelta
from functools import cache

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community.audit import audit
from community.auth.models import User, with_author
from community.errors import RuleError
from community.extensions import db
from community.groups.models import ACTIVE, SPECIALIST, Membership
from community.jobs import after_commit, job
from community.models import utcnow
from community.mutual_help.models import (
    CATEGORIES,
    CLOSED,
    IN_PROGRESS,
    NEED,
    OFFER,
    OPEN,
    RESOLVED,
    URGENCIES,
    HelpMessage,
    HelpRequest,
    HelpResponse,
    HelpSubscription,
)
from community.notifications.service import notify
from community.paging import paged, paginate
from community.urls import path_for

PAGE_SIZE = 20
AUTHOR_LEFT = "left"  # the close note of requests closed because their author left the group


def first_name(user):
    """Only the first word of a display name goes into emails about sensitive requests."""
    return (user.display_name or "").split()[0] if user and user.display_name else ""


# --- reading ---------------------------------------------------------------------------------------


def board(group, category=None, kind=None, page=1, show_hidden=False, sensitive=True):
    """One page of open and in-progress requests, most urgent first and then newest: a
    `paginate` result (two queries at most: the page and its count); sensitive ones only for
    readers who may see them (`sensitive=True`)."""
    category = category if category in CATEGORIES else None
    kind = kind if kind in (NEED, OFFER) else None
    query = _board_query(show_hidden, sensitive, category is not None, kind is not None)
    params = {"group_id": group.id, "category": category, "kind": kind}
    return paginate(query, page=page, per_page=PAGE_SIZE, error_out=False, params=params)


@cache
def _board_query(show_hidden, sensitive, by_category, by_kind):
    """`board`'s statements, built once with bound parameters (`group_id`, `category`, `kind`)."""
    conditions = [HelpRequest.group_id == bindparam("group_id"), HelpRequest.status.in_([OPEN, IN_PROGRESS])]
    if not sensitive:
        conditions.append(HelpRequest.sensitive.is_(False))
    if not show_hidden:
        conditions.append(HelpRequest.hidden_at.is_(None))
    if by_category:
        conditions.append(HelpRequest.category == bindparam("category"))
    if by_kind:
        conditions.append(HelpRequest.kind == bindparam("kind"))
    urgency_rank = case({u: n for n, u in enumerate(URGENCIES)}, value=HelpRequest.urgency, else_=len(URGENCIES))
    return paged(
        select(HelpRequest)
        .where(*conditions)
        .options(with_author(HelpRequest.author))
        .order_by(urgency_rank, HelpRequest.created_at.desc(), HelpRequest.id.desc())
    )


def recently_done(group, limit=10, sensitive=True):
    return db.session.scalars(_recently_done_query(sensitive), {"group_id": group.id, "limit": limit}).all()


@cache
def _recently_done_query(sensitive):
    conditions = [] if sensitive else [HelpRequest.sensitive.is_(False)]
    return (
        select(HelpRequest)
        .where(
            HelpRequest.group_id == bindparam("group_id"),
            HelpRequest.status.in_([RESOLVED, CLOSED]),
            HelpRequest.hidden_at.is_(None),
            HelpRequest.author_id.is_not(None),  # an erased account's requests keep no text to show
            *conditions,
        )
        .options(with_author(HelpRequest.author))
        .order_by(func.coalesce(HelpRequest.resolved_at, HelpRequest.closed_at).desc())
        .limit(bindparam("limit"))
    )


def get_request(request_id):
    return db.session.scalar(
        select(HelpRequest)
        .where(HelpRequest.id == request_id)
        .options(joinedload(HelpRequest.group), joinedload(HelpRequest.author))
    )


def responses(help_request):
    return db.session.scalars(
        select(HelpResponse)
        .where(HelpResponse.request_id == help_request.id)
        .options(joinedload(HelpResponse.helper))
        .order_by(HelpResponse.id)
    ).all()


def thread(help_request):
    return db.session.scalars(
        select(HelpMessage)
        .where(HelpMessage.request_id == help_request.id)
        .options(joinedload(HelpMessage.author))
        .order_by(HelpMessage.id)
    ).all()


def unanswered_needs(group, older_than=timedelta(0)):
    """Open needs nobody has answered yet (for leaders and the health page)."""
    params = {"group_id": group.id, "asked_by": utcnow() - older_than}
    return db.session.scalars(_unanswered_query(), params).all()


@cache
def _unanswered_query():
    return (
        select(HelpRequest)
        .where(
            HelpRequest.group_id == bindparam("group_id"),
            HelpRequest.kind == NEED,
            HelpRequest.status == OPEN,
            HelpRequest.response_count == 0,
            HelpRequest.hidden_at.is_(None),
            HelpRequest.created_at <= bindparam("asked_by"),
        )
        .options(with_author(HelpRequest.author))
        .order_by(HelpRequest.created_at)
    )


# --- asking and offering -------------------------------------------------------------------------


def create_request(user, group, kind, title, details, category, urgency, needed_by, sensitive):
    """Post a need or an offer; members who asked to hear about this category are told."""
    if category not in CATEGORIES:
        raise RuleError("help.bad-category", field="category")
    if needed_by is not None and needed_by < utcnow().date():
        raise RuleError("help.needed-by-past", field="needed_by")
    help_request = HelpRequest(
        group_id=group.id,
        author_id=user.id,
        kind=kind if kind in (NEED, OFFER) else NEED,
        title=title.strip(),
        details=details.strip(),
        category=category,
        urgency=urgency if urgency in URGENCIES else "whenever",
        needed_by=needed_by,
        sensitive=bool(sensitive),
    )
    db.session.add(help_request)
    db.session.flush()
    after_commit("help.tell_subscribers", help_request.id)
    return help_request


@job("help.tell_subscribers")
def tell_subscribers(request_id):
    """Fan-out after the commit: the group's members who opted in to this category (never
    the author; for a sensitive request, never the group's specialists, who may not read it)
    hear of a new request."""
    help_request = db.session.get(HelpRequest, request_id)
    if help_request is None or help_request.hidden_at is not None or help_request.author is None:
        return
    author, group = help_request.author, help_request.group
    readers = [Membership.role != SPECIALIST] if help_request.sensitive else []
    people = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(HelpSubscription, HelpSubscription.user_id == User.id)
        .where(
            Membership.group_id == group.id,
            Membership.status == ACTIVE,
            User.id != author.id,
            HelpSubscription.category == help_request.category,
            *readers,
        )
    ).all()
    url = path_for("help.detail", request_id=help_request.id)
    for person in people:
        notify(
            person,
            f"help.new_{help_request.kind}",
            url,
            email_template="help/new_request",
            group=group.name,
            actor=author,
            name=first_name(author),
            category=help_request.category,
            title="" if help_request.sensitive else help_request.title,
            details="" if help_request.sensitive else help_request.details,
            kind=help_request.kind,
            urgency=help_request.urgency,
        )


def edit_request(user, help_request, title, details, category, urgency, needed_by, sensitive):
    _author_only(user, help_request)
    if category not in CATEGORIES:
        raise RuleError("help.bad-category", field="category")
    help_request.title, help_request.details = title.strip(), details.strip()
    help_request.category = category
    help_request.urgency = urgency if urgency in URGENCIES else help_request.urgency
    help_request.needed_by, help_request.sensitive = needed_by, bool(sensitive)
    help_request.updated_at = utcnow()
    db.session.flush()


def _author_only(user, help_request):
    if help_request.author_id != user.id:
        raise RuleError("help.author-only")


def _must_be_active(help_request):
    if not help_request.is_active:
        raise RuleError("help.not-active")


# --- answering ---------------------------------------------------------------------------------------


def respond(user, help_request, message):
    """ "I can help" / "I'd like this": the author is told."""
    _must_be_active(help_request)
    if help_request.author_id == user.id:
        raise RuleError("help.own-request")
    response = HelpResponse(request_id=help_request.id, helper_id=user.id, message=(message or "").strip())
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        raise RuleError("help.already-responded") from None
    now = utcnow()
    db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == help_request.id)
        .values(
            response_count=HelpRequest.response_count + 1,
            first_response_at=func.coalesce(HelpRequest.first_response_at, now),
        )
        .execution_options(synchronize_session=False)
    )
    if help_request.author is not None:
        notify(
            help_request.author,
            "help.response",
            path_for("help.detail", request_id=help_request.id),
            email_template="help/response",
            actor=user,
            name=user.display_name,
            kind=help_request.kind,
            title=help_request.title,
            message="" if help_request.sensitive else response.message,
        )
    db.session.flush()
    db.session.refresh(help_request)
    return response


def accept_helper(user, help_request, response):
    """The author accepts a helper (one or more); the request is then in progress."""
    _author_only(user, help_request)
    _must_be_active(help_request)
    if response.helper_id not in _active_in(help_request.group_id, [response.helper_id]):
        raise RuleError("help.helper-left")
    accepted = db.session.execute(
        update(HelpResponse)
        .where(HelpResponse.id == response.id, HelpResponse.accepted_at.is_(None))
        .values(accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not accepted:
        raise RuleError("help.already-accepted")
    help_request.status = IN_PROGRESS
    help_request.updated_at = utcnow()
    if response.helper is not None:
        notify(
            response.helper,
            "help.accepted",
            path_for("help.detail", request_id=help_request.id),
            email_template="help/accepted",
            force_email=True,
            actor=help_request.author,
            name=first_name(help_request.author),
            title=help_request.title,
            kind=help_request.kind,
        )
    db.session.flush()


def _active_in(group_id, user_ids):
    """Which of these people are still active members of the group."""
    return set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.group_id == group_id, Membership.user_id.in_(user_ids), Membership.status == ACTIVE
            )
        )
    )


def can_use_thread(user, help_request, response_rows):
    """The thread is between the author and the accepted helpers."""
    if help_request.author_id == user.id:
        return True
    return any(r.helper_id == user.id and r.accepted_at is not None for r in response_rows)


def post_to_thread(user, help_request, body):
    rows = responses(help_request)
    if not can_use_thread(user, help_request, rows):
        raise RuleError("help.thread-closed")
    _must_be_active(help_request)
    db.session.add(HelpMessage(request_id=help_request.id, author_id=user.id, body=body.strip()))
    people = [help_request.author] + [r.helper for r in rows if r.accepted_at is not None]
    members = _active_in(help_request.group_id, [p.id for p in people if p is not None])
    for person in people:
        if person is not None and person.id != user.id and person.id in members:
            notify(
                person,
                "help.thread",
                path_for("help.detail", request_id=help_request.id, _anchor="thread"),
                actor=user,
                name=user.display_name,
                title=help_request.title,
            )
    db.session.flush()


# --- resolving and closing ----------------------------------------------------------------------------


def resolve(user, help_request, helper_response_ids, thank_you):
    """The author marks the request resolved, says who helped, and thanks them."""
    _author_only(user, help_request)
    _must_be_active(help_request)
    rows = responses(help_request)
    chosen = [r for r in rows if r.id in set(helper_response_ids)]
    if not chosen and rows:
        raise RuleError("help.choose-helper", field="helpers")
    now = utcnow()
    for response in chosen:
        response.helped = True
        response.accepted_at = response.accepted_at or now
    help_request.status = RESOLVED
    help_request.resolved_at = now
    help_request.thank_you = (thank_you or "").strip()
    for response in chosen:
        if response.helper is not None:
            notify(
                response.helper,
                "help.thanked",
                path_for("help.detail", request_id=help_request.id),
                email_template="help/thanked",
                force_email=True,
                actor=help_request.author,
                name=first_name(help_request.author),
                title=help_request.title,
                thank_you=help_request.thank_you,
            )
    db.session.flush()


def close(user, help_request, note=""):
    """The author closes the request without (or no longer needing) help."""
    _author_only(user, help_request)
    _must_be_active(help_request)
    help_request.status = CLOSED
    help_request.closed_at = utcnow()
    help_request.close_note = (note or "").strip()[:500]
    db.session.flush()


def reopen(user, help_request):
    _author_only(user, help_request)
    if help_request.is_active:
        raise RuleError("help.already-open")
    accepted = any(r.accepted_at is not None for r in responses(help_request))
    help_request.status = IN_PROGRESS if accepted else OPEN
    help_request.resolved_at = help_request.closed_at = None
    help_request.author_nudged_at = None
    help_request.updated_at = utcnow()
    db.session.flush()


def close_requests_of(user_id, group_id):
    """The author left the group: their open requests there are closed, so nobody answers
    someone who can no longer read the answers."""
    db.session.execute(
        update(HelpRequest)
        .where(
            HelpRequest.author_id == user_id,
            HelpRequest.group_id == group_id,
            HelpRequest.status.in_([OPEN, IN_PROGRESS]),
        )
        .values(status=CLOSED, closed_at=utcnow(), close_note=AUTHOR_LEFT)
        .execution_options(synchronize_session="fetch")
    )


def hide(actor, help_request):
    """A leader hides a request from the board (audited)."""
    help_request.hidden_at = utcnow()
    help_request.hidden_by_id = actor.id
    audit(actor, "help.hide", help_request, group_id=help_request.group_id)
    db.session.flush()


def record_offline_help(actor, group, helper, helped, category, when, note=""):
    """A leader records help that happened outside Krug, so the indicators count it."""
    if category not in CATEGORIES:
        raise RuleError("help.bad-category", field="category")
    if helper.id == helped.id:
        raise RuleError("help.same-person", field="helper_id")
    moment = when
    help_request = HelpRequest(
        group_id=group.id,
        author_id=helped.id,
        kind=NEED,
        title=(note or "").strip()[:200] or category,
        category=category,
        status=RESOLVED,
        offline=True,
        recorded_by_id=actor.id,
        created_at=moment,
        first_response_at=moment,
        resolved_at=moment,
        response_count=1,
    )
    db.session.add(help_request)
    db.session.flush()
    db.session.add(
        HelpResponse(
            request_id=help_request.id, helper_id=helper.id, created_at=moment, accepted_at=moment, helped=True
        )
    )
    audit(actor, "help.record_offline", help_request, group_id=group.id)
    db.session.flush()
    return help_request


# --- preferences ----------------------------------------------------------------------------------------


def subscriptions(user):
    return set(db.session.scalars(select(HelpSubscription.category).where(HelpSubscription.user_id == user.id)))


def set_subscriptions(user, categories):
    wanted = {c for c in categories if c in CATEGORIES}
    current = subscriptions(user)
    for category in wanted - current:
        db.session.add(HelpSubscription(user_id=user.id, category=category))
    if current - wanted:
        db.session.execute(
            HelpSubscription.__table__.delete().where(
                HelpSubscription.user_id == user.id, HelpSubscription.category.in_(current - wanted)
            )
        )
    db.session.flush()
