"""A helper changes their mind: edit the answer they gave, or take it back while the request
is still on. The request's counters and status follow, so the board and the health
indicators never count an answer that is gone."""

from sqlalchemy import delete, func, select, update

from community.errors import RuleError
from community.extensions import db
from community.models import utcnow
from community.mutual_help.models import IN_PROGRESS, OPEN, HelpRequest, HelpResponse
from community.notifications.service import notify
from community.urls import path_for


def my_answer(user, help_request):
    """The answer `user` gave to this request, or None."""
    return db.session.scalar(
        select(HelpResponse).where(HelpResponse.request_id == help_request.id, HelpResponse.helper_id == user.id)
    )


def _mine_while_active(user, help_request):
    if not help_request.is_active:
        raise RuleError("help.not-active")
    answer = my_answer(user, help_request)
    if answer is None:
        raise RuleError("help.no-answer")
    return answer


def edit_answer(user, help_request, message):
    """Change what I wrote: the author reads the new words on the request page."""
    answer = _mine_while_active(user, help_request)
    answer.message = (message or "").strip()
    db.session.flush()
    return answer


def withdraw_answer(user, help_request):
    """Take my answer back. If I was the only accepted helper, the request is open again
    and its author is told; the count of answers and the time of the first one follow."""
    answer = _mine_while_active(user, help_request)
    was_accepted = answer.accepted_at is not None
    gone = db.session.execute(
        delete(HelpResponse).where(HelpResponse.id == answer.id).execution_options(synchronize_session=False)
    ).rowcount
    if not gone:  # taken back a moment ago in another tab
        raise RuleError("help.no-answer")
    db.session.expunge(answer)
    earliest = (
        select(func.min(HelpResponse.created_at)).where(HelpResponse.request_id == help_request.id).scalar_subquery()
    )
    accepted_left = (
        select(func.count(HelpResponse.id))
        .where(HelpResponse.request_id == help_request.id, HelpResponse.accepted_at.is_not(None))
        .scalar_subquery()
    )
    values = {"response_count": HelpRequest.response_count - 1, "first_response_at": earliest, "updated_at": utcnow()}
    db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == help_request.id, HelpRequest.response_count > 0)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if was_accepted:
        db.session.execute(
            update(HelpRequest)
            .where(HelpRequest.id == help_request.id, HelpRequest.status == IN_PROGRESS, accepted_left == 0)
            .values(status=OPEN)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    db.session.refresh(help_request)
    if was_accepted and help_request.author is not None:
        notify(
            help_request.author,
            "help.withdrawn",
            path_for("help.detail", request_id=help_request.id),
            actor=user,
            name=user.display_name,
            title=help_request.title,
        )
        db.session.flush()
