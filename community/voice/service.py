"""What can happen to a suggestion: a member makes it (to their group or to the
organisation, with or without their name shown), others support it (one each), the
leaders or specialists answer it step by step (heard → considering → doing → done | not
possible, always with a reason), and the author and supporters are told each answer by
email. *Done* records what changed and at which level of involvement; a group's decisions
log can cite the suggestions a decision answers."""

from datetime import timedelta

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community.audit import audit
from community.auth.models import User
from community.errors import RuleError
from community.extensions import db
from community.groups.models import ACTIVE, DECISION, LEADER, Group, Membership, Post
from community.involve.models import Level
from community.jobs import after_commit, job
from community.models import utcnow
from community.notifications.service import notify
from community.orgs.models import Specialist
from community.paging import paginate
from community.urls import path_for
from community.voice.models import (
    ANSWER_STATUSES,
    DONE,
    NEW,
    OPEN_STATUSES,
    Suggestion,
    SuggestionAnswer,
    SuggestionSupport,
)

PAGE_SIZE = 20
WAITING_DAYS = 14
SHOWS = ("open", "answered", "all")


# --- reading --------------------------------------------------------------------------------------------


def _of_place(group, organisation):
    if group is not None:
        return Suggestion.group_id == group.id
    return Suggestion.organisation_id == organisation.id


def suggestions_page(group=None, organisation=None, show="open", page=1):
    """One page of a place's suggestions: the open ones (most supported first, then the
    oldest waiting) or the answered ones (latest answer first). Two queries whatever the size."""
    query = select(Suggestion).where(_of_place(group, organisation)).options(joinedload(Suggestion.author))
    if show == "open":
        query = query.where(Suggestion.status.in_(OPEN_STATUSES)).order_by(
            Suggestion.support_count.desc(), Suggestion.created_at, Suggestion.id
        )
    elif show == "answered":
        query = query.where(Suggestion.status.not_in(OPEN_STATUSES)).order_by(
            Suggestion.answered_at.desc(), Suggestion.id.desc()
        )
    else:
        query = query.order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
    return paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def counts(group=None, organisation=None):
    """How many are open and how many answered (the tabs), in one query."""
    is_open = Suggestion.status.in_(OPEN_STATUSES)
    row = db.session.execute(
        select(
            func.coalesce(func.sum(case((is_open, 1), else_=0)), 0),
            func.coalesce(func.sum(case((is_open, 0), else_=1)), 0),
        ).where(_of_place(group, organisation))
    ).one()
    return {"open": row[0], "answered": row[1]}


def supported_ids(user, suggestion_ids):
    """Which of these the viewer supports (one query)."""
    if not user.is_authenticated or not suggestion_ids:
        return set()
    return set(
        db.session.scalars(
            select(SuggestionSupport.suggestion_id).where(
                SuggestionSupport.user_id == user.id, SuggestionSupport.suggestion_id.in_(suggestion_ids)
            )
        )
    )


def answers_of(suggestion):
    """The answers so far, oldest first, with who gave them."""
    return db.session.scalars(
        select(SuggestionAnswer)
        .where(SuggestionAnswer.suggestion_id == suggestion.id)
        .options(joinedload(SuggestionAnswer.answered_by))
        .order_by(SuggestionAnswer.created_at, SuggestionAnswer.id)
    ).all()


def decisions_to_cite(suggestion):
    """The decisions a group suggestion's answer may cite: the group's visible decisions,
    newest first (an organisation's suggestions have no decisions log)."""
    if suggestion.group_id is None:
        return []
    return db.session.execute(
        select(Post.id, Post.title, Post.created_at)
        .where(Post.group_id == suggestion.group_id, Post.kind == DECISION, Post.hidden_at.is_(None))
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(50)
    ).all()


def cited_by(post_ids):
    """For the decisions log: the suggestions each decision answers, {post id: [suggestion]}."""
    if not post_ids:
        return {}
    cited = {}
    for suggestion in db.session.scalars(
        select(Suggestion).where(Suggestion.decision_id.in_(post_ids)).order_by(Suggestion.id)
    ):
        cited.setdefault(suggestion.decision_id, []).append(suggestion)
    return cited


