"""Tampering: every after-the-fact change to a ledger of a few hundred entries is found,
and verification names the entry where it was made.

The ledger is built once; each case works on a copy, drops the append-only triggers
(as an administrator could), changes the rows directly, and runs the verifier.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ledger_support import make_assessment

from redline.ledger.chain import EntryKind, canonical_text, entry_hash
from redline.ledger.keys import Keyring, create_key, revoke_key
from redline.ledger.record import record_assessment
from redline.ledger.rules import key_id_of, public_raw
from redline.ledger.signoff import sign_decision
from redline.ledger.store import Pending, open_ledger
from redline.ledger.verify import VerifyReport, verify_ledger

COLUMNS = ["seq", "time", "kind", "actor", "key_id", "payload", "prev_hash", "hash", "signature"]
EXPECT = {
    "seq": "is missing",
    "time": "hash does not match",
    "kind": "hash does not match",
    "actor": "hash does not match",
    "key_id": "hash does not match",
    "payload": "hash does not match",
    "prev_hash": "prev_hash",
    "hash": "hash does not match",
    "signature": "signature does not verify",
}


@dataclass
class Base:
    workspace: Path
    config: Path
    n: int
    revoked_key: Path  # private key file of a key revoked in the ledger
    revoked_seq: int
    decision_seq: int
    sign_off_seq: int


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    root = tmp_path_factory.mktemp("tamper")
    ws, cfg = root / "ws", root / "config"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REDLINE_HOME", str(ws))
        mp.setenv("XDG_CONFIG_HOME", str(cfg))
        mp.delenv("REDLINE_DATABASE_URL", raising=False)
        with open_ledger() as lg:
            alice, _ = create_key(lg, "alice")
            bob, _ = create_key(lg, "bob", by="alice")
            carol, _ = create_key(lg, "carol", by="alice")
            lg.append_many(
                [Pending(EntryKind.REVIEW_COMMENT, {"text": f"c{i}"}) for i in range(40)], alice
            )
            a = make_assessment(root / "run")
            _, did = record_assessment(lg, a.framework, a.results, a.decision, a.logs, "bob")
            decision_seq = lg.by_hash_prefix(did)[0].seq
            so = sign_decision(lg, did, "rso", alice, dissent="noted")
            lg.append_many(
                [Pending(EntryKind.REVIEW_COMMENT, {"text": f"d{i}"}) for i in range(100)], carol
            )
            rev = revoke_key(lg, "carol", alice, reason="rotated")
            for i in range(4):
                signer = bob if i % 2 else alice
                lg.append_many(
                    [
                        Pending(EntryKind.REVIEW_COMMENT, {"text": f"e{i}.{j}", "x": [j, 0.5]})
                        for j in range(50)
                    ],
                    signer,
                )
            n = lg.count()
            assert verify_ledger(lg).ok
    yield Base(
        ws, cfg, n, Keyring(cfg / "redline" / "keys").path("carol"), rev.seq, decision_seq, so.seq
    )


def _copy(base: Base, dest: Path) -> Path:
    shutil.copytree(base.workspace, dest, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    db = dest / "ledger.db"
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER ledger_entries_no_update")
    con.execute("DROP TRIGGER ledger_entries_no_delete")
    con.commit()
    con.close()
    return db


def _verify(ws: Path) -> VerifyReport:
    with open_ledger(workspace=ws, url=f"sqlite:///{ws / 'ledger.db'}") as lg:
        return verify_ledger(lg)


def _row(con: sqlite3.Connection, seq: int) -> dict[str, object]:
    cur = con.execute(f"SELECT {', '.join(COLUMNS)} FROM ledger_entries WHERE seq = ?", (seq,))
    return dict(zip(COLUMNS, cur.fetchone(), strict=True))


def _flip(value: str, rng: random.Random) -> str:
    i = rng.randrange(len(value))
    c = value[i]
    if not c.isascii():
        return value[:i] + "?" + value[i + 1 :]
    return (
        value[:i]
        + chr(ord(c) ^ 1 if 32 <= (ord(c) ^ 1) < 127 else ord("a") if c != "a" else ord("b"))
        + value[i + 1 :]
    )


def _sampled(base: Base) -> list[int]:
    rng = random.Random(7)
    picks = {1, 2, base.decision_seq, base.sign_off_seq, base.revoked_seq, base.n}
    picks.update(rng.sample(range(3, base.n), 3))
    return sorted(picks)


def test_base_ledger_is_a_few_hundred_entries(base: Base) -> None:
    assert 300 <= base.n <= 400


@pytest.mark.parametrize("column", COLUMNS)
def test_flipping_a_byte_in_any_column_is_found_at_that_entry(
    base: Base, tmp_path: Path, column: str
) -> None:
    rng = random.Random(column)
    for seq in _sampled(base):
        ws = tmp_path / f"s{seq}"
        con = sqlite3.connect(_copy(base, ws))
        if column == "seq":
            con.execute("UPDATE ledger_entries SET seq = ? WHERE seq = ?", (seq ^ (1 << 20), seq))
        else:
            old = str(_row(con, seq)[column])
            con.execute(
                f"UPDATE ledger_entries SET {column} = ? WHERE seq = ?", (_flip(old, rng), seq)
            )
        con.commit()
        con.close()
        report = _verify(ws)
        assert not report.ok, (column, seq)
        assert report.problem is not None and report.problem.seq == seq, (
            column,
            seq,
            report.problem,
        )
        assert EXPECT[column] in report.problem.message, (column, seq, report.problem)


@pytest.mark.parametrize("where", ["first", "middle", "decision"])
def test_deleting_a_row_is_found(base: Base, tmp_path: Path, where: str) -> None:
    seq = {"first": 1, "middle": base.n // 2, "decision": base.decision_seq}[where]
    con = sqlite3.connect(_copy(base, tmp_path / "ws"))
    con.execute("DELETE FROM ledger_entries WHERE seq = ?", (seq,))
    con.commit()
    con.close()
    report = _verify(tmp_path / "ws")
    assert report.problem is not None and report.problem.seq == seq
    assert "missing" in report.problem.message


def test_truncating_the_tail_is_found_with_an_anchor(base: Base, tmp_path: Path) -> None:
    con = sqlite3.connect(_copy(base, tmp_path / "ws"))
    head = _row(con, base.n)
    con.execute("DELETE FROM ledger_entries WHERE seq > ?", (base.n - 5,))
    con.commit()
    con.close()
    ws = tmp_path / "ws"
    assert _verify(ws).ok  # the chain alone cannot tell: that is what anchoring is for
    with open_ledger(workspace=ws, url=f"sqlite:///{ws / 'ledger.db'}") as lg:
        report = verify_ledger(lg, anchors=[(base.n, str(head["hash"]))])
    assert report.problem is not None and report.problem.seq == base.n
    assert "truncated" in report.problem.message


@pytest.mark.parametrize("pair", [(10, 11), (5, 200), (2, 3)])
def test_swapping_two_rows_is_found_at_the_earlier(
    base: Base, tmp_path: Path, pair: tuple[int, int]
) -> None:
    i, j = pair
    con = sqlite3.connect(_copy(base, tmp_path / "ws"))
    # Reorder: the two entries exchange places in the sequence.
    con.execute("UPDATE ledger_entries SET seq = -1 WHERE seq = ?", (i,))
    con.execute("UPDATE ledger_entries SET seq = ? WHERE seq = ?", (i, j))
    con.execute("UPDATE ledger_entries SET seq = ? WHERE seq = -1", (j,))
    con.commit()
    con.close()
    report = _verify(tmp_path / "ws")
    assert report.problem is not None and report.problem.seq == i


def _rehash(con: sqlite3.Connection, start: int, n: int) -> None:
    """Recompute hashes and links from ``start`` on, as a forger without keys would."""
    prev = str(_row(con, start - 1)["hash"]) if start > 1 else "0" * 64
    for seq in range(start, n + 1):
        r = _row(con, seq)
        h = entry_hash(
            seq=seq, time=str(r["time"]), kind=str(r["kind"]), actor=str(r["actor"]),
            key_id=str(r["key_id"]), payload=str(r["payload"]), prev_hash=prev,
        )  # fmt: skip
        con.execute(
            "UPDATE ledger_entries SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, seq)
        )
        prev = h


@pytest.mark.parametrize("seq_of", ["decision", "comment", "sign_off"])
def test_replacing_a_payload_and_rehashing_without_the_key_is_found(
    base: Base, tmp_path: Path, seq_of: str
) -> None:
    seq = {"decision": base.decision_seq, "comment": 30, "sign_off": base.sign_off_seq}[seq_of]
    con = sqlite3.connect(_copy(base, tmp_path / "ws"))
    import json

    data = json.loads(str(_row(con, seq)["payload"]))
    if seq_of == "decision":
        for v in data["verdicts"]:
            v["verdict"] = "allowed"
    elif seq_of == "sign_off":
        data["dissent"] = None
    else:
        data["text"] = "something else"
    con.execute("UPDATE ledger_entries SET payload = ? WHERE seq = ?", (canonical_text(data), seq))
    _rehash(con, seq, base.n)  # even re-linking every later entry does not help
    con.commit()
    con.close()
    report = _verify(tmp_path / "ws")
    assert report.problem is not None and report.problem.seq == seq
    assert "signature does not verify" in report.problem.message


def _resign(
    con: sqlite3.Connection, seq: int, key: Ed25519PrivateKey, actor: str | None = None
) -> None:
    r = _row(con, seq)
    key_id = key_id_of(public_raw(key.public_key()))
    actor = actor or str(r["actor"])
    h = entry_hash(
        seq=seq, time=str(r["time"]), kind=str(r["kind"]), actor=actor, key_id=key_id,
        payload=str(r["payload"]), prev_hash=str(r["prev_hash"]),
    )  # fmt: skip
    con.execute(
        "UPDATE ledger_entries SET actor = ?, key_id = ?, hash = ?, signature = ? WHERE seq = ?",
        (actor, key_id, h, key.sign(bytes.fromhex(h)).hex(), seq),
    )


def test_resigning_with_an_unregistered_key_is_found(base: Base, tmp_path: Path) -> None:
    con = sqlite3.connect(_copy(base, tmp_path / "ws"))
    seq = base.decision_seq
    _resign(con, seq, Ed25519PrivateKey.generate())
    _rehash(con, seq + 1, base.n)
    con.commit()
    con.close()
    report = _verify(tmp_path / "ws")
    assert report.problem is not None and report.problem.seq == seq
    assert "not registered" in report.problem.message


def test_forging_the_bootstrap_with_another_key_is_found(base: Base, tmp_path: Path) -> None:
    con = sqlite3.connect(_copy(base, tmp_path / "ws"))
    _resign(con, 1, Ed25519PrivateKey.generate())
    con.commit()
    con.close()
    report = _verify(tmp_path / "ws")
    assert report.problem is not None and report.problem.seq == 1
    assert "bootstrap" in report.problem.message


def test_an_entry_signed_after_revocation_is_found(base: Base, tmp_path: Path) -> None:
    """The holder of a revoked key appends (bypassing redline) a well-formed entry."""
    con = sqlite3.connect(_copy(base, tmp_path / "ws"))
    carol = Keyring(base.config / "redline" / "keys").load("carol")
    head = _row(con, base.n)
    seq = base.n + 1
    payload = canonical_text({"text": "after revocation"})
    t = str(head["time"])
    h = entry_hash(seq=seq, time=t, kind="review_comment", actor="carol", key_id=carol.key_id,
                   payload=payload, prev_hash=str(head["hash"]))  # fmt: skip
    con.execute(
        f"INSERT INTO ledger_entries ({', '.join(COLUMNS)}) VALUES (?,?,?,?,?,?,?,?,?)",
        (seq, t, "review_comment", "carol", carol.key_id, payload, head["hash"], h,
         carol.sign(bytes.fromhex(h)).hex()),
    )  # fmt: skip
    con.commit()
    con.close()
    report = _verify(tmp_path / "ws")
    assert report.problem is not None and report.problem.seq == seq
    assert f"revoked at entry {base.revoked_seq}" in report.problem.message


def test_signing_under_another_actor_name_is_found(base: Base, tmp_path: Path) -> None:
    con = sqlite3.connect(_copy(base, tmp_path / "ws"))
    bob = Keyring(base.config / "redline" / "keys").load("bob")
    _resign(con, 30, bob.private, actor="alice")  # bob's key, claiming to be alice
    _rehash(con, 31, base.n)
    con.commit()
    con.close()
    report = _verify(tmp_path / "ws")
    assert report.problem is not None and report.problem.seq == 30
    assert "not the registered name" in report.problem.message


@pytest.mark.parametrize("how", ["edit", "delete"])
def test_changed_or_missing_evidence_is_found(base: Base, tmp_path: Path, how: str) -> None:
    _copy(base, tmp_path / "ws")
    files = sorted((tmp_path / "ws" / "evidence" / "sha256").rglob("*"))
    target = next(f for f in files if f.is_file())
    target.chmod(0o644)
    if how == "edit":
        target.write_bytes(target.read_bytes() + b" ")
    else:
        target.unlink()
    report = _verify(tmp_path / "ws")
    assert not report.ok
    window = range(base.decision_seq - 3, base.decision_seq + 1)
    if how == "edit":
        assert report.problem is not None and report.status == "evidence_altered"
        assert report.problem.seq in window
        assert "does not match" in report.problem.message
        assert target.name[:12] in report.problem.message
    else:  # absent is not altered: the chain verifies, the file is reported unavailable
        assert report.problem is None and report.status == "evidence_unavailable"
        seq, _name, digest = report.evidence_missing[0]
        assert seq in window and digest == target.name


def test_parallel_signature_checks_name_the_same_first_bad_entry(
    base: Base, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large ledgers check signatures in worker processes; the verdict must not change."""
    import redline.ledger.verify as verify_module

    monkeypatch.setattr(verify_module, "_POOL_THRESHOLD", 10)
    monkeypatch.setattr(verify_module, "_CHUNK", 16)
    ws = tmp_path / "ws"
    con = sqlite3.connect(_copy(base, ws))
    sig = str(_row(con, 150)["signature"])
    con.execute("UPDATE ledger_entries SET signature = ? WHERE seq = 150", ("00" + sig[2:],))
    con.commit()
    with open_ledger(workspace=ws, url=f"sqlite:///{ws / 'ledger.db'}") as lg:
        assert verify_ledger(lg, workers=2).problem == verify_ledger(lg, workers=1).problem
        report = verify_ledger(lg, workers=2)
    assert report.problem is not None and report.problem.seq == 150
    assert "signature does not verify" in report.problem.message
    # A problem the main process finds earlier than a bad signature wins, and later loses.
    for seq, expected in ((100, 100), (200, 150)):
        con.execute("UPDATE ledger_entries SET actor = 'x' || actor WHERE seq = ?", (seq,))
        con.commit()
        with open_ledger(workspace=ws, url=f"sqlite:///{ws / 'ledger.db'}") as lg:
            report = verify_ledger(lg, workers=2)
        assert report.problem is not None and report.problem.seq == expected
        con.execute("UPDATE ledger_entries SET actor = substr(actor, 2) WHERE seq = ?", (seq,))
        con.commit()
    con.close()
