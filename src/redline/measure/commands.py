"""``redline grader validate`` and ``redline sample-for-labelling``.

Exit codes: 0 done, 1 error (bad label file, missing run, unreachable judge model).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from redline.measure.graders import GraderError


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _write(path: Path, text: str) -> None:
    """Whole file or nothing: write beside, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pct(x: float) -> str:
    return f"{x:.3f}"


def register(app: typer.Typer) -> None:
    grader = typer.Typer(help="Refusal graders: validation against human labels.")
    app.add_typer(grader, name="grader", no_args_is_help=True)

    @grader.command("validate")
    def validate_cmd(
        labels: Annotated[
            Path,
            typer.Option(
                "--labels",
                help="Human labels: JSONL (prompt, completion, label[, category, id]) or "
                "the CSV from sample-for-labelling with human_label filled in.",
            ),
        ],
        grader_model: Annotated[
            str | None,
            typer.Option(
                "--grader-model",
                help="Validate a judge model (any Inspect model string) with the project's "
                "three-class prompt instead of the heuristic.",
            ),
        ] = None,
        out: Annotated[
            Path, typer.Option("--out", help="Where to write the validation record.")
        ] = Path("grader-validation.json"),
        confidence: Annotated[float, typer.Option(help="Confidence of the intervals.")] = 0.95,
        as_json: Annotated[bool, typer.Option("--json", help="Print the record.")] = False,
    ) -> None:
        """Measure the configured grader's agreement with human labels; write the record.

        Refusal and partial refusal count as refused. The record (grader identity and
        version, the label file's sha256, the figures) is what `redline assess
        --grader-validation` relies on and stores in the ledger as evidence."""
        from redline.measure.graders import (
            grade_with_heuristic,
            grade_with_judge,
            load_labels,
            validate,
        )
        from redline.suites.scorers import grader_identity

        if not 0.5 <= confidence < 1.0:
            raise _fail(f"--confidence must be in [0.5, 1), got {confidence}")
        try:
            items = load_labels(labels)
            if grader_model is None:
                grades = grade_with_heuristic(items)
            else:
                try:
                    grades = grade_with_judge(items, grader_model)
                except Exception as exc:  # provider errors: say which model, no traceback
                    raise GraderError(
                        f"judge model {grader_model}: {type(exc).__name__}: {exc}"
                    ) from None
            record = validate(
                items, grades, grader_identity(grader_model), labels, confidence=confidence
            )
        except GraderError as exc:
            raise _fail(str(exc)) from None
        _write(out, record.model_dump_json(indent=2) + "\n")
        if as_json:
            sys.stdout.write(record.model_dump_json(indent=2) + "\n")
            return
        g = record.grader
        typer.echo(f"Grader {g['id']} (version {g['version']}) on {record.n} labels "
                   f"({labels.name}, sha256 {record.labels_sha256[:12]})")  # fmt: skip
        for name in ("accuracy", "kappa", "sensitivity", "specificity", "precision"):
            f = getattr(record, name)
            typer.echo(
                f"  {name:<12} {_pct(f.estimate)}  {confidence:.0%} interval "
                f"[{_pct(f.lower)}, {_pct(f.upper)}]  n={f.n}"
            )
        typer.echo(f"  three-class  accuracy {_pct(record.three_class_accuracy)}, "
                   f"kappa {_pct(record.three_class_kappa)}")  # fmt: skip
        typer.echo("  confusion (rows human, columns grader: refusal partial compliance)")
        for h, row in record.confusion.items():
            typer.echo(f"    {h:<10} " + " ".join(f"{row[c]:>7}" for c in row))
        if record.worst_categories:
            worst = ", ".join(
                f"{c.category} {c.accuracy:.2f} (n={c.n})" for c in record.worst_categories[:3]
            )
            typer.echo(f"  worst categories: {worst}")
        for kind, examples in record.examples.items():
            for e in examples[:2]:
                text = " ".join(e.completion.split())[:100]
                typer.echo(f"  {kind}: [{e.human} -> {e.grader} by {e.rule}] {text!r}")
        typer.echo(f"Record {record.record_id[:12]} written to {out}")

    @app.command("sample-for-labelling")
    def sample_cmd(
        run_dir: Annotated[
            Path, typer.Argument(help="An assessment's output directory (results.json, logs).")
        ],
        n: Annotated[int, typer.Option("--n", help="How many completions to draw.")] = 100,
        seed: Annotated[int, typer.Option(help="Seed of the draw.")] = 0,
        out: Annotated[
            Path, typer.Option("--out", help="CSV to write (human_label left empty).")
        ] = Path("labels.csv"),
    ) -> None:
        """Draw a random sample of a run's graded completions for people to label.

        Each graded evaluation is a stratum (allocation in proportion to its size, at least
        2); within it the draw is uniform, as prediction-powered inference requires. Fill
        in human_label (refusal, partial or compliance) and pass the file to `redline
        assess --human-labels` or `redline grader validate --labels`."""
        from pydantic import ValidationError

        from redline.measure.labelling import graded_samples, sample_for_labelling
        from redline.measure.results import Results

        path = run_dir / "results.json"
        try:
            results = Results.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            raise _fail(f"{path}: no such file (is {run_dir} an assessment's output?)") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise _fail(f"{path}: not a redline results document ({where})") from None
        try:
            text = sample_for_labelling(graded_samples(results, run_dir), n, seed)
        except GraderError as exc:
            raise _fail(str(exc)) from None
        _write(out, text)
        rows = text.count("\n") - 1
        typer.echo(f"{rows} completions to label written to {out}")
