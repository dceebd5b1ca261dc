"""Initial schema: mailbox cursor, tickets and their events, inbound messages, outbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("mailbox_state",
    sa.Column("folder", sa.String(length=255), nullable=False),
    sa.Column("uidvalidity", sa.Integer(), nullable=False),
    sa.Column("last_uid", sa.Integer(), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("folder")
    )
    op.create_table("ticket",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("number", sa.String(length=32), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("category", sa.String(length=32), nullable=False),
    sa.Column("intents", sa.JSON(), nullable=False),
    sa.Column("language", sa.String(length=8), nullable=False),
    sa.Column("needs_review", sa.Boolean(), nullable=False),
    sa.Column("confidence", sa.Float(), nullable=False),
    sa.Column("evidence", sa.JSON(), nullable=False),
    sa.Column("sender", sa.String(length=320), nullable=False),
    sa.Column("sender_name", sa.String(length=255), nullable=False),
    sa.Column("subject", sa.Text(), nullable=False),
    sa.Column("message_id", sa.String(length=998), nullable=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("number")
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_sender"), ["sender"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_status"), ["status"], unique=False)

    op.create_table("ticket_counter",
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("last", sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint("year")
    )
    op.create_table("message",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("dedupe_key", sa.String(length=1100), nullable=False),
    sa.Column("message_id", sa.String(length=998), nullable=True),
    sa.Column("digest", sa.String(length=64), nullable=False),
    sa.Column("source", sa.String(length=255), nullable=False),
    sa.Column("source_ref", sa.String(length=255), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sender", sa.String(length=320), nullable=False),
    sa.Column("subject", sa.Text(), nullable=False),
    sa.Column("outcome", sa.String(length=32), nullable=False),
    sa.Column("classification", sa.JSON(), nullable=True),
    sa.Column("quarantine_reason", sa.Text(), nullable=True),
    sa.Column("attachments", sa.JSON(), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("ticket_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("dedupe_key")
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_digest"), ["digest"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_outcome"), ["outcome"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_ticket_id"), ["ticket_id"], unique=False)

    op.create_table("outbox",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("ticket_id", sa.Integer(), nullable=True),
    sa.Column("kind", sa.String(length=32), nullable=False),
    sa.Column("message_id", sa.String(length=998), nullable=False),
    sa.Column("mail_from", sa.String(length=320), nullable=False),
    sa.Column("recipient", sa.String(length=320), nullable=False),
    sa.Column("raw", sa.LargeBinary(), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("message_id", name="uq_outbox_message_id")
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_outbox_recipient_created", ["recipient", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_ticket_id"), ["ticket_id"], unique=False)

    op.create_table("ticket_event",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("ticket_id", sa.Integer(), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(length=64), nullable=False),
    sa.Column("kind", sa.String(length=64), nullable=False),
    sa.Column("detail", sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_event_ticket_id"), ["ticket_id"], unique=False)

    op.create_table("message_raw",
    sa.Column("message_id", sa.Integer(), nullable=False),
    sa.Column("raw", sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(["message_id"], ["message.id"], ),
    sa.PrimaryKeyConstraint("message_id")
    )


def downgrade() -> None:
    op.drop_table("message_raw")
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_event_ticket_id"))

    op.drop_table("ticket_event")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_ticket_id"))
        batch_op.drop_index("ix_outbox_recipient_created")
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_message_outcome"))
        batch_op.drop_index(batch_op.f("ix_message_message_id"))
        batch_op.drop_index(batch_op.f("ix_message_digest"))

    op.drop_table("message")
    op.drop_table("ticket_counter")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_status"))
        batch_op.drop_index(batch_op.f("ix_ticket_sender"))
        batch_op.drop_index(batch_op.f("ix_ticket_due_at"))

    op.drop_table("ticket")
    op.drop_table("mailbox_state")
