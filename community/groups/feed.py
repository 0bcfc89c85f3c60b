"""The group feed: discussions, announcements and decisions, with comments."""

from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from community.audit import audit
from community.auth.models import User, with_author
from community.errors import RuleError
from community.extensions import db
from community.groups.models import ACTIVE, ANNOUNCEMENT, DECISION, DISCUSSION, Comment, Membership, Post
from community.jobs import after_commit, job
from community.models import utcnow
from community.notifications.service import notify
from community.paging import paged, paginate
from community.urls import path_for

PAGE_SIZE = 20
KINDS = (DISCUSSION, ANNOUNCEMENT, DECISION)


PIN_LIMIT = 3


def latest_posts(group, page=1, include_hidden=False, viewer=None):
    """One page of the feed, newest first, authors (and, for a `viewer`, the thanks) loaded
    in the same query (pinned posts stand above the feed instead, see `pinned_posts`): a
    `paginate` result (two queries at most at any size: the page and its count)."""
    params = {"group_id": group.id}
    if viewer is not None:
        params["viewer"] = getattr(viewer, "id", None)
    query = _feed_query(include_hidden, viewer is not None)
    return paginate(query, page=page, per_page=PAGE_SIZE, error_out=False, params=params)


@cache
def _feed_query(include_hidden, with_viewer):
    """The statements of the feed, built once with bound parameters (`group_id`, `viewer`)."""
    query = (
        select(Post)
        .where(Post.group_id == bindparam("group_id"), Post.pinned_at.is_(None))
        .options(with_author(Post.author))
    )
    if with_viewer:
        from community.thanks.service import with_thanks

        query = query.options(*with_thanks(bindparam("viewer")))
    if not include_hidden:
        query = query.where(Post.hidden_at.is_(None))
    return paged(query.order_by(Post.created_at.desc(), Post.id.desc()))


def pinned_posts(group):
    """What the leaders keep on top of the feed (at most `PIN_LIMIT`), last pinned first."""
    return db.session.scalars(_pinned_query(), {"group_id": group.id}).all()


@cache
def _pinned_query():
    return (
        select(Post)
        .where(Post.group_id == bindparam("group_id"), Post.pinned_at.is_not(None), Post.hidden_at.is_(None))
        .options(with_author(Post.author))
        .order_by(Post.pinned_at.desc(), Post.id.desc())
    )


def pin_post(actor, post):
    """A leader keeps a post on top. The limit holds under concurrent pins: the count and the
    change happen under the group's row lock (SQLite: its single writer)."""
    from community.groups.service import lock_group

    lock_group(post.group)
    db.session.refresh(post)
    if post.hidden_at is not None:
        raise RuleError("posts.hidden")
    if post.pinned_at is not None:
        return
    pinned = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.group_id == post.group_id, Post.pinned_at.is_not(None), Post.hidden_at.is_(None)
        )
    )
    if pinned >= PIN_LIMIT:
        raise RuleError("posts.pin-limit")
    post.pinned_at = utcnow()
    audit(actor, "moderation.pin", post.group, post_id=post.id)
    db.session.flush()


def unpin_post(actor, post):
    if post.pinned_at is None:
        return
    post.pinned_at = None
    audit(actor, "moderation.unpin", post.group, post_id=post.id)
    db.session.flush()


def decisions(group):
    """The decisions log: every decision the group has made, newest first."""
    return db.session.scalars(
        select(Post)
        .where(Post.group_id == group.id, Post.kind == DECISION, Post.hidden_at.is_(None))
        .options(with_author(Post.author))
        .order_by(Post.created_at.desc())
    ).all()


def get_post(group, post_id):
    post = db.session.get(Post, post_id)
    if post is None or post.group_id != group.id:
        return None
    return post


def visible_comments(post, include_hidden=False):
    query = select(Comment).where(Comment.post_id == post.id).options(joinedload(Comment.author))
    if not include_hidden:
        query = query.where(Comment.hidden_at.is_(None))
    return db.session.scalars(query.order_by(Comment.id)).all()


