"""Copy a recorded assessment out of the ledger's evidence store (for ``--predictions``).

An ``assessment_recorded`` entry names its ``results.json`` and Inspect logs by sha256; the
evidence store holds the bytes. ``export_assessment`` writes them back into a directory laid
out as ``redline assess`` wrote it, after checking every digest, so an earlier assessment can
be used as predictions by its ledger entry alone.
"""

from __future__ import annotations

from pathlib import Path

from redline.ledger.chain import Entry, EntryKind
from redline.ledger.errors import LedgerError
from redline.ledger.store import Ledger


def find_assessment(ledger: Ledger, ref: str) -> Entry:
    """The assessment entry ``ref`` names: its sequence number, or a hash prefix of the
    assessment entry or of the decision made on it."""
    entry: Entry | None = None
    if ref.isdigit():
        entry = ledger.entry(int(ref))
    else:
        found = ledger.by_hash_prefix(ref)
        if len(found) > 1:
            raise LedgerError(f"ledger entry {ref!r} is ambiguous ({len(found)} entries match)")
        entry = found[0] if found else None
    if entry is None:
        raise LedgerError(f"no ledger entry {ref!r}")
    if entry.kind == EntryKind.DECISION_MADE.value:
        seq = entry.data().get("assessment", {}).get("seq")
        entry = ledger.entry(int(seq)) if seq is not None else None
        if entry is None:
            raise LedgerError(f"decision {ref!r} names no assessment entry")
    if entry.kind != EntryKind.ASSESSMENT_RECORDED.value:
        raise LedgerError(f"ledger entry {ref!r} is a {entry.kind} entry, not an assessment")
    return entry


def export_assessment(ledger: Ledger, ref: str, directory: Path) -> tuple[Entry, Path]:
    """Write the assessment's ``results.json`` and logs under ``directory``; return the entry
    and the path of ``results.json``."""
    entry = find_assessment(ledger, ref)
    data = entry.data()
    results_path = directory / "results.json"
    for item in data.get("evidence", []):
        name, digest = str(item["name"]), str(item["sha256"])
        target = (directory / name).resolve()
        if not target.is_relative_to(directory.resolve()):
            raise LedgerError(f"ledger entry {entry.seq}: evidence name {name!r} leaves its folder")
        content = ledger.evidence.read(digest)  # checked against its digest
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        if digest == data.get("results_sha256"):
            results_path = target
    if not results_path.exists():
        raise LedgerError(f"ledger entry {entry.seq}: no results document in its evidence")
    return entry, results_path
