"""Involvement: opportunities to take part, applications, sessions and who took part, cost
claims; engagement roles held through an opportunity; the "new opportunities" email setting

Revision ID: i01
Revises: s02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i01'
down_revision = 's02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('opportunity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('limits', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('time_asked', sa.String(length=300), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('preparation', sa.Text(), nullable=False),
    sa.Column('materials', sa.Text(), nullable=False),
    sa.Column('covers_travel', sa.Boolean(), nullable=False),
    sa.Column('covers_childcare', sa.Boolean(), nullable=False),
    sa.Column('covers_other', sa.Boolean(), nullable=False),
    sa.Column('cost_limit', sa.Integer(), nullable=True),
    sa.Column('costs_note', sa.String(length=500), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('accepted_count', sa.Integer(), nullable=False),
    sa.Column('waitlist_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("format IN ('in_person', 'online', 'mixed')", name=op.f('ck_opportunity_format_valid')),
    sa.CheckConstraint("level IN ('individual', 'community', 'operational', 'strategic', 'monitoring')", name=op.f('ck_opportunity_level_valid')),
    sa.CheckConstraint("role IN ('consultant', 'ambassador', 'critic', 'mentor')", name=op.f('ck_opportunity_role_valid')),
    sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name=op.f('ck_opportunity_status_valid')),
    sa.CheckConstraint('accepted_count >= 0 AND accepted_count <= places', name=op.f('ck_opportunity_places_respected')),
    sa.CheckConstraint('cost_limit IS NULL OR cost_limit > 0', name=op.f('ck_opportunity_cost_limit_positive')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_opportunity_ends_after_start')),
    sa.CheckConstraint('organisation_id IS NOT NULL OR group_id IS NOT NULL', name=op.f('ck_opportunity_has_owner')),
    sa.CheckConstraint('places BETWEEN 1 AND 500', name=op.f('ck_opportunity_places_range')),
    sa.CheckConstraint('waitlist_count >= 0', name=op.f('ck_opportunity_waitlist_count_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_opportunity_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_opportunity_group_id_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_opportunity_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity'))
    )
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_group_status', ['group_id', 'status'], unique=False)
        batch_op.create_index('ix_opportunity_org_status', ['organisation_id', 'status'], unique=False)

    op.create_table('opportunity_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('applied', 'accepted', 'waitlisted', 'declined', 'withdrawn')", name=op.f('ck_opportunity_application_status_valid')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_opportunity_application_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_opportunity_application_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_opportunity_application_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_application')),
    sa.UniqueConstraint('opportunity_id', 'user_id', name=op.f('uq_opportunity_application_opportunity_id'))
    )
    with op.batch_alter_table('opportunity_application', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_application_status', ['opportunity_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_application_user_id'), ['user_id'], unique=False)

    op.create_table('opportunity_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attendance_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_opportunity_session_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_opportunity_session_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_opportunity_session_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_session'))
    )
    with op.batch_alter_table('opportunity_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opportunity_session_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('cost_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('receipt_key', sa.String(length=64), nullable=True),
    sa.Column('receipt_type', sa.String(length=5), nullable=True),
    sa.Column('receipt_size', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("category IN ('travel', 'childcare', 'other')", name=op.f('ck_cost_claim_category_valid')),
    sa.CheckConstraint("receipt_type IN ('pdf', 'jpeg', 'png', 'webp', 'heic')", name=op.f('ck_cost_claim_receipt_type_valid')),
    sa.CheckConstraint("status IN ('submitted', 'approved', 'declined', 'paid')", name=op.f('ck_cost_claim_status_valid')),
    sa.CheckConstraint('(session_id IS NULL) <> (event_id IS NULL)', name=op.f('ck_cost_claim_session_or_event')),
    sa.CheckConstraint('amount > 0 AND amount <= 10000000', name=op.f('ck_cost_claim_amount_range')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_cost_claim_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_cost_claim_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_cost_claim_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paid_by_id'], ['user.id'], name=op.f('fk_cost_claim_paid_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['opportunity_session.id'], name=op.f('fk_cost_claim_session_id_opportunity_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_cost_claim_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_claim')),
    sa.UniqueConstraint('receipt_key', name=op.f('uq_cost_claim_receipt_key')),
    sa.UniqueConstraint('user_id', 'event_id', 'category', name='uq_cost_claim_event_category'),
    sa.UniqueConstraint('user_id', 'session_id', 'category', name='uq_cost_claim_session_category')
    )
    with op.batch_alter_table('cost_claim', schema=None) as batch_op:
        batch_op.create_index('ix_cost_claim_org_status', ['organisation_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cost_claim_user_id'), ['user_id'], unique=False)

    op.create_table('session_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_session_attendance_recorded_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['opportunity_session.id'], name=op.f('fk_session_attendance_session_id_opportunity_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_session_attendance_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_attendance')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_session_attendance_session_id'))
    )
    with op.batch_alter_table('session_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_attendance_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('engagement_role', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opportunity_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_engagement_role_membership_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_engagement_role_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index('uq_engagement_role_membership_opportunity', ['membership_id', 'opportunity_id'], unique=True, sqlite_where=sa.text('opportunity_id IS NOT NULL'), postgresql_where=sa.text('opportunity_id IS NOT NULL'))
        batch_op.create_index('uq_engagement_role_membership_role', ['membership_id', 'role'], unique=True, sqlite_where=sa.text('opportunity_id IS NULL'), postgresql_where=sa.text('opportunity_id IS NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_engagement_role_opportunity_id_opportunity'), 'opportunity', ['opportunity_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opportunity_emails', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('opportunity_emails')

    # Roles held through opportunities go with them (the old constraint allows one per kind).
    op.execute("DELETE FROM engagement_role WHERE opportunity_id IS NOT NULL")
    with op.batch_alter_table('engagement_role', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_engagement_role_opportunity_id_opportunity'), type_='foreignkey')
        batch_op.drop_index('uq_engagement_role_membership_role', sqlite_where=sa.text('opportunity_id IS NULL'), postgresql_where=sa.text('opportunity_id IS NULL'))
        batch_op.drop_index('uq_engagement_role_membership_opportunity', sqlite_where=sa.text('opportunity_id IS NOT NULL'), postgresql_where=sa.text('opportunity_id IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_engagement_role_opportunity_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_engagement_role_membership_id'), ['membership_id', 'role'])
        batch_op.drop_column('ends_on')
        batch_op.drop_column('opportunity_id')

    with op.batch_alter_table('session_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_attendance_user_id'))

    op.drop_table('session_attendance')
    with op.batch_alter_table('cost_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_claim_user_id'))
        batch_op.drop_index('ix_cost_claim_org_status')

    op.drop_table('cost_claim')
    with op.batch_alter_table('opportunity_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_session_opportunity_id'))

    op.drop_table('opportunity_session')
    with op.batch_alter_table('opportunity_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_application_user_id'))
        batch_op.drop_index('ix_opportunity_application_status')

    op.drop_table('opportunity_application')
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_org_status')
        batch_op.drop_index('ix_opportunity_group_status')

    op.drop_table('opportunity')
