"""Data requests: one row per requested change, export or erasure, the one-time codes that verify
their senders, and the contact details a change may add

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("data_request",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("ticket_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=32), nullable=False),
    sa.Column("address", sa.String(length=320), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("verified_via", sa.String(length=16), nullable=True),
    sa.Column("verification", sa.Text(), nullable=False),
    sa.Column("proposal", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decided_by", sa.String(length=64), nullable=True),
    sa.Column("refusal", sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("ticket_id", "kind", name="uq_data_request_ticket_kind")
    )
    op.create_index("ix_data_request_status", "data_request", ["status"], unique=False)
    op.create_index("ix_data_request_ticket_id", "data_request", ["ticket_id"], unique=False)
    op.create_table("verification_code",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("ticket_id", sa.Integer(), nullable=False),
    sa.Column("address", sa.String(length=320), nullable=False),
    sa.Column("code_hash", sa.String(length=64), nullable=False),
    sa.Column("salt", sa.String(length=32), nullable=False),
    sa.Column("mail_message_id", sa.String(length=998), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("mail_message_id")
    )
    op.create_index("ix_verification_code_ticket_id", "verification_code", ["ticket_id"], unique=False)
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("details")
    op.drop_index("ix_verification_code_ticket_id", table_name="verification_code")
    op.drop_table("verification_code")
    op.drop_index("ix_data_request_ticket_id", table_name="data_request")
    op.drop_index("ix_data_request_status", table_name="data_request")
    op.drop_table("data_request")
