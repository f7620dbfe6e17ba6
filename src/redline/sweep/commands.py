"""``redline sweep FRAMEWORK --models FILE``: argument handling, progress, the summary.

Exit codes: 0 every cell assessed and every verdict allowed (with or without
conditions); 3 some verdict blocked; 4 some verdict forbidden; 1 an error, or a cell
that failed after its retries (the others are still recorded and reported).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from redline.sweep.cell import CellOutcome

EXIT_OK, EXIT_ERROR, EXIT_BLOCKED, EXIT_FORBIDDEN = 0, 1, 3, 4
_WIDTH = None if sys.stdout.isatty() else 140
out = Console(highlight=False, soft_wrap=True, width=_WIDTH, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH, emoji=False)

_SHORT = {
    "continue_training": "training",
    "internal_deployment": "internal",
    "external_deployment": "external",
    "open_weights_release": "open weights",
}
_STYLE = {"allowed": "green", "allowed_with_conditions": "yellow", "blocked": "red",
          "forbidden": "bold red"}  # fmt: skip


def parse_adaptive(value: str | None) -> bool | int | None:
    """``--adaptive-connections``: on, off, or a whole number (the maximum)."""
    if value is None:
        return None
    low = value.strip().lower()
    if low in ("on", "true", "yes"):
        return True
    if low in ("off", "false", "no"):
        return False
    if low.isdigit() and int(low) > 0:
        return int(low)
    raise typer.BadParameter(f"expected on, off or a whole number, got {value!r}")


MaxConnectionsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-connections",
        min=1,
        help="At most N concurrent calls to the model (Inspect's max_connections; static).",
    ),
]
AdaptiveOpt = Annotated[
    str | None,
    typer.Option(
        "--adaptive-connections",
        metavar="on|off|N",
        help="Inspect's adaptive concurrency: on, off, or on with at most N connections. "
        "--max-connections takes precedence.",
    ),
]


def _fail(message: str) -> typer.Exit:
    err.print(f"error: {message}", markup=False)
    return typer.Exit(EXIT_ERROR)


def _exit_code(outcomes: list[CellOutcome]) -> int:
    if any(o.status == "failed" for o in outcomes):
        return EXIT_ERROR
    verdicts = {v for o in outcomes for v in o.verdicts.values()}
    if "forbidden" in verdicts:
        return EXIT_FORBIDDEN
    if "blocked" in verdicts:
        return EXIT_BLOCKED
    return EXIT_OK


def _summary(outcomes: list[CellOutcome]) -> Any:
    from rich.table import Table

    table = Table(title="Sweep: verdict per model and action", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("model")
    table.add_column("checkpoint")
    for name in _SHORT.values():
        table.add_column(name)
    table.add_column("cell")
    table.add_column("ledger")
    for o in outcomes:
        cells = []
        for action in _SHORT:
            v = o.verdicts.get(action)
            cells.append(f"[{_STYLE.get(v, '')}]{v.replace('_', ' ')}[/]" if v else "-")
        entry = f"#{o.assessment_entry}" if o.assessment_entry else (o.error or "-")
        table.add_row(str(o.index), o.model, o.checkpoint, *cells, o.status, entry)
    return table


def sweep(
    framework: Annotated[Path, typer.Argument(help="Framework YAML file.")],
    models: Annotated[
        Path,
        typer.Option(
            "--models",
            help="YAML file: the models and checkpoints to assess (a list, or a lineage file).",
        ),
    ],
    engine: Annotated[
        str, typer.Option("--engine", help="local (this process, default) or ray.")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="Ray cluster address (ray://HOST:10001, HOST:6379, auto); default "
            "$RAY_ADDRESS, else a local Ray.",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output directory, one folder per cell (shared with workers)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="At most N samples per evaluation (smoke tests).")
    ] = None,
    safeguards: Annotated[
        Path | None, typer.Option("--safeguards", help="YAML file: safeguards in place.")
    ] = None,
    determinations: Annotated[
        Path | None, typer.Option("--determinations", help="YAML file: manual determinations.")
    ] = None,
    max_connections: MaxConnectionsOpt = None,
    adaptive_connections: AdaptiveOpt = None,
    key: Annotated[
        str | None,
        typer.Option(
            help="Ledger key the cells are signed with (default: $REDLINE_KEY or "
            "redline-local); on Ray, every worker must hold its file."
        ),
    ] = None,
    run_label: Annotated[
        str,
        typer.Option(
            "--run-label",
            help="Part of every cell's idempotency key: a new label assesses the grid "
            "again instead of resuming it.",
        ),
    ] = "",
    retries: Annotated[
        int, typer.Option(min=0, help="Ray: re-runs of a cell whose worker died or that failed.")
    ] = 3,
    worker_env: Annotated[
        list[str] | None,
        typer.Option(
            "--worker-env",
            metavar="NAME",
            help="Ray: pass this environment variable to the workers (repeatable; e.g. "
            "a provider's *_BASE_URL). Values travel through Ray's control store.",
        ),
    ] = None,
    model_template: Annotated[
        str | None,
        typer.Option(
            "--model-template",
            help="For a lineage file: the Inspect model string of checkpoints that name "
            "none, with {checkpoint} (e.g. vllm/family-{checkpoint}).",
        ),
    ] = None,
    only: Annotated[
        list[int] | None,
        typer.Option(
            "--cell",
            min=0,
            help="Run only cell N (0-based position in the models file; repeatable), e.g. "
            "one Kubernetes Job per cell: --cell $JOB_COMPLETION_INDEX.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcomes as JSON.")] = False,
) -> None:
    """Assess a grid of models and checkpoints against one framework; record each once.

    Exit 0 all allowed, 3 some verdict blocked, 4 some forbidden, 1 an error or a
    failed cell.
    """
    from redline.decide.inputs import load_determinations, load_safeguards
    from redline.decide.model import Inputs
    from redline.framework.load import load_file
    from redline.framework.located import FrameworkError
    from redline.ledger.errors import LedgerError
    from redline.ledger.record import sha256_file
    from redline.ledger.store import database_url, workspace_dir
    from redline.measure.served import Concurrency
    from redline.sweep.cell import SweepError, SweepSettings, plan_cells, today
    from redline.sweep.engines import prepare
    from redline.sweep.grid import load_grid

    if engine not in ("local", "ray"):
        raise _fail(f"--engine must be local or ray, not {engine!r}")
    adaptive = parse_adaptive(adaptive_connections)
    loaded = load_file(framework)
    if loaded.framework is None:
        for p in loaded.errors or loaded.problems:
            err.print(p.format(), markup=False)
        raise typer.Exit(EXIT_ERROR)
    fw = loaded.framework
    try:
        grid = load_grid(models, model_template)
        claims = load_safeguards(safeguards, fw) if safeguards else []
        dets = load_determinations(determinations, fw) if determinations else []
    except FrameworkError as exc:
        for p in exc.problems:
            err.print(p.format(), markup=False)
        raise typer.Exit(EXIT_ERROR) from None
    ws = workspace_dir()
    url = database_url(ws)
    if out_dir is None:
        out_dir = Path("redline-out") / f"{fw.framework.id}-{fw.framework.version}" / "sweep"
    settings = SweepSettings(
        framework_path=str(framework.resolve()),
        framework_sha256=sha256_file(framework),
        out_dir=str(out_dir.resolve()),
        limit=limit,
        concurrency=Concurrency(max_connections=max_connections, adaptive_connections=adaptive),
        inputs=Inputs(safeguards=claims, determinations=dets, date=today()),
        run_label=run_label,
        database_url=os.environ.get("REDLINE_DATABASE_URL") or None,
        workspace=str(ws.resolve()),
        key_name=key,
    )
    if engine == "ray" and not url.startswith("postgresql"):
        raise _fail(
            "a Ray sweep needs a ledger every worker can reach: set REDLINE_DATABASE_URL "
            "to a PostgreSQL URL (postgresql+psycopg://...)"
        )
    cells = plan_cells(grid.entries, settings)
    if only:
        unknown = sorted(set(only) - {c.index for c in cells})
        if unknown:
            raise _fail(f"--cell {unknown[0]}: {models} has cells 0 to {len(cells) - 1}")
        cells = [c for c in cells if c.index in set(only)]
    try:
        settings = prepare(settings)
        outcomes = _run(engine, cells, settings, address, retries, worker_env or [], as_json)
    except (LedgerError, SweepError) as exc:
        raise _fail(str(exc)) from None
    code = _exit_code(outcomes)
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "framework": {"file": str(framework), "sha256": settings.framework_sha256},
                    "engine": engine,
                    "models": str(models),
                    "out": settings.out_dir,
                    "cells": [o.model_dump(mode="json") for o in outcomes],
                    "exit_code": code,
                },
                indent=2,
            )
            + "\n"
        )
    else:
        out.print(_summary(outcomes))
        for o in outcomes:
            if o.status == "failed":
                err.print(f"cell {o.index} ({o.label}) failed: {o.error}", markup=False)
        out.print(f"Cells: {settings.out_dir}  Ledger: {url.split('@')[-1]}", markup=False)
    raise typer.Exit(code)


def _run(
    engine: str, cells: list[Any], settings: Any, address: str | None, retries: int,
    worker_env: list[str], quiet: bool,
) -> list[CellOutcome]:  # fmt: skip
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from redline.sweep.engines import run_local, run_ray

    console = Console(stderr=True, highlight=False, emoji=False, quiet=quiet)
    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=False,
    ) as progress:  # fmt: skip
        task = progress.add_task(f"sweep ({engine})", total=len(cells))

        def on_event(kind: str, cell: Any, outcome: CellOutcome | None) -> None:
            if kind == "done" and outcome is not None:
                progress.advance(task)
                progress.console.print(
                    f"  cell {cell.index} {cell.entry.label}: {outcome.status}", markup=False
                )
            elif kind == "start" and engine == "local":
                progress.update(task, description=f"sweep (local): {cell.entry.label}")

        if engine == "ray":
            return run_ray(
                cells, settings, address=address, retries=retries,
                worker_env=worker_env, on_event=on_event,
            )  # fmt: skip
        return run_local(cells, settings, on_event=on_event)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
