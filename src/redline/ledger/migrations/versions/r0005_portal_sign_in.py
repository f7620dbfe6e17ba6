"""The portal's sign-in tables (issue #20): throttling state, second factors, recovery
codes, the factor a session passed, pending sign-ins, and single sign-on identities
and flows (``redline.portal.auth_tables`` describes each).

Before this migration the portal created them on first use; a ledger that already
has them keeps them (each table is created only when missing). The old fixed-window
``portal_rate_limits`` table, which nothing reads since the throttle of
``redline.portal.throttle`` replaced it, is dropped.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tables() -> list[tuple[str, list[sa.Column[Any]]]]:
    return [
        ("portal_login_throttle", [
            sa.Column("key", sa.String(300), primary_key=True),
            sa.Column("failures", sa.Integer(), nullable=False),
            sa.Column("last_failure", sa.Float(), nullable=False),
            sa.Column("not_before", sa.Float(), nullable=False),
        ]),
        ("portal_totp_secrets", [
            sa.Column("user_id", sa.Integer(), primary_key=True, autoincrement=False),
            sa.Column("secret", sa.Text(), nullable=False),
            sa.Column("confirmed", sa.Boolean(), nullable=False),
            sa.Column("created", sa.Float(), nullable=False),
            sa.Column("last_step", sa.Integer(), nullable=False),
        ]),
        ("portal_recovery_codes", [
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("code_hash", sa.String(64), nullable=False),
            sa.Column("used", sa.Float(), nullable=True),
        ]),
        ("portal_login_pending", [
            sa.Column("token_hash", sa.String(64), primary_key=True),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("purpose", sa.String(16), nullable=False),
            sa.Column("csrf", sa.String(64), nullable=False),
            sa.Column("expires", sa.Float(), nullable=False),
            sa.Column("failures", sa.Integer(), nullable=False),
        ]),
        ("portal_session_factors", [
            sa.Column("token_hash", sa.String(64), primary_key=True),
            sa.Column("factor", sa.String(16), nullable=False),
            sa.Column("at", sa.Float(), nullable=False),
        ]),
        ("portal_oidc_identities", [
            sa.Column("issuer", sa.String(300), primary_key=True),
            sa.Column("subject", sa.String(255), primary_key=True),
            sa.Column("user_id", sa.Integer(), nullable=False, unique=True),
            sa.Column("mapped", sa.Text(), nullable=False),
            sa.Column("last_login", sa.Float(), nullable=False),
        ]),
        ("portal_oidc_pending", [
            sa.Column("state", sa.String(64), primary_key=True),
            sa.Column("provider", sa.String(64), nullable=False),
            sa.Column("nonce", sa.String(64), nullable=False),
            sa.Column("verifier", sa.String(128), nullable=False),
            sa.Column("browser", sa.String(64), nullable=False),
            sa.Column("expires", sa.Float(), nullable=False),
        ]),
    ]  # fmt: skip


def upgrade() -> None:
    have = set(sa.inspect(op.get_bind()).get_table_names())
    for name, columns in _tables():
        if name not in have:
            op.create_table(name, *columns)
            if name == "portal_recovery_codes":
                op.create_index("ix_portal_recovery_codes_user_id", name, ["user_id"])
    if "portal_rate_limits" in have:
        op.drop_table("portal_rate_limits")


def downgrade() -> None:
    op.create_table(
        "portal_rate_limits",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
    )
    for name, _columns in reversed(_tables()):
        op.drop_table(name)