def _organisation_ids(user):
    """The organisations `user` works for: for the person signed in, the ids that come with
    the session (auth/viewer.py), so a page asks nothing about organisations; else a query."""
    from community.auth import viewer

    known = viewer.organisation_ids(user.id)
    if known is not None:
        return known
    return select(Specialist.organisation_id).where(Specialist.user_id == user.id)


def _answerer_places(user):
    """A condition: the suggestion is one `user` answers (a group they lead, a group their
    organisation supports, or their organisation)."""
    led = (
        select(Membership.group_id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Membership.user_id == user.id,
            Membership.status == ACTIVE,
            Membership.role == LEADER,
            Group.archived_at.is_(None),
        )
    )
    organisations = _organisation_ids(user)
    supported = select(Group.id).where(Group.organisation_id.in_(organisations), Group.archived_at.is_(None))
    return or_(
        Suggestion.group_id.in_(led),
        Suggestion.group_id.in_(supported),
        Suggestion.organisation_id.in_(organisations),
    )


def waiting_too_long(user, limit=10):
    """Suggestions to `user`'s groups or organisation with no answer after 14 days, oldest
    first (the leader's and the specialist's pages show them). One query."""
    if not user.is_authenticated:
        return []
    cutoff = utcnow() - timedelta(days=WAITING_DAYS)
    return db.session.scalars(
        select(Suggestion)
        .where(Suggestion.status == NEW, Suggestion.created_at <= cutoff, _answerer_places(user))
        .options(joinedload(Suggestion.group), joinedload(Suggestion.organisation))
        .order_by(Suggestion.created_at, Suggestion.id)
        .limit(limit)
    ).all()


def waiting_in(group=None, organisation=None):
    """How many of a place's suggestions wait over 14 days for a first answer."""
    cutoff = utcnow() - timedelta(days=WAITING_DAYS)
    return db.session.scalar(
        select(func.count(Suggestion.id)).where(
            _of_place(group, organisation), Suggestion.status == NEW, Suggestion.created_at <= cutoff
        )
    )


# --- a member's side ------------------------------------------------------------------------------------


def make_suggestion(user, access, title, body, anonymous=False):
    """A parent of the place suggests something. The people who answer are told in Krug
    (an anonymous suggestion's notice does not name its author)."""
    if not access.can_suggest:
        raise RuleError("voice.not-allowed")
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise RuleError("voice.no-title", field="title")
    suggestion = Suggestion(
        group_id=access.group.id if access.group is not None else None,
        organisation_id=access.organisation.id if access.organisation is not None else None,
        author_id=user.id,
        anonymous=bool(anonymous),
        title=title,
        body=body,
        status=NEW,
    )
    db.session.add(suggestion)
    db.session.flush()
    after_commit("voice.tell_answerers", suggestion.id)
    return suggestion


