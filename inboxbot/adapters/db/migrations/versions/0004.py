"""Failed processing attempts per mail (retried, then quarantined) and worker heartbeats

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("heartbeat",
    sa.Column("name", sa.String(length=64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("detail", sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint("name")
    )
    op.create_table("processing_failure",
    sa.Column("digest", sa.String(length=64), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("last_error", sa.Text(), nullable=False),
    sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("digest")
    )


def downgrade() -> None:
    op.drop_table("processing_failure")
    op.drop_table("heartbeat")
