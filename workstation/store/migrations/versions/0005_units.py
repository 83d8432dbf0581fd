"""units (承办单位), hand-overs (转办) and supervision (督办) for a county office

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    # a plain ADD COLUMN with its reference (no table copy: every table refers to user_account)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE user_account ADD COLUMN unit_id INTEGER REFERENCES unit (id)')
    else:
        op.add_column('user_account', sa.Column('unit_id', sa.Integer(), nullable=True))
        op.create_foreign_key('user_account_unit_id_fkey', 'user_account', 'unit', ['unit_id'], ['id'])
    op.create_table('handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('handed_on', sa.Date(), nullable=False),
    sa.Column('handed_by', sa.Integer(), nullable=True),
    sa.Column('internal_due', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('draft', sa.JSON(), nullable=True),
    sa.Column('sent_back_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['handed_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_handover_unit_status', 'handover', ['unit_id', 'status'])
    op.create_index('ix_handover_request', 'handover', ['request_id'])
    op.create_table('supervision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('by', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_supervision_unit_id', 'supervision', ['unit_id'])


def downgrade() -> None:
    op.drop_index('ix_supervision_unit_id', table_name='supervision')
    op.drop_table('supervision')
    op.drop_index('ix_handover_request', table_name='handover')
    op.drop_index('ix_handover_unit_status', table_name='handover')
    op.drop_table('handover')
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('unit_id')
    op.drop_table('unit')
