"""email digests: user.email_frequency and digest_sent_at, membership.muted

People who had turned emails off keep them off ("never"); everyone else keeps getting each
email as it happens ("now") until they choose a daily or weekly digest.

Revision ID: m03
Revises: m02
"""

import sqlalchemy as sa
from alembic import op

revision = "m03"
down_revision = "m02"
branch_labels = None
depends_on = None


def upgrade():
    # The CHECK goes with the new column: adding it to the table afterwards would make SQLite
    # copy and drop "user", and dropping it deletes every row that refers to a user.
    frequency_valid = sa.CheckConstraint(
        "email_frequency IN ('now', 'daily', 'weekly', 'never')", name=op.f("ck_user_email_frequency_valid")
    )
    with op.batch_alter_table("user", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("email_frequency", sa.String(length=8), frequency_valid, server_default="now", nullable=False)
        )
        batch_op.add_column(sa.Column("digest_sent_at", sa.DateTime(timezone=True), nullable=True))
    user = sa.table("user", sa.column("email_notifications", sa.Boolean), sa.column("email_frequency"))
    op.execute(user.update().where(user.c.email_notifications.is_(False)).values(email_frequency="never"))
    with op.batch_alter_table("membership", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("muted", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    # Dropped in place (the CHECK goes with its column), never by copying the tables.
    with op.batch_alter_table("membership", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("muted")
    # Not in place: once another downgrade has copied "user" (k01 does), SQLite holds the CHECK
    # as a table constraint and refuses to drop its column in place. Copying is safe: env.py
    # turns foreign keys off while migrating.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_email_frequency_valid"), type_="check")
        batch_op.drop_column("digest_sent_at")
        batch_op.drop_column("email_frequency")
