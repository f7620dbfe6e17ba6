"""The Merkle tree over the entries (RFC 9162): the hash of every full subtree; and
the checkpoints the log signed, with the witness cosignatures gathered for them.

Existing ledgers are backfilled from their entries in sequence order.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from redline.ledger import merkle
    from redline.ledger.tree import computed_nodes, insert_nodes, leaf_input

    op.create_table(
        "ledger_tree_nodes",
        sa.Column("level", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("idx", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "ledger_checkpoints",
        sa.Column("size", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created", sa.String(27), nullable=False),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT hash, signature FROM ledger_entries ORDER BY seq"))
    leaves = (merkle.leaf_hash(leaf_input(h, sig)) for h, sig in rows)
    batch: list[dict[str, object]] = []
    for level, idx, node in computed_nodes(leaves):
        batch.append({"level": level, "idx": idx, "hash": node.hex()})
        if len(batch) >= 10_000:
            insert_nodes(conn, batch)
            batch = []
    insert_nodes(conn, batch)


def downgrade() -> None:
    op.drop_table("ledger_checkpoints")
    op.drop_table("ledger_tree_nodes")
