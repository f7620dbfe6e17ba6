"""Served models: what redline records about how a model was reached and scored.

A model behind an OpenAI-compatible server (vLLM, the llama.cpp server, a provider's
API) is reached through Inspect's own providers, never a client of redline's:

* ``openai-api/<service>/<model>`` with ``<SERVICE>_BASE_URL`` and ``<SERVICE>_API_KEY``
  in the environment (or ``-M base_url=...``), for any OpenAI-compatible server;
* ``vllm/<model>``, ``llama-cpp-python/<model>``, ``openai/<model>`` and the other
  named providers, with their own ``<PROVIDER>_BASE_URL`` variables.

What differs from the embedded model is recorded in the results document
(``Results.run``), so a reader can tell how each number was obtained:

* the concurrency Inspect was given (``max_connections``, ``adaptive_connections``);
* the endpoint (its base URL as configured; never an API key);
* per run, how each sample was scored (``Score.metadata["method"]``): letter
  log-probabilities (``logprob``), or the documented fallback when the server returns
  none (``parsed``: the reply's letter is parsed), or the refusal grader
  (``heuristic``). Early stopping needs nothing from the server; its outcome is each
  run's ``stop_reason``.

Model arguments that carry secrets (``api_key`` and the like) are dropped from what is
recorded: results documents go into the ledger and the published record.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SECRET_ARGS = frozenset({"api_key", "api_token", "token", "password", "secret", "auth"})
"""Model-argument names whose values are never written into results."""

EMBEDDED_PROVIDERS = frozenset({"gguf"})
MOCK_PROVIDERS = frozenset({"mockllm", "none"})
NETWORK_PROVIDERS = frozenset({
    "openai-api", "openai", "anthropic", "google", "vllm", "sglang", "llama-cpp-python",
    "ollama", "together", "groq", "mistral", "fireworks", "openrouter", "azureai", "bedrock",
    "grok", "hf-inference-providers", "perplexity", "deepseek", "cloudflare", "sambanova",
    "moonshot", "litellm-proxy",
})  # fmt: skip
"""Inspect providers that reach a model over the network (the pinned Inspect 0.3.285)."""

Access = Literal["embedded", "served", "mock", "other"]


def is_secret(name: str) -> bool:
    low = name.lower()
    return low in SECRET_ARGS or low.endswith(("_key", "_token", "_secret", "_password"))


def public_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """Model arguments fit to record: secrets dropped (their names kept, as redacted)."""
    return {k: ("<redacted>" if is_secret(k) else v) for k, v in args.items()}


class Concurrency(BaseModel):
    """What Inspect was told about connections to the model (``None``: its default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_connections: int | None = Field(
        default=None, description="Static cap on concurrent calls to the model."
    )
    adaptive_connections: bool | int | None = Field(
        default=None,
        description="Inspect's adaptive concurrency: True/None its defaults, an integer its "
        "maximum, False off. An explicit max_connections takes precedence in Inspect.",
    )


class RunScoring(BaseModel):
    """How the samples of one Inspect run were scored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    evaluation: str
    strategy: str
    scorer: str
    methods: dict[str, int] = Field(
        description="Samples per scoring method (Score.metadata['method']; 'unrecorded' "
        "when the scorer states none)."
    )
    letter_scoring: Literal["logprob", "parsed", "mixed"] | None = Field(
        default=None,
        description="For multiple-choice runs: letter log-probabilities throughout, the "
        "parsed-reply fallback throughout (the server returned no usable log-probabilities), "
        "or both.",
    )


class RunRecord(BaseModel):
    """How the model was reached and how its answers were scored, for one assessment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str = Field(description="Inspect provider: the model string's first part.")
    access: Access = Field(
        description="embedded: in this process (gguf/); mock: Inspect's mockllm; served: an "
        "API reached over the network (an OpenAI-compatible server or a provider); other: "
        "a provider redline does not know (e.g. one a task package registers)."
    )
    base_url: str | None = Field(
        default=None, description="The endpoint as configured here (model args or env)."
    )
    concurrency: Concurrency
    scoring: list[RunScoring] = Field(default_factory=list)


def provider_of(model: str) -> str:
    return model.split("/", 1)[0]


def access_of(model: str, args: Mapping[str, Any] | None = None) -> Access:
    p = provider_of(model)
    if p in EMBEDDED_PROVIDERS:
        return "embedded"
    if p in MOCK_PROVIDERS:
        return "mock"
    if p in NETWORK_PROVIDERS or (args or {}).get("base_url"):
        return "served"
    return "other"


def base_url_of(model: str, args: Mapping[str, Any]) -> str | None:
    """The base URL Inspect's provider will use, as far as it can be known here:
    ``base_url`` in the model args, else the provider's ``<NAME>_BASE_URL`` variable
    (``openai-api/<service>/...`` reads ``<SERVICE>_BASE_URL``)."""
    if access_of(model, args) != "served":
        return None
    if args.get("base_url"):
        return str(args["base_url"])
    parts = model.split("/")
    name = parts[1] if parts[0] == "openai-api" and len(parts) > 2 else parts[0]
    var = name.upper().replace("-", "_") + "_BASE_URL"
    return os.environ.get(var) or os.environ.get("INSPECT_EVAL_MODEL_BASE_URL") or None


def scoring_of(log_path: Path, evaluation: str, strategy: str, scorer: str | None) -> RunScoring:
    """Count the scoring methods the samples of one log used."""
    from inspect_ai.log import read_eval_log_sample_summaries

    counts: Counter[str] = Counter()
    name = scorer or ""
    for s in read_eval_log_sample_summaries(str(log_path)):
        if not s.scores:
            continue
        name = scorer or next(iter(s.scores))
        score = s.scores.get(name)
        if score is None:
            continue
        method = (score.metadata or {}).get("method")
        counts[str(method) if method is not None else "unrecorded"] += 1
    letter: Literal["logprob", "parsed", "mixed"] | None = None
    if counts.get("logprob") or counts.get("parsed"):
        if counts.get("logprob") and counts.get("parsed"):
            letter = "mixed"
        else:
            letter = "logprob" if counts.get("logprob") else "parsed"
    return RunScoring(
        evaluation=evaluation,
        strategy=strategy,
        scorer=name,
        methods=dict(sorted(counts.items())),
        letter_scoring=letter,
    )


def run_record(
    model: str,
    args: Mapping[str, Any],
    concurrency: Concurrency,
    runs: list[tuple[str, str, str | None, Path]],
) -> RunRecord:
    """The record for one assessment; ``runs`` are (evaluation, strategy, scorer, log)."""
    return RunRecord(
        provider=provider_of(model),
        access=access_of(model, args),
        base_url=base_url_of(model, args),
        concurrency=concurrency,
        scoring=[scoring_of(log, e, st, sc) for e, st, sc, log in runs],
    )
