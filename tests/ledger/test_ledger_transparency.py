"""Attacks on the ledger as a transparency log, each caught with a clear message and
its own exit code: rollback, fork, rewritten history, roster violations, evidence
missing versus altered; and the proofs and checkpoints behind those checks."""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from ledger_support import Assessment
from typer.testing import CliRunner

from redline.cli import app
from redline.ledger import merkle
from redline.ledger.chain import EntryKind, canonical_text, entry_hash, now
from redline.ledger.keys import Keyring
from redline.ledger.record import record_assessment
from redline.ledger.store import open_ledger
from redline.ledger.transparency import unb64
from redline.ledger.tree import entry_leaf, new_nodes

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (args, result.exit_code, result.output, result.stderr)
    assert "Traceback" not in result.output
    return result.stdout if code == 0 else result.stderr


@pytest.fixture
def recorded(assessment: Assessment, isolated: Path) -> str:
    run("keys", "create", "alice")
    run("keys", "create", "bob", "--by", "alice")
    run("keys", "create", "carol", "--by", "alice")
    run("keys", "export", "alice", "--out", str(isolated / "alice.pem"))
    Keyring().create("witness1")
    Keyring().create("witness2")
    for w in ("witness1", "witness2"):
        run("keys", "export", w, "--out", str(isolated / f"{w}.pem"))
    with open_ledger() as lg:
        _, did = record_assessment(
            lg, assessment.framework, assessment.results, assessment.decision, assessment.logs,
            "alice",
        )  # fmt: skip
    return did


def _db(isolated: Path) -> Path:
    return isolated / "ws" / "ledger.db"


def _checkpoint(isolated: Path, name: str) -> Path:
    path = isolated / name
    run("checkpoint", "--key", "alice", "--out", str(path))
    return path


def _cosign(isolated: Path, cp: Path, witness: str, *extra: str, code: int = 0) -> str:
    return run("witness", "cosign", str(cp), "--key", witness, "--log-key",
               str(isolated / "alice.pem"), "--state", str(isolated / f"state-{witness}"),
               "--out", str(cp.with_suffix(f".{witness}")), *extra, code=code)  # fmt: skip


def test_checkpoint_and_proofs_verify_offline(recorded: str, isolated: Path) -> None:
    cp = _checkpoint(isolated, "cp.txt")
    text = cp.read_text()
    lines = text.splitlines()
    assert lines[0].startswith("redline.ledger/") and lines[1] == "6" and lines[3] == ""
    assert lines[4].startswith("\u2014 " + lines[0] + " ")
    bundle = isolated / "incl.json"
    run("proof", "inclusion", recorded[:12], "--out", str(bundle))
    out = run("verify-inclusion", str(bundle), "--checkpoint", str(cp),
              "--log-key", str(isolated / "alice.pem"))  # fmt: skip
    assert out.startswith("valid: entry 6 (decision_made")
    doc = json.loads(bundle.read_text())
    doc["entry"]["payload"]["verdicts"] = []
    bundle.write_text(json.dumps(doc))
    assert "do not hash to its hash" in run(
        "verify-inclusion", str(bundle), "--checkpoint", str(cp),
        "--log-key", str(isolated / "alice.pem"), code=1,
    )  # fmt: skip
    c = json.loads(run("proof", "consistency", "2", "6"))
    merkle.verify_consistency(2, 6, unb64(c["old_root"], "r"), unb64(c["new_root"], "r"),
                              [unb64(p, "p") for p in c["proof"]])  # fmt: skip
    report = json.loads(run("verify", "--checkpoint", str(cp), "--json"))
    assert report["status"] == "intact" and report["tree"]["size"] == 6


def test_rollback_after_a_cosigned_checkpoint(recorded: str, isolated: Path) -> None:
    backup = isolated / "backup.db"
    shutil.copy(_db(isolated), backup)  # the operator keeps an earlier copy
    run("sign", recorded, "--role", "rso", "--key", "alice")
    cp = _checkpoint(isolated, "cp7.txt")
    _cosign(isolated, cp, "witness1")
    cosigned = cp.with_suffix(".witness1")
    run("checkpoint", "--add", str(cosigned))
    witness = f"witness1={isolated / 'witness1.pem'}"
    run("verify", "--checkpoint", str(cosigned), "--witness", witness)

    _db(isolated).unlink()
    shutil.copy(backup, _db(isolated))  # ... and puts it back
    err = run("verify", "--checkpoint", str(cosigned), "--witness", witness, code=5)
    assert "ROLLBACK: " in err and "shows 7 entries, the ledger now has 6" in err
    old = _checkpoint(isolated, "cp6.txt")
    assert "ROLLBACK" in _cosign(isolated, old, "witness1", code=5)


