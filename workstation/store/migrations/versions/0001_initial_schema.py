"""initial schema

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    audit_head = op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # the chain starts from a fixed genesis hash
    op.bulk_insert(audit_head, [{'id': 1, 'seq': 0, 'last_hash': '0' * 64}])
    op.create_table('calendar_override',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('number_sequence',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', 'year')
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=50), nullable=False),
    sa.Column('display_name', sa.String(length=50), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('roles', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('login')
    )
    op.create_table('imported_notice',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('off', sa.JSON(), nullable=False),
    sa.Column('work', sa.JSON(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('number_year', sa.Integer(), nullable=True),
    sa.Column('number_seq', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('handed_in_on', sa.Date(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('confirmed_on', sa.Date(), nullable=True),
    sa.Column('received', sa.Date(), nullable=False),
    sa.Column('applicant_kind', sa.String(length=20), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('id_type', sa.String(length=30), nullable=True),
    sa.Column('id_number', sa.String(length=40), nullable=True),
    sa.Column('id_override_reason', sa.String(length=200), nullable=True),
    sa.Column('legal_representative', sa.String(length=100), nullable=True),
    sa.Column('contact_person', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('wanted_form', sa.String(length=20), nullable=True),
    sa.Column('delivery', sa.String(length=20), nullable=True),
    sa.Column('oral', sa.Boolean(), nullable=False),
    sa.Column('fee_waiver_requested', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('result_key', sa.String(length=60), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('extended', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number'),
    sa.UniqueConstraint('number_year', 'number_seq', name='uq_request_year_seq')
    )
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.create_index('ix_request_applicant_name', ['applicant_name'], unique=False)
        batch_op.create_index('ix_request_closed_on', ['closed_on'], unique=False)
        batch_op.create_index('ix_request_received', ['received'], unique=False)
        batch_op.create_index('ix_request_status_due', ['status', 'due'], unique=False)

    op.create_table('appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=True),
    sa.Column('result', sa.String(length=20), nullable=True),
    sa.Column('result_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_request_id'), ['request_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('mime', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_request_id'), ['request_id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('template', sa.String(length=100), nullable=False),
    sa.Column('template_version', sa.String(length=40), nullable=False),
    sa.Column('fonts_embedded', sa.Boolean(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['issued_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['replaces_id'], ['document.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_request_id'), ['request_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seq')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_request_id'), ['request_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('proposed_result', sa.String(length=60), nullable=True),
    sa.Column('chosen_result', sa.String(length=60), nullable=True),
    sa.Column('choice_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('prepared_by', sa.Integer(), nullable=False),
    sa.Column('prepared_at', sa.DateTime(), nullable=False),
    sa.Column('signed_by', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('self_signoff', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['prepared_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.ForeignKeyConstraint(['signed_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_request_id'))

    op.drop_table('review')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_request_id'))
        batch_op.drop_index(batch_op.f('ix_event_action'))

    op.drop_table('event')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_request_id'))

    op.drop_table('document')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_request_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_request_id'))

    op.drop_table('appeal')
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_status_due')
        batch_op.drop_index('ix_request_received')
        batch_op.drop_index('ix_request_closed_on')
        batch_op.drop_index('ix_request_applicant_name')

    op.drop_table('request')
    op.drop_table('imported_notice')
    op.drop_table('user_account')
    op.drop_table('setting')
    op.drop_table('number_sequence')
    op.drop_table('calendar_override')
    op.drop_table('audit_head')
