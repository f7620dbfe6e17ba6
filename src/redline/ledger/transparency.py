"""The ledger as a transparency log: checkpoints, proofs, and checks against both.

* :func:`make_checkpoint` signs (origin, tree size, root) as a C2SP checkpoint with a
  registered ledger key; the note key name is the log's origin.
* :func:`inclusion_bundle` / :func:`consistency_bundle` are the proofs as JSON
  documents (hashes in base64, as checkpoints write them).
* :func:`check_checkpoint` tells whether the ledger, as it is now, extends a
  checkpoint someone kept: a smaller log is a rollback, a different root at that
  size is a fork (or a rewrite).
* :func:`verify_inclusion_bundle` checks a bundle offline, from the entry's fields
  up to a checkpoint's root: no database, no evidence files.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from redline.ledger import merkle
from redline.ledger.chain import Entry, canonical_text, entry_hash, now
from redline.ledger.errors import LedgerError
from redline.ledger.keys import ensure_registered
from redline.ledger.note import (
    Checkpoint,
    Note,
    NoteError,
    parse_checkpoint,
    parse_note,
    sign_note,
    verify_cosignature,
    verify_note_signature,
)
from redline.ledger.rules import LocalKey
from redline.ledger.store import Ledger
from redline.ledger.tables import checkpoints as CP
from redline.ledger.tree import entry_leaf, leaf_input

BUNDLE_TYPE = "https://redline.dev/ledger/inclusion/v1"


class Inconsistent(LedgerError):
    """The ledger does not extend a checkpoint: rollback or fork."""


def b64(h: bytes) -> str:
    return base64.b64encode(h).decode("ascii")


def unb64(s: Any, what: str) -> bytes:
    if not isinstance(s, str):
        raise LedgerError(f"{what} is not a base64 string")
    try:
        return base64.b64decode(s, validate=True)
    except binascii.Error:
        raise LedgerError(f"{what} is not base64") from None


def origin_of(ledger: Ledger) -> str:
    """The log's origin: ``redline.ledger/`` and the first 16 hex digits of entry 1.

    Fixed by the ledger's first entry, so every checkpoint of one ledger names the
    same log. Verifiers pin it (with the log's key) rather than trust it.
    """
    first = ledger.entry(1)
    if first is None:
        raise LedgerError(f"the ledger at {ledger.location} is empty: nothing to checkpoint")
    return f"redline.ledger/{first.hash[:16]}"


def make_checkpoint(ledger: Ledger, key: LocalKey) -> str:
    """Sign the current tree head and keep it in the ledger's checkpoint table."""
    ensure_registered(ledger, key)
    origin = origin_of(ledger)
    with ledger.tree() as (size, tree):
        cp = Checkpoint(origin, size, tree.root(size))
    text = Note(cp.text(), (sign_note(cp.text(), origin, key),)).encode()
    store_checkpoint(ledger, text)
    return text


def store_checkpoint(ledger: Ledger, text: str) -> None:
    """Keep a checkpoint note; with cosignatures for a known one, merge their lines.

    A different checkpoint of a size already recorded is refused (:class:`Inconsistent`):
    the log signed two different trees of one size, so it was rolled back and regrown.
    """
    note = parse_note(text)
    cp = parse_checkpoint(note.text)
    with ledger.engine.begin() as conn:
        row = conn.execute(select(CP.c.note).where(CP.c.size == cp.size)).first()
        if row is not None:
            old = parse_note(row[0])
            if old.text != note.text:
                raise Inconsistent(
                    f"a different checkpoint of size {cp.size} is already recorded: a fork"
                )
            if old.text == note.text:
                for s in old.signatures:
                    if (s.name, s.key_id) not in {(x.name, x.key_id) for x in note.signatures}:
                        note = note.with_signature(s)
            conn.execute(CP.delete().where(CP.c.size == cp.size))
        conn.execute(CP.insert().values(size=cp.size, note=note.encode(), created=now()))


def recorded_checkpoint(ledger: Ledger, size: int) -> str | None:
    """The recorded checkpoint of ``size``, with every cosignature gathered for it."""
    with ledger.engine.connect() as conn:
        row = conn.execute(select(CP.c.note).where(CP.c.size == size)).first()
    return None if row is None else str(row[0])


def latest_checkpoint(ledger: Ledger, *, cosigned: bool = False) -> str | None:
    """The largest recorded checkpoint (with more than the log's signature if asked)."""
    with ledger.engine.connect() as conn:
        rows = conn.execute(select(CP.c.note).order_by(CP.c.size.desc())).all()
    for (text,) in rows:
        if not cosigned or len(parse_note(text).signatures) > 1:
            return str(text)
    return None


# ---------------------------------------------------------------- proofs


def _entry_doc(e: Entry) -> dict[str, Any]:
    return e.as_dict()


def inclusion_bundle(ledger: Ledger, seq: int, size: int | None = None) -> dict[str, Any]:
    """Entry ``seq`` with its inclusion proof in the tree of ``size`` (default: now)."""
    entry = ledger.entry(seq)
    if entry is None:
        raise LedgerError(f"no entry {seq} in the ledger at {ledger.location}")
    with ledger.tree() as (current, tree):
        size = current if size is None else size
        if not seq <= size <= current:
            raise LedgerError(f"tree size {size} must be between {seq} and {current}")
        proof = tree.inclusion(seq - 1, size)
        root = tree.root(size)
    return {
        "type": BUNDLE_TYPE,
        "entry": _entry_doc(entry),
        "leaf_index": seq - 1,
        "tree_size": size,
        "leaf_hash": b64(entry_leaf(entry)),
        "root_hash": b64(root),
        "proof": [b64(p) for p in proof],
    }


def consistency_bundle(ledger: Ledger, old: int, new: int | None = None) -> dict[str, Any]:
    with ledger.tree() as (current, tree):
        new = current if new is None else new
        if not 0 <= old <= new <= current:
            raise LedgerError(f"sizes must satisfy 0 <= OLD <= NEW <= {current} (the log now)")
        proof = tree.consistency(old, new)
        roots = tree.root(old), tree.root(new)
    return {
        "old_size": old,
        "new_size": new,
        "old_root": b64(roots[0]),
        "new_root": b64(roots[1]),
        "proof": [b64(p) for p in proof],
    }


# ---------------------------------------------------------- checking notes


@dataclass(frozen=True)
class Trust:
    """Keys a verifier pins: the log's, and witnesses' (name, key) pairs."""

    log: Ed25519PublicKey | None = None
    witnesses: Sequence[tuple[str, Ed25519PublicKey]] = ()
    origin: str | None = None


def open_checkpoint(text: str | bytes, trust: Trust, source: str = "checkpoint") -> Checkpoint:
    """Parse a checkpoint note and check the signatures ``trust`` names."""
    note = parse_note(text, source)
    cp = parse_checkpoint(note.text, source)
    if trust.origin is not None and cp.origin != trust.origin:
        raise NoteError(f"{source}: origin {cp.origin!r} is not the log {trust.origin!r}")
    try:
        if trust.log is not None:
            verify_note_signature(note, cp.origin, trust.log)
        for name, public in trust.witnesses:
            verify_cosignature(note, name, public)
    except NoteError as exc:
        raise NoteError(f"{source}: {exc}") from None
    return cp


@dataclass(frozen=True)
class CheckpointCheck:
    checkpoint: Checkpoint
    current_size: int
    proof_length: int


def check_checkpoint(ledger: Ledger, text: str | bytes, trust: Trust,
                     source: str = "checkpoint") -> CheckpointCheck:  # fmt: skip
    """Whether the ledger now extends the checkpoint; :class:`Inconsistent` if not."""
    cp = open_checkpoint(text, trust, source)
    if cp.origin != origin_of(ledger):
        raise Inconsistent(
            f"{source} is for log {cp.origin}, this ledger is {origin_of(ledger)}: its first "
            "entry differs (the whole history was replaced, or it is another ledger)"
        )
    with ledger.tree() as (size, tree):
        if cp.size > size:
            raise Inconsistent(
                f"ROLLBACK: {source} shows {cp.size} entries, the ledger now has {size}; "
                "entries a witness saw are gone (an earlier copy of the database?)"
            )
        root = tree.root(cp.size)
        proof = tree.consistency(cp.size, size)
        new_root = tree.root(size)
    if root != cp.root:
        raise Inconsistent(
            f"FORK: the ledger's first {cp.size} entries have root {b64(root)}, {source} "
            f"has {b64(cp.root)}; history was rewritten or two logs were shown"
        )
    merkle.verify_consistency(cp.size, size, cp.root, new_root, proof)
    return CheckpointCheck(cp, size, len(proof))


def entry_from_doc(doc: Mapping[str, Any]) -> Entry:
    try:
        return Entry(
            seq=int(doc["seq"]), time=str(doc["time"]), kind=str(doc["kind"]),
            actor=str(doc["actor"]), key_id=str(doc["key_id"]),
            payload=canonical_text(doc["payload"]), prev_hash=str(doc["prev_hash"]),
            hash=str(doc["hash"]), signature=str(doc["signature"]),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        raise LedgerError(f"not a ledger entry ({exc})") from None


def verify_inclusion_bundle(bundle: Mapping[str, Any], cp: Checkpoint) -> Entry:
    """The entry, once its fields hash to its hash and its proof leads to ``cp``'s root."""
    entry = entry_from_doc(bundle.get("entry", {}))
    fields = {k: getattr(entry, k) for k in
              ("seq", "time", "kind", "actor", "key_id", "payload", "prev_hash")}  # fmt: skip
    if entry_hash(**fields) != entry.hash:
        raise LedgerError(f"entry {entry.seq}: its fields do not hash to its hash (altered)")
    try:
        leaf = merkle.leaf_hash(leaf_input(entry.hash, entry.signature))
    except ValueError:
        raise LedgerError(f"entry {entry.seq}: hash or signature is not hex") from None
    size = bundle.get("tree_size")
    if size != cp.size:
        raise LedgerError(f"the proof is for tree size {size}, the checkpoint has {cp.size}")
    proof = [unb64(p, "a proof hash") for p in bundle.get("proof", [])]
    try:
        merkle.verify_inclusion(entry.seq - 1, cp.size, leaf, proof, cp.root)
    except merkle.ProofError as exc:
        raise LedgerError(f"entry {entry.seq} is not in the checkpointed log: {exc}") from None
    return entry


def load_json(data: bytes, source: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        raise LedgerError(f"{source}: not JSON") from None