def test_a_fork_shown_to_two_witnesses_is_caught(recorded: str, isolated: Path) -> None:
    base = _checkpoint(isolated, "cp6.txt")
    for w in ("witness1", "witness2"):
        _cosign(isolated, base, w)
    fork = isolated / "fork.db"
    shutil.copy(_db(isolated), fork)
    run("sign", recorded, "--role", "rso", "--key", "alice")  # view A
    cp_a = _checkpoint(isolated, "a.txt")
    proof_a = isolated / "pa.json"
    run("proof", "consistency", "6", "7", "--out", str(proof_a))
    _db(isolated).unlink()
    shutil.copy(fork, _db(isolated))
    run("sign", recorded, "--role", "rso", "--key", "bob")  # view B, same size
    cp_b = _checkpoint(isolated, "b.txt")
    proof_b = isolated / "pb.json"
    run("proof", "consistency", "6", "7", "--out", str(proof_b))

    _cosign(isolated, cp_a, "witness1", "--proof", str(proof_a))
    _cosign(isolated, cp_b, "witness2", "--proof", str(proof_b))
    # Each witness, shown the other view, refuses: it contradicts what it cosigned.
    assert "FORK" in _cosign(isolated, cp_b, "witness1", "--proof", str(proof_b), code=5)
    assert "FORK" in _cosign(isolated, cp_a, "witness2", "--proof", str(proof_a), code=5)
    # Anyone holding witness1's cosigned view sees that this database is another one.
    err = run("verify", "--checkpoint", str(cp_a.with_suffix(".witness1")), code=5)
    assert "FORK: the ledger's first 7 entries have root" in err


Row = tuple[str, str, str, str, dict[str, object]]  # time, kind, actor, key_id, payload


def _rebuild(isolated: Path, mutate: Callable[[list[Row]], list[Row]]) -> None:
    """What an operator with the database and every key can do: rewrite the entries
    (edit, delete, reorder, insert) and re-number, re-chain, re-sign and re-tree them
    all, consistently."""
    from redline.ledger.chain import Entry

    kr = Keyring()
    con = sqlite3.connect(_db(isolated))
    for t in ("ledger_entries_no_update", "ledger_entries_no_delete"):
        con.execute(f"DROP TRIGGER {t}")
    rows = con.execute(
        "SELECT time, kind, actor, key_id, payload FROM ledger_entries ORDER BY seq"
    ).fetchall()
    times = [r[0] for r in rows]
    new = mutate([(t, k, a, kid, json.loads(p)) for t, k, a, kid, p in rows])
    times = sorted(times + [times[-1]] * max(0, len(new) - len(times)))[: len(new)]
    con.execute("DELETE FROM ledger_entries")
    con.execute("DELETE FROM ledger_tree_nodes")
    prev, made = "0" * 64, []
    for seq, ((_, kind, actor, key_id, data), t) in enumerate(zip(new, times, strict=True), 1):
        text = canonical_text(data)
        h = entry_hash(seq=seq, time=t, kind=kind, actor=actor, key_id=key_id, payload=text,
                       prev_hash=prev)  # fmt: skip
        sig = kr.load(actor).sign(bytes.fromhex(h)).hex()
        made.append(Entry(seq, t, kind, actor, key_id, text, prev, h, sig))
        con.execute("INSERT INTO ledger_entries VALUES (?,?,?,?,?,?,?,?,?)",
                    (seq, t, kind, actor, key_id, text, prev, h, sig))  # fmt: skip
        prev = h
    for r in new_nodes(0, [entry_leaf(e) for e in made], None):
        con.execute("INSERT INTO ledger_tree_nodes VALUES (?,?,?)",
                    (r["level"], r["idx"], r["hash"]))  # fmt: skip
    con.commit()
    con.close()


def _edit(rows: list[Row]) -> list[Row]:
    t, k, a, kid, d = rows[4]
    return [*rows[:4], (t, k, a, kid, {**d, "note": "rewritten"}), *rows[5:]]


def _insert(rows: list[Row]) -> list[Row]:
    alice = rows[0]
    comment = (alice[0], "review_comment", "alice", alice[3], {"subject": "0" * 64, "text": "x"})
    return [*rows[:4], comment, *rows[4:]]


