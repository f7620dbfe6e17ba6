"""The ledger: an append-only, signed, hash-chained record of frameworks, assessments,
decisions, sign-offs and review comments, with content-addressed evidence.

The public API (the CLI and the portal are thin faces over it)::

    from redline.ledger import open_ledger, record_assessment, verify_ledger

    with open_ledger() as ledger:                       # .redline/ or $REDLINE_HOME
        seq, decision_id = record_assessment(ledger, fw_path, results_path, decision)
        report = verify_ledger(ledger)

Names are imported on first use, so that ``import redline.cli`` stays quick for
commands that never touch the database.

Layer: above ``measure``; may import ``framework``, ``decide``, ``registry``, ``measure``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redline.ledger.attest import (
        PREDICATE_TYPE,
        VerifiedAttestation,
        attest_decision,
        build_statement,
        verify_attestation,
    )
    from redline.ledger.chain import Entry, EntryKind, canonical_json
    from redline.ledger.errors import LedgerError
    from redline.ledger.keys import (
        DEFAULT_KEY_NAME,
        Keyring,
        LocalKey,
        create_key,
        list_keys,
        register_key,
        revoke_key,
        signing_key,
    )
    from redline.ledger.record import adopt_framework, record_assessment, record_decision
    from redline.ledger.signoff import (
        DecisionStatus,
        add_review_comment,
        decision_status,
        sign_decision,
    )
    from redline.ledger.store import EvidenceStore, Ledger, open_ledger
    from redline.ledger.verify import VerifyReport, verify_ledger

_WHERE = {
    "PREDICATE_TYPE": "attest",
    "VerifiedAttestation": "attest",
    "attest_decision": "attest",
    "build_statement": "attest",
    "verify_attestation": "attest",
    "Entry": "chain",
    "EntryKind": "chain",
    "canonical_json": "chain",
    "LedgerError": "errors",
    "DEFAULT_KEY_NAME": "keys",
    "Keyring": "keys",
    "LocalKey": "keys",
    "create_key": "keys",
    "list_keys": "keys",
    "register_key": "keys",
    "revoke_key": "keys",
    "signing_key": "keys",
    "adopt_framework": "record",
    "record_assessment": "record",
    "record_decision": "record",
    "DecisionStatus": "signoff",
    "add_review_comment": "signoff",
    "decision_status": "signoff",
    "sign_decision": "signoff",
    "EvidenceStore": "store",
    "Ledger": "store",
    "open_ledger": "store",
    "VerifyReport": "verify",
    "verify_ledger": "verify",
}

__all__ = [
    "DEFAULT_KEY_NAME",
    "PREDICATE_TYPE",
    "DecisionStatus",
    "Entry",
    "EntryKind",
    "EvidenceStore",
    "Keyring",
    "Ledger",
    "LedgerError",
    "LocalKey",
    "VerifiedAttestation",
    "VerifyReport",
    "add_review_comment",
    "adopt_framework",
    "attest_decision",
    "build_statement",
    "canonical_json",
    "create_key",
    "decision_status",
    "list_keys",
    "open_ledger",
    "record_assessment",
    "record_decision",
    "register_key",
    "revoke_key",
    "sign_decision",
    "signing_key",
    "verify_attestation",
    "verify_ledger",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'redline.ledger' has no attribute {name!r}")
    return getattr(importlib.import_module(f"redline.ledger.{module}"), name)
