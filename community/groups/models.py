"""Groups, memberships with roles, engagement roles, and the feed."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event, false, text
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from community.auth.models import User
from community.extensions import db
from community.models import TimestampMixin, one_of, utcnow


class JoinPolicy(StrEnum):
    OPEN = "open"
    APPROVAL = "approval"


class Role(StrEnum):
    MEMBER = "member"
    LEADER = "leader"
    SPECIALIST = "specialist"


class MembershipStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    LEFT = "left"
    REMOVED = "removed"
    DECLINED = "declined"


class EngagementKind(StrEnum):
    CONSULTANT = "consultant"
    AMBASSADOR = "ambassador"
    CRITIC = "critic"
    MENTOR = "mentor"


class EngagementStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class PostKind(StrEnum):
    DISCUSSION = "discussion"
    ANNOUNCEMENT = "announcement"
    DECISION = "decision"


OPEN, APPROVAL = JoinPolicy
MEMBER, LEADER, SPECIALIST = Role
PENDING, ACTIVE, LEFT, REMOVED, DECLINED = MembershipStatus
ENGAGEMENT_ROLES = tuple(EngagementKind)
DISCUSSION, ANNOUNCEMENT, DECISION = PostKind


class Group(TimestampMixin, db.Model):
    """A peer-support group of families, run by parent leaders."""

    __tablename__ = "group"
    __table_args__ = (one_of("join_policy", JoinPolicy),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    city: Mapped[str] = mapped_column(String(80), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    how_to_join: Mapped[str] = mapped_column(Text, default="")
    join_policy: Mapped[str] = mapped_column(String(10), default=OPEN)
    # Events are entered and shown in this timezone.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow", server_default="Europe/Moscow")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    archived_at: Mapped[datetime | None]
    # Kept by the service: the directory searches and counts without joins.
    member_count: Mapped[int] = mapped_column(default=0)
    search_text: Mapped[str] = mapped_column(String(300), default="")
    # Kept from name and city on every save (groups/search.py): what the directory finds the
    # group by, whatever the spelling, and the region of its city when we know it.
    search_index: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    region: Mapped[str] = mapped_column(String(120), default="", server_default="")

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", passive_deletes=True
    )
    organisation = relationship("Organisation")
    # Loaded on request (`service.with_parent_led()`), in the query that loads the group.
    parent_led: Mapped[bool | None] = query_expression()

    def __repr__(self):
        return f"<Group {self.slug}>"


@event.listens_for(Group, "before_insert")
@event.listens_for(Group, "before_update")
def _keep_search_index(mapper, connection, group):
    """However a group is saved (service, demo, import), the directory finds it."""
    from community.groups.search import index_for, region_of

    group.search_index = index_for(group.name, group.city)
    group.region = region_of(group.city)


class Membership(db.Model):
    """A user in a group: their role and where they stand (pending, active, left, removed)."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        one_of("role", Role),
        one_of("status", MembershipStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12), default=MEMBER)
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    joined_at: Mapped[datetime | None]
    request_message: Mapped[str] = mapped_column(String(1000), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(1000), default="")
    ended_at: Mapped[datetime | None]
    # When the person last opened the group's page: the home page counts what is new since.
    last_seen_at: Mapped[datetime | None]
    # Left out of the person's email digest.
    muted: Mapped[bool] = mapped_column(default=False, server_default=false())

    group: Mapped[Group] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    engagement_roles: Mapped[list["EngagementRole"]] = relationship(
        back_populates="membership", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self):
        return self.status == ACTIVE

    @property
    def is_leader(self):
        return self.status == ACTIVE and self.role == LEADER


class EngagementRole(db.Model):
    """A role from the involvement framework (consultant, ambassador, friendly critic,
    mentor): offered by a leader and accepted or declined by the member, or held by someone
    accepted to an opportunity to take part, for the opportunity's time (`opportunity_id`,
    `ends_on`)."""

    __tablename__ = "engagement_role"
    __table_args__ = (
        # One role of each kind from the leaders, and one role per opportunity, per membership.
        Index(
            "uq_engagement_role_membership_role",
            "membership_id",
            "role",
            unique=True,
            sqlite_where=text("opportunity_id IS NULL"),
            postgresql_where=text("opportunity_id IS NULL"),
        ),
        Index(
            "uq_engagement_role_membership_opportunity",
            "membership_id",
            "opportunity_id",
            unique=True,
            sqlite_where=text("opportunity_id IS NOT NULL"),
            postgresql_where=text("opportunity_id IS NOT NULL"),
        ),
        one_of("role", EngagementKind),
        one_of("status", EngagementStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(12))
    # offered -> accepted | declined
    status: Mapped[str] = mapped_column(String(10), default=EngagementStatus.OFFERED)
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"), index=True)
    ends_on: Mapped[date | None]

    membership: Mapped[Membership] = relationship(back_populates="engagement_roles")

    @property
    def is_held(self):
        """Accepted, and its time (an opportunity's) has not run out."""
        return self.status == EngagementStatus.ACCEPTED and (self.ends_on is None or self.ends_on >= date.today())


class Post(TimestampMixin, db.Model):
    """A discussion, announcement or decision in a group's feed."""

    __tablename__ = "post"
    __table_args__ = (one_of("kind", PostKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default=DISCUSSION)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    # Decisions: what was decided in plain words, and what members said that led to it.
    members_said: Mapped[str] = mapped_column(Text, default="")
    edited_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    comment_count: Mapped[int] = mapped_column(default=0)
    # Pinned by a leader: shown above the feed (at most three per group, see feed.pin_post).
    pinned_at: Mapped[datetime | None]
    # Loaded on request with a page of the feed (`thanks.service.with_thanks`): how many said
    # “спасибо” and whether the viewer did, without a query of their own.
    thanks_count: Mapped[int | None] = query_expression()
    thanked_by_viewer: Mapped[bool | None] = query_expression()

    group: Mapped[Group] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="post", cascade="all, delete-orphan", passive_deletes=True, order_by="Comment.id"
    )


class Comment(TimestampMixin, db.Model):
    """A reply under a post."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