REWRITES: dict[str, Callable[[list[Row]], list[Row]]] = {
    "edited": _edit,
    "deleted": lambda rows: [*rows[:3], *rows[4:]],  # the framework entry
    "reordered": lambda rows: [rows[0], rows[2], rows[1], *rows[3:]],
    "inserted": _insert,
    "truncated": lambda rows: rows[:5],
}


@pytest.mark.parametrize("how", sorted(REWRITES))
def test_a_consistent_rewrite_passes_the_chain_but_not_a_checkpoint(
    recorded: str, isolated: Path, how: str
) -> None:
    cp = _checkpoint(isolated, "cp.txt")
    _cosign(isolated, cp, "witness1")
    _rebuild(isolated, REWRITES[how])
    run("verify", "--skip-evidence")  # every hash, link and signature holds
    err = run("verify", "--skip-evidence", "--checkpoint", str(cp.with_suffix(".witness1")),
              code=5)  # fmt: skip
    assert ("ROLLBACK" if how in ("deleted", "truncated") else "FORK") in err


def test_stored_tree_nodes_that_lie_are_caught(recorded: str, isolated: Path) -> None:
    con = sqlite3.connect(_db(isolated))
    con.execute("UPDATE ledger_tree_nodes SET hash = ? WHERE level = 0 AND idx = 2", ("0" * 64,))
    con.commit()
    con.close()
    assert "stored Merkle tree does not match" in run("verify", code=1)


def test_roster_binds_roles_to_keys(recorded: str, isolated: Path) -> None:
    # Before a roster any registered key may sign; the admin (entry 1's key) writes it.
    assert "first roster must be signed" in run(
        "roster", "set", "--bind", "rso=alice", "--authority", "rso", "--key", "bob", code=1
    )
    run("roster", "set", "--bind", "rso=alice", "--bind", "safety-board=bob",
        "--bind", "board=bob", "--authority", "board", "--key", "alice")  # fmt: skip
    assert "not in the roster for role 'rso'" in run(
        "sign", recorded, "--role", "rso", "--key", "carol", code=1
    )
    run("sign", recorded, "--role", "rso", "--key", "alice")
    # A roster change by a key that holds no authority role is refused.
    assert "holds none of the authority roles (board)" in run(
        "roster", "set", "--bind", "rso=carol", "--authority", "rso", "--key", "alice", code=1
    )
    # Rotation by the authority: carol becomes the safety board; bob no longer is.
    run("roster", "set", "--bind", "rso=alice", "--bind", "safety-board=carol",
        "--bind", "board=bob", "--authority", "board", "--key", "bob")  # fmt: skip
    assert "not in the roster" in run(
        "sign", recorded, "--role", "safety-board", "--key", "bob", code=1
    )
    run("sign", recorded, "--role", "safety-board", "--key", "carol")
    shown = json.loads(run("roster", "show", "--json"))
    assert shown["authority"] == ["board"] and len(shown["roles"]["safety-board"]) == 1
    run("verify")


def test_verify_reports_a_forged_sign_off_outside_the_roster(recorded: str, isolated: Path) -> None:
    run("roster", "set", "--bind", "rso=alice", "--bind", "safety-board=bob",
        "--authority", "safety-board", "--key", "alice")  # fmt: skip
    # carol's sign-off written straight into the database (the append path refuses it).
    carol = Keyring().load("carol")
    con = sqlite3.connect(_db(isolated))
    seq, prev, t = con.execute("SELECT seq, hash, time FROM ledger_entries ORDER BY seq DESC "
                               "LIMIT 1").fetchone()  # fmt: skip
    payload = canonical_text({"decision": recorded, "decision_seq": 6, "role": "rso",
                              "signer": "carol", "dissent": None})  # fmt: skip
    t2 = max(now(), t)
    h = entry_hash(seq=seq + 1, time=t2, kind="sign_off", actor="carol", key_id=carol.key_id,
                   payload=payload, prev_hash=prev)  # fmt: skip
    con.execute("INSERT INTO ledger_entries VALUES (?,?,?,?,?,?,?,?,?)",
                (seq + 1, t2, "sign_off", "carol", carol.key_id, payload, prev, h,
                 carol.sign(bytes.fromhex(h)).hex()))  # fmt: skip
    con.commit()
    con.close()
    err = run("verify", code=1)
    assert f"ledger BROKEN at entry {seq + 1}: key 'carol'" in err and "not in the roster" in err


def test_a_revoked_key_cannot_sign(recorded: str) -> None:
    run("keys", "revoke", "bob", "--by", "alice")
    assert "revoked" in run("sign", recorded, "--role", "rso", "--key", "bob", code=1)


