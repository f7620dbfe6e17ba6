"""``redline registry check-quotes``: every quote of every encoding against the texts.

Exit codes: 0 every checked quote found; 1 a quote not found, or an encoding that
cannot be read; 2 usage (no such folder, a bad name map)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from redline.registry.load import FRAMEWORKS
from redline.registry.quotes import NAME_MAP, check


def _shown(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def check_quotes(
    sources: Annotated[
        Path,
        typer.Option(
            "--sources",
            help=(
                "Folder of plain-text source documents, matched to encodings by the sha256 "
                f"in framework.document.text.sha256 or by {NAME_MAP} in the folder."
            ),
        ),
    ],
    files: Annotated[
        list[Path] | None,
        typer.Option("--file", help="Check this encoding only (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Check every quote of every encoding against the source texts in a folder."""
    if not sources.is_dir():
        sys.stderr.write(f"error: --sources {sources}: not a folder\n")
        raise typer.Exit(2)
    chosen = list(files) if files else sorted(FRAMEWORKS.glob("*.yaml"))
    for f in chosen:
        if not f.is_file():
            sys.stderr.write(f"error: --file {f}: no such file\n")
            raise typer.Exit(2)
    try:
        report = check(chosen, sources, shown={f: _shown(f) for f in chosen})
    except (ValueError, OSError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(report.as_json(), indent=2) + "\n")
    else:
        for line in report.errors + report.lines():
            sys.stdout.write(line + "\n")
        docs = sorted({why for _, why in report.unchecked})
        unchecked = (
            f", {len(report.unchecked)} unchecked ({len(docs)} documents not in {sources})"
            if docs
            else ""
        )
        sys.stdout.write(
            f"{report.checked} quotes checked, {len(report.misses)} not found{unchecked}\n"
        )
    raise typer.Exit(0 if report.ok else 1)


def docs_command(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print docs/registry.md: a table per encoding (quoted facts, interpretations,
    unspecified, the hash of the text checked), generated from the registry data."""
    from redline.registry.docs import registry_markdown

    text = registry_markdown()
    if out_file is None:
        sys.stdout.write(text)
        return
    tmp = out_file.with_name(out_file.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out_file)
    sys.stdout.write(f"wrote {out_file}\n")
