"""The ledger's tables (SQLAlchemy Core). Alembic migrations create and change them.

One table of entries: the chain. Everything else (keys in force, sign-offs, the
state of a decision) is derived from it, so there is nothing to keep in step.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

entries = Table(
    "ledger_entries",
    metadata,
    # The primary key is the UNIQUE constraint on the sequence number: the last line
    # of defence against a fork, should two writers ever get past the append lock.
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("time", String(27), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Column("signature", String(128), nullable=False),
    Index("ix_ledger_entries_kind", "kind"),
)

# The hash of every full subtree of the Merkle tree over the entries (RFC 9162):
# node (level, index) covers leaves [index * 2**level, (index + 1) * 2**level).
# About 2n rows; any proof or root then needs O(log n) look-ups. Derived from the
# entries and re-derived by ``redline verify``, so a stale node is caught.
tree_nodes = Table(
    "ledger_tree_nodes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
)

# Signed checkpoints (C2SP signed notes), one per tree size, with every witness
# cosignature gathered for it. A convenience copy: a checkpoint's authority is its
# signatures, not this table.
checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("note", Text, nullable=False),
    Column("created", String(27), nullable=False),
)
