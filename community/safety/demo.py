"""The demo's share of keeping groups safe and of “спасибо”, through the services: in the demo
leader's group, two announcements pinned on top, thanks on posts and help answers, one report
waiting for the leader, one already decided (so the moderation record has a line)."""

import random

from flask import g
from sqlalchemy import select

from community.extensions import db
from community.groups import feed
from community.groups.access import access_for
from community.groups.models import ACTIVE, ANNOUNCEMENT, LEADER, Group, Membership, Post
from community.mutual_help.models import HelpRequest, HelpResponse
from community.safety import service as safety
from community.safety.items import load_item
from community.thanks import service as thanks


def _as(user):
    """Each step acts for one person: forget the access computed for the one before."""
    g.pop("_group_access", None)
    return user


def _reply(user, group, post, body):
    """A reply written as the person would, through the feed (its author hears of it)."""
    return feed.add_comment(_as(user), group, access_for(user, group), post, body)


def seed_safety(known):
    rng = random.Random(15)
    leader = known["leader"]
    group = db.session.scalar(
        select(Group)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == leader.id, Membership.role == LEADER, Membership.status == ACTIVE)
        .order_by(Group.id)
        .limit(1)
    )
    members = [
        m.user
        for m in db.session.scalars(
            select(Membership)
            .where(Membership.group_id == group.id, Membership.status == ACTIVE)
            .order_by(Membership.id)
        )
    ]
    posts = db.session.scalars(
        select(Post).where(Post.group_id == group.id).order_by(Post.created_at.desc(), Post.id.desc())
    ).all()
    for post in [p for p in posts if p.kind == ANNOUNCEMENT][:2]:
        feed.pin_post(_as(leader), post)
    for post in posts:
        for person in rng.sample(members, k=min(len(members), rng.randint(0, 6))):
            if person.id != post.author_id:
                thanks.thank_post(_as(person), post)
    answers = db.session.scalars(
        select(HelpResponse)
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(HelpRequest.group_id == group.id, HelpResponse.accepted_at.is_not(None))
    ).all()
    for answer in answers:
        author = answer.request.author
        if author is not None and answer.helper_id not in (None, author.id):
            thanks.thank_answer(_as(author), answer)

    # Someone advertises under a post; a member reports it, the leader has not looked yet.
    seller = next(m for m in members if m.id not in (leader.id, known["member"].id))
    target = next(p for p in posts if p.kind != ANNOUNCEMENT)
    ad = _reply(seller, group, target, "Курсы «Идеальный родитель» со скидкой 50%! Пишите в личку.")
    safety.report_item(
        _as(known["member"]), load_item("comment", ad.id), "advertising", "Это реклама, не в первый раз."
    )
    # An older report the leader already decided: the reply is hidden, its author was told.
    rude = _reply(seller, group, target, "Кто так воспитывает, тому вообще нельзя детей давать.")
    reporter = next(m for m in members if m.id not in (leader.id, seller.id, known["member"].id))
    report = safety.report_item(_as(reporter), load_item("comment", rude.id), "insult")
    safety.hide_reported(_as(leader), report, "Давайте обсуждать без оценок: здесь все стараются.")
    g.pop("_group_access", None)
    db.session.flush()