def test_evidence_is_found_from_the_ledger_not_the_directory(
    recorded: str, isolated: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("REDLINE_HOME")
    monkeypatch.setenv("REDLINE_DATABASE_URL", f"sqlite:///{_db(isolated)}")
    assert "ledger intact: 6 entries" in run("verify")
    # Evidence absent on this machine is not tampering: its own exit code, 4.
    moved = tmp_path / "moved"
    shutil.move(isolated / "ws" / "evidence", moved)
    err = run("verify", code=4)
    assert "evidence UNAVAILABLE here" in err and "not tampering" in err
    monkeypatch.setenv("REDLINE_EVIDENCE_DIR", str(moved))
    run("verify")
    # Evidence changed is: exit 3.
    victim = next(p for p in (moved / "sha256").rglob("*") if p.is_file())
    victim.chmod(0o644)
    victim.write_bytes(b"changed")
    assert "evidence ALTERED at entry" in run("verify", code=3)


def test_a_published_decision_verifies_offline_from_the_site(
    recorded: str, isolated: Path, assessment: Assessment
) -> None:
    from redline.publish.transparency import write_transparency

    (assessment.results.parent / "ledger.json").write_text(json.dumps({"decision_id": recorded}))
    cp = _checkpoint(isolated, "cp.txt")
    _cosign(isolated, cp, "witness1")
    run("checkpoint", "--add", str(cp.with_suffix(".witness1")))
    site = isolated / "site"

    def write(rel: str, text: str) -> None:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text)

    assert write_transparency(write, [assessment.results.parent]) == []
    witness = f"witness1={isolated / 'witness1.pem'}"
    out = run("verify-published", str(site), recorded[:12], "--log-key",
              str(isolated / "alice.pem"), "--witness", witness)  # fmt: skip
    assert "valid: entry 6 (decision_made" in out and "cosigned by: witness1" in out
    # A site whose checkpoint lacks that witness's cosignature does not verify.
    (site / "ledger" / "checkpoint.txt").write_text(cp.read_text())
    assert "no cosignature of witness witness1" in run(
        "verify-published", str(site), recorded[:12], "--log-key",
        str(isolated / "alice.pem"), "--witness", witness, code=1,
    )  # fmt: skip


