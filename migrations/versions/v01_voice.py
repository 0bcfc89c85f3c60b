"""You said — we did: suggestions to a group or an organisation, their answers (each with a
reason), and who supports them (one each, a unique constraint)

Revision ID: v01
Revises: r01
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "v01"
down_revision = "r01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("support_count", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_change", sa.Text(), nullable=False),
        sa.Column("done_level", sa.String(length=12), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "done_level IN ('individual', 'community', 'operational', 'strategic', 'monitoring')",
            name=op.f("ck_suggestion_done_level_valid"),
        ),
        sa.CheckConstraint("status <> 'done' OR done_level IS NOT NULL", name=op.f("ck_suggestion_done_has_level")),
        sa.CheckConstraint(
            "status IN ('new', 'heard', 'considering', 'doing', 'done', 'not_possible')",
            name=op.f("ck_suggestion_status_valid"),
        ),
        sa.CheckConstraint("(group_id IS NULL) <> (organisation_id IS NULL)", name=op.f("ck_suggestion_one_owner")),
        sa.CheckConstraint("support_count >= 0", name=op.f("ck_suggestion_support_count_positive")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_suggestion_author_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["post.id"], name=op.f("fk_suggestion_decision_id_post"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["group.id"], name=op.f("fk_suggestion_group_id_group"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_suggestion_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
    )
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index("ix_suggestion_group_status", ["group_id", "status"], unique=False)
        batch_op.create_index("ix_suggestion_org_status", ["organisation_id", "status"], unique=False)

    op.create_table(
        "suggestion_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'heard', 'considering', 'doing', 'done', 'not_possible')",
            name=op.f("ck_suggestion_answer_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["user.id"], name=op.f("fk_suggestion_answer_answered_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["suggestion.id"],
            name=op.f("fk_suggestion_answer_suggestion_id_suggestion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_answer")),
    )
    with op.batch_alter_table("suggestion_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_answer_answered_by_id"), ["answered_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_answer_suggestion_id"), ["suggestion_id"], unique=False)

    op.create_table(
        "suggestion_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["suggestion.id"],
            name=op.f("fk_suggestion_support_suggestion_id_suggestion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_suggestion_support_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_support")),
        sa.UniqueConstraint("suggestion_id", "user_id", name=op.f("uq_suggestion_support_suggestion_id")),
    )
    with op.batch_alter_table("suggestion_support", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_support_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("suggestion_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestion_support_user_id"))

    op.drop_table("suggestion_support")
    with op.batch_alter_table("suggestion_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestion_answer_suggestion_id"))
        batch_op.drop_index(batch_op.f("ix_suggestion_answer_answered_by_id"))

    op.drop_table("suggestion_answer")
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.drop_index("ix_suggestion_org_status")
        batch_op.drop_index("ix_suggestion_group_status")
        batch_op.drop_index(batch_op.f("ix_suggestion_decision_id"))
        batch_op.drop_index(batch_op.f("ix_suggestion_author_id"))

    op.drop_table("suggestion")
