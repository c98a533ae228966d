"""day plans, stops, breaks, unassigned; offers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:30:27.335189
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('day_plans',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('locked_technicians', sa.JSON(), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_day_plans_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_day_plans')),
    sa.UniqueConstraint('day', name=op.f('uq_day_plans_day'))
    )
    op.create_table('plan_breaks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('technician_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('start_s', sa.Integer(), nullable=False),
    sa.Column('end_s', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['day_plans.id'], name=op.f('fk_plan_breaks_plan_id_day_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['technician_id'], ['technicians.id'], name=op.f('fk_plan_breaks_technician_id_technicians')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_breaks'))
    )
    with op.batch_alter_table('plan_breaks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_breaks_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_stops',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('technician_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ticket_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('arrival_s', sa.Integer(), nullable=False),
    sa.Column('start_s', sa.Integer(), nullable=False),
    sa.Column('end_s', sa.Integer(), nullable=False),
    sa.Column('travel_s', sa.Integer(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('violations', sa.JSON(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['day_plans.id'], name=op.f('fk_plan_stops_plan_id_day_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['technician_id'], ['technicians.id'], name=op.f('fk_plan_stops_technician_id_technicians')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_plan_stops_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_stops')),
    sa.UniqueConstraint('plan_id', 'ticket_id', name=op.f('uq_plan_stops_plan_id'))
    )
    with op.batch_alter_table('plan_stops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_stops_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_stops_technician_id'), ['technician_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_stops_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('plan_unassigned',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ticket_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['day_plans.id'], name=op.f('fk_plan_unassigned_plan_id_day_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_plan_unassigned_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_unassigned')),
    sa.UniqueConstraint('plan_id', 'ticket_id', name=op.f('uq_plan_unassigned_plan_id'))
    )
    with op.batch_alter_table('plan_unassigned', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_unassigned_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_unassigned_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declined_by', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('offered_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('offered_at')
        batch_op.drop_column('declined_by')

    with op.batch_alter_table('plan_unassigned', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_unassigned_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_plan_unassigned_plan_id'))

    op.drop_table('plan_unassigned')
    with op.batch_alter_table('plan_stops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_stops_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_plan_stops_technician_id'))
        batch_op.drop_index(batch_op.f('ix_plan_stops_plan_id'))

    op.drop_table('plan_stops')
    with op.batch_alter_table('plan_breaks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_breaks_plan_id'))

    op.drop_table('plan_breaks')
    op.drop_table('day_plans')
