"""Resolve an evaluation's task reference to something Inspect can run.

A reference is one of
* a bundled suite: ``redline/bio_proxy``;
* an installed package's registry name: ``inspect_evals/wmdp_bio``;
* a task file, relative to the framework file: ``tasks/mine.py`` or
  ``tasks/mine.py@task_name``.

Checks here are cheap (no Inspect import) so ``redline validate`` stays fast;
running a task resolves it fully through Inspect.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

BUNDLED_TASKS = (
    "bio_proxy",
    "chem_proxy",
    "cyber_proxy",
    "mlre_proxy",
    "harmful_requests",
    "benign_lookalikes",
)


@dataclass(frozen=True)
class TaskRef:
    kind: str  # "bundled" | "registry" | "file"
    spec: str  # what Inspect receives: a registry name or "path@task"
    package: str | None = None


def parse_task(ref: str, base_dir: Path | None = None) -> TaskRef:
    file_part, _, name = ref.partition("@")
    if file_part.endswith(".py"):
        path = Path(file_part)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        spec = str(path) + (f"@{name}" if name else "")
        return TaskRef("file", spec)
    pkg, sep, _task = ref.partition("/")
    if sep and pkg == "redline":
        return TaskRef("bundled", ref, "redline")
    if sep:
        return TaskRef("registry", ref, pkg)
    return TaskRef("registry", ref, None)


def task_warning(ref: str, base_dir: Path | None = None) -> str | None:
    """A warning when a task reference will not resolve when measuring, else None."""
    t = parse_task(ref, base_dir)
    if t.kind == "bundled":
        name = ref.split("/", 1)[1]
        if name not in BUNDLED_TASKS:
            return (
                f"task {ref!r} is not a bundled suite (bundled: "
                + ", ".join(f"redline/{n}" for n in BUNDLED_TASKS)
                + "); treated as a placeholder"
            )
        return None
    if t.kind == "file":
        path = Path(t.spec.partition("@")[0])
        if not path.exists():
            return f"task file {path} does not exist; treated as a placeholder"
        return None
    if t.package is None:
        return (
            f"task {ref!r} has no package prefix (e.g. inspect_evals/{ref}); "
            "it can only resolve if some installed package registers it"
        )
    module = t.package.replace("-", "_")
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        hint = " (pip install inspect-evals)" if module == "inspect_evals" else ""
        return (
            f"task {ref!r}: package {t.package!r} is not installed{hint}; treated as a placeholder"
        )
    return None
