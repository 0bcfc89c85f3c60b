"""The audit trail: who did what to whom, for role changes, removals, deletions, exports
and access to other people's data. Every feature records through `audit()`."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models import utcnow


class AuditEvent(db.Model):
    """Who did what to whom: role changes, removals, deletions, exports."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped["User | None"] = relationship(viewonly=True)  # noqa: F821 (community.auth.models)


def _real(thing):
    """The object behind a proxy such as `current_user`, so its type names the target."""
    unwrap = getattr(thing, "_get_current_object", None)
    return unwrap() if unwrap is not None else thing


def audit(actor, action, target=None, **detail):
    """Record a sensitive action in the audit trail (committed with the caller's transaction)."""
    actor, target = _real(actor), _real(target)
    db.session.add(
        AuditEvent(
            actor_id=getattr(actor, "id", None),
            action=action,
            target_type=type(target).__name__.lower() if target is not None else "",
            target_id=getattr(target, "id", None),
            detail=detail,
        )
    )
