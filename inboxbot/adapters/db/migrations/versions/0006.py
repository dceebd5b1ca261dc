"""The queue's partial indexes on open tickets (and on resolved ones for their listing)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('new', 'open', 'waiting')")
RESOLVED = sa.text("status = 'resolved'")


def upgrade() -> None:
    for name, columns in (
        ("ix_ticket_active_due", ["due_at", "id"]),
        ("ix_ticket_active_assignee", ["assignee_id", "due_at"]),
        ("ix_ticket_active_review", ["needs_review", "due_at"]),
    ):
        op.create_index(name, "ticket", columns, unique=False, postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index(
        "ix_ticket_resolved", "ticket", ["resolved_at", "id"], unique=False,
        postgresql_where=RESOLVED, sqlite_where=RESOLVED,
    )


def downgrade() -> None:
    for name in ("ix_ticket_resolved", "ix_ticket_active_review", "ix_ticket_active_assignee", "ix_ticket_active_due"):
        op.drop_index(name, table_name="ticket")
