"""leader-sent pulse surveys (issue #11): a survey is owned by an organisation or by a group
(survey.group_id; organisation_id may then be empty, for a group without an organisation)

Revision ID: w01
Revises: x01
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "w01"
down_revision = "x01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_group_id_group"), "group", ["group_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index(batch_op.f("ix_survey_group_id"), ["group_id"], unique=False)
        batch_op.create_check_constraint(
            batch_op.f("ck_survey_has_owner"), "organisation_id IS NOT NULL OR group_id IS NOT NULL"
        )


def downgrade():
    # Surveys of groups without an organisation have no owner left: they go.
    op.execute("DELETE FROM survey WHERE organisation_id IS NULL")
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_survey_has_owner"), type_="check")
        batch_op.drop_index(batch_op.f("ix_survey_group_id"))
        batch_op.drop_constraint(batch_op.f("fk_survey_group_id_group"), type_="foreignkey")
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("group_id")
