"""The ledger's Merkle tree in the database: leaves are entries, nodes are stored.

Leaf ``i`` (0-based) is entry ``seq = i + 1``; its leaf input is the entry's 32-byte
hash followed by its 64-byte signature, so the tree commits to both (the hash
already commits to every field: docs/security.md). Tree size = number of entries.

Every full subtree's hash is stored when its last leaf is appended (table
``ledger_tree_nodes``), so a root or a proof for any size costs O(log n) look-ups,
never a pass over the entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, text

from redline.ledger import merkle
from redline.ledger.chain import Entry

_GET_SQL = text("SELECT hash FROM ledger_tree_nodes WHERE level = :level AND idx = :idx")
_INSERT_SQL = text("INSERT INTO ledger_tree_nodes (level, idx, hash) VALUES (:level, :idx, :hash)")


def leaf_input(entry_hash: str, signature: str) -> bytes:
    return bytes.fromhex(entry_hash) + bytes.fromhex(signature)


def entry_leaf(e: Entry) -> bytes:
    """The RFC 9162 leaf hash of an entry."""
    return merkle.leaf_hash(leaf_input(e.hash, e.signature))


def new_nodes(
    first_index: int, leaves: Sequence[bytes], lookup: TreeStore | None
) -> list[dict[str, object]]:
    """Rows for ``ledger_tree_nodes`` when ``leaves`` are appended at ``first_index``.

    A full subtree is complete when its last leaf arrives; its left half is either
    among the new rows or already stored (``lookup``).
    """
    made: dict[tuple[int, int], bytes] = {}

    def get(level: int, idx: int) -> bytes:
        h = made.get((level, idx))
        if h is None:
            assert lookup is not None
            h = lookup.node(level, idx)
        return h

    for offset, h in enumerate(leaves):
        level, idx, cur = 0, first_index + offset, h
        made[(0, idx)] = cur
        while idx & 1:
            cur = merkle.node_hash(get(level, idx - 1), cur)
            level, idx = level + 1, idx >> 1
            made[(level, idx)] = cur
    return [{"level": lv, "idx": i, "hash": h.hex()} for (lv, i), h in made.items()]


def insert_nodes(conn: Connection, rows: Iterable[dict[str, object]]) -> None:
    rows = list(rows)
    if rows:
        conn.execute(_INSERT_SQL, rows)


class TreeStore:
    """Roots and proofs from the stored nodes, within one connection (one snapshot)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def node(self, level: int, idx: int) -> bytes:
        h = self.conn.execute(_GET_SQL, {"level": level, "idx": idx}).scalar()
        if h is None:
            raise merkle.ProofError(
                f"the ledger's Merkle tree lacks node ({level}, {idx}); run redline verify"
            )
        return bytes.fromhex(h)

    def subtree(self, start: int, end: int) -> bytes:
        n = end - start
        if n <= 0:
            return merkle.EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            return self.node(n.bit_length() - 1, start // n)
        k = merkle.split_point(n)
        return merkle.node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int) -> bytes:
        return self.subtree(0, size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return merkle.inclusion_proof(index, size, self.subtree)

    def consistency(self, old: int, new: int) -> list[bytes]:
        return merkle.consistency_proof(old, new, self.subtree)


# Stored nodes in the order they are completed (by the leaf that completes them, then
# from the leaf up), which is the order :func:`computed_nodes` yields them in.
_ALL_SQL = text(
    "SELECT level, idx, hash FROM ledger_tree_nodes WHERE (idx + 1) * (1 << level) <= :n "
    "ORDER BY (idx + 1) * (1 << level), level"
)


def computed_nodes(leaves: Iterable[bytes]) -> Iterable[tuple[int, int, bytes]]:
    """Every full-subtree node of the tree over ``leaves``, in completion order."""
    frontier: dict[int, bytes] = {}
    for index, leaf in enumerate(leaves):
        level, idx, cur = 0, index, leaf
        yield 0, idx, cur
        while idx & 1:
            cur = merkle.node_hash(frontier[level], cur)
            level, idx = level + 1, idx >> 1
            yield level, idx, cur
        frontier[level] = cur


def first_wrong_node(conn: Connection, leaves: Sequence[bytes]) -> str | None:
    """How the stored nodes differ from the tree of ``leaves``, or None if they do not."""
    # Nodes past ``leaves`` belong to entries appended since they were read: not ours.
    stored = iter(conn.execute(_ALL_SQL, {"n": len(leaves)}))
    for level, idx, h in computed_nodes(leaves):
        row = next(stored, None)
        if row is None:
            return f"node ({level}, {idx}) is missing"
        if (int(row[0]), int(row[1])) != (level, idx):
            return f"node ({level}, {idx}) is missing or out of place"
        if row[2] != h.hex():
            return f"node ({level}, {idx}) covering leaves from {idx << level} is wrong"
    extra = next(stored, None)
    if extra is not None:
        return f"node ({extra[0]}, {extra[1]}) is stored twice or out of place"
    return None
