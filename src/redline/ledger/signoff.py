"""Sign-offs on a recorded decision, and whether the decision is final.

The roles a decision needs come from the decision itself (each verdict's
``sign_off`` list, which ``decide`` derived from the framework's governance), as
recorded in its ``decision_made`` entry: what the framework said when the decision
was taken, not what a later version says.

A role is signed when a ``sign_off`` entry for the decision names it. A sign-off
with dissent still counts as signed: frameworks record dissent with the decision
(and may escalate it) rather than treat it as a veto; ``status`` shows every
dissent. A requirement with rule ``all`` needs every role it lists, ``any`` one of
them; the decision is final when every requirement is met. The ledger records who
(which key) signed for a role; it does not hold a roster of who holds each role.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from redline.ledger.chain import Entry, EntryKind, is_hex64, short
from redline.ledger.errors import LedgerError
from redline.ledger.keys import LocalKey
from redline.ledger.store import Ledger


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Requirement(_Doc):
    """One sign-off requirement of the decision (merged across the actions it covers)."""

    roles: list[str]
    rule: Literal["all", "any"]
    actions: list[str]
    why: list[str]
    signed: list[str]
    met: bool


class SignOffRecord(_Doc):
    role: str
    signer: str
    key_id: str
    time: str
    seq: int
    entry_hash: str
    dissent: str | None


class VerdictSummary(_Doc):
    action: str
    verdict: str


class DecisionStatus(_Doc):
    """What ``redline status`` shows, and what the portal reads."""

    decision_id: str
    seq: int
    time: str
    framework: dict[str, Any]
    assessment_id: str | None
    verdicts: list[VerdictSummary]
    required: list[Requirement]
    sign_offs: list[SignOffRecord]
    dissents: list[SignOffRecord]
    missing_roles: list[str]
    final: bool


def resolve_decision(ledger: Ledger, decision_id: str) -> Entry:
    """The ``decision_made`` entry for a decision id: its hash, or a unique prefix (≥ 6)."""
    ref = decision_id.strip().lower()
    if len(ref) < 6 or not all(c in "0123456789abcdef" for c in ref):
        raise LedgerError(
            f"{decision_id!r} is not a decision id (the hash of a decision entry, or at "
            "least its first 6 hex digits)"
        )
    found = ledger.by_hash_prefix(ref, kind=EntryKind.DECISION_MADE.value)
    if not found:
        raise LedgerError(f"no decision {decision_id} in the ledger at {ledger.location}")
    if len(found) > 1:
        ids = ", ".join(short(e.hash) for e in found)
        raise LedgerError(f"decision id {decision_id} is ambiguous ({ids}); give more digits")
    return found[0]


def requirements(decision: Entry) -> list[tuple[tuple[str, ...], str, list[str], list[str]]]:
    """(roles, rule, actions, why) for each distinct requirement of the decision."""
    merged: dict[tuple[tuple[str, ...], str], tuple[list[str], list[str]]] = {}
    for verdict in decision.data().get("verdicts", []):
        for req in verdict.get("sign_off", []):
            key = (tuple(req["roles"]), req["rule"])
            actions, why = merged.setdefault(key, ([], []))
            actions.append(verdict["action"])
            if req.get("why") and req["why"] not in why:
                why.append(req["why"])
    return [(roles, rule, a, w) for (roles, rule), (a, w) in merged.items()]


def needed_roles(decision: Entry) -> list[str]:
    roles: list[str] = []
    for r, _rule, _a, _w in requirements(decision):
        roles.extend(x for x in r if x not in roles)
    return roles


def sign_offs(ledger: Ledger, decision: Entry) -> list[SignOffRecord]:
    out = []
    for e in ledger.entries(after=decision.seq, kinds=[EntryKind.SIGN_OFF.value]):
        data = e.data()
        if data.get("decision") != decision.hash:
            continue
        out.append(
            SignOffRecord(
                role=data["role"],
                signer=e.actor,
                key_id=e.key_id,
                time=e.time,
                seq=e.seq,
                entry_hash=e.hash,
                dissent=data.get("dissent"),
            )
        )
    return out


def decision_status(ledger: Ledger, decision_id: str) -> DecisionStatus:
    """Which sign-offs the decision needs, which it has, any dissent, and if it is final."""
    decision = resolve_decision(ledger, decision_id)
    data = decision.data()
    signed = sign_offs(ledger, decision)
    signed_roles = {s.role for s in signed}
    reqs = []
    missing: list[str] = []
    for roles, rule, actions, why in requirements(decision):
        have = [r for r in roles if r in signed_roles]
        met = len(have) == len(roles) if rule == "all" else bool(have)
        if not met:
            missing.extend(r for r in roles if r not in have and r not in missing)
        reqs.append(
            Requirement(
                roles=list(roles), rule=rule, actions=actions, why=why, signed=have, met=met
            )
        )
    return DecisionStatus(
        decision_id=decision.hash,
        seq=decision.seq,
        time=decision.time,
        framework=data.get("framework", {}),
        assessment_id=data.get("assessment", {}).get("assessment_id"),
        verdicts=[
            VerdictSummary(action=v["action"], verdict=v["verdict"])
            for v in data.get("verdicts", [])
        ],
        required=reqs,
        sign_offs=signed,
        dissents=[s for s in signed if s.dissent],
        missing_roles=missing,
        final=all(r.met for r in reqs),
    )


def sign_decision(
    ledger: Ledger, decision_id: str, role: str, key: LocalKey, dissent: str | None = None
) -> Entry:
    """Append a ``sign_off`` entry: ``key``'s holder signs ``decision_id`` as ``role``."""
    decision = resolve_decision(ledger, decision_id)
    needed = needed_roles(decision)
    if not needed:
        raise LedgerError(f"decision {short(decision.hash)} needs no sign-off")
    if role not in needed:
        raise LedgerError(
            f"decision {short(decision.hash)} does not need role {role!r}; it needs: "
            + ", ".join(needed)
        )
    for s in sign_offs(ledger, decision):
        if s.role == role and s.key_id == key.key_id:
            raise LedgerError(
                f"{key.name} already signed decision {short(decision.hash)} as {role} "
                f"(entry {s.seq})"
            )
    if dissent is not None and not dissent.strip():
        raise LedgerError("--dissent needs a statement")
    payload: dict[str, Any] = {
        "decision": decision.hash,
        "decision_seq": decision.seq,
        "role": role,
        "signer": key.name,
        "dissent": dissent,
    }
    framework_id = decision.data().get("framework", {}).get("id")
    if isinstance(framework_id, str):
        # Names the framework so that the roster can bind a role per framework
        # (``R@F``); verification checks it is the decision's own.
        payload["framework"] = framework_id
    return ledger.append(EntryKind.SIGN_OFF, payload, key)


def add_review_comment(ledger: Ledger, subject: str, text: str, key: LocalKey) -> Entry:
    """Append a ``review_comment`` on an entry (a decision, an assessment, a framework).

    ``subject`` is the full hash of the entry commented on; the portal is the main
    caller.
    """
    if not is_hex64(subject) or not ledger.by_hash_prefix(subject):
        raise LedgerError(f"no entry {subject} in the ledger at {ledger.location}")
    if not text.strip():
        raise LedgerError("a review comment needs text")
    return ledger.append(EntryKind.REVIEW_COMMENT, {"subject": subject, "text": text}, key)