def test_keys_at_rest_are_encrypted_with_a_passphrase(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import redline.ledger.keys as keys_module

    monkeypatch.setenv("REDLINE_KEY_PASSPHRASE", "correct horse")
    run("keys", "create", "alice")
    path = Keyring().path("alice")
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o600
    run("keys", "export", "alice")
    monkeypatch.setenv("REDLINE_KEY_PASSPHRASE", "wrong")
    assert "wrong passphrase" in run("keys", "export", "alice", code=1)
    monkeypatch.delenv("REDLINE_KEY_PASSPHRASE")
    assert "is encrypted: set REDLINE_KEY_PASSPHRASE" in run("keys", "export", "alice", code=1)
    # CI: the passphrase comes down a file descriptor (a pipe), read once.
    r, w = os.pipe()
    os.write(w, b"correct horse\n")
    os.close(w)
    monkeypatch.setenv("REDLINE_KEY_PASSPHRASE_FD", str(r))
    monkeypatch.setattr(keys_module, "_fd_passphrase", None)
    run("keys", "export", "alice")
    run("keys", "export", "alice")
    os.close(r)
    path.chmod(0o640)
    assert "readable or writable by other users" in run("keys", "export", "alice", code=1)


def test_an_attestation_carries_its_inclusion_proof(recorded: str, isolated: Path) -> None:
    cp = _checkpoint(isolated, "cp.txt")
    _cosign(isolated, cp, "witness1")
    run("checkpoint", "--add", str(cp.with_suffix(".witness1")))
    att = isolated / "att.json"
    run("attest", recorded, "--key", "alice", "--out", str(att))
    statement = json.loads(base64.b64decode(json.loads(att.read_text())["payload"]))
    assert all(not s["name"].startswith("/") for s in statement["subject"])
    out = run("verify-attestation", str(att), "--key", str(isolated / "alice.pem"),
              "--log-key", str(isolated / "alice.pem"),
              "--witness", f"witness1={isolated / 'witness1.pem'}")  # fmt: skip
    assert "inclusion proof verifies" in out
    assert "no cosignature of witness witness2" in run(
        "verify-attestation", str(att), "--key", str(isolated / "alice.pem"),
        "--log-key", str(isolated / "alice.pem"),
        "--witness", f"witness2={isolated / 'witness2.pem'}", code=1,
    )  # fmt: skip


def test_tree_checkpoints_and_roster_on_postgresql(pg_url: str, isolated: Path) -> None:
    from redline.ledger.keys import create_key
    from redline.ledger.roster import set_roster
    from redline.ledger.store import Pending
    from redline.ledger.transparency import (
        Trust,
        check_checkpoint,
        inclusion_bundle,
        make_checkpoint,
        open_checkpoint,
        verify_inclusion_bundle,
    )
    from redline.ledger.verify import verify_ledger

    with open_ledger(isolated / "ws", pg_url) as lg:
        admin, _ = create_key(lg, "admin")
        other, _ = create_key(lg, "other", by="admin")
        payloads = [{"subject": f"{i:064x}", "text": f"c{i}"} for i in range(37)]
        lg.append_many([Pending(EntryKind.REVIEW_COMMENT, p) for p in payloads], admin)
        set_roster(lg, {"rso": ["other"]}, ["rso"], admin)
        text = make_checkpoint(lg, admin)
        lg.append_many([Pending(EntryKind.REVIEW_COMMENT, p) for p in payloads[:5]], other)
        report = verify_ledger(lg)
        assert report.ok and report.roster is not None, report.problem
        assert check_checkpoint(lg, text, Trust(log=admin.public)).current_size == 45
        cp = open_checkpoint(text, Trust(log=admin.public))
        assert verify_inclusion_bundle(inclusion_bundle(lg, 17, cp.size), cp).seq == 17


def test_migration_0003_backfills_the_tree_of_an_existing_ledger(
    recorded: str, isolated: Path
) -> None:
    from redline.ledger.verify import verify_ledger

    with open_ledger() as lg:
        before = verify_ledger(lg).root_hash
    con = sqlite3.connect(_db(isolated))
    con.execute("DROP TABLE ledger_tree_nodes")
    con.execute("DROP TABLE ledger_checkpoints")
    con.execute("UPDATE alembic_version SET version_num = '0002'")
    con.commit()
    con.close()
    with open_ledger() as lg:  # upgrades to 0003, computing the tree from the entries
        report = verify_ledger(lg)
        assert report.ok and report.root_hash == before
        with lg.tree() as (size, tree):
            assert size == 6 and tree.root(size).hex() == before


def test_every_transparency_command_has_help() -> None:
    for cmd in (["checkpoint"], ["proof"], ["proof", "inclusion"], ["proof", "consistency"],
                ["witness"], ["witness", "cosign"], ["roster"], ["roster", "set"],
                ["roster", "show"], ["verify-inclusion"], ["verify-published"]):  # fmt: skip
        assert "Usage:" in run(*cmd, "--help")


def test_recording_cosignatures_merges_them(recorded: str, isolated: Path) -> None:
    from redline.ledger.note import parse_note

    cp = _checkpoint(isolated, "cp.txt")
    for w in ("witness1", "witness2"):
        _cosign(isolated, cp, w)
        merged = run("checkpoint", "--add", str(cp.with_suffix(f".{w}")))
    assert len(parse_note(merged).signatures) == 3
    run("verify", "--checkpoint", str(cp), "--log-key", str(isolated / "alice.pem"))
    both = isolated / "both.txt"
    both.write_text(merged)
    run("verify", "--checkpoint", str(both),
        "--witness", f"witness1={isolated / 'witness1.pem'}",
        "--witness", f"witness2={isolated / 'witness2.pem'}")  # fmt: skip
    lines = merged.splitlines(keepends=True)
    w1 = next(i for i, line in enumerate(lines) if line.startswith("\u2014 witness1 "))
    blob = bytearray(base64.b64decode(lines[w1].split(" ")[2]))
    blob[-1] ^= 1  # one bit of the Ed25519 signature
    lines[w1] = f"\u2014 witness1 {base64.b64encode(bytes(blob)).decode()}\n"
    bad = isolated / "bad.txt"
    bad.write_text("".join(lines))
    assert "cosignature of witness witness1 does not verify" in run(
        "verify",
        "--checkpoint",
        str(bad),
        "--witness",
        f"witness1={isolated / 'witness1.pem'}",
        code=1,
    )
    # A cosignature checked with the wrong key for that witness name is not found.
    assert "no cosignature of witness witness1" in run(
        "verify",
        "--checkpoint",
        str(both),
        "--witness",
        f"witness1={isolated / 'witness2.pem'}",
        code=1,
    )
