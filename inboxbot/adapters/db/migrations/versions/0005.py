"""The console: staff accounts and sessions, ticket assignees and search text, labelled examples from
triage, notices of new tickets to staff

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("staff_account",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("email", sa.String(length=320), nullable=False),
    sa.Column("name", sa.String(length=255), nullable=False),
    sa.Column("role", sa.String(length=16), nullable=False),
    sa.Column("password_hash", sa.Text(), nullable=False),
    sa.Column("language", sa.String(length=8), nullable=False),
    sa.Column("failed_logins", sa.Integer(), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("email")
    )
    op.create_table("staff_session",
    sa.Column("token_hash", sa.String(length=64), nullable=False),
    sa.Column("account_id", sa.Integer(), nullable=False),
    sa.Column("csrf_token", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["account_id"], ["staff_account.id"], ),
    sa.PrimaryKeyConstraint("token_hash")
    )
    op.create_index("ix_staff_session_account_id", "staff_session", ["account_id"], unique=False)
    op.create_index("ix_staff_session_expires_at", "staff_session", ["expires_at"], unique=False)
    op.create_table("staff_notice",
    sa.Column("ticket_id", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("mode", sa.String(length=16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("ticket_id")
    )
    op.create_index("ix_staff_notice_status", "staff_notice", ["status"], unique=False)
    op.create_table("labelled_example",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("message_id", sa.Integer(), nullable=True),
    sa.Column("ticket_id", sa.Integer(), nullable=False),
    sa.Column("predicted", sa.JSON(), nullable=False),
    sa.Column("intents", sa.JSON(), nullable=False),
    sa.Column("language", sa.String(length=8), nullable=False),
    sa.Column("actor", sa.String(length=64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["message_id"], ["message.id"], ),
    sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_labelled_example_at", "labelled_example", ["at"], unique=False)
    op.create_index("ix_labelled_example_message_id", "labelled_example", ["message_id"], unique=False)
    op.create_index("ix_labelled_example_ticket_id", "labelled_example", ["ticket_id"], unique=False)
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
        batch_op.create_index("ix_ticket_assignee_id", ["assignee_id"], unique=False)
        batch_op.create_index("ix_ticket_status_due", ["status", "due_at"], unique=False)
        batch_op.create_foreign_key("fk_ticket_assignee_id_staff_account", "staff_account", ["assignee_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_constraint("fk_ticket_assignee_id_staff_account", type_="foreignkey")
        batch_op.drop_index("ix_ticket_status_due")
        batch_op.drop_index("ix_ticket_assignee_id")
        batch_op.drop_column("search_text")
        batch_op.drop_column("assignee_id")
    op.drop_index("ix_labelled_example_ticket_id", table_name="labelled_example")
    op.drop_index("ix_labelled_example_message_id", table_name="labelled_example")
    op.drop_index("ix_labelled_example_at", table_name="labelled_example")
    op.drop_table("labelled_example")
    op.drop_index("ix_staff_notice_status", table_name="staff_notice")
    op.drop_table("staff_notice")
    op.drop_index("ix_staff_session_expires_at", table_name="staff_session")
    op.drop_index("ix_staff_session_account_id", table_name="staff_session")
    op.drop_table("staff_session")
    op.drop_table("staff_account")
