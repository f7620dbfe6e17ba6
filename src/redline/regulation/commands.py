"""``redline conform FILE --regime R`` and ``redline registry conformance --regime R``.
Argument handling and printing only; the work is in :mod:`redline.regulation.conform`.

Exit codes: 0 every requirement a framework file can show is met; 1 any is partly met
or missing, or the input is bad (a framework file with errors, printed as located
messages). With ``--json`` the two are told apart by the document: ``{"conformance":
...}`` for a check that ran, ``{"errors": [...]}`` for bad input. 2 usage (an unknown
regime).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from redline.framework.located import FrameworkError
from redline.regulation.conform import Conformance, Status, conform
from redline.regulation.load import REGIME_IDS, load_regime

_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, soft_wrap=True, width=_WIDTH, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH, emoji=False)


def _known_regime(value: str) -> str:
    if value not in REGIME_IDS:
        raise typer.BadParameter(f"unknown regime {value!r}; one of: " + ", ".join(REGIME_IDS))
    return value


RegimeOpt = Annotated[
    str,
    typer.Option(
        "--regime",
        callback=_known_regime,
        help="The regime: " + ", ".join(REGIME_IDS) + ".",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print as JSON.")]

_STYLE = {
    Status.MET: "green",
    Status.PARTLY: "yellow",
    Status.MISSING: "red",
    Status.NOT_CHECKED: "dim",
}


_SHORT = {Status.MET: "M", Status.PARTLY: "P", Status.MISSING: "-", Status.NOT_CHECKED: " "}


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _regime_or_exit(regime_id: str, as_json: bool) -> Any:
    try:
        return load_regime(regime_id)
    except FrameworkError as exc:  # bundled data broken: still one located message each
        _errors(exc.problems, as_json)
        raise typer.Exit(1) from None


def _errors(problems: list[Any], as_json: bool) -> None:
    if as_json:
        _print_json({"errors": [p.as_dict() for p in problems]})
    for p in problems:
        err.print(p.format(), markup=False)


def _print_conformance(c: Conformance) -> None:
    out.print(f"{c.framework} {c.framework_version} against {c.regime_name}", markup=False)
    out.print(f"source: {c.document}", markup=False, style="dim")
    table = Table(show_lines=False, pad_edge=False)
    for col in ("status", "requirement", "section", "reason (from the framework)"):
        table.add_column(col, overflow="fold")
    for r in c.results:
        table.add_row(
            f"[{_STYLE[r.status]}]{r.status.value}[/]", r.id, escape(r.section), escape(r.reason)
        )
    out.print(table)
    counts = ", ".join(f"{n} {s}" for s, n in c.counts().items() if n)
    verdict = "all met" if c.all_met else "not all met"
    out.print(
        f"{verdict}: {counts}. The mapping is our reading, not a legal opinion.", markup=False
    )


def conform_command(
    file: Annotated[Path, typer.Argument(help="Framework YAML file.")],
    regime: RegimeOpt,
    as_json: JsonOpt = False,
) -> None:
    """Check a framework against a regime: per requirement met / partly / missing, with
    the reason drawn from the framework and the element that satisfies it.

    Exit 0 when every requirement a framework file can show is met, 1 otherwise or on
    bad input (with --json: {"conformance": ...} versus {"errors": [...]}).
    """
    from redline.framework.load import load_file

    reg = _regime_or_exit(regime, as_json)
    loaded = load_file(file)
    if loaded.framework is None:
        _errors(loaded.errors or loaded.problems, as_json)
        raise typer.Exit(1)
    c = conform(loaded.framework, reg)
    if as_json:
        _print_json({"conformance": c.model_dump(mode="json"), "all_met": c.all_met})
    else:
        _print_conformance(c)
    raise typer.Exit(0 if c.all_met else 1)


def registry_conformance(regime: RegimeOpt, as_json: JsonOpt = False) -> None:
    """Every encoded framework in the registry against one regime (the conformance
    matrix). Exit 0; 1 when registry or regime data has errors."""
    from redline.regulation.matrix import matrix

    reg = _regime_or_exit(regime, as_json)
    rows = matrix(reg)
    if as_json:
        _print_json(
            {
                "regime": reg.id,
                "frameworks": [
                    {
                        "organisation": r.entry.fw.framework.organisation,
                        "framework": r.entry.fw.framework.id,
                        "version": r.entry.fw.framework.version,
                        "kind": r.entry.fw.framework.kind.value,
                        "results": {x.id: x.status.value for x in r.conformance.results},
                    }
                    for r in rows
                ],
            }
        )
        return
    checked = [q for q in reg.requirements if q.mapping is not None]
    table = Table(title=reg.name, pad_edge=False)
    table.add_column("framework", no_wrap=True)
    for n, _q in enumerate(checked, 1):
        table.add_column(str(n), justify="center")
    for r in rows:
        by_id = {x.id: x.status for x in r.conformance.results}
        table.add_row(
            escape(r.label),
            *(f"[{_STYLE[by_id[q.id]]}]{_SHORT[by_id[q.id]]}[/]" for q in checked),
        )
    out.print(table)
    out.print("M met, P partly, - missing. Columns:", markup=False)
    for n, q in enumerate(checked, 1):
        out.print(f"  {n:>2} {q.id} ({q.citation.section}): {q.title}", markup=False)
    out.print(
        "The mapping is our reading; `redline conform FILE --regime "
        f"{reg.id}` gives each cell's reason.",
        markup=False,
    )


def regime_quotes(
    sources: Annotated[
        Path,
        typer.Option(
            "--sources",
            help="Folder with each regime's text as <regime>.txt, or named in "
            "quote-sources.tsv by regime id or document URL.",
        ),
    ],
    regime: Annotated[
        str | None,
        typer.Option("--regime", help="One regime only: " + ", ".join(REGIME_IDS) + "."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check every quote of the regime files against their source texts.

    Exit 0 when every quote whose text is in the folder is found (quotes of texts
    that are not there are counted as unchecked), 1 when one is not found, 2 usage.
    """
    from redline.regulation.load import regimes
    from redline.regulation.quote_check import check_regime_quotes

    if not sources.is_dir():
        err.print(f"error: --sources {sources}: not a folder", markup=False)
        raise typer.Exit(2)
    if regime is not None and regime not in REGIME_IDS:
        err.print(f"error: unknown regime {regime!r}; one of: " + ", ".join(REGIME_IDS))
        raise typer.Exit(2)
    chosen = [r for r in regimes() if regime is None or r.id == regime]
    try:
        report = check_regime_quotes(chosen, sources)
    except (ValueError, OSError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    if as_json:
        _print_json(report.as_json())
    else:
        for q, doc in report.misses:
            out.print(f"{q.regime}: {q.where}: quote not found in {doc}", markup=False)
        for name in sorted({q.regime for q in report.unchecked}):
            n = sum(q.regime == name for q in report.unchecked)
            out.print(f"{name}: {n} quotes unchecked (no source text in {sources})", markup=False)
        out.print(
            f"checked {report.checked}, not found {len(report.misses)}, "
            f"unchecked {len(report.unchecked)}",
            markup=False,
        )
    raise typer.Exit(0 if report.ok else 1)


def register(app: typer.Typer) -> None:
    """Add ``conform``, ``registry conformance`` and ``registry regime-quotes``."""
    from redline.registry.commands import registry_app

    app.command("conform")(conform_command)
    registry_app.command("conformance")(registry_conformance)
    registry_app.command("regime-quotes")(regime_quotes)
