"""the search index: pairs of adjacent characters of each request's number, applicant and content;
indexes for the register's sort by number and by due date

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from workstation.domain.search_grams import bigrams

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

BATCH = 2000  # requests read and indexed at a time


def upgrade() -> None:
    table = op.create_table('search_gram',
    sa.Column('gram', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('request_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('gram', 'request_id'),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_request_number_order', 'request', ['number_year', 'number_seq', 'number'])
    op.create_index('ix_request_due', 'request', ['due'])
    conn = op.get_bind()
    request = sa.table('request', sa.column('id', sa.Integer()), sa.column('number', sa.String()),
                       sa.column('applicant_name', sa.String()), sa.column('content', sa.Text()))
    last = 0
    while True:  # in batches by id: a register of 100,000 requests is never held in memory at once
        rows = conn.execute(sa.select(request.c.id, request.c.number, request.c.applicant_name, request.c.content)
                            .where(request.c.id > last).order_by(request.c.id).limit(BATCH)).all()
        if not rows:
            break
        grams = [{'gram': g, 'request_id': r.id} for r in rows for g in bigrams(r.number, r.applicant_name,
                                                                                r.content)]
        if grams:
            conn.execute(table.insert(), grams)
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index('ix_request_due', table_name='request')
    op.drop_index('ix_request_number_order', table_name='request')
    op.drop_table('search_gram')
