"""Verification of a whole ledger: the check ``redline verify`` runs.

Entry by entry, in sequence order: the sequence has no gap, each entry links to the
hash of the one before, its hash matches its contents, its time does not go
backwards, its signer was registered and not revoked before it (the same
:class:`~redline.ledger.rules.KeyRegistry` rules that appends obey), its signature
holds, a sign-off cites a recorded decision, and every evidence file it cites is
present with the digest it cites. The report names the FIRST bad entry: everything
after it depends on it and proves nothing.

Signature checks dominate the cost (about 100 µs each); on a large ledger they run
in worker processes while the main process walks the chain.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

from redline.ledger import merkle
from redline.ledger.chain import GENESIS_PREV_HASH, KINDS, EntryKind, is_time
from redline.ledger.incidents import INCIDENT_KINDS, IncidentCheck
from redline.ledger.merkle import RootBuilder
from redline.ledger.rules import KeyProblem, KeyRegistry, verify_signature
from redline.ledger.store import Ledger
from redline.ledger.tree import first_wrong_node, leaf_input

_PARSE_KINDS = frozenset(
    {
        EntryKind.KEY_REGISTERED,
        EntryKind.KEY_REVOKED,
        EntryKind.SIGN_OFF,
        EntryKind.DECISION_MADE,
        EntryKind.ROSTER,
        *INCIDENT_KINDS,
    }
)
_POOL_THRESHOLD = 5_000
_CHUNK = 4_000


@dataclass(frozen=True)
class Problem:
    """The first bad entry and what is wrong with it."""

    seq: int
    message: str
    kind: str = "chain"  # or "evidence_altered"

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.message}"


@dataclass
class VerifyReport:
    ok: bool
    entries: int
    head_seq: int | None
    head_hash: str | None
    evidence_checked: int
    problem: Problem | None = None
    keys: list[dict[str, Any]] = field(default_factory=list)
    evidence_missing: list[tuple[int, str, str]] = field(default_factory=list)
    """(seq, name, digest) of evidence not in this machine's store: not tampering."""
    root_hash: str | None = None
    roster: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        """intact, broken (chain), evidence_altered, or evidence_unavailable."""
        if self.problem is not None:
            return "evidence_altered" if self.problem.kind == "evidence_altered" else "broken"
        return "evidence_unavailable" if self.evidence_missing else "intact"

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "status": self.status,
            "tree": None
            if self.root_hash is None
            else {"size": self.head_seq or 0, "root_hash": self.root_hash},
            "roster": self.roster,
            "evidence_missing": [
                {"seq": s, "name": n, "sha256": d} for s, n, d in self.evidence_missing
            ],
            "entries": self.entries,
            "head": None
            if self.head_seq is None
            else {"seq": self.head_seq, "hash": self.head_hash},
            "evidence_checked": self.evidence_checked,
            "problem": None
            if self.problem is None
            else {
                "seq": self.problem.seq,
                "message": self.problem.message,
                "kind": self.problem.kind,
            },
        }


def _check_chunk(items: Sequence[tuple[int, bytes, str, str]]) -> tuple[int, str] | None:
    """First entry in ``items`` whose signature fails; runs in a worker process."""
    for seq, public, signature, digest in items:
        if not verify_signature(public, signature, digest):
            return seq, "signature does not verify with the signer's key"
    return None


class _Stop(Exception):
    def __init__(self, seq: int, message: str, kind: str = "chain") -> None:
        self.problem = Problem(seq, message, kind)


