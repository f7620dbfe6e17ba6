"""A witness: a trusted actor who cosigns the log's checkpoints, each only after
checking that it extends the last one the witness cosigned.

The witness keeps its own state (the last checkpoint it cosigned per log origin,
in a directory of its own), never the log's word for it. Two witnesses, or one
witness over time, shown two logs that are not consistent refuse to cosign the
second: that is what prevents a split view (docs/security.md).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from redline.ledger import merkle
from redline.ledger.errors import LedgerError
from redline.ledger.note import cosign, parse_checkpoint, parse_note
from redline.ledger.rules import LocalKey
from redline.ledger.transparency import Inconsistent, Trust, b64, open_checkpoint


def state_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("redline")) / "witness"


def _state_file(directory: Path, origin: str) -> Path:
    return directory / (re.sub(r"[^A-Za-z0-9._-]", "_", origin) + ".checkpoint")


def last_cosigned(directory: Path, origin: str) -> str | None:
    path = _state_file(directory, origin)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _write_state(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def witness_cosign(
    checkpoint_text: str,
    *,
    log_key: Ed25519PublicKey,
    key: LocalKey,
    name: str,
    directory: Path,
    proof: Sequence[bytes] | None,
    timestamp: int,
) -> str:
    """The checkpoint with this witness's cosignature added; the state moves forward.

    ``proof`` is the consistency proof from the last cosigned size to this one
    (``redline proof consistency OLD NEW``); not needed for the first checkpoint of a
    log or for the same size again.
    """
    cp = open_checkpoint(checkpoint_text, Trust(log=log_key))
    note = parse_note(checkpoint_text)
    previous = last_cosigned(directory, cp.origin)
    if previous is not None:
        old = parse_checkpoint(parse_note(previous).text)
        if cp.size < old.size:
            raise Inconsistent(
                f"ROLLBACK: this witness cosigned {old.size} entries of {cp.origin}; the "
                f"checkpoint shows {cp.size}. Refusing to cosign."
            )
        if cp.size == old.size and cp.root != old.root:
            raise Inconsistent(
                f"FORK: this witness cosigned size {old.size} of {cp.origin} with root "
                f"{b64(old.root)}; this checkpoint has {b64(cp.root)}. Refusing to cosign."
            )
        if cp.size > old.size:
            if proof is None:
                raise LedgerError(
                    f"a consistency proof from size {old.size} to {cp.size} is needed: "
                    f"redline proof consistency {old.size} {cp.size} --json > proof.json, "
                    "then --proof proof.json"
                )
            try:
                merkle.verify_consistency(old.size, cp.size, old.root, cp.root, proof)
            except merkle.ProofError as exc:
                raise Inconsistent(
                    f"FORK: the checkpoint of size {cp.size} does not extend the one of size "
                    f"{old.size} this witness cosigned ({exc}). Refusing to cosign."
                ) from None
    cosigned = note.with_signature(cosign(note, name, key, timestamp)).encode()
    _write_state(_state_file(directory, cp.origin), cosigned)
    return cosigned
