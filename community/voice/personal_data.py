"""What "you said — we did" holds about a person, for "Download my data" and "Delete my
account" (`community/auth/personal_data.py` lists the columns in `HOLDINGS` and calls these)."""

from sqlalchemy import delete, select, update

from community.extensions import db
from community.urls import path_for
from community.voice.models import Suggestion, SuggestionAnswer, SuggestionSupport


def _iso(moment):
    return moment.isoformat() if moment else None


def export_part(user):
    """My suggestions (anonymous ones too: they are mine), with every answer, and the
    suggestions I support."""
    mine = db.session.scalars(select(Suggestion).where(Suggestion.author_id == user.id).order_by(Suggestion.id)).all()
    answers = {}
    if mine:
        for given in db.session.scalars(
            select(SuggestionAnswer)
            .where(SuggestionAnswer.suggestion_id.in_([s.id for s in mine]))
            .order_by(SuggestionAnswer.id)
        ):
            answers.setdefault(given.suggestion_id, []).append(
                {"status": given.status, "reason": given.reason, "at": _iso(given.created_at)}
            )
    supported = db.session.execute(
        select(Suggestion.title, SuggestionSupport.created_at)
        .join(SuggestionSupport, SuggestionSupport.suggestion_id == Suggestion.id)
        .where(SuggestionSupport.user_id == user.id)
        .order_by(SuggestionSupport.id)
    ).all()
    return {
        "suggestions": [
            {
                "to": s.owner_name,
                "title": s.title,
                "your_words": s.body,
                "name_hidden": s.anonymous,
                "made_at": _iso(s.created_at),
                "status": s.status,
                "answers": answers.get(s.id, []),
                "what_changed": s.done_change,
            }
            for s in mine
        ],
        "suggestions_supported": [{"suggestion": title, "at": _iso(at)} for title, at in supported],
    }


# What you did as a leader or specialist, on rows that belong to others: the kind and the time.
ACTIONS = (("answered a suggestion", SuggestionAnswer.answered_by_id, SuggestionAnswer.created_at),)


def pages_of(uid):
    """The addresses of the person's suggestions, so notices that link there lose the title."""
    return [
        path_for("voice.detail", suggestion_id=i)
        for i in db.session.scalars(select(Suggestion.id).where(Suggestion.author_id == uid))
    ]


def erase_part(user):
    """Before the account goes: their support leaves each count, then the supports and their
    suggestions (with the answers to them) go. Answers they gave stay, without their name."""
    supported = select(SuggestionSupport.suggestion_id).where(SuggestionSupport.user_id == user.id)
    db.session.execute(
        update(Suggestion)
        .where(Suggestion.id.in_(supported))
        .values(support_count=Suggestion.support_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(SuggestionSupport)
        .where(SuggestionSupport.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(Suggestion).where(Suggestion.author_id == user.id).execution_options(synchronize_session=False)
    )
    db.session.flush()
