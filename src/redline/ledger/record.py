"""Recording what ``redline assess`` produced: framework, assessment, decision.

``record_assessment`` stores the framework file, the results document, the Inspect
logs and the decision document in the evidence store, then appends (in ONE
transaction, so all or none) a ``framework_adopted`` entry the first time this
framework file is seen, an ``assessment_recorded`` entry and a ``decision_made``
entry. Each entry cites the evidence by SHA-256; ``redline verify`` checks the files.

The decision document is stored as its RFC 8785 canonical JSON, so its digest does
not depend on how a caller indented ``decision.json``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.ledger.chain import Entry, EntryKind, canonical_json, short
from redline.ledger.errors import LedgerError
from redline.ledger.keys import LocalKey, signing_key
from redline.ledger.store import Ledger, Pending

if TYPE_CHECKING:
    from redline.decide.model import Decision
    from redline.measure.results import Results


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError as exc:
        raise LedgerError(f"{path}: {exc.strerror or exc}") from None
    return h.hexdigest()


def _load_results(path: Path) -> Results:
    from pydantic import ValidationError

    from redline.measure.results import Results

    try:
        return Results.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise LedgerError(f"{path}: {exc.strerror or exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise LedgerError(
            f"{path}: not a redline results document ({where}: {first['msg']})"
        ) from None


def _adoption_of(entries: Iterable[Entry], digest: str) -> Entry | None:
    for e in entries:
        if e.data().get("sha256") == digest:
            return e
    return None


def _adopted(ledger: Ledger, digest: str) -> Entry | None:
    return _adoption_of(ledger.entries(kinds=[EntryKind.FRAMEWORK_ADOPTED.value]), digest)


def _adoption(identity: Mapping[str, Any], digest: str, name: str) -> Pending:
    """The ``framework_adopted`` entry for a file, skipped when one is already there: the
    check runs under the append lock, so two first recordings at once adopt it once."""
    return Pending(
        EntryKind.FRAMEWORK_ADOPTED,
        _framework_payload(identity, digest, name),
        skip_if=lambda conn: (
            _adoption_of(Ledger.entries_in(conn, [EntryKind.FRAMEWORK_ADOPTED.value]), digest)
            is not None
        ),
    )


def _framework_payload(identity: Mapping[str, Any], digest: str, name: str) -> dict[str, Any]:
    return {
        "framework": {k: identity[k] for k in ("id", "organisation", "name", "version")},
        "sha256": digest,
        "file": name,
        "evidence": [{"name": name, "sha256": digest}],
    }


def adopt_framework(ledger: Ledger, framework_path: Path, key: LocalKey) -> Entry:
    """Record a framework version (its file's digest and identity); idempotent per file."""
    from redline.framework.load import load_file

    digest = sha256_file(framework_path)
    existing = _adopted(ledger, digest)
    if existing is not None:
        return existing
    loaded = load_file(framework_path)
    if loaded.framework is None:
        first = (loaded.errors or loaded.problems)[0]
        raise LedgerError(f"{framework_path}: not a valid framework: {first.format()}")
    meta = loaded.framework.framework
    identity = {"id": meta.id, "organisation": meta.organisation, "name": meta.name,
                "version": meta.version}  # fmt: skip
    ledger.evidence.put_file(framework_path)
    made = ledger.append_many([_adoption(identity, digest, framework_path.name)], key)
    if made:
        return made[0]
    adopted = _adopted(ledger, digest)  # another writer adopted it in the meantime
    assert adopted is not None
    return adopted


def _verdicts(decision: Decision) -> list[dict[str, Any]]:
    return [
        {
            "action": v.action.value,
            "verdict": v.verdict.value,
            "sign_off": [s.model_dump(mode="json") for s in v.sign_off],
        }
        for v in decision.verdicts
    ]


def _decision_payload(
    decision: Decision, digest: str, assessment: Entry, framework: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "assessment": {
            "entry": assessment.hash,
            "seq": assessment.seq,
            "assessment_id": assessment.data().get("assessment_id"),
        },
        "framework": dict(framework),
        "decision_sha256": digest,
        "verdicts": _verdicts(decision),
        "evidence": [{"name": "decision.json", "sha256": digest}],
    }


def record_assessment(
    ledger: Ledger,
    framework_path: Path,
    results_path: Path,
    decision: Decision,
    log_paths: Sequence[Path] | None = None,
    key_name: str | None = None,
) -> tuple[int, str]:
    """Record an assessment and its decision; return (assessment entry seq, decision id).

    ``log_paths`` default to the logs the results document cites (relative to it);
    given or not, they must be exactly the logs it cites, byte for byte. The key is
    ``key_name``, else ``$REDLINE_KEY``, else ``redline-local`` (created on first use
    when the user has no key). The decision id is the hash of the decision entry.
    """
    results = _load_results(results_path)
    fw_digest = sha256_file(framework_path)
    if fw_digest != results.framework.sha256:
        raise LedgerError(
            f"{framework_path} is not the framework file {results_path} was measured "
            f"against (sha256 {fw_digest[:12]}, results cite {results.framework.sha256[:12]})"
        )
    if (decision.framework_id, decision.framework_version) != (
        results.framework.id,
        results.framework.version,
    ):
        raise LedgerError(
            f"the decision is for {decision.framework_id} {decision.framework_version}, "
            f"the results for {results.framework.id} {results.framework.version}"
        )
    cited = results.log_digests()  # name -> digest
    by_digest = {d: n for n, d in cited.items()}
    paths = list(log_paths) if log_paths is not None else [results_path.parent / n for n in cited]
    logs: list[dict[str, str]] = []
    for p in paths:
        d = sha256_file(p)
        if d not in by_digest:
            raise LedgerError(f"{p} is not a log that {results_path} cites (its digest differs)")
        logs.append({"name": by_digest[d], "sha256": d})
    missing = sorted(set(by_digest) - {x["sha256"] for x in logs})
    if missing:
        names = ", ".join(by_digest[d] for d in missing)
        raise LedgerError(f"{results_path} cites logs that were not given: {names}")

    key = signing_key(ledger, key_name)

    # Evidence first: content-addressed files are harmless if the append then fails.
    ledger.evidence.put_file(framework_path)
    res_digest = ledger.evidence.put_file(results_path)
    for p in paths:
        ledger.evidence.put_file(p)
    dec_bytes = canonical_json(decision.model_dump(mode="json"))
    dec_digest = ledger.evidence.put_bytes(dec_bytes)

    fw = results.framework
    framework = {"id": fw.id, "organisation": fw.organisation, "name": fw.name,
                 "version": fw.version, "sha256": fw.sha256}  # fmt: skip
    pending: list[Pending] = [_adoption(framework, fw_digest, framework_path.name)]
    pending.append(
        Pending(
            EntryKind.ASSESSMENT_RECORDED,
            {
                "assessment_id": results.assessment_id,
                "created": results.created.isoformat(),
                "framework": framework,
                "model": results.model.model_dump(mode="json"),
                # A tracked checkpoint (redline track): its id, date and compute.
                **(
                    {"checkpoint": results.checkpoint.model_dump(mode="json")}
                    if results.checkpoint is not None
                    else {}
                ),
                "results_sha256": res_digest,
                "logs": logs,
                "evidence": [{"name": results_path.name, "sha256": res_digest}, *logs],
            },
        )
    )
    pending.append(
        Pending(
            EntryKind.DECISION_MADE,
            lambda made: _decision_payload(decision, dec_digest, made[-1], framework),
        )
    )
    made = ledger.append_many(pending, key)
    return made[-2].seq, made[-1].hash


def record_decision(
    ledger: Ledger, assessment_id: str, decision: Decision, key_name: str | None = None
) -> str:
    """Record a new decision on an already recorded assessment (e.g. ``redline decide``
    with other safeguards); ``assessment_id`` is the assessment's id or its entry hash.
    Returns the decision id."""
    target: Entry | None = None
    for e in ledger.entries(kinds=[EntryKind.ASSESSMENT_RECORDED.value]):
        if e.hash == assessment_id or e.data().get("assessment_id") == assessment_id:
            target = e
    if target is None:
        raise LedgerError(f"no assessment {assessment_id} in the ledger at {ledger.location}")
    fw = target.data()["framework"]
    if (decision.framework_id, decision.framework_version) != (fw["id"], fw["version"]):
        raise LedgerError(
            f"the decision is for {decision.framework_id} {decision.framework_version}, "
            f"assessment {short(target.hash)} for {fw['id']} {fw['version']}"
        )
    key = signing_key(ledger, key_name)
    digest = ledger.evidence.put_bytes(canonical_json(decision.model_dump(mode="json")))
    entry = ledger.append(
        EntryKind.DECISION_MADE, _decision_payload(decision, digest, target, fw), key
    )
    return entry.hash
