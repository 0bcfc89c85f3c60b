"""regular meetings: event series, and each meeting's place in its series

Revision ID: r01
Revises: m03
"""
from alembic import op
import sqlalchemy as sa


revision = 'r01'
down_revision = 'm03'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_series',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('repeat', sa.String(length=20), nullable=False),
        sa.Column('every_weeks', sa.Integer(), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=True),
        sa.Column('nth', sa.Integer(), nullable=True),
        sa.Column('monthday', sa.Integer(), nullable=True),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('meeting_count', sa.Integer(), nullable=True),
        sa.Column('starts_time', sa.Time(), nullable=False),
        sa.Column('ends_time', sa.Time(), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('place', sa.String(length=300), nullable=False),
        sa.Column('online_url', sa.String(length=500), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=True),
        sa.Column('travel_reimbursed', sa.Boolean(), nullable=False),
        sa.Column('travel_note', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('previous_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("repeat IN ('weekly', 'monthly_weekday', 'monthly_date')", name=op.f('ck_event_series_repeat_valid')),
        sa.CheckConstraint("status IN ('active', 'ended')", name=op.f('ck_event_series_status_valid')),
        sa.CheckConstraint('meeting_count IS NULL OR meeting_count BETWEEN 1 AND 200', name=op.f('ck_event_series_meeting_count_range')),
        sa.CheckConstraint('ends_time > starts_time', name=op.f('ck_event_series_ends_after_start')),
        sa.CheckConstraint('every_weeks BETWEEN 1 AND 12', name=op.f('ck_event_series_every_weeks_range')),
        sa.CheckConstraint('monthday IS NULL OR monthday BETWEEN 1 AND 31', name=op.f('ck_event_series_monthday_range')),
        sa.CheckConstraint('nth IS NULL OR nth IN (-1, 1, 2, 3, 4)', name=op.f('ck_event_series_nth_range')),
        sa.CheckConstraint('weekday IS NULL OR weekday BETWEEN 0 AND 6', name=op.f('ck_event_series_weekday_range')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_event_series_created_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_event_series_group_id_group'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['previous_id'], ['event_series.id'], name=op.f('fk_event_series_previous_id_event_series'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_series')),
    )
    with op.batch_alter_table('event_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_series_group_id'), ['group_id'], unique=False)

    # Existing events belong to no series (both columns NULL), so the unique pair holds at once.
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('occurrence_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_series_id'), ['series_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_event_series_id'), ['series_id', 'occurrence_at'])
        batch_op.create_foreign_key(
            batch_op.f('fk_event_series_id_event_series'), 'event_series', ['series_id'], ['id'], ondelete='SET NULL'
        )


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_series_id_event_series'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_event_series_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_event_series_id'))
        batch_op.drop_column('occurrence_at')
        batch_op.drop_column('series_id')

    with op.batch_alter_table('event_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_series_group_id'))

    op.drop_table('event_series')