def support(user, access, suggestion):
    """Add the viewer's support: one each (the unique constraint decides between two clicks
    at once), and the count moves in the same transaction as the row."""
    if not access.can_support(suggestion):
        raise RuleError("voice.cannot-support")
    try:
        with db.session.begin_nested():
            db.session.add(SuggestionSupport(suggestion_id=suggestion.id, user_id=user.id))
    except IntegrityError:
        raise RuleError("voice.already-supported") from None
    db.session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion.id)
        .values(support_count=Suggestion.support_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.refresh(suggestion)


def withdraw_support(user, suggestion):
    removed = db.session.execute(
        delete(SuggestionSupport)
        .where(SuggestionSupport.suggestion_id == suggestion.id, SuggestionSupport.user_id == user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not removed:
        raise RuleError("voice.not-supported")
    db.session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion.id)
        .values(support_count=Suggestion.support_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.refresh(suggestion)


def withdraw_suggestion(user, suggestion):
    """The author takes back a suggestion while nobody has answered it (it goes for good)."""
    gone = db.session.execute(
        delete(Suggestion)
        .where(Suggestion.id == suggestion.id, Suggestion.author_id == user.id, Suggestion.status == NEW)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not gone:
        raise RuleError("voice.already-answered")
    db.session.expunge(suggestion)


# --- the answer -----------------------------------------------------------------------------------------


def answer(
    actor, access, suggestion, status, reason, done_change="", done_level=None, decision_id=None, seen_status=None
):
    """Move the suggestion forward with a reason the author and supporters will read. The
    status changes only from the one the answerer saw (`seen_status`, the form's), so two
    answers given to the same state never both count: the second is told to read the first."""
    if not access.can_answer:
        raise RuleError("voice.not-allowed")
    seen = seen_status or suggestion.status
    if seen != suggestion.status:
        raise RuleError("voice.answered-meanwhile")
    if status not in ANSWER_STATUSES or status not in suggestion.next_statuses():
        raise RuleError("voice.bad-step", field="status")
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("voice.reason-needed", field="reason")
    values = {"status": status, "answered_at": utcnow()}
    if status == DONE:
        done_change = (done_change or "").strip()
        if not done_change:
            raise RuleError("voice.change-needed", field="done_change")
        if done_level not in tuple(Level):
            raise RuleError("voice.level-needed", field="done_level")
        values.update(done_change=done_change, done_level=done_level)
    if decision_id is not None:
        if decision_id not in {row.id for row in decisions_to_cite(suggestion)}:
            raise RuleError("voice.bad-decision", field="decision")
        values["decision_id"] = decision_id
    moved = db.session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion.id, Suggestion.status == seen)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise RuleError("voice.answered-meanwhile")
    given = SuggestionAnswer(suggestion_id=suggestion.id, status=status, reason=reason, answered_by_id=actor.id)
    db.session.add(given)
    db.session.flush()
    db.session.refresh(suggestion)
    audit(actor, "voice.answer", suggestion, status=status)
    after_commit("voice.tell_answer", given.id)
    return given


# --- telling people -------------------------------------------------------------------------------------


def _link(suggestion):
    return path_for("voice.detail", suggestion_id=suggestion.id)


def answerers_of(suggestion):
    """The people who answer a suggestion: the group's leaders and its organisation's
    specialists, or the organisation's specialists."""
    organisation_id = suggestion.organisation_id
    conditions = []
    if suggestion.group_id is not None:
        group = suggestion.group
        organisation_id = group.organisation_id
        conditions.append(
            User.id.in_(
                select(Membership.user_id).where(
                    Membership.group_id == group.id, Membership.status == ACTIVE, Membership.role == LEADER
                )
            )
        )
    if organisation_id is not None:
        conditions.append(User.id.in_(select(Specialist.user_id).where(Specialist.organisation_id == organisation_id)))
    return db.session.scalars(select(User).where(or_(*conditions)).order_by(User.id)).all()


@job("voice.tell_answerers")
def tell_answerers(suggestion_id):
    """A new suggestion: a notice for each person who answers it (never naming an anonymous author)."""
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None:
        return 0
    people = [p for p in answerers_of(suggestion) if p.id != suggestion.author_id]
    for person in people:
        notify(person, "voice.new", _link(suggestion), title=suggestion.title, group=suggestion.owner_name)
    return len(people)


@job("voice.tell_answer")
def tell_answer(answer_id):
    """Each answer goes to the author and every supporter, in Krug and by email."""
    given = db.session.scalar(
        select(SuggestionAnswer)
        .where(SuggestionAnswer.id == answer_id)
        .options(joinedload(SuggestionAnswer.suggestion), joinedload(SuggestionAnswer.answered_by))
    )
    if given is None:
        return 0
    suggestion = given.suggestion
    supporters = select(SuggestionSupport.user_id).where(SuggestionSupport.suggestion_id == suggestion.id)
    people = db.session.scalars(
        select(User)
        .where(
            or_(User.id == suggestion.author_id, User.id.in_(supporters)),
            User.id != (given.answered_by_id or 0),
        )
        .order_by(User.id)
    ).all()
    for person in people:
        notify(
            person,
            f"voice.{given.status}",
            _link(suggestion),
            email_template="voice/answered",
            force_email=True,
            title=suggestion.title,
            group=suggestion.owner_name,
            status=given.status,
            reason=given.reason,
            done_change=suggestion.done_change if given.status == DONE else "",
            done_level=suggestion.done_level if given.status == DONE else "",
            is_author=person.id == suggestion.author_id,
        )
    return len(people)
