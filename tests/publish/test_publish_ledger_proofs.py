"""Done means: a decision published on the static site verifies offline, from its
inclusion proof and the site's cosigned checkpoint, with one documented command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from publish_support import make_assessment, write_framework
from typer.testing import CliRunner

from redline.cli import app
from redline.decide.model import Decision
from redline.ledger.keys import Keyring, create_key, public_pem
from redline.ledger.record import record_assessment
from redline.ledger.store import open_ledger
from redline.publish.site import build_site

runner = CliRunner()


def test_published_decision_verifies_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inspect_log: Path
) -> None:
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path / "ws"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("REDLINE_DATABASE_URL", raising=False)
    fw = write_framework(tmp_path / "fw.yaml", version="1.0", date="2026-01-05")
    adir = make_assessment(tmp_path / "a1", fw, log=inspect_log)
    decision = Decision.model_validate_json((adir / "decision.json").read_text())
    kr = Keyring()
    with open_ledger() as lg:
        create_key(lg, "lab", keyring=kr)
        _, did = record_assessment(lg, fw, adir / "results.json", decision, None, "lab")
    (adir / "ledger.json").write_text(json.dumps({"decision_id": did}))
    (tmp_path / "log.pem").write_text(public_pem(kr.load("lab").public))
    witness = kr.create("aisi")
    (tmp_path / "aisi.pem").write_text(public_pem(witness.public))

    def cli(*args: str, code: int = 0) -> str:
        r = runner.invoke(app, list(args))
        assert r.exit_code == code, (args, r.output, r.stderr)
        return r.stdout if code == 0 else r.stderr

    cp = tmp_path / "cp.txt"
    cli("checkpoint", "--key", "lab", "--out", str(cp))
    cli("witness", "cosign", str(cp), "--key", "aisi", "--name", "aisi.example",
        "--log-key", str(tmp_path / "log.pem"), "--state", str(tmp_path / "w"),
        "--out", str(tmp_path / "cosigned.txt"))  # fmt: skip
    cli("checkpoint", "--add", str(tmp_path / "cosigned.txt"))

    result = build_site([fw], tmp_path / "site", assessment_dirs=[adir], registry=False)
    assert f"ledger/proofs/{did}.json" in result.pages and "ledger/checkpoint.txt" in result.pages
    witness_opt = f"aisi.example={tmp_path / 'aisi.pem'}"
    out = cli("verify-published", str(tmp_path / "site"), did[:10],
              "--log-key", str(tmp_path / "log.pem"), "--witness", witness_opt)  # fmt: skip
    assert out.startswith("valid: entry ") and "(decision_made" in out
    # An altered published decision does not verify.
    proof = tmp_path / "site" / "ledger" / "proofs" / f"{did}.json"
    doc = json.loads(proof.read_text())
    doc["entry"]["payload"]["verdicts"][0]["verdict"] = "allowed"
    proof.write_text(json.dumps(doc))
    assert "do not hash to its hash" in cli(
        "verify-published", str(tmp_path / "site"), did[:10],
        "--log-key", str(tmp_path / "log.pem"), "--witness", witness_opt, code=1,
    )  # fmt: skip
