"""One place that answers "what may this person do with suggestions here".

A *place* is a group or an organisation. For a group: its active members see its
suggestions, its parents (members and leaders) make and support them, its leaders and the
specialists of the organisation that supports it answer. For an organisation: the parents
of the live groups it supports see, make and support them; its specialists answer. Admins
see everything, to moderate, and answer nothing. Everyone else does not learn it exists
(404)."""

from dataclasses import dataclass

from flask import abort, g
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community.extensions import db
from community.groups.models import ACTIVE, LEADER, MEMBER, Group, Membership
from community.involve.access import is_specialist_of
from community.orgs.models import Organisation
from community.voice.models import NEW, Suggestion


@dataclass(frozen=True)
class VoiceAccess:
    """The viewer's rights on the suggestions of one place. Templates ask it."""

    group: Group | None
    organisation: Organisation | None
    is_parent: bool
    is_member: bool
    is_answerer: bool
    is_admin: bool
    user_id: int | None

    @property
    def can_view(self):
        return self.is_member or self.is_parent or self.is_answerer or self.is_admin

    @property
    def can_suggest(self):
        return self.is_parent

    @property
    def can_answer(self):
        return self.is_answerer

    def can_support(self, suggestion):
        return self.is_parent and suggestion.is_open and suggestion.author_id != self.user_id

    def can_withdraw(self, suggestion):
        """The author takes back a suggestion nobody has answered yet."""
        return suggestion.author_id == self.user_id and suggestion.status == NEW

    def is_author(self, suggestion):
        return suggestion.author_id == self.user_id


def _is_group_parent(user, group):
    if group.archived_at is not None:
        return False
    found = select(Membership.id).where(
        Membership.group_id == group.id,
        Membership.user_id == user.id,
        Membership.status == ACTIVE,
        Membership.role.in_([MEMBER, LEADER]),
    )
    return db.session.scalar(found) is not None


def _group_membership(user, group):
    return db.session.scalar(
        select(Membership).where(
            Membership.group_id == group.id, Membership.user_id == user.id, Membership.status == ACTIVE
        )
    )


def supported_parent_groups(user, organisation_id):
    """A query for the live groups of `organisation_id` where `user` is an active parent."""
    return (
        select(Membership.group_id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Membership.user_id == user.id,
            Membership.status == ACTIVE,
            Membership.role.in_([MEMBER, LEADER]),
            Group.organisation_id == organisation_id,
            Group.archived_at.is_(None),
        )
    )


def _compute(user, group, organisation):
    admin = bool(getattr(user, "is_admin", False))
    if not user.is_authenticated:
        return VoiceAccess(group, organisation, False, False, False, False, None)
    if group is not None:
        membership = _group_membership(user, group)
        live = group.archived_at is None
        is_parent = live and membership is not None and membership.role in (MEMBER, LEADER)
        leads = live and membership is not None and membership.role == LEADER
        answers = leads or (live and is_specialist_of(user, group.organisation_id))
        return VoiceAccess(group, None, is_parent, membership is not None, answers, admin, user.id)
    is_parent = db.session.scalar(supported_parent_groups(user, organisation.id).limit(1)) is not None
    answers = is_specialist_of(user, organisation.id)
    return VoiceAccess(None, organisation, is_parent, is_parent, answers, admin, user.id)


def access_for(user, group=None, organisation=None):
    """The viewer's access to the suggestions of a group or an organisation, once per request."""
    place = ("g", group.id) if group is not None else ("o", organisation.id)
    key = (getattr(user, "id", None), *place)
    cache = g.setdefault("_voice_access", {})
    if key not in cache:
        cache[key] = _compute(user, group, organisation)
    return cache[key]


def _check(access, need):
    if not access.can_view:
        abort(404)
    if need != "view" and not getattr(access, f"can_{need}"):
        abort(403)


def get_group_place(user, slug, need="view"):
    group = db.session.scalar(select(Group).where(Group.slug == slug).options(joinedload(Group.organisation)))
    if group is None:
        abort(404)
    access = access_for(user, group=group)
    _check(access, need)
    return group, access


def get_organisation_place(user, slug, need="view"):
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        abort(404)
    access = access_for(user, organisation=organisation)
    _check(access, need)
    return organisation, access


def get_suggestion_for(user, suggestion_id, need="view"):
    """Load a suggestion and check the viewer may `need` it: 404 for people who do not see
    its place, 403 for people who see it but lack the right."""
    suggestion = db.session.scalar(
        select(Suggestion)
        .where(Suggestion.id == suggestion_id)
        .options(joinedload(Suggestion.group), joinedload(Suggestion.organisation))
    )
    if suggestion is None:
        abort(404)
    access = access_for(user, group=suggestion.group, organisation=suggestion.organisation)
    _check(access, need)
    return suggestion, access


def forget_access():
    g.pop("_voice_access", None)
