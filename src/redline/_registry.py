"""Inspect entry point: importing this module registers redline's extensions with Inspect.

``pyproject.toml`` declares it under ``[project.entry-points.inspect_ai]`` as ``redline``.
Inspect loads it when a name in the ``redline/`` namespace is looked up (tasks become
``redline/bio_proxy`` and so on, because they are defined in the installed package
``redline``), and also when a model provider name is not found among the built-in ones, so
``--model gguf/smollm2`` resolves: model providers are matched by their unqualified name.

Importing must stay cheap and must not need the optional ``llama-cpp-python``: Inspect loads
every installed entry point when it searches for an unknown provider, and an exception here
would print a warning in every user's Inspect run. The provider imports llama.cpp lazily.
"""

from redline.measure.local_model import LocalGGUF
from redline.suites.tasks import (
    benign_lookalikes,
    bio_proxy,
    chem_proxy,
    cyber_proxy,
    harmful_requests,
    mlre_proxy,
)

__all__ = [
    "LocalGGUF",
    "benign_lookalikes",
    "bio_proxy",
    "chem_proxy",
    "cyber_proxy",
    "harmful_requests",
    "mlre_proxy",
]
