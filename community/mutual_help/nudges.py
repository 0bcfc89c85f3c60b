"""Keeping the help board alive: the hourly `help.nudge` job (or `flask nudge-help`)."""

from datetime import timedelta

from sqlalchemy import select, update

from community.auth.models import User
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, Membership
from community.jobs import job
from community.models import utcnow
from community.mutual_help.models import CLOSED, IN_PROGRESS, NEED, OPEN, HelpRequest
from community.mutual_help.service import first_name
from community.notifications.service import notify
from community.urls import path_for

UNANSWERED_AFTER = timedelta(hours=48)
ASK_AUTHOR_AFTER = timedelta(days=30)
AUTO_CLOSE_AFTER = timedelta(days=60)


@job("help.nudge")
def nudge(now=None):
    """Cron-safe and idempotent. Needs without an answer after 48 hours are flagged to the
    group's leaders (once); requests open for 30 days ask their author to resolve or close
    (once); after 60 days they are closed with a note. Returns the three counts."""
    now = now or utcnow()
    flagged = asked = closed = 0

    unanswered = db.session.scalars(
        select(HelpRequest.id).where(
            HelpRequest.kind == NEED,
            HelpRequest.status == OPEN,
            HelpRequest.response_count == 0,
            HelpRequest.leaders_nudged_at.is_(None),
            HelpRequest.hidden_at.is_(None),
            HelpRequest.created_at <= now - UNANSWERED_AFTER,
        )
    ).all()
    for request_id in unanswered:
        if not _claim(request_id, HelpRequest.leaders_nudged_at, now):
            continue
        help_request = db.session.get(HelpRequest, request_id)
        for leader in _leaders(help_request.group_id):
            notify(
                leader,
                "help.unanswered",
                path_for("help.detail", request_id=request_id),
                email_template="help/unanswered",
                group=help_request.group.name,
                actor=help_request.author,
                name=first_name(help_request.author),
                category=help_request.category,
                title="" if help_request.sensitive else help_request.title,
            )
        flagged += 1

    stale = db.session.scalars(
        select(HelpRequest.id).where(
            HelpRequest.status.in_([OPEN, IN_PROGRESS]),
            HelpRequest.author_nudged_at.is_(None),
            HelpRequest.created_at <= now - ASK_AUTHOR_AFTER,
            HelpRequest.created_at > now - AUTO_CLOSE_AFTER,
        )
    ).all()
    for request_id in stale:
        if not _claim(request_id, HelpRequest.author_nudged_at, now):
            continue
        help_request = db.session.get(HelpRequest, request_id)
        if help_request.author is not None:
            notify(
                help_request.author,
                "help.still_open",
                path_for("help.detail", request_id=request_id),
                email_template="help/still_open",
                force_email=True,
                title=help_request.title,
            )
        asked += 1

    expired = db.session.scalars(
        select(HelpRequest.id).where(
            HelpRequest.status.in_([OPEN, IN_PROGRESS]),
            HelpRequest.created_at <= now - AUTO_CLOSE_AFTER,
        )
    ).all()
    for request_id in expired:
        done = db.session.execute(
            update(HelpRequest)
            .where(HelpRequest.id == request_id, HelpRequest.status.in_([OPEN, IN_PROGRESS]))
            .values(status=CLOSED, closed_at=now, close_note="auto")
            .execution_options(synchronize_session=False)
        ).rowcount
        if done:
            help_request = db.session.get(HelpRequest, request_id)
            if help_request.author is not None:
                notify(
                    help_request.author,
                    "help.auto_closed",
                    path_for("help.detail", request_id=request_id),
                    title=help_request.title,
                )
            closed += 1
    return flagged, asked, closed


def _claim(request_id, column, now):
    """Mark a nudge as sent with a conditional update, so two cron runs never send it twice."""
    return db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, column.is_(None))
        .values({column: now})
        .execution_options(synchronize_session=False)
    ).rowcount


def _leaders(group_id):
    return db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group_id, Membership.role == LEADER, Membership.status == ACTIVE)
    ).all()
