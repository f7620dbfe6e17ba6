"""Recording an assessment, sign-offs and status, review comments, attestations."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from ledger_support import Assessment, make_assessment

from redline.decide.model import RequiredSignOff
from redline.ledger.attest import (
    PAYLOAD_TYPE,
    PREDICATE_TYPE,
    STATEMENT_TYPE,
    attest_decision,
    pae,
    sign_envelope,
    verify_attestation,
    verify_envelope,
)
from redline.ledger.chain import EntryKind
from redline.ledger.errors import LedgerError
from redline.ledger.keys import Keyring, create_key
from redline.ledger.record import record_assessment, record_decision
from redline.ledger.signoff import add_review_comment, decision_status, sign_decision
from redline.ledger.store import Ledger
from redline.ledger.verify import verify_ledger


def _record(ledger: Ledger, a: Assessment, key: str | None = None) -> tuple[int, str]:
    return record_assessment(ledger, a.framework, a.results, a.decision, a.logs, key)


def test_record_assessment_writes_three_entries_and_the_evidence(
    ledger: Ledger, assessment: Assessment
) -> None:
    seq, decision_id = _record(ledger, assessment)
    kinds = [e.kind for e in ledger.entries()]
    assert kinds == ["key_registered", "framework_adopted", "assessment_recorded", "decision_made"]
    a = ledger.entry(seq)
    assert a is not None and a.kind == "assessment_recorded"
    data = a.data()
    assert data["model"]["name"] == "mockllm/model"
    assert {x["name"] for x in data["logs"]} == {f"logs/{p.name}" for p in assessment.logs}
    d = ledger.by_hash_prefix(decision_id)[0]
    payload = d.data()
    assert payload["assessment"]["entry"] == a.hash
    assert {v["action"] for v in payload["verdicts"]} >= {"external_deployment"}
    stored = json.loads(ledger.evidence.read(payload["decision_sha256"]))
    assert stored == assessment.decision.model_dump(mode="json")
    report = verify_ledger(ledger)
    assert report.ok and report.evidence_checked == 5  # framework, results, 2 logs, decision


def test_second_assessment_does_not_readopt_the_framework(
    ledger: Ledger, assessment: Assessment, isolated: Path
) -> None:
    _record(ledger, assessment)
    again = make_assessment(isolated / "run", tag="b")
    _record(ledger, again)
    kinds = [e.kind for e in ledger.entries()]
    assert kinds.count("framework_adopted") == 1 and kinds.count("decision_made") == 2


def test_an_adoption_by_another_writer_in_the_meantime_is_not_repeated(
    ledger: Ledger, assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two first recordings at once: the other writer adopts the framework after this one
    looked and before it appends. The check runs under the append lock, so once only."""
    from redline.ledger.record import adopt_framework

    append_many = ledger.append_many
    other_writer = {"done": False}

    def another_writer_adopts_first(items, key):  # type: ignore[no-untyped-def]
        if not other_writer["done"] and any(i.kind == EntryKind.ASSESSMENT_RECORDED for i in items):
            other_writer["done"] = True
            adopt_framework(ledger, assessment.framework, key)
        return append_many(items, key)

    monkeypatch.setattr(ledger, "append_many", another_writer_adopts_first)
    _record(ledger, assessment)
    kinds = [e.kind for e in ledger.entries()]
    assert kinds.count("framework_adopted") == 1
    assert kinds[-2:] == ["assessment_recorded", "decision_made"]
    assert verify_ledger(ledger).ok


def test_record_assessment_default_logs_come_from_the_results(
    ledger: Ledger, assessment: Assessment
) -> None:
    record_assessment(ledger, assessment.framework, assessment.results, assessment.decision)
    assert verify_ledger(ledger).ok


