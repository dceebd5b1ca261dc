"""SLA: the ticket"s clock (paused time, next escalation, breach) and fired escalation levels

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("sla_escalation",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("ticket_id", sa.Integer(), nullable=False),
    sa.Column("level", sa.String(length=32), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("ticket_id", "level", name="uq_sla_escalation_ticket_level")
    )
    with op.batch_alter_table("sla_escalation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sla_escalation_ticket_id"), ["ticket_id"], unique=False)

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("excerpt", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("paused_seconds", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_escalation_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("breached_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_ticket_next_escalation_at"), ["next_escalation_at"], unique=False)
    # Tickets opened before the SLA sweep existed: let the first sweep look at every unresolved one.
    op.execute("UPDATE ticket SET next_escalation_at = received_at WHERE status <> 'resolved'")



def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_next_escalation_at"))
        batch_op.drop_column("breached_at")
        batch_op.drop_column("next_escalation_at")
        batch_op.drop_column("paused_seconds")
        batch_op.drop_column("paused_at")
        batch_op.drop_column("excerpt")

    with op.batch_alter_table("sla_escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_escalation_ticket_id"))

    op.drop_table("sla_escalation")