def verify_ledger(
    ledger: Ledger,
    *,
    check_evidence: bool = True,
    anchors: Iterable[tuple[int, str]] = (),
    workers: int | None = None,
) -> VerifyReport:
    """Check the whole chain; see the module docstring for what is checked.

    ``anchors`` are (seq, hash) pairs published earlier (a head hash handed to a
    trusted party): an anchored entry that differs or is gone means history was
    rewritten or truncated, which the chain alone cannot show.
    """
    anchored = dict(anchors)
    if workers is None:
        workers = os.cpu_count() or 1
    pool: ProcessPoolExecutor | None = None
    if workers > 1 and ledger.count() >= _POOL_THRESHOLD:
        # fork: the workers need nothing but the function; no re-import, no pickled engine.
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"))
    futures: list[Future[tuple[int, str] | None]] = []
    chunk: list[tuple[int, bytes, str, str]] = []

    registry = KeyRegistry()
    decisions: dict[str, Any] = {}  # decision hash -> its framework id
    evidence_seen: dict[str, str] = {}
    missing: list[tuple[int, str, str]] = []
    tree = RootBuilder()
    leaves: list[bytes] = []
    root_hash: str | None = None
    expected = 1
    prev = GENESIS_PREV_HASH
    last_time = ""
    head_hash: str | None = None
    problem: Problem | None = None
    incidents = IncidentCheck()
    try:
        for e in ledger.entries():
            seq = e.seq
            if seq != expected:
                raise _Stop(
                    expected,
                    f"entry {expected} is missing: the sequence jumps from {expected - 1} to {seq}",
                )
            if e.prev_hash != prev:
                raise _Stop(
                    seq,
                    "prev_hash is not the hash of entry "
                    f"{seq - 1} (an entry before it was changed, removed or reordered)"
                    if seq > 1
                    else "prev_hash of the first entry is not the genesis value (all zeros)",
                )
            if e.computed_hash() != e.hash:
                raise _Stop(
                    seq, "hash does not match the entry's contents (changed after it was written)"
                )
            if e.kind not in KINDS:
                raise _Stop(seq, f"unknown kind {e.kind!r}")
            if not is_time(e.time):
                raise _Stop(seq, f"time {e.time!r} is not in the ledger's format")
            if e.time < last_time:
                raise _Stop(seq, f"time {e.time} is earlier than entry {seq - 1}'s {last_time}")
            if seq in anchored and anchored[seq] != e.hash:
                raise _Stop(seq, "hash differs from the anchored hash: history was rewritten")
            data: dict[str, Any] | None = None
            if e.kind in _PARSE_KINDS or '"evidence"' in e.payload:
                try:
                    data = e.data()
                except ValueError:
                    raise _Stop(seq, "payload is not a JSON object") from None
            try:
                public = registry.admit(e.kind, e.actor, e.key_id, data)
            except KeyProblem as exc:
                raise _Stop(seq, str(exc)) from None
            if pool is None:
                if not verify_signature(public, e.signature, e.hash):
                    raise _Stop(seq, "signature does not verify with the signer's key")
            else:
                chunk.append((seq, public, e.signature, e.hash))
                if len(chunk) >= _CHUNK:
                    futures.append(pool.submit(_check_chunk, chunk))
                    chunk = []
            if data is not None:
                _check_semantics(seq, e.kind, e.actor, e.hash, data, decisions)
                if e.kind in INCIDENT_KINDS:
                    why = incidents.check(e.kind, e.hash, data)
                    if why is not None:
                        raise _Stop(seq, why)
                if check_evidence:
                    _check_evidence(ledger, seq, data, evidence_seen, missing)
            registry.apply(seq, e.time, e.kind, e.key_id, data)
            leaf = merkle.leaf_hash(leaf_input(e.hash, e.signature))
            tree.add(leaf)
            leaves.append(leaf)
            prev, last_time, head_hash = e.hash, e.time, e.hash
            expected += 1
        for seq, h in sorted(anchored.items()):
            if seq >= expected:
                raise _Stop(
                    seq, f"anchored entry {seq} ({h[:12]}) is gone: the ledger was truncated"
                )
        root_hash = _check_tree(ledger, tree, leaves)
    except _Stop as stop:
        problem = stop.problem
    finally:
        if pool is not None:
            if chunk:
                futures.append(pool.submit(_check_chunk, chunk))
            failures = [r for r in (f.result() for f in futures) if r is not None]
            pool.shutdown()
            if failures:
                first = min(failures)
                if problem is None or first[0] < problem.seq:
                    problem = Problem(*first)

    good = (problem.seq - 1) if problem else expected - 1
    checked = sum(1 for s in evidence_seen.values() if s == "ok")
    return VerifyReport(
        ok=problem is None and not missing,
        entries=good,
        head_seq=expected - 1 if expected > 1 else None,
        head_hash=head_hash,
        evidence_checked=checked,
        problem=problem,
        keys=[k.as_dict() for k in registry.keys.values()],
        evidence_missing=missing if problem is None else [],
        root_hash=root_hash if problem is None else None,
        roster=registry.roster.as_dict() if registry.roster else None,
    )


def _check_tree(ledger: Ledger, tree: RootBuilder, leaves: list[bytes]) -> str:
    """Every stored Merkle node must be the one the entries just walked give."""
    with ledger.engine.connect() as conn:
        wrong = first_wrong_node(conn, leaves)
    if wrong is not None:
        raise _Stop(
            len(leaves),
            f"the stored Merkle tree does not match the entries: {wrong} (proofs and "
            "checkpoints served from this database would not verify)",
        )
    return tree.root().hex()


def _check_semantics(
    seq: int, kind: str, actor: str, h: str, data: dict[str, Any], decisions: dict[str, Any]
) -> None:
    if kind == EntryKind.DECISION_MADE:
        fw = data.get("framework")
        decisions[h] = fw.get("id") if isinstance(fw, dict) else None
    elif kind == EntryKind.SIGN_OFF:
        if data.get("decision") not in decisions:
            raise _Stop(seq, "sign-off cites a decision that is not recorded before it")
        if data.get("signer") != actor:
            raise _Stop(seq, "sign-off names a signer other than the key that signed it")
        if "framework" in data and data["framework"] != decisions[data["decision"]]:
            raise _Stop(seq, "sign-off names a framework other than its decision's")


def _check_evidence(
    ledger: Ledger,
    seq: int,
    data: dict[str, Any],
    seen: dict[str, str],
    missing: list[tuple[int, str, str]],
) -> None:
    items = data.get("evidence", [])
    if not isinstance(items, list):
        raise _Stop(seq, "payload field 'evidence' is not a list")
    for item in items:
        digest = item.get("sha256") if isinstance(item, dict) else None
        name = item.get("name", "?") if isinstance(item, dict) else "?"
        if not isinstance(digest, str):
            raise _Stop(seq, "an evidence item has no sha256")
        status = seen.get(digest)
        first = status is None
        if status is None:
            status = seen[digest] = ledger.evidence.check(digest)
        if status == "missing" and first:
            # Absent here is not altered: the store may live on another machine.
            missing.append((seq, str(name), digest))
        elif status == "mismatch":
            raise _Stop(
                seq,
                f"evidence {name} ({digest[:12]}) does not match its digest (file changed)",
                "evidence_altered",
            )