def create_post(user, group, access, kind, title, body, members_said=""):
    """Members write discussions; leaders also announce and record decisions, which are
    emailed to every member who has not opted out."""
    if not access.can_post:
        raise RuleError("posts.cannot-post")
    if kind in (ANNOUNCEMENT, DECISION) and not access.can_announce:
        raise RuleError("posts.leaders-only")
    if kind not in KINDS:
        kind = DISCUSSION
    post = Post(
        group_id=group.id,
        author_id=user.id,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        members_said=(members_said or "").strip() if kind == DECISION else "",
    )
    db.session.add(post)
    db.session.flush()
    if kind in (ANNOUNCEMENT, DECISION):
        after_commit("posts.tell_members", post.id)
    return post


@job("posts.tell_members")
def tell_members(post_id):
    """Fan-out after the commit: every active member but the author gets the announcement or
    decision, in-app and (unless they opted out) by email."""
    post = db.session.get(Post, post_id)
    if post is None or post.hidden_at is not None:
        return
    group, author = post.group, post.author
    url = path_for("posts.detail", slug=group.slug, post_id=post.id)
    members = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, Membership.status == ACTIVE, User.id != post.author_id)
    ).all()
    for member in members:
        notify(
            member,
            f"post.{post.kind}",
            url,
            email_template="groups/post_published",
            group=group.name,
            title=post.title,
            body=post.body,
            members_said=post.members_said,
            kind=post.kind,
            author=author.display_name if author else "",
        )


def edit_post(user, post, title, body, members_said=""):
    if post.author_id != user.id:
        raise RuleError("posts.not-yours")
    post.title, post.body = title.strip(), body.strip()
    if post.kind == DECISION:
        post.members_said = (members_said or "").strip()
    post.edited_at = utcnow()
    db.session.flush()


def delete_post(user, post):
    if post.author_id != user.id:
        raise RuleError("posts.not-yours")
    db.session.delete(post)
    db.session.flush()


def hide_post(actor, post):
    """A leader (or an admin) hides a post from the feed; audited."""
    post.hidden_at = utcnow()
    post.hidden_by_id = actor.id
    post.pinned_at = None
    audit(actor, "post.hide", post, group_id=post.group_id)
    db.session.flush()


def unhide_post(actor, post):
    post.hidden_at = None
    post.hidden_by_id = None
    audit(actor, "post.unhide", post, group_id=post.group_id)
    db.session.flush()


def add_comment(user, group, access, post, body):
    if not access.can_post:
        raise RuleError("posts.cannot-post")
    if post.hidden_at is not None:
        raise RuleError("posts.hidden")
    comment = Comment(post_id=post.id, author_id=user.id, body=body.strip())
    db.session.add(comment)
    db.session.flush()
    _recount_comments(post)
    if post.author_id and post.author_id != user.id:
        notify(
            post.author,
            "post.comment",
            path_for("posts.detail", slug=group.slug, post_id=post.id) + f"#comment-{comment.id}",
            actor=user,
            name=user.display_name,
            title=post.title,
        )
    db.session.flush()
    return comment


def get_comment(post, comment_id):
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.post_id != post.id:
        return None
    return comment


def edit_comment(user, comment, body):
    if comment.author_id != user.id:
        raise RuleError("posts.not-yours")
    comment.body = body.strip()
    comment.edited_at = utcnow()
    db.session.flush()


def delete_comment(user, comment):
    if comment.author_id != user.id:
        raise RuleError("posts.not-yours")
    post = comment.post
    db.session.delete(comment)
    db.session.flush()
    _recount_comments(post)
    db.session.flush()


def hide_comment(actor, comment):
    comment.hidden_at = utcnow()
    comment.hidden_by_id = actor.id
    audit(actor, "comment.hide", comment, post_id=comment.post_id)
    db.session.flush()
    _recount_comments(comment.post)
    db.session.flush()


def _recount_comments(post):
    post.comment_count = db.session.scalar(
        select(func.count(Comment.id)).where(Comment.post_id == post.id, Comment.hidden_at.is_(None))
    )
