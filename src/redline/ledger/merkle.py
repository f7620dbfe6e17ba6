"""RFC 9162 §2.1 Merkle tree hashing, inclusion and consistency proofs.

The ledger's entries are the leaves of a Merkle tree as Certificate Transparency
(RFC 9162, which obsoletes RFC 6962) defines it, so that small proofs answer the
questions an outsider asks: is this entry in the log the operator showed me, and
does today's log extend the one I saw?

* ``MTH({}) = SHA-256()``; leaf ``SHA-256(0x00 || d)``; node ``SHA-256(0x01 || l || r)``;
  a tree of ``n > 1`` leaves splits at ``k``, the largest power of two below ``n``.
* Proof *generation* (§2.1.3.1, §2.1.4.1) follows the recursive definitions over a
  callable that returns the hash of a subtree ``[start, end)``. Every range the
  recursion asks for starts at a multiple of a power of two and is either a full
  (perfect) subtree or the right edge of the tree, so a store that keeps the hash of
  every full subtree answers each one with O(log n) look-ups
  (:class:`redline.ledger.tree.TreeStore`).
* Proof *verification* (§2.1.3.2, §2.1.4.2) is the RFC's iterative algorithm, which a
  verifier re-implements in a few lines; it needs nothing but hashes.

Why not a library: pymerkle (PyPI) implements RFC 9162 trees and proofs, but it
computes subtree hashes from the leaves (cached per process, so each short-lived
CLI call would read up to half the leaves for a proof at 10^6), keeps leaves in its
own in-memory or SQLite store, and writes proofs in a format of its own (the leaf
first, with direction bits). The ledger needs the nodes in its own database
(SQLite or PostgreSQL, written in the append transaction) and RFC 9162 audit paths
that other transparency tooling reads. sigstore-python only verifies Rekor
inclusion proofs, in a private module. So this is the RFC written out; the tests
check it against transparency-dev/merkle's published vectors, against pymerkle as
an independent implementation, and with property tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from redline.ledger.errors import LedgerError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Subtree = Callable[[int, int], bytes]
"""``subtree(start, end)``: MTH of the leaves ``[start, end)``."""


class ProofError(LedgerError):
    """A proof does not verify, or its parameters are impossible."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes, in O(n) time and O(log n) space."""
    b = RootBuilder()
    for h in leaf_hashes:
        b.add(h)
    return b.root()


def memory_subtree(leaf_hashes: Sequence[bytes]) -> Subtree:
    """A :data:`Subtree` over an in-memory list (tests, small tools)."""

    def subtree(start: int, end: int) -> bytes:
        return root_of(leaf_hashes[start:end])

    return subtree


# ------------------------------------------------------------------ generation


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start += k
    path.reverse()  # the recursion appends from the root down; the proof lists leaf up
    return path


def consistency_proof(old: int, new: int, subtree: Subtree) -> list[bytes]:
    """PROOF(old, D[0:new]) of RFC 9162 §2.1.4.1."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from size {old} to size {new}")
    if old == 0 or old == new:
        return []
    out: list[bytes] = []
    # SUBPROOF(m, D[start:end], b), unrolled: each step descends one side.
    m, start, end, whole = old, 0, new, True
    while True:
        n = end - start
        if m == n:
            if not whole:
                out.append(subtree(start, end))
            break
        k = split_point(n)
        if m <= k:
            out.append(subtree(start + k, end))
            end = start + k
        else:
            out.append(subtree(start, start + k))
            start += k
            m -= k
            whole = False
    out.reverse()
    return out


# ---------------------------------------------------------------- verification


def _check(h: bytes, what: str) -> None:
    if len(h) != HASH_SIZE:
        raise ProofError(f"{what} is {len(h)} bytes, not {HASH_SIZE}")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` implies for ``leaf`` at ``index`` (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not below tree size {size}")
    _check(leaf, "the leaf hash")
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        _check(p, "a proof hash")
        if sn == 0:
            raise ProofError("the inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is shorter than the tree is deep")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows ``leaf`` at ``index`` under ``root``."""
    _check(root, "the root hash")
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(f"the inclusion proof of leaf {index} does not lead to the root")


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise :class:`ProofError` unless the tree of ``new`` leaves extends that of ``old``
    (RFC 9162 §2.1.4.2)."""
    _check(old_root, "the old root")
    _check(new_root, "the new root")
    if not 0 <= old <= new:
        raise ProofError(f"size {new} is smaller than size {old}: the log went backwards")
    if old == new:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old}: a fork")
        return
    if old == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    for p in proof:
        _check(p, "a proof hash")
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != old_root:
        raise ProofError(f"the log of size {new} does not contain the tree of size {old}")
    if sr != new_root:
        raise ProofError(f"the consistency proof does not lead to the root of size {new}")


class RootBuilder:
    """MTH of a stream of leaf hashes, in O(log n) memory (for verifying a whole log)."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []
        self.size = 0

    def add(self, leaf: bytes) -> None:
        size, cur = 1, leaf
        stack = self._stack
        while stack and stack[-1][0] == size:
            cur = node_hash(stack.pop()[1], cur)
            size *= 2
        stack.append((size, cur))
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        acc = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            acc = node_hash(left, acc)
        return acc
