"""The portal's organisations and per-framework scopes (issue #20).

Organisations (labs and reviewing bodies) own frameworks and hold accounts; a scope
grants one account author or signatory-for-role rights on one framework (a reviewer's
scope is their invitation to a round, which now records its ledger entry too).

``portal_users.governance_role`` stays in the table for the record but is no longer
read: after this migration a signatory signs only through a signatory scope, which an
administrator grants per framework (docs/security.md, "Tenancy").

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Each step checks what is there, so that re-running from an older stamp (a
    # restored backup, a test that rewinds the version) does not fail.
    insp = sa.inspect(op.get_bind())
    tables = set(insp.get_table_names())
    if "portal_organisations" not in tables:
        op.create_table(
            "portal_organisations",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("slug", sa.String(64), nullable=False, unique=True),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("kind", sa.String(32), nullable=False),
            sa.Column("created", sa.String(27), nullable=False),
            sa.Column("entry_hash", sa.String(64), nullable=True),
        )
    if "portal_scopes" not in tables:
        op.create_table(
            "portal_scopes",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("user_id", sa.Integer(), sa.ForeignKey("portal_users.id"), nullable=False),
            sa.Column("framework_id", sa.String(200), nullable=False),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("role", sa.String(64), nullable=True),
            sa.Column("granted", sa.String(27), nullable=False),
            sa.Column("granted_by", sa.Integer(), nullable=True),
            sa.Column("entry_hash", sa.String(64), nullable=True),
            sa.Column("roster_entry", sa.String(64), nullable=True),
            sa.Column("revoked", sa.String(27), nullable=True),
            sa.Column("revoked_entry", sa.String(64), nullable=True),
        )
        op.create_index("ix_portal_scopes_user", "portal_scopes", ["user_id"])
        op.create_index("ix_portal_scopes_fw", "portal_scopes", ["framework_id"])
    for table, column, type_ in (
        ("portal_users", "org_id", sa.Integer()),
        ("portal_frameworks", "org_id", sa.Integer()),
        ("portal_invitations", "entry_hash", sa.String(64)),
    ):
        if column not in {c["name"] for c in insp.get_columns(table)}:
            with op.batch_alter_table(table) as b:
                b.add_column(sa.Column(column, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("portal_invitations") as b:
        b.drop_column("entry_hash")
    with op.batch_alter_table("portal_frameworks") as b:
        b.drop_column("org_id")
    with op.batch_alter_table("portal_users") as b:
        b.drop_column("org_id")
    op.drop_index("ix_portal_scopes_fw", "portal_scopes")
    op.drop_index("ix_portal_scopes_user", "portal_scopes")
    op.drop_table("portal_scopes")
    op.drop_table("portal_organisations")
