"""a user whose password an admin reset must choose a new one at the next login

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: SQLite's batch mode would copy the table, which the foreign keys refuse
    op.add_column('user_account', sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                            server_default=sa.false()))


def downgrade() -> None:
    op.drop_column('user_account', 'must_change_password')
