"""report packages (报送包) imported at the county

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_code', sa.String(length=18), nullable=False),
    sa.Column('office_name', sa.String(length=200), nullable=False),
    sa.Column('office_kind', sa.String(length=20), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('correction', sa.Text(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.Integer(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_report_package_period', 'report_package', ['start', 'end', 'office_code'])


def downgrade() -> None:
    op.drop_index('ix_report_package_period', table_name='report_package')
    op.drop_table('report_package')
