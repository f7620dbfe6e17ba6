"""Attestations: a decision as an in-toto Statement in a DSSE envelope.

Anyone with the public key can check it offline: the envelope's Ed25519 signature
over the DSSE pre-authentication encoding (PAE), then the statement's subjects
against the files they hold (the framework file, the results document, the Inspect
logs), and read the decision, its verdicts and its sign-offs in the predicate.

* Statement: in-toto Attestation Framework, Statement v1
  (``_type: https://in-toto.io/Statement/v1``), serialised as RFC 8785 JSON.
* Envelope: DSSE v1, ``payloadType: application/vnd.in-toto+json``; signature and
  PAE by securesystemslib's ``dsse.Envelope``; ``keyid`` is the ledger's key id
  (hex SHA-256 of the raw public key), a hint only, as the DSSE spec says.
* ``predicateType``: :data:`PREDICATE_TYPE`, documented in docs/security.md.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from redline.ledger.chain import EntryKind, canonical_json, is_hex64, now
from redline.ledger.errors import LedgerError
from redline.ledger.keys import LocalKey, ensure_registered
from redline.ledger.note import parse_checkpoint, parse_note
from redline.ledger.rules import key_id_of, public_raw
from redline.ledger.signoff import decision_status, resolve_decision
from redline.ledger.store import Ledger
from redline.ledger.transparency import inclusion_bundle, latest_checkpoint

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
PREDICATE_TYPE = "https://redline.dev/attestation/decision/v1"
"""A type identifier in redline's namespace (a URI need not resolve to identify)."""


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding, via the maintained implementation."""
    from securesystemslib.dsse import Envelope

    return Envelope(payload, payload_type, {}).pae()


def sign_envelope(payload: bytes, payload_type: str, key: LocalKey) -> dict[str, Any]:
    """A DSSE envelope (JSON form) over ``payload`` signed by ``key``."""
    from securesystemslib.dsse import Envelope

    # The package re-exports these without an __all__, which strict mypy does not see.
    from securesystemslib.signer import CryptoSigner, SSlibKey  # type: ignore[attr-defined]

    envelope = Envelope(payload, payload_type, {})
    public = SSlibKey.from_crypto(key.public, keyid=key.key_id)
    envelope.sign(CryptoSigner(key.private, public))
    return dict(envelope.to_dict())


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise LedgerError(f"envelope {what} is not a string")
    # DSSE allows standard or URL-safe base64; padding may be left off.
    s = value.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(s + "=" * (-len(s) % 4), validate=True)
    except binascii.Error:
        raise LedgerError(f"envelope {what} is not base64") from None


# ------------------------------------------------------------------ statement


def build_statement(ledger: Ledger, decision_id: str) -> dict[str, Any]:
    """The in-toto Statement for a recorded decision (subjects and predicate)."""
    entry = resolve_decision(ledger, decision_id)
    data = entry.data()
    assessment = ledger.entry(int(data["assessment"]["seq"]))
    if assessment is None or assessment.kind != EntryKind.ASSESSMENT_RECORDED:
        raise LedgerError(f"decision {entry.hash[:12]} cites a missing assessment entry")
    a = assessment.data()
    framework = a["framework"]
    fw_file = "framework.yaml"
    for e in ledger.entries(kinds=[EntryKind.FRAMEWORK_ADOPTED.value]):
        if e.data().get("sha256") == framework["sha256"]:
            fw_file = e.data().get("file", fw_file)
            break
    results_item = a["evidence"][0]
    subjects = [
        {"name": subject_name(fw_file), "digest": {"sha256": framework["sha256"]}},
        {"name": subject_name(results_item["name"]), "digest": {"sha256": a["results_sha256"]}},
        *({"name": subject_name(log["name"]), "digest": {"sha256": log["sha256"]}}
          for log in a["logs"]),
    ]  # fmt: skip
    document = json.loads(ledger.evidence.read(data["decision_sha256"]))
    status = decision_status(ledger, entry.hash)
    head = ledger.head()
    assert head is not None
    predicate = {
        "decision_id": entry.hash,
        "decision": document,
        "decision_sha256": data["decision_sha256"],
        "framework": framework,
        "assessment": {
            "assessment_id": a.get("assessment_id"),
            "model": a.get("model"),
            "results_sha256": a["results_sha256"],
            "entry": assessment.hash,
        },
        "sign_off": {
            "required": [r.model_dump(mode="json") for r in status.required],
            "signatures": [s.model_dump(mode="json") for s in status.sign_offs],
            "final": status.final,
        },
        "ledger": {
            "decision_entry": {"seq": entry.seq, "hash": entry.hash},
            "head": {"seq": head.seq, "hash": head.hash},
            "transparency": _transparency(ledger, entry.seq),
        },
        "attested_at": now(),
    }
    return {
        "_type": STATEMENT_TYPE,
        "subject": subjects,
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }


def subject_name(name: str) -> str:
    """A subject's name as a relative POSIX path: never where a file lay on one machine."""
    p = PurePosixPath(str(name).replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or PureWindowsPath(str(name)).drive:
        return p.name
    return str(p)


def _transparency(ledger: Ledger, seq: int) -> dict[str, Any] | None:
    """The latest checkpoint (cosigned if any) that covers the entry, and the entry's
    inclusion proof under it: enough to check the decision is in the log offline."""
    text = latest_checkpoint(ledger, cosigned=True) or latest_checkpoint(ledger)
    if text is None:
        return None
    size = parse_checkpoint(parse_note(text).text).size
    if size < seq:
        return None
    return {"checkpoint": text, "inclusion": inclusion_bundle(ledger, seq, size)}


def attest_decision(ledger: Ledger, decision_id: str, key: LocalKey) -> dict[str, Any]:
    """A signed attestation (DSSE envelope, JSON form) of a recorded decision."""
    ensure_registered(ledger, key)
    statement = build_statement(ledger, decision_id)
    return sign_envelope(canonical_json(statement), PAYLOAD_TYPE, key)


# --------------------------------------------------------------- verification


@dataclass(frozen=True)
class VerifiedAttestation:
    statement: dict[str, Any]
    key_id: str

    @property
    def subjects(self) -> list[tuple[str, str]]:
        return [(s.get("name", ""), s["digest"]["sha256"]) for s in self.statement["subject"]]


def verify_envelope(envelope: Mapping[str, Any], public: Ed25519PublicKey) -> tuple[str, bytes]:
    """Check a DSSE envelope's signature; return (payloadType, payload).

    Every signature is tried with the key: DSSE keyids are hints, not authenticated.
    """
    if not isinstance(envelope, Mapping):
        raise LedgerError("not a DSSE envelope (expected a JSON object)")
    payload_type = envelope.get("payloadType")
    if not isinstance(payload_type, str):
        raise LedgerError("not a DSSE envelope (no payloadType)")
    payload = _b64(envelope.get("payload"), "payload")
    signatures = envelope.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        raise LedgerError("the envelope has no signatures")
    message = pae(payload_type, payload)
    for sig in signatures:
        if not isinstance(sig, Mapping):
            continue
        try:
            public.verify(_b64(sig.get("sig"), "signature"), message)
        except (InvalidSignature, LedgerError):
            continue
        return payload_type, payload
    raise LedgerError(
        f"no signature in the envelope verifies with key {key_id_of(public_raw(public))[:12]}"
    )


def verify_attestation(
    envelope: Mapping[str, Any], public: Ed25519PublicKey
) -> VerifiedAttestation:
    """Verify a redline attestation offline: signature, then the statement's shape."""
    payload_type, payload = verify_envelope(envelope, public)
    if payload_type != PAYLOAD_TYPE:
        raise LedgerError(f"payloadType is {payload_type!r}, not {PAYLOAD_TYPE!r}")
    try:
        statement = json.loads(payload)
    except ValueError:
        raise LedgerError("the signed payload is not JSON") from None
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        raise LedgerError(f"the signed payload is not an in-toto Statement ({STATEMENT_TYPE})")
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or not subjects:
        raise LedgerError("the statement has no subjects")
    for s in subjects:
        digest = s.get("digest", {}).get("sha256") if isinstance(s, dict) else None
        if not isinstance(digest, str) or not is_hex64(digest):
            raise LedgerError("a subject has no sha256 digest")
    if statement.get("predicateType") != PREDICATE_TYPE:
        raise LedgerError(
            f"predicateType is {statement.get('predicateType')!r}, not {PREDICATE_TYPE!r}"
        )
    return VerifiedAttestation(statement, key_id_of(public_raw(public)))
