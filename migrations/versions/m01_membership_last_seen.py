"""membership.last_seen_at: when a member last opened their group's page

The home page counts the posts and decisions that are new since then, per group.

Revision ID: m01
Revises: h01
"""

import sqlalchemy as sa
from alembic import op

revision = "m01"
down_revision = "h01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("membership", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("last_seen_at")
