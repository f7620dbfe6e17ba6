"""The site's transparency files: the latest cosigned checkpoint of the ledger and,
for each published decision, its inclusion proof in the tree that checkpoint signs.

    ledger/checkpoint.txt                 C2SP checkpoint, log signature + cosignatures
    ledger/proofs/<decision id>.json      the decision's entry and inclusion proof

With those two files, the log's public key and a witness's, anyone verifies offline
that a published decision is in the log the witnesses saw::

    redline verify-published SITE DECISION_ID --log-key log.pem --witness NAME=w.pem
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from redline.publish.assessment import LEDGER_POINTER


def decision_ids(assessment_dirs: Sequence[Path]) -> list[str]:
    out = []
    for d in assessment_dirs:
        pointer = Path(d) / LEDGER_POINTER
        try:
            out.append(str(json.loads(pointer.read_text(encoding="utf-8"))["decision_id"]))
        except (OSError, ValueError, KeyError):
            continue
    return out


def write_transparency(
    write: Callable[[str, str], None], assessment_dirs: Sequence[Path]
) -> list[str]:
    """Write the files through ``write(rel, text)``; return warnings (never fails the build)."""
    ids = decision_ids(assessment_dirs)
    if not ids:
        return []
    from redline.ledger import LedgerError, open_ledger
    from redline.ledger.note import parse_checkpoint, parse_note
    from redline.ledger.signoff import resolve_decision
    from redline.ledger.transparency import inclusion_bundle, latest_checkpoint

    warnings: list[str] = []
    try:
        with open_ledger(create=False) as ledger:
            text = latest_checkpoint(ledger, cosigned=True)
            if text is None:
                text = latest_checkpoint(ledger)
                if text is None:
                    return [
                        "the ledger has no checkpoint: run 'redline checkpoint --key K' "
                        "and have a witness cosign it, so published decisions are provable"
                    ]
                warnings.append("the latest checkpoint has no witness cosignature yet")
            size = parse_checkpoint(parse_note(text).text).size
            write("ledger/checkpoint.txt", text)
            for did in ids:
                entry = resolve_decision(ledger, did)
                if entry.seq > size:
                    warnings.append(f"decision {entry.hash[:12]} is newer than the latest "
                                    "checkpoint: no inclusion proof published")  # fmt: skip
                    continue
                bundle = inclusion_bundle(ledger, entry.seq, size)
                write(f"ledger/proofs/{entry.hash}.json", json.dumps(bundle, indent=2) + "\n")
    except LedgerError as exc:
        warnings.append(f"no inclusion proofs published: {exc}")
    return warnings
