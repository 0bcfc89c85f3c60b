"""CHECK constraints on every state column: the database refuses a state the code does not know

Revision ID: 0007
Revises: 0006
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

CHECKS = {
    'user': {'family_form': ('foster', 'guardianship', 'adoption', 'kinship')},
    'group': {'join_policy': ('open', 'approval')},
    'membership': {
        'role': ('member', 'leader', 'specialist'),
        'status': ('pending', 'active', 'left', 'removed', 'declined'),
    },
    'engagement_role': {
        'role': ('consultant', 'ambassador', 'critic', 'mentor'),
        'status': ('offered', 'accepted', 'declined'),
    },
    'post': {'kind': ('discussion', 'announcement', 'decision')},
    'event': {'status': ('draft', 'published', 'cancelled')},
    'event_organiser': {'status': ('invited', 'accepted', 'declined')},
    'registration': {'status': ('going', 'waitlisted', 'cancelled')},
    'help_request': {
        'kind': ('need', 'offer'),
        'status': ('open', 'in_progress', 'resolved', 'closed'),
        'category': ('childcare', 'respite', 'transport', 'things', 'advice', 'documents', 'emotional', 'other'),
        'urgency': ('today', 'week', 'whenever'),
    },
    'help_subscription': {
        'category': ('childcare', 'respite', 'transport', 'things', 'advice', 'documents', 'emotional', 'other'),
    },
    'support_offer': {'status': ('offered', 'accepted', 'declined', 'withdrawn')},
    'outbox_message': {'status': ('pending', 'sending', 'sent', 'failed')},
}


def upgrade():
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns.items():
                allowed = ', '.join(f"'{value}'" for value in values)
                batch_op.create_check_constraint(f'{column}_valid', f'{column} IN ({allowed})')


def downgrade():
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(f'{column}_valid', type_='check')
