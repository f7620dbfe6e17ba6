"""The ledger's commands end to end: output, --json, exit codes, one-line errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from ledger_support import Assessment
from typer.testing import CliRunner

from redline.cli import app
from redline.ledger.record import record_assessment
from redline.ledger.store import open_ledger

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (args, result.output, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stdout


def fail(*args: str) -> str:
    """A command that must fail with one clear line on stderr and exit 1."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, (args, result.output)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines and lines[0].startswith("error: "), result.stderr
    return result.stderr


@pytest.fixture
def recorded(assessment: Assessment) -> str:
    run("keys", "create", "alice")
    run("keys", "create", "bob", "--by", "alice")
    with open_ledger() as lg:
        _, did = record_assessment(
            lg, assessment.framework, assessment.results, assessment.decision, assessment.logs,
            "alice",
        )  # fmt: skip
    return did


def test_every_command_has_help() -> None:
    for cmd in (
        ["keys"], ["keys", "create"], ["keys", "register"], ["keys", "list"], ["keys", "revoke"],
        ["keys", "export"], ["sign"], ["status"], ["verify"], ["attest"],
        ["verify-attestation"], ["log"],
    ):  # fmt: skip
        assert "Usage:" in run(*cmd, "--help")


def test_keys_commands(isolated: Path) -> None:
    out = run("keys", "create", "alice")
    assert "registered in the ledger at entry 1" in out and "bootstrap" in out
    created = json.loads(run("keys", "create", "bob", "--by", "alice", "--json"))
    assert created["registered_seq"] == 2
    assert Path(created["path"]) == isolated / "config" / "redline" / "keys" / "bob.key"
    rows = json.loads(run("keys", "list", "--json"))
    assert [(r["name"], r["status"], r["local"]) for r in rows] == [
        ("alice", "active", True),
        ("bob", "active", True),
    ]
    pem = run("keys", "export", "alice")
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    run("keys", "export", "alice", "--out", str(isolated / "alice.pem"))
    assert (isolated / "alice.pem").read_text() == pem
    assert "revoked alice" in run("keys", "revoke", "alice", "--by", "bob", "--reason", "rotation")
    assert "revoked" in run("keys", "list")
    assert "refusing to overwrite" in fail("keys", "create", "bob")
    assert "no key named 'carol'" in fail("keys", "export", "carol")


def test_unregistered_key_is_created_with_a_note_and_admitted_later(isolated: Path) -> None:
    run("keys", "create", "alice")
    result = runner.invoke(app, ["keys", "create", "dave"])
    assert result.exit_code == 0 and "must admit it" in result.stderr
    run("keys", "export", "dave", "--out", str(isolated / "dave.pem"))
    out = run(
        "keys", "register", "dave", "--public-key", str(isolated / "dave.pem"), "--by", "alice"
    )
    assert "registered dave at entry 2, signed by alice" in out
    run("keys", "create", "erin")
    # After the bootstrap a key cannot admit itself.
    assert "not registered" in fail("keys", "register", "erin")


def test_sign_status_verify_attest(recorded: str, isolated: Path, assessment: Assessment) -> None:
    did = recorded[:8]
    st = json.loads(run("status", did, "--json"))
    assert st["final"] is False and st["missing_roles"] == ["rso", "safety-board"]
    assert "not final" in run("status", did)

    err = fail("sign", did, "--role", "ceo", "--key", "alice")
    assert "does not need role 'ceo'; it needs: rso, safety-board" in err
    assert "waiting for safety-board" in run("sign", did, "--role", "rso", "--key", "alice")
    out = json.loads(
        run(
            "sign",
            did,
            "--role",
            "safety-board",
            "--key",
            "bob",
            "--dissent",
            "Too close.",
            "--json",
        )
    )
    assert out["status"]["final"] is True
    human = run("status", did)
    assert "final" in human and "dissent: Too close." in human

    report = json.loads(run("verify", "--json"))
    assert report["ok"] is True and report["problem"] is None and report["entries"] == 7
    assert "ledger intact: 7 entries" in run("verify")
    head = report["head"]
    run("verify", "--anchor", f"{head['seq']}:{head['hash']}")
    assert "expects SEQ:HASH" in fail("verify", "--anchor", "nonsense")

    log = run("log")
    assert f"decision {recorded[:12]}" in log and "sign_off" in log
    assert len(json.loads(run("log", "--kind", "sign_off", "--json"))) == 2

    att = isolated / "attestation.json"
    run("attest", did, "--key", "alice", "--out", str(att))
    run("keys", "export", "alice", "--out", str(isolated / "alice.pem"))
    run("keys", "export", "bob", "--out", str(isolated / "bob.pem"))
    out = run(
        "verify-attestation", str(att), "--key", str(isolated / "alice.pem"),
        "--artifact", str(assessment.framework), "--artifact", str(assessment.logs[0]),
    )  # fmt: skip
    assert out.startswith("valid: signed by key") and "final: yes" in out
    data = json.loads(
        run("verify-attestation", str(att), "--key", str(isolated / "alice.pem"), "--json")
    )
    assert data["statement"]["predicate"]["decision_id"] == recorded
    assert "no signature" in fail(
        "verify-attestation", str(att), "--key", str(isolated / "bob.pem")
    )
    assert "not a subject" in fail(
        "verify-attestation", str(att), "--key", str(isolated / "alice.pem"), "--artifact", str(att)
    )


def test_verify_names_the_first_bad_entry(recorded: str, isolated: Path) -> None:
    con = sqlite3.connect(isolated / "ws" / "ledger.db")
    con.execute("DROP TRIGGER ledger_entries_no_update")
    con.execute("UPDATE ledger_entries SET actor = 'mallory' WHERE seq = 3")
    con.commit()
    con.close()
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 1
    assert "ledger BROKEN at entry 3: hash does not match" in result.stderr
    report = json.loads(runner.invoke(app, ["verify", "--json"]).stdout)
    assert report["ok"] is False and report["problem"]["seq"] == 3 and report["entries"] == 2


def test_errors_are_one_line_and_nothing_is_created(isolated: Path) -> None:
    assert "no ledger at" in fail("verify")
    assert "no ledger at" in fail("status", "abcdef")
    assert not (isolated / "ws").exists()
    run("keys", "create", "alice")
    assert "not a decision id" in fail("status", "zz")
    assert "no decision" in fail("sign", "abcdef12", "--role", "rso", "--key", "alice")
    assert "no key named" in fail("sign", "abcdef12", "--role", "rso", "--key", "nobody")
    assert "not a PEM public key" in fail("verify-attestation", __file__, "--key", __file__)
    assert "unknown kind" in fail("log", "--kind", "nope")
    assert not list(isolated.glob("*.tmp"))


def test_the_installed_command_runs(isolated: Path) -> None:
    """The console script, as a user runs it: exit codes survive the process boundary."""
    exe = Path(sys.executable).with_name("redline")
    done = subprocess.run([str(exe), "verify"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.startswith("error: no ledger at")
    assert "Traceback" not in done.stderr
