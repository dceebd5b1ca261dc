"""Contacts, segments, memberships, the suppression list and unsubscribe fulfilment

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("contact",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("email", sa.String(length=320), nullable=False),
    sa.Column("name", sa.String(length=255), nullable=False),
    sa.Column("phone", sa.String(length=32), nullable=False),
    sa.Column("language", sa.String(length=8), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("email")
    )
    op.create_table("segment",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=100), nullable=False),
    sa.Column("channel", sa.String(length=8), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("name")
    )
    op.create_table("address_confirmation",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("ticket_id", sa.Integer(), nullable=False),
    sa.Column("address", sa.String(length=320), nullable=False),
    sa.Column("request_message_id", sa.String(length=998), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("request_message_id")
    )
    with op.batch_alter_table("address_confirmation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_address_confirmation_ticket_id"), ["ticket_id"], unique=False)

    op.create_table("contact_event",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("email", sa.String(length=320), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(length=64), nullable=False),
    sa.Column("action", sa.String(length=64), nullable=False),
    sa.Column("ticket_id", sa.Integer(), nullable=True),
    sa.Column("detail", sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("contact_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_event_email"), ["email"], unique=False)

    op.create_table("fulfilment",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("ticket_id", sa.Integer(), nullable=False),
    sa.Column("address", sa.String(length=320), nullable=False),
    sa.Column("notify", sa.Boolean(), nullable=False),
    sa.Column("in_reply_to", sa.String(length=998), nullable=True),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("results", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("ticket_id", "address", name="uq_fulfilment_ticket_address")
    )
    with op.batch_alter_table("fulfilment", schema=None) as batch_op:
        batch_op.create_index("ix_fulfilment_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_fulfilment_ticket_id"), ["ticket_id"], unique=False)

    op.create_table("membership",
    sa.Column("contact_id", sa.Integer(), nullable=False),
    sa.Column("segment_id", sa.Integer(), nullable=False),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ),
    sa.ForeignKeyConstraint(["segment_id"], ["segment.id"], ),
    sa.PrimaryKeyConstraint("contact_id", "segment_id")
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_segment_id"), ["segment_id"], unique=False)

    op.create_table("suppression",
    sa.Column("email", sa.String(length=320), nullable=False),
    sa.Column("reason", sa.String(length=255), nullable=False),
    sa.Column("suppressed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(length=64), nullable=False),
    sa.Column("ticket_id", sa.Integer(), nullable=True),
    sa.Column("evidence", sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("email")
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.alter_column("subject",
               existing_type=sa.TEXT(),
               type_=sa.Text(),
               existing_nullable=False)
        batch_op.alter_column("quarantine_reason",
               existing_type=sa.TEXT(),
               type_=sa.Text(),
               existing_nullable=True)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("last_error",
               existing_type=sa.TEXT(),
               type_=sa.Text(),
               existing_nullable=True)

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.alter_column("subject",
               existing_type=sa.TEXT(),
               type_=sa.Text(),
               existing_nullable=False)



def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.alter_column("subject",
               existing_type=sa.Text(),
               type_=sa.TEXT(),
               existing_nullable=False)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("last_error",
               existing_type=sa.Text(),
               type_=sa.TEXT(),
               existing_nullable=True)

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.alter_column("quarantine_reason",
               existing_type=sa.Text(),
               type_=sa.TEXT(),
               existing_nullable=True)
        batch_op.alter_column("subject",
               existing_type=sa.Text(),
               type_=sa.TEXT(),
               existing_nullable=False)

    op.drop_table("suppression")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_segment_id"))

    op.drop_table("membership")
    with op.batch_alter_table("fulfilment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fulfilment_ticket_id"))
        batch_op.drop_index("ix_fulfilment_due")

    op.drop_table("fulfilment")
    with op.batch_alter_table("contact_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_event_email"))

    op.drop_table("contact_event")
    with op.batch_alter_table("address_confirmation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_address_confirmation_ticket_id"))

    op.drop_table("address_confirmation")
    op.drop_table("segment")
    op.drop_table("contact")
