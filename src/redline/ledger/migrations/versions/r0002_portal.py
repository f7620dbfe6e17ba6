"""The review portal's tables: accounts, sessions, review rounds, invitations, the
comments index, published versions and login rate-limit state.

The ledger entries stay the source of truth for framework versions, comments,
verdicts and sign-offs; these tables hold who may do what, and indexes into the
chain (an entry's hash and sequence number) so pages need not scan it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(40), nullable=False, unique=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("org_kind", sa.String(32), nullable=True),
        sa.Column("governance_role", sa.String(64), nullable=True),
        sa.Column("key_name", sa.String(64), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created", sa.String(27), nullable=False),
    )
    op.create_table(
        "portal_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("portal_users.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
    )
    op.create_index("ix_portal_sessions_user", "portal_sessions", ["user_id"])
    op.create_table(
        "portal_frameworks",
        sa.Column("framework_id", sa.String(200), primary_key=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("portal_users.id"), nullable=False),
    )
    op.create_table(
        "portal_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("framework_id", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), sa.ForeignKey("portal_users.id"), nullable=False),
        sa.Column("created", sa.String(27), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("published", sa.String(27), nullable=True),
        sa.Column("publication", sa.Text(), nullable=True),
    )
    op.create_index("ix_portal_versions_fw", "portal_versions", ["framework_id"])
    op.create_table(
        "portal_rounds",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("portal_versions.id"), nullable=False),
        sa.Column("opened_by", sa.Integer(), sa.ForeignKey("portal_users.id"), nullable=False),
        sa.Column("opened", sa.String(27), nullable=False),
        sa.Column("closed", sa.String(27), nullable=True),
    )
    op.create_table(
        "portal_invitations",
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("portal_rounds.id"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("portal_users.id"), primary_key=True),
        sa.Column("invited", sa.String(27), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=True),
        sa.Column("verdict_entry", sa.String(64), nullable=True),
    )
    op.create_table(
        "portal_comments",
        sa.Column("entry_seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("entry_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("element", sa.String(300), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
    )
    op.create_index("ix_portal_comments_round", "portal_comments", ["round_id"])
    op.create_table(
        "portal_rate_limits",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    tables = (
        "portal_rate_limits",
        "portal_comments",
        "portal_invitations",
        "portal_rounds",
        "portal_versions",
        "portal_frameworks",
        "portal_sessions",
        "portal_users",
    )
    for t in tables:
        op.drop_table(t)
