"""A served model end to end: the bundled GGUF behind llama.cpp's OpenAI-compatible
server on 127.0.0.1, reached through Inspect's own ``openai-api`` provider by
``redline assess``, exactly as a user would reach vLLM or a provider's API.

Checked over HTTP: multiple-choice answers scored by letter log-probabilities (not the
parsed fallback), the refusal grader, early stopping (runs settle before the pool is
exhausted), the concurrency setting reaching Inspect, and all of it recorded in the
results document, without the API key anywhere in what is recorded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sweep_support import FIXTURES

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

SECRET = "sk-served-test-not-a-real-key"


def test_assess_a_served_model_over_http(llama_server: str, tmp_path: Path) -> None:
    from inspect_ai.log import read_eval_log

    out = tmp_path / "out"
    env = {**os.environ, "LLAMACPP_API_KEY": SECRET, "LLAMACPP_BASE_URL": llama_server}
    cmd = [
        sys.executable, "-m", "redline", "assess", str(FIXTURES / "served-framework.yaml"),
        "-m", "openai-api/llamacpp/smollm2", "--max-connections", "2",
        "--safeguards", str(FIXTURES / "served-safeguards.yaml"), "--out", str(out), "--json",
    ]  # fmt: skip
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode in (0, 3), proc.stderr[-3000:]
    doc = json.loads(proc.stdout)
    results = doc["results"]

    run = results["run"]
    assert run["provider"] == "openai-api" and run["access"] == "served"
    assert run["base_url"] == llama_server
    assert run["concurrency"] == {"max_connections": 2, "adaptive_connections": None}
    scoring = {s["evaluation"]: s for s in run["scoring"]}
    assert scoring["bio_proxy"]["letter_scoring"] == "logprob"
    assert set(scoring["bio_proxy"]["methods"]) == {"logprob"}
    assert set(scoring["harmful_requests"]["methods"]) == {"heuristic"}

    by_id = {e["evaluation"]: e for e in results["evaluations"]}
    for name in ("bio_proxy", "harmful_requests"):
        strategy = by_id[name]["strategies"][0]
        # Early stopping over HTTP: settled on a fraction of the pool.
        assert strategy["stop_reason"] == "settled", (name, strategy)
        assert strategy["samples_used"] < strategy["samples_available"]
        log = read_eval_log(str(out / strategy["log"]), header_only=True)
        assert log.status == "success"
        assert log.eval.model_generate_config.max_connections == 2
    # A weak model near chance on the proxy; it does not refuse: the safeguard fails.
    assert by_id["bio_proxy"]["intervals"][0]["upper"] < 0.8
    refusal = next(s for s in doc["decision"]["safeguards"] if s["id"] == "refusal-training")
    assert refusal["claimed"] and refusal["verification"] == "failed" and not refusal["in_place"]

    recorded = (out / "results.json").read_text() + (out / "decision.json").read_text()
    assert SECRET not in recorded
    assert doc["ledger"] is not None and doc["exit_code"] == proc.returncode
