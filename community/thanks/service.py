"""“Спасибо” with one tap. The database holds one per person per post or answer (a second
tap, or two at once, changes nothing); pages show the count and whether I said it."""

from sqlalchemy import BindParameter, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import with_expression

from community.errors import RuleError
from community.extensions import db
from community.groups.access import access_for
from community.thanks.models import Thanks


def thank_post(user, post):
    """A member thanks the author of a post in their group."""
    if not access_for(user, post.group).can_post or post.hidden_at is not None:
        raise RuleError("thanks.cannot")
    if post.author_id == user.id:
        raise RuleError("thanks.own")
    return _add(Thanks(user_id=user.id, post_id=post.id))


def thank_answer(user, response):
    """The author of a help request thanks someone who answered it."""
    request = response.request
    if request.author_id != user.id or not access_for(user, request.group).can_post or response.hidden_at is not None:
        raise RuleError("thanks.cannot")
    if response.helper_id == user.id:
        raise RuleError("thanks.own")
    return _add(Thanks(user_id=user.id, help_response_id=response.id))


def _add(row):
    """True when this is a new “спасибо”; False when the person had already said it."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def _counts(column, ids, user):
    if not ids:
        return {}
    mine = func.max(case((Thanks.user_id == getattr(user, "id", None), 1), else_=0))
    rows = db.session.execute(
        select(column, func.count(Thanks.id), mine).where(column.in_(list(ids))).group_by(column)
    ).all()
    return {item_id: (count, bool(said)) for item_id, count, said in rows}


def for_posts(post_ids, user):
    """{post_id: (count, I said it)} for a page of posts, in one query."""
    return _counts(Thanks.post_id, post_ids, user)


def with_thanks(user):
    """Loader options: each post's thanks count and whether `user` said it, answered in the
    query that loads the posts (two correlated counts on `thanks`' post index). `user` may be
    a bound parameter standing for the viewer's id."""
    from community.groups.models import Post

    count = select(func.count(Thanks.id)).where(Thanks.post_id == Post.id).correlate(Post).scalar_subquery()
    user_id = user if isinstance(user, BindParameter) else getattr(user, "id", None)
    mine = select(Thanks.id).where(Thanks.post_id == Post.id, Thanks.user_id == user_id).correlate(Post).exists()
    return (with_expression(Post.thanks_count, count), with_expression(Post.thanked_by_viewer, mine))


def for_loaded_posts(posts, user):
    """`for_posts`, read from the posts when they were loaded `with_thanks` (no query)."""
    if posts and all(post.thanks_count is not None for post in posts):
        return {post.id: (post.thanks_count, bool(post.thanked_by_viewer)) for post in posts if post.thanks_count}
    return for_posts([post.id for post in posts], user)


def for_answers(response_ids, user):
    """{help_response_id: (count, I said it)} for a request's answers, in one query."""
    return _counts(Thanks.help_response_id, response_ids, user)
