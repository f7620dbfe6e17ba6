"""Where a sweep's cells run: in this process, or as Ray tasks on a cluster.

redline does not schedule: ``local`` runs the cells one after another through Inspect
eval sets in this process; ``ray`` submits one Ray task per cell and lets Ray place,
retry and re-run them. A Ray task whose worker or node dies is re-run by Ray
(``max_retries``); a task that raises is retried too (``retry_exceptions``). Either
way the retry finds the cell's Inspect logs in the same directory (eval-set resume)
and its ledger entry, if the first attempt got that far (idempotency key).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from redline.ledger.keys import signing_key
from redline.ledger.record import adopt_framework
from redline.sweep.cell import (
    CELL_ERRORS,
    CellOutcome,
    CellSpec,
    SweepError,
    SweepSettings,
    failed_outcome,
    open_sweep_ledger,
    run_cell,
)

Engine = Literal["local", "ray"]
OnEvent = Callable[[str, CellSpec, CellOutcome | None], None]  # "start" | "done"

FORWARDED_ENV = ("REDLINE_HOME", "REDLINE_EVIDENCE_DIR", "XDG_CONFIG_HOME")
"""Variables a Ray worker gets from the driver (where to find the workspace, the shared
evidence store and the signing key's file): docs/scale.md, "Keys and trust"."""


def prepare(settings: SweepSettings) -> SweepSettings:
    """Before any cell runs: settle the signing key (created and registered on first use,
    as ``assess`` does) and adopt the framework, so workers never race to append its
    first entry. Returns the settings with the key's name filled in."""
    with open_sweep_ledger(settings) as ledger:
        signer = signing_key(ledger, settings.key_name)
        adopt_framework(ledger, Path(settings.framework_path), signer)
    return settings.model_copy(update={"key_name": signer.name})


def run_local(
    cells: Sequence[CellSpec], settings: SweepSettings, on_event: OnEvent | None = None
) -> list[CellOutcome]:
    out = []
    for cell in cells:
        if on_event:
            on_event("start", cell, None)
        try:
            outcome = run_cell(cell, settings, worker="local")
        except CELL_ERRORS as exc:
            outcome = failed_outcome(cell, str(exc), worker="local")
        out.append(outcome)
        if on_event:
            on_event("done", cell, outcome)
    return out


def _ray_cell(cell: CellSpec, settings: SweepSettings) -> CellOutcome:
    """The body of one Ray task (module-level, so workers import it by name)."""
    import ray

    node = ray.get_runtime_context().get_node_id()
    return run_cell(cell, settings, worker=f"ray:{node[:12]}")


def _worker_env(extra: Sequence[str]) -> dict[str, str]:
    env = {}
    for name in (*FORWARDED_ENV, *extra):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def run_ray(
    cells: Sequence[CellSpec],
    settings: SweepSettings,
    *,
    address: str | None = None,
    retries: int = 3,
    worker_env: Sequence[str] = (),
    on_event: OnEvent | None = None,
    poll_s: float = 0.5,
) -> list[CellOutcome]:
    """Submit one Ray task per cell and collect the outcomes as they finish.

    ``address``: a running cluster (``ray://host:10001``, ``host:6379``, ``auto``); None
    uses ``$RAY_ADDRESS`` or starts a local Ray (no dashboard)."""
    if settings.database_url is None or not settings.database_url.startswith("postgresql"):
        raise SweepError(
            "a Ray sweep needs a ledger every worker can reach: set REDLINE_DATABASE_URL "
            "to a PostgreSQL URL (postgresql+psycopg://...)"
        )
    try:
        import ray
        from ray.exceptions import RayError
    except ImportError:
        raise SweepError("--engine ray needs Ray: pip install 'redline[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        kwargs: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
        if address is None and not os.environ.get("RAY_ADDRESS"):
            kwargs["include_dashboard"] = False
        try:
            ray.init(address=address, **kwargs)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = address or "a local cluster"
            raise SweepError(f"cannot connect to Ray at {where}: {exc}") from None
    remote = ray.remote(_ray_cell).options(
        max_retries=retries,
        retry_exceptions=list(CELL_ERRORS),
        num_cpus=1,
        runtime_env={"env_vars": _worker_env(worker_env)},
    )
    try:
        pending: dict[Any, CellSpec] = {}
        for cell in cells:
            pending[remote.remote(cell, settings)] = cell
            if on_event:
                on_event("start", cell, None)
        outcomes: dict[int, CellOutcome] = {}
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=poll_s)
            for ref in ready:
                cell = pending.pop(ref)
                try:
                    outcome = ray.get(ref)
                except RayError as exc:
                    cause = getattr(exc, "cause", None)
                    why = f"{type(cause).__name__}: {cause}" if cause else str(exc).splitlines()[0]
                    outcome = failed_outcome(cell, f"failed after {retries} retries: {why}")
                outcomes[cell.index] = outcome
                if on_event:
                    on_event("done", cell, outcome)
        return [outcomes[c.index] for c in cells]
    finally:
        if started_here:
            ray.shutdown()
