"""community health, version 2: explained snapshots, the monthly activity roll-up

Snapshots of the version 1 rules are removed: their stages and reasons follow rules that no
longer hold. The daily `health.snapshot` job (or `flask --app wsgi snapshot-health --backfill`)
computes the past year again with the version 2 rules.

Revision ID: h01
Revises: p01
"""

import sqlalchemy as sa
from alembic import op

revision = "h01"
down_revision = "p01"
branch_labels = None
depends_on = None

STAGES = "'forming', 'formed', 'growing', 'self_running', 'at_risk'"


def upgrade():
    op.execute("DELETE FROM health_snapshot")
    with op.batch_alter_table("health_snapshot", schema=None) as batch_op:
        batch_op.drop_column("reasons")
        batch_op.add_column(sa.Column("explanation", sa.JSON(), nullable=False))
        batch_op.add_column(sa.Column("members", sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column("active", sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column("answer_rate", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("is_break", sa.Boolean(), nullable=False))
        batch_op.add_column(sa.Column("meeting_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("parent_meeting", sa.Boolean(), nullable=False))
        batch_op.create_check_constraint(op.f("ck_health_snapshot_stage_known"), f"stage IN ({STAGES})")
        batch_op.create_check_constraint(op.f("ck_health_snapshot_raw_stage_known"), f"raw_stage IN ({STAGES}, 'break')")

    op.create_table(
        "health_activity",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("led", sa.Boolean(), nullable=False),
        sa.Column("attended", sa.SmallInteger(), nullable=False),
        sa.Column("crowd", sa.Boolean(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["group.id"], name=op.f("fk_health_activity_group_id_group"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_health_activity_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "period", "user_id", name=op.f("pk_health_activity")),
    )
    with op.batch_alter_table("health_activity", schema=None) as batch_op:
        batch_op.create_index("ix_health_activity_period", ["period"], unique=False)


def downgrade():
    with op.batch_alter_table("health_activity", schema=None) as batch_op:
        batch_op.drop_index("ix_health_activity_period")
    op.drop_table("health_activity")
    op.execute("DELETE FROM health_snapshot")
    with op.batch_alter_table("health_snapshot", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_health_snapshot_raw_stage_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_health_snapshot_stage_known"), type_="check")
        for name in ("parent_meeting", "meeting_at", "is_break", "answer_rate", "active", "members", "explanation"):
            batch_op.drop_column(name)
        batch_op.add_column(sa.Column("reasons", sa.JSON(), nullable=False))
