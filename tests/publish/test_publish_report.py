"""`redline report`: one assessment in HTML, Markdown and JSON, for each audience."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from publish_support import (
    ITEM_MARK,
    OUTPUT_MARK,
    RATIONALE_SECRET,
    SAFEGUARD_SECRET,
    SECRET_VALUES,
    record,
    secret_forms,
)
from typer.testing import CliRunner

from redline.cli import app
from redline.publish.assessment import PublishError, load_assessment
from redline.publish.report import build_report, render_report
from redline.publish.site import build_site

runner = CliRunner()


def _no_secrets(text: str, where: str) -> None:
    for v in SECRET_VALUES:
        for form in secret_forms(v):
            assert form not in text, f"{form} in {where}"
    assert SAFEGUARD_SECRET.split()[0] not in text, where
    assert RATIONALE_SECRET.split()[0] not in text, where
    assert ITEM_MARK not in text and OUTPUT_MARK not in text, where


def test_formats_carry_the_same_content(lab: dict[str, Path]) -> None:
    view = build_report([lab["a2"]], audience="internal", record=record())
    html = render_report(view, "html")
    md = render_report(view, "md")
    data = json.loads(render_report(view, "json"))
    assert data["kind"] == "assessment_report"
    verdicts = {v["action"]: v["verdict_words"] for v in data["verdicts"]}
    assert verdicts["external_deployment"] == "Blocked"
    assert verdicts["open_weights_release"] == "Forbidden"
    for text in (html, md):
        for words in verdicts.values():
            assert words in text or words.upper() in text
        assert "lab/ckpt-200" in text
        assert "19 of 72" in text  # samples used of available
        assert "0.31" in text and "0.16" in text and "0.62" in text  # estimate and interval
        assert "stopped early" in text
        assert "inspect view --log-dir" in text
        assert "entry 42" in text
        assert "0.5873" in text  # exact threshold, internal view
        assert SAFEGUARD_SECRET in text
        assert OUTPUT_MARK in text and ITEM_MARK in text
    assert "I dissent: too fast." in md and "I dissent: too fast." in html


def test_public_report_withholds_in_every_format(lab: dict[str, Path]) -> None:
    view = build_report([lab["a2"]], audience="public", record=record())
    for fmt in ("html", "md", "json"):
        text = render_report(view, fmt)
        _no_secrets(text, fmt)
        assert "Values invite gaming." in text  # says why at the place
        assert "Security by standard only." in text
    html = render_report(view, "html")
    assert "Threshold positions withheld" in html
    assert "Blocked" in html


def test_trusted_report_shows_trusted_only(lab: dict[str, Path]) -> None:
    html = render_report(build_report([lab["a2"]], audience="trusted"), "html")
    assert "0.5873" in html and OUTPUT_MARK in html and ITEM_MARK in html
    assert SAFEGUARD_SECRET.split()[0] not in html and RATIONALE_SECRET.split()[0] not in html


def test_not_recorded_in_a_ledger(lab: dict[str, Path]) -> None:
    view = build_report([lab["a1"]], audience="internal")
    assert view.record is None
    html = render_report(view, "html")
    assert "not recorded in a ledger" in html
    assert "not final" in html


def test_history_draws_a_trend_with_thresholds(lab: dict[str, Path]) -> None:
    view = build_report([lab["a1"], lab["a3"], lab["a2"]], audience="trusted")
    assert view.assessment_id.startswith("assess-20260310")  # the newest is the subject
    assert view.history is not None and not hasattr(view.history, "withheld")
    bio = next(s for s in view.history if s.evaluation == "bio_eval")  # type: ignore[union-attr]
    assert [p.model for p in bio.points] == ["lab/ckpt-100", "lab/ckpt-200", "lab/ckpt-400"]
    assert {r.value for r in bio.rungs} >= {0.6129}
    html = render_report(view, "html")
    assert "Trend across assessments" in html and 'id="trend-1-title"' in html


def test_history_option_and_compute_axis(lab: dict[str, Path]) -> None:
    compute = {str(lab[k].resolve()): v for k, v in (("a1", 1e24), ("a2", 4e24), ("a3", 2e25))}
    view = build_report([lab["a3"]], history=[lab["a1"], lab["a2"]], compute=compute)
    assert view.history and all(s.x == "effective_compute" for s in view.history)  # type: ignore[union-attr]
    assert "effective compute" in render_report(view, "html")


def test_public_trend_has_no_threshold_lines(lab: dict[str, Path]) -> None:
    view = build_report([lab["a3"]], history=[lab["a1"]], audience="public")
    html = render_report(view, "html")
    _no_secrets(html, "trend")
    assert view.history and all(r.value is None for s in view.history for r in s.rungs)  # type: ignore[union-attr]


def test_changed_framework_file_is_a_warning(tmp_path: Path, lab: dict[str, Path]) -> None:
    d = tmp_path / "a"
    shutil.copytree(lab["a1"], d)
    fw = tmp_path / "fw.yaml"
    fw.write_text(lab["v1"].read_text(encoding="utf-8") + "\n# edited later\n", encoding="utf-8")
    results = json.loads((d / "results.json").read_text())
    results["framework"]["file"] = str(fw)
    (d / "results.json").write_text(json.dumps(results))
    a = load_assessment(d)
    assert not a.framework_digest_ok
    assert any("has changed since the assessment" in w for w in a.warnings)
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(d), "--out", str(out), "--examples", "0"])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and out.exists()
    assert "file changed since" in out.read_text()


def test_tampered_log_is_flagged(tmp_path: Path, lab: dict[str, Path]) -> None:
    d = tmp_path / "a"
    shutil.copytree(lab["a1"], d)
    (d / "logs" / "refusals.eval").write_bytes(b"not the log")
    a = load_assessment(d)
    assert a.logs["logs/refusals.eval"].status == "mismatch"
    assert "mismatch" in render_report(build_report([d]), "html")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing_dir", "no such directory"),
        ("file_not_dir", "not a directory"),
        ("no_results", "no results.json"),
        ("bad_results", "not a redline results document"),
        ("no_framework", "was not found; pass --framework"),
        ("wrong_framework", "but the assessment"),
    ],
)
def test_errors_are_one_message_and_write_nothing(
    tmp_path: Path, lab: dict[str, Path], setup: str, message: str
) -> None:
    d = tmp_path / "a"
    args: list[str] = []
    if setup == "missing_dir":
        pass
    elif setup == "file_not_dir":
        d.write_text("x")
    else:
        shutil.copytree(lab["a1"], d)
        if setup == "no_results":
            (d / "results.json").unlink()
        elif setup == "bad_results":
            (d / "results.json").write_text('{"schema_version": 1, "assessment_id": 3}')
        elif setup == "no_framework":
            results = json.loads((d / "results.json").read_text())
            results["framework"]["file"] = "nowhere/fw.yaml"
            (d / "results.json").write_text(json.dumps(results))
        elif setup == "wrong_framework":
            args = ["--framework", str(lab["v2"])]
            results = json.loads((d / "results.json").read_text())
            results["framework"]["file"] = str(lab["v2"])
            (d / "results.json").write_text(json.dumps(results))
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    result = runner.invoke(app, ["report", str(d), "--out", str(out), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(out.parent.iterdir()) == []


def test_out_in_missing_directory_is_an_error(tmp_path: Path, lab: dict[str, Path]) -> None:
    result = runner.invoke(
        app, ["report", str(lab["a1"]), "--out", str(tmp_path / "no" / "r.html")]
    )
    assert result.exit_code == 1 and "no such directory" in result.output


def test_cli_formats_and_default_location(tmp_path: Path, lab: dict[str, Path]) -> None:
    d = tmp_path / "a"
    shutil.copytree(lab["a2"], d)
    rec = tmp_path / "record.json"
    rec.write_text(json.dumps(record()))
    result = runner.invoke(app, ["report", str(d), "--record", str(rec), "--examples", "0"])
    assert result.exit_code == 0, result.output
    assert (d / "report-public.html").exists()
    result = runner.invoke(app, ["report", str(d), "--out", str(tmp_path / "r.md")])
    assert result.exit_code == 0 and (tmp_path / "r.md").read_text().startswith("# ")
    result = runner.invoke(
        app, ["report", str(d), "-f", "json", "-o", "-", "--audience", "trusted"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["audience"] == "trusted"
    assert not list(d.glob(".*.tmp"))


def test_markdown_escapes_untrusted_text(xss_lab: dict[str, Path]) -> None:
    md = render_report(
        build_report([xss_lab["a1"]], audience="internal", record=record("<b>x</b>")), "md"
    )
    # No raw HTML tag and no live link survives: every < and [ from the data is escaped.
    assert not re.search(r"(?<!\\)<(script|img|svg|iframe|a|link|style|b)\b", md)
    assert "](javascript:" not in md.replace("\\]", "")


def test_record_rejects_nonsense(tmp_path: Path, lab: dict[str, Path]) -> None:
    rec = tmp_path / "record.json"
    rec.write_text('{"final": "maybe"}')
    result = runner.invoke(app, ["report", str(lab["a1"]), "--record", str(rec), "-o", "-"])
    assert result.exit_code == 1 and "not a redline ledger record" in result.output


def test_publish_error_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match=str(tmp_path)):
        load_assessment(tmp_path)


def test_withheld_levels_leave_no_level_name(tmp_path: Path, inspect_log: Path) -> None:
    from publish_support import make_assessment, write_framework

    fw = write_framework(
        tmp_path / "fw.yaml",
        transparency={
            "public": ["framework", "decisions", "evaluation_results"],
            "trusted_only": [{"item": "capability_levels", "reason": "Levels are sensitive."}],
        },
    )
    d = make_assessment(tmp_path / "a", fw, log=inspect_log)
    view = build_report([d], audience="public", record=record())
    site = tmp_path / "site"
    build_site([fw], site, assessment_dirs=[d])
    texts = [render_report(view, f) for f in ("html", "md", "json")]
    texts += [p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file()]
    for text in texts:
        for name in (
            "Bio alert",
            "Bio high",
            "Bio critical",
            "bio-alert",
            "bio-high",
            "bio-critical",
        ):
            assert name not in text
    assert "Levels are sensitive." in texts[0]
    assert "Forbidden" in texts[0]  # the decision itself is public
