"""What can be reported, seen the same way whatever its kind: a post, a reply, a help request,
a help answer, a message in a help thread, a private message."""

from dataclasses import dataclass

from sqlalchemy import select

from community.extensions import db
from community.groups.access import access_for
from community.groups.models import Comment, Post
from community.messages.models import Message
from community.mutual_help.models import HelpMessage, HelpRequest, HelpResponse
from community.safety.models import ItemKind
from community.urls import path_for

MODELS = {
    ItemKind.POST: Post,
    ItemKind.COMMENT: Comment,
    ItemKind.HELP_REQUEST: HelpRequest,
    ItemKind.HELP_ANSWER: HelpResponse,
    ItemKind.HELP_MESSAGE: HelpMessage,
    ItemKind.MESSAGE: Message,
}
AUTHOR = {ItemKind.HELP_ANSWER: "helper_id", ItemKind.MESSAGE: "sender_id"}


def author_column(kind):
    """The column naming who wrote an item of `kind`."""
    return getattr(MODELS[kind], AUTHOR.get(kind, "author_id"))


@dataclass
class Item:
    """One reportable thing: where it lives, who wrote it, its text, and its page."""

    kind: str
    obj: object

    @property
    def id(self):
        return self.obj.id

    @property
    def author_id(self):
        return getattr(self.obj, AUTHOR.get(self.kind, "author_id"))

    @property
    def hidden(self):
        return self.obj.hidden_at is not None

    @property
    def group(self):
        """The group it was written in (None for a private message)."""
        obj = self.obj
        if self.kind == ItemKind.POST or self.kind == ItemKind.HELP_REQUEST:
            return obj.group
        if self.kind == ItemKind.COMMENT:
            return obj.post.group
        if self.kind in (ItemKind.HELP_ANSWER, ItemKind.HELP_MESSAGE):
            return obj.request.group if self.kind == ItemKind.HELP_ANSWER else _request(obj).group
        return None

    @property
    def title(self):
        """The heading it sits under (the post's or the request's title), if any."""
        if self.kind in (ItemKind.POST, ItemKind.HELP_REQUEST):
            return self.obj.title
        if self.kind == ItemKind.COMMENT:
            return self.obj.post.title
        if self.kind == ItemKind.HELP_ANSWER:
            return self.obj.request.title
        if self.kind == ItemKind.HELP_MESSAGE:
            return _request(self.obj).title
        return ""

    @property
    def text(self):
        obj = self.obj
        if self.kind == ItemKind.HELP_REQUEST:
            return obj.details
        if self.kind == ItemKind.HELP_ANSWER:
            return obj.message
        return obj.body

    @property
    def url(self):
        """Where the item is read (for the author: where they find it, hidden or not)."""
        obj = self.obj
        if self.kind == ItemKind.POST:
            return path_for("posts.detail", slug=obj.group.slug, post_id=obj.id)
        if self.kind == ItemKind.COMMENT:
            return path_for("posts.detail", slug=obj.post.group.slug, post_id=obj.post_id) + f"#comment-{obj.id}"
        if self.kind == ItemKind.HELP_REQUEST:
            return path_for("help.detail", request_id=obj.id)
        if self.kind == ItemKind.HELP_ANSWER:
            return path_for("help.detail", request_id=obj.request_id) + "#answers"
        if self.kind == ItemKind.HELP_MESSAGE:
            return path_for("help.detail", request_id=obj.request_id) + "#thread"
        return path_for("messages.thread", user_id=obj.sender_id) if obj.sender_id else ""


def _request(help_message):
    return db.session.get(HelpRequest, help_message.request_id)


def load_item(kind, item_id):
    """The item, or None when there is no such thing (or its author deleted their account)."""
    if kind not in MODELS:
        return None
    obj = db.session.get(MODELS[kind], item_id)
    if obj is None:
        return None
    return Item(kind, obj)


def load_items(pairs):
    """Many items at once, one query per kind (the reports pages): {(kind, id): Item}."""
    wanted = {}
    for kind, item_id in pairs:
        wanted.setdefault(kind, set()).add(item_id)
    found = {}
    for kind, ids in wanted.items():
        model = MODELS.get(kind)
        if model is None:
            continue
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            found[(kind, obj.id)] = Item(kind, obj)
    return found


def can_read(user, item):
    """The viewer may read the item where it lives (so may report it). Hidden items are read
    by their author and the moderators only, and those never report them."""
    if not user.is_authenticated or item.hidden:
        return False
    obj = item.obj
    if item.kind == ItemKind.MESSAGE:
        return obj.recipient_id == user.id or obj.sender_id == user.id
    access = access_for(user, item.group)
    if not access.is_member:
        return False
    if item.kind == ItemKind.POST:
        return True
    if item.kind == ItemKind.COMMENT:
        return obj.post.hidden_at is None
    request = (
        obj
        if item.kind == ItemKind.HELP_REQUEST
        else (obj.request if item.kind == ItemKind.HELP_ANSWER else _request(obj))
    )
    if request.hidden_at is not None or request.author_id is None:
        return False
    if request.sensitive and not access.can_read_sensitive and request.author_id != user.id:
        return False
    if item.kind == ItemKind.HELP_REQUEST:
        return True
    if item.kind == ItemKind.HELP_ANSWER:
        return request.author_id == user.id or obj.helper_id == user.id
    from community.mutual_help.service import can_use_thread, responses

    return can_use_thread(user, request, responses(request))
