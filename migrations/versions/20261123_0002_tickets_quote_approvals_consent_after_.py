"""tickets: quote, approvals, consent, after-sales

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:09:16.383455
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote_lines', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('approvals', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('consent_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('consent_by', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('consent_channel', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('warranty_status', sa.String(length=10), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('warranty_status')
        batch_op.drop_column('consent_channel')
        batch_op.drop_column('consent_by')
        batch_op.drop_column('consent_at')
        batch_op.drop_column('approvals')
        batch_op.drop_column('quote_lines')

