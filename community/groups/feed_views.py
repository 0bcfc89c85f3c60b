"""The group feed: posts and comments (blueprint `posts`, under /groups/<slug>/posts)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from community.errors import RuleError
from community.extensions import limiter
from community.forms import EmptyForm, flash_error
from community.groups import feed, forms
from community.groups.access import get_group_for
from community.i18n import gettext as _
from community.security import account_key

bp = Blueprint("posts", __name__)


def _post_or_404(group, post_id, access):
    post = feed.get_post(group, post_id)
    if post is None or (post.hidden_at is not None and not access.can_moderate and post.author_id != current_user.id):
        abort(404)
    return post


@bp.route("/<slug>/posts/new", methods=["GET", "POST"])
@limiter.limit("60 per hour", key_func=account_key, methods=["POST"])
def new(slug):
    group, access = get_group_for(current_user, slug, need="post")
    form = forms.PostForm()
    if not access.can_announce:
        form.kind.choices = form.kind.choices[:1]
    if form.validate_on_submit():
        try:
            post = feed.create_post(
                current_user, group, access, form.kind.data, form.title.data, form.body.data, form.members_said.data
            )
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Your post is published."), "success")
            return redirect(url_for("posts.detail", slug=slug, post_id=post.id))
    return render_template("groups/post_form.html", group=group, access=access, form=form, post=None)


@bp.route("/<slug>/decisions")
def decisions(slug):
    """The decisions log: what the group decided, and what members said that led to it."""
    group, access = get_group_for(current_user, slug, need="view")
    return render_template("groups/decisions.html", group=group, access=access, decisions=feed.decisions(group))


@bp.route("/<slug>/posts/<int:post_id>", methods=["GET", "POST"])
@limiter.limit("10 per minute;60 per hour", key_func=account_key, methods=["POST"])
def detail(slug, post_id):
    group, access = get_group_for(current_user, slug, need="view")
    post = _post_or_404(group, post_id, access)
    form = forms.CommentForm()
    if form.validate_on_submit():
        try:
            comment = feed.add_comment(current_user, group, access, post, form.body.data)
        except RuleError as error:
            flash_error(error)
        else:
            return redirect(url_for("posts.detail", slug=slug, post_id=post.id, _anchor=f"comment-{comment.id}"))
    comments = feed.visible_comments(post, include_hidden=access.can_moderate)
    return render_template("groups/post.html", group=group, access=access, post=post, comments=comments, form=form)


@bp.route("/<slug>/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit(slug, post_id):
    group, access = get_group_for(current_user, slug, need="post")
    post = _post_or_404(group, post_id, access)
    if post.author_id != current_user.id:
        abort(403)
    form = forms.PostForm(obj=post)
    form.kind.choices = [c for c in form.kind.choices if c.value == post.kind]
    form.kind.data = post.kind
    if form.validate_on_submit():
        feed.edit_post(current_user, post, form.title.data, form.body.data, form.members_said.data)
        flash(_("Changes saved."), "success")
        return redirect(url_for("posts.detail", slug=slug, post_id=post.id))
    return render_template("groups/post_form.html", group=group, access=access, form=form, post=post)


@bp.route("/<slug>/posts/<int:post_id>/delete", methods=["GET", "POST"])
def delete(slug, post_id):
    group, access = get_group_for(current_user, slug, need="view")
    post = _post_or_404(group, post_id, access)
    if post.author_id != current_user.id:
        abort(403)
    form = EmptyForm()
    if form.validate_on_submit():
        feed.delete_post(current_user, post)
        flash(_("The post is deleted."), "success")
        return redirect(url_for("groups.detail", slug=slug))
    return render_template(
        "groups/confirm.html",
        group=group,
        form=form,
        title=_("Delete this post?"),
        text=_("The post “%(title)s” and all replies to it will be deleted for good.", title=post.title),
        button=_("Delete"),
        back_url=url_for("posts.detail", slug=slug, post_id=post.id),
    )


@bp.post("/<slug>/posts/<int:post_id>/<any(hide, unhide):action>")
def moderate(slug, post_id, action):
    group, access = get_group_for(current_user, slug, need="moderate")
    post = _post_or_404(group, post_id, access)
    if EmptyForm().validate_on_submit():
        if action == "hide":
            feed.hide_post(current_user, post)
            flash(_("The post is hidden from members."), "success")
        else:
            feed.unhide_post(current_user, post)
            flash(_("The post is visible again."), "success")
    return redirect(url_for("posts.detail", slug=slug, post_id=post.id))


@bp.post("/<slug>/posts/<int:post_id>/<any(pin, unpin):action>")
def pin(slug, post_id, action):
    """Leaders keep up to three posts on top of the feed."""
    group, access = get_group_for(current_user, slug, need="manage")
    post = _post_or_404(group, post_id, access)
    if EmptyForm().validate_on_submit():
        try:
            if action == "pin":
                feed.pin_post(current_user, post)
            else:
                feed.unpin_post(current_user, post)
        except RuleError as error:
            flash_error(error)
        else:
            flash(
                _("The post is pinned on top of the feed.") if action == "pin" else _("The post is unpinned."),
                "success",
            )
    return redirect(url_for("posts.detail", slug=slug, post_id=post.id))


def _comment_or_404(group, post_id, comment_id, access):
    post = _post_or_404(group, post_id, access)
    comment = feed.get_comment(post, comment_id)
    if comment is None:
        abort(404)
    return post, comment


@bp.route("/<slug>/posts/<int:post_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(slug, post_id, comment_id):
    group, access = get_group_for(current_user, slug, need="post")
    post, comment = _comment_or_404(group, post_id, comment_id, access)
    if comment.author_id != current_user.id:
        abort(403)
    form = forms.CommentForm(obj=comment)
    if form.validate_on_submit():
        feed.edit_comment(current_user, comment, form.body.data)
        flash(_("Changes saved."), "success")
        return redirect(url_for("posts.detail", slug=slug, post_id=post.id, _anchor=f"comment-{comment.id}"))
    return render_template("groups/comment_form.html", group=group, post=post, form=form)


@bp.route("/<slug>/posts/<int:post_id>/comments/<int:comment_id>/delete", methods=["GET", "POST"])
def delete_comment(slug, post_id, comment_id):
    group, access = get_group_for(current_user, slug, need="view")
    post, comment = _comment_or_404(group, post_id, comment_id, access)
    if comment.author_id != current_user.id:
        abort(403)
    form = EmptyForm()
    if form.validate_on_submit():
        feed.delete_comment(current_user, comment)
        flash(_("The reply is deleted."), "success")
        return redirect(url_for("posts.detail", slug=slug, post_id=post.id))
    return render_template(
        "groups/confirm.html",
        group=group,
        form=form,
        title=_("Delete this reply?"),
        text=_("The reply will be deleted for good."),
        button=_("Delete"),
        back_url=url_for("posts.detail", slug=slug, post_id=post.id),
    )


@bp.post("/<slug>/posts/<int:post_id>/comments/<int:comment_id>/hide")
def hide_comment(slug, post_id, comment_id):
    group, access = get_group_for(current_user, slug, need="moderate")
    post, comment = _comment_or_404(group, post_id, comment_id, access)
    if EmptyForm().validate_on_submit():
        feed.hide_comment(current_user, comment)
        flash(_("The reply is hidden from members."), "success")
    return redirect(url_for("posts.detail", slug=slug, post_id=post.id))
