"""redline diff from the command line: materiality, the disclosure check, audiences,
exit codes and located errors for a bad changelog."""

from __future__ import annotations

import json
from pathlib import Path

from test_diff_rules import BASE, _doc, _fw, drop_monitoring_requirement, raise_bio_alert
from typer.testing import CliRunner

from redline.cli import app
from redline.decide.materiality import materiality
from redline.framework.diff import diff

runner = CliRunner()


def _write(tmp: Path, name: str, doc: dict) -> Path:
    path = tmp / name
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")  # JSON is YAML
    return path


def _pair(tmp: Path, *mutations) -> tuple[Path, Path]:
    new = _doc()
    for m in mutations:
        m(new)
    _fw(new)  # still a valid framework
    return _write(tmp, "old.yaml", _doc()), _write(tmp, "new.yaml", new)


def test_a_dropped_requirement_changes_a_self_test_verdict() -> None:
    doc = _doc()
    for lv in ("bio-high", "chem-high"):
        level = next(x for d in doc["domains"] for x in d["levels"] if x["id"] == lv)
        level["requires"]["external_deployment"] = ["weights-security-l2"]
    new = _fw(doc)
    changes = diff(BASE, new)
    mat = materiality(BASE, new, changes)
    assert mat.scenarios == len(BASE.tests)
    assert mat.shifts, "no self-test of the example decides differently"
    shown = [changes[i] for i in mat.shown]
    assert any(c.rule == "requirement-removed" for c in shown)


def test_json_output_and_fail_on_weakening(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, drop_monitoring_requirement)
    r = runner.invoke(app, ["diff", str(old), str(new), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["counts"]["weakening"] >= 1
    assert {c["rule"] for c in doc["changes"]} >= {"requirement-removed"}
    r = runner.invoke(app, ["diff", str(old), str(new), "--fail-on-weakening"])
    assert r.exit_code == 3


def test_undisclosed_material_change_and_claim_not_found(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, drop_monitoring_requirement, raise_bio_alert)
    log = tmp_path / "changelog.yaml"
    log.write_text(
        "changelog:\n  from: '1.0'\n  to: '1.1'\n  claims:\n"
        "    - elements: [bio-alert]\n      quote: We recalibrated the biology alert.\n"
        "    - elements: [no-such-thing]\n      quote: We strengthened something else.\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["diff", str(old), str(new), "--json", "--changelog", str(log)])
    assert r.exit_code == 3, r.output
    doc = json.loads(r.stdout)
    by_rule = {c["rule"]: c for c in doc["changes"]}
    assert by_rule["threshold-moved"]["disclosure"] == "disclosed"
    assert by_rule["requirement-removed"]["disclosure"] == "undisclosed"
    assert doc["undisclosed"] >= 1
    assert doc["claims_not_found"] == ["We strengthened something else."]


def test_public_view_withholds_threshold_values(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, raise_bio_alert)
    secret = str(round(BASE.level("bio-alert")[1].trigger.value + 0.05, 6))  # type: ignore[union-attr]
    public = runner.invoke(app, ["diff", str(old), str(new), "--json"])
    change = next(c for c in json.loads(public.stdout)["changes"] if c["rule"] == "threshold-moved")
    assert change["direction"] == "weakening"
    assert change["new"]["value"] == "[withheld]"
    assert secret not in change["summary"]
    trusted = runner.invoke(app, ["diff", str(old), str(new), "--json", "--audience", "trusted"])
    changes = json.loads(trusted.stdout)["changes"]
    change = next(c for c in changes if c["rule"] == "threshold-moved")
    assert secret in change["new"]["value"]


def test_bad_changelog_is_located_and_exits_1(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, raise_bio_alert)
    log = tmp_path / "bad.yaml"
    log.write_text("changelog:\n  from: '1.0'\n  to: '1.1'\n  claims:\n    - quote: x\n")
    r = runner.invoke(app, ["diff", str(old), str(new), "--changelog", str(log)])
    assert r.exit_code == 1
    assert f"{log}:5:" in r.output and "elements" in r.output
    assert "Traceback" not in r.output


def test_bad_audience_and_missing_file(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, raise_bio_alert)
    r = runner.invoke(app, ["diff", str(old), str(new), "--audience", "internal"])
    assert r.exit_code != 0
    r = runner.invoke(app, ["diff", str(old), str(tmp_path / "nope.yaml")])
    assert r.exit_code == 1 and "nope.yaml" in r.output


def test_registry_history_counts_each_step() -> None:
    r = runner.invoke(app, ["registry", "history", "openai", "--json"])
    assert r.exit_code == 0, r.output
    steps = json.loads(r.stdout)
    pf = [s for s in steps if s["framework"] == steps[0]["framework"]]
    assert pf[0]["from"] is None and pf[0]["counts"] == {}
    later = pf[1:]
    assert later, "the registry holds at least two encoded versions of OpenAI's framework"
    for s in later:
        assert set(s["counts"]) == {"weakening", "strengthening", "neutral"}
    r = runner.invoke(app, ["registry", "history", "no-such-org"])
    assert r.exit_code == 1
