"""period locks

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('period_lock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('locked_at', sa.DateTime(), nullable=False),
    sa.Column('locked_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['locked_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('start', 'end', name='uq_period_lock_range')
    )


def downgrade() -> None:
    op.drop_table('period_lock')
