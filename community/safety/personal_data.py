"""What keeping groups safe holds about a person, for "Download my data" (deletion follows the
foreign keys: `community/auth/personal_data.py` lists the columns in `HOLDINGS`)."""

from sqlalchemy import func, select

from community.auth.models import User
from community.extensions import db
from community.messages.models import Message
from community.mutual_help.models import HelpMessage, HelpResponse
from community.safety.models import Block, Report
from community.thanks.models import Thanks


def _iso(moment):
    return moment.isoformat() if moment else None


def export_part(user):
    """My reports (with my note), reports about what I wrote (never who made them), whom I
    blocked (and how many blocked me), and the “спасибо” I said."""
    uid = user.id
    mine = db.session.scalars(select(Report).where(Report.reporter_id == uid).order_by(Report.id)).all()
    about = db.session.scalars(select(Report).where(Report.author_id == uid).order_by(Report.id)).all()
    blocked = db.session.execute(
        select(User.display_name, Block.created_at)
        .join(Block, Block.blocked_id == User.id)
        .where(Block.blocker_id == uid)
        .order_by(Block.id)
    ).all()
    thanks = db.session.scalars(select(Thanks).where(Thanks.user_id == uid).order_by(Thanks.id)).all()
    return {
        "reports": [
            {"about": r.kind, "reason": r.reason, "your_note": r.note, "status": r.status, "at": _iso(r.created_at)}
            for r in mine
        ],
        "reports_about_you": [
            {"about": r.kind, "reason": r.reason, "status": r.status, "at": _iso(r.created_at)} for r in about
        ],
        "blocked": {
            "you_blocked": [{"name": name, "since": _iso(at)} for name, at in blocked],
            "people_who_blocked_you": db.session.scalar(select(func.count(Block.id)).where(Block.blocked_id == uid)),
        },
        "thanks_given": [{"for": "post" if t.post_id else "help answer", "at": _iso(t.created_at)} for t in thanks],
    }


# What you did as a moderator, on rows that belong to others: the kind and the time only.
ACTIONS = (
    ("decided on a report", Report.decided_by_id, Report.decided_at),
    ("hid an answer to a help request", HelpResponse.hidden_by_id, HelpResponse.hidden_at),
    ("hid a message about a help request", HelpMessage.hidden_by_id, HelpMessage.hidden_at),
    ("hid a private message", Message.hidden_by_id, Message.hidden_at),
    ("suspended an account", User.suspended_by_id, User.suspended_at),
)