def test_record_assessment_refuses_mismatched_inputs(
    ledger: Ledger, assessment: Assessment, tmp_path: Path
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(assessment.framework.read_text() + "\n# edited\n")
    with pytest.raises(LedgerError, match="not the framework file"):
        record_assessment(ledger, other, assessment.results, assessment.decision, assessment.logs)
    with pytest.raises(LedgerError, match="cites logs that were not given"):
        record_assessment(
            ledger, assessment.framework, assessment.results, assessment.decision,
            assessment.logs[:1],
        )  # fmt: skip
    stray = tmp_path / "stray.eval"
    stray.write_bytes(b"not cited")
    with pytest.raises(LedgerError, match="is not a log that"):
        record_assessment(
            ledger, assessment.framework, assessment.results, assessment.decision,
            [*assessment.logs, stray],
        )  # fmt: skip
    wrong = assessment.decision.model_copy(update={"framework_version": "9.9"})
    with pytest.raises(LedgerError, match="the decision is for"):
        record_assessment(ledger, assessment.framework, assessment.results, wrong, assessment.logs)
    assert ledger.count() == 0  # nothing appended, not even a key


def test_sign_off_and_status(ledger: Ledger, assessment: Assessment) -> None:
    create_key(ledger, "alice")
    create_key(ledger, "bob", by="alice")
    _, did = _record(ledger, assessment, "alice")
    st = decision_status(ledger, did[:10])
    assert not st.final and st.missing_roles == ["rso", "safety-board"]
    assert {tuple(r.roles) for r in st.required} == {("rso",), ("rso", "safety-board")}

    alice, bob = Keyring().load("alice"), Keyring().load("bob")
    with pytest.raises(
        LedgerError, match="does not need role 'board'; it needs: rso, safety-board"
    ):
        sign_decision(ledger, did, "board", alice)
    sign_decision(ledger, did, "rso", alice)
    with pytest.raises(LedgerError, match="already signed"):
        sign_decision(ledger, did, "rso", alice)
    st = decision_status(ledger, did)
    assert not st.final and st.missing_roles == ["safety-board"]
    assert [r.met for r in st.required if r.roles == ["rso"]] == [True]
    sign_decision(ledger, did, "safety-board", bob, dissent="The margin on cyber is too thin.")
    st = decision_status(ledger, did)
    assert st.final and not st.missing_roles
    assert [d.dissent for d in st.dissents] == ["The margin on cyber is too thin."]
    assert {s.signer for s in st.sign_offs} == {"alice", "bob"}
    assert verify_ledger(ledger).ok


def test_rule_any_needs_one_role(ledger: Ledger, assessment: Assessment) -> None:
    v0 = assessment.decision.verdicts[0]
    any_rule = RequiredSignOff(roles=["rso", "board"], rule="any", why="test")
    decision = assessment.decision.model_copy(
        update={"verdicts": [v0.model_copy(update={"sign_off": [any_rule]})]}
    )
    create_key(ledger, "alice")
    seq, _ = _record(ledger, assessment, "alice")
    did = record_decision(ledger, ledger.entry(seq).data()["assessment_id"], decision, "alice")  # type: ignore[union-attr]
    assert not decision_status(ledger, did).final
    sign_decision(ledger, did, "board", Keyring().load("alice"))
    st = decision_status(ledger, did)
    assert st.final and st.required[0].signed == ["board"]


def test_unknown_and_ambiguous_decision_ids(ledger: Ledger) -> None:
    create_key(ledger, "alice")
    with pytest.raises(LedgerError, match="no decision"):
        decision_status(ledger, "abcdef12")
    with pytest.raises(LedgerError, match="not a decision id"):
        decision_status(ledger, "xyz")


def test_review_comment(ledger: Ledger, assessment: Assessment) -> None:
    alice, _ = create_key(ledger, "alice")
    _, did = _record(ledger, assessment, "alice")
    e = add_review_comment(ledger, did, "Please show the cyber intervals.", alice)
    assert e.kind == EntryKind.REVIEW_COMMENT and e.data()["subject"] == did
    with pytest.raises(LedgerError, match="no entry"):
        add_review_comment(ledger, "f" * 64, "x", alice)


# ---------------------------------------------------------------- attestations


def test_pae_matches_the_dsse_spec_example() -> None:
    # DSSE protocol.md, "Test vectors": PAE("http://example.com/HelloWorld", "hello world").
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_attestation_round_trip(ledger: Ledger, assessment: Assessment) -> None:
    alice, _ = create_key(ledger, "alice")
    _, did = _record(ledger, assessment, "alice")
    sign_decision(ledger, did, "rso", alice)
    env = attest_decision(ledger, did, alice)
    assert env["payloadType"] == PAYLOAD_TYPE
    assert env["signatures"][0]["keyid"] == alice.key_id
    statement = json.loads(base64.b64decode(env["payload"]))
    assert statement["_type"] == STATEMENT_TYPE and statement["predicateType"] == PREDICATE_TYPE
    names = [s["name"] for s in statement["subject"]]
    assert names[0] == "frontier-framework.yaml" and names[1] == "results.json"
    assert sorted(names[2:]) == sorted(f"logs/{p.name}" for p in assessment.logs)
    pred = statement["predicate"]
    assert pred["decision_id"] == did
    assert pred["decision"] == assessment.decision.model_dump(mode="json")
    assert [s["role"] for s in pred["sign_off"]["signatures"]] == ["rso"]
    assert pred["sign_off"]["final"] is False

    result = verify_attestation(env, alice.public)
    assert result.key_id == alice.key_id
    # The raw signature is over the PAE of the payload, per the DSSE spec.
    alice.public.verify(
        base64.b64decode(env["signatures"][0]["sig"]),
        b"DSSEv1 %d %b %d %b"
        % (len(PAYLOAD_TYPE), PAYLOAD_TYPE.encode(), len(base64.b64decode(env["payload"])),
           base64.b64decode(env["payload"])),
    )  # fmt: skip


def test_attestation_tampering_and_wrong_key_fail(ledger: Ledger, assessment: Assessment) -> None:
    alice, _ = create_key(ledger, "alice")
    bob, _ = create_key(ledger, "bob", by="alice")
    _, did = _record(ledger, assessment, "alice")
    env = attest_decision(ledger, did, alice)
    with pytest.raises(LedgerError, match="no signature"):
        verify_attestation(env, bob.public)
    statement = json.loads(base64.b64decode(env["payload"]))
    statement["predicate"]["decision"]["verdicts"][0]["verdict"] = "allowed"
    forged = {**env, "payload": base64.b64encode(json.dumps(statement).encode()).decode()}
    with pytest.raises(LedgerError, match="no signature"):
        verify_attestation(forged, alice.public)
    with pytest.raises(LedgerError, match="no signature"):
        verify_attestation({**env, "payloadType": "application/json"}, alice.public)
    # keyid is only a hint: a missing keyid still verifies.
    no_keyid = {**env, "signatures": [{"sig": env["signatures"][0]["sig"]}]}
    assert verify_attestation(no_keyid, alice.public).key_id == alice.key_id


def test_envelope_of_another_type_is_not_a_redline_attestation(ledger: Ledger) -> None:
    alice, _ = create_key(ledger, "alice")
    env = sign_envelope(b'{"x":1}', "application/json", alice)
    assert verify_envelope(env, alice.public) == ("application/json", b'{"x":1}')
    with pytest.raises(LedgerError, match="payloadType"):
        verify_attestation(env, alice.public)


def test_attest_with_a_revoked_key_is_refused(ledger: Ledger, assessment: Assessment) -> None:
    alice, _ = create_key(ledger, "alice")
    bob, _ = create_key(ledger, "bob", by="alice")
    _, did = _record(ledger, assessment, "alice")
    from redline.ledger.keys import revoke_key

    revoke_key(ledger, "alice", bob)
    with pytest.raises(LedgerError, match="revoked"):
        attest_decision(ledger, did, alice)
