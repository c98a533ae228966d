"""return visits, reconciliation closes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 05:43:23.430187
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reconciliation_closes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('cashier_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('expected', sa.Numeric(precision=10, scale=2, asdecimal=False), nullable=False),
    sa.Column('recorded', sa.Numeric(precision=10, scale=2, asdecimal=False), nullable=False),
    sa.Column('closed_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('closed_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cashier_id'], ['users.id'], name=op.f('fk_reconciliation_closes_cashier_id_users')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_reconciliation_closes_closed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation_closes')),
    sa.UniqueConstraint('day', 'cashier_id', name='uq_reconciliation_closes_day_cashier')
    )
    with op.batch_alter_table('reconciliation_closes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reconciliation_closes_cashier_id'), ['cashier_id'], unique=False)

    op.create_table('return_visits',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ticket_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason', sa.String(length=12), nullable=False),
    sa.Column('due_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('satisfaction', sa.String(length=12), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('recorded_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('follow_up_ticket_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('last_key', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['follow_up_ticket_id'], ['tickets.id'], name=op.f('fk_return_visits_follow_up_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_return_visits_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_return_visits_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_visits')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_return_visits_ticket_id'))
    )
    with op.batch_alter_table('return_visits', schema=None) as batch_op:
        batch_op.create_index('ix_return_visits_outcome_due', ['outcome', 'due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('return_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_return_visits_outcome_due')

    op.drop_table('return_visits')
    with op.batch_alter_table('reconciliation_closes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reconciliation_closes_cashier_id'))

    op.drop_table('reconciliation_closes')
