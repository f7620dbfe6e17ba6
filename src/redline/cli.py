"""The ``redline`` command: a thin face over the library.

Exit codes (documented in docs/cli.md; release pipelines gate on them):
  0  success; for a gate: allowed or allowed with conditions
  1  error: invalid input, failed evaluation, broken ledger
  2  usage error (wrong arguments)
  3  blocked: required safeguards are missing
  4  forbidden: an intolerable level; no safeguard helps
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from redline._io import atomic_write
from redline.framework import schema as S
from redline.framework.commitments import SOURCE, Status, check_commitments
from redline.framework.load import Loaded, Problem, load_file
from redline.sweep.commands import AdaptiveOpt, MaxConnectionsOpt, parse_adaptive

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_BLOCKED = 3
EXIT_FORBIDDEN = 4

app = typer.Typer(
    name="redline",
    help="Frontier AI safety frameworks as code: validate, measure, decide, record, publish.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)

# Rich falls back to 80 columns when output is not a terminal; logs in CI read better wider.
_WIDTH = None if sys.stdout.isatty() else 140
out = Console(highlight=False, soft_wrap=True, width=_WIDTH, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH, emoji=False)


class UserError(Exception):
    """An error the user can fix; printed as one message, exit 1."""


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _resolver_for(path: Path) -> Any:
    from redline.measure.tasks import task_warning

    base = path.parent

    def resolve(ref: str) -> str | None:
        return task_warning(ref, base)

    return resolve


def load_checked(path: Path) -> S.Framework:
    """Load a framework for a command that needs a valid one; errors exit 1."""
    loaded = load_file(path, resolve_task=_resolver_for(path))
    if loaded.framework is None:
        for p in loaded.errors or loaded.problems:
            err.print(p.format(), markup=False)
        raise typer.Exit(EXIT_ERROR)
    return loaded.framework


# ------------------------------------------------------------------ framework


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Framework YAML files.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print problems as JSON.")] = False,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
) -> None:
    """Validate framework files; print each problem as FILE:LINE:COLUMN: message.

    Exit 0 when every file is valid, 1 otherwise.
    """
    results: list[Loaded] = [load_file(f, resolve_task=_resolver_for(f)) for f in files]
    problems: list[Problem] = [p for r in results for p in r.problems]
    failed = any(r.framework is None for r in results) or (strict and bool(problems))
    if as_json:
        _print_json(
            {
                "valid": not failed,
                "files": [{"file": r.file, "valid": r.framework is not None} for r in results],
                "problems": [p.as_dict() for p in problems],
            }
        )
    else:
        for p in problems:
            (err if p.severity == "error" else out).print(p.format(), markup=False)
        for r in results:
            if r.framework is not None:
                fw = r.framework.framework
                warn = f" ({len(r.warnings)} warnings)" if r.warnings else ""
                out.print(
                    f"{r.file}: valid: {fw.organisation} {fw.name} {fw.version}{warn}", markup=False
                )
    raise typer.Exit(EXIT_ERROR if failed else EXIT_OK)


@app.command()
def schema(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print redline's JSON Schema for framework files."""
    text = json.dumps(S.json_schema(), indent=2) + "\n"
    if out_file is None:
        sys.stdout.write(text)
    else:
        atomic_write(out_file, text)
        out.print(f"wrote {out_file}")


def _starter_text() -> str:
    here = Path(__file__).parent / "framework"
    text = (here / "starter.yaml").read_text(encoding="utf-8")
    return text.replace("{schema_path}", str((here / "framework.schema.json").resolve()))


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the framework.")] = Path(
        "framework.yaml"
    ),
    from_org: Annotated[
        str | None,
        typer.Option("--from", help="Start from an encoded framework in the registry."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter framework that validates."""
    if path.exists() and not force:
        raise UserError(f"{path} exists; pass --force to overwrite it")
    if from_org is not None:
        from redline.registry.api import RegistryLookupError, framework_text

        try:
            text = framework_text(from_org)
        except RegistryLookupError as exc:
            raise UserError(str(exc)) from None
    else:
        text = _starter_text()
    atomic_write(path, text)
    out.print(f"wrote {path}; check it with: redline validate {path}", markup=False)


@app.command()
def commitments(
    file: Annotated[Path, typer.Argument(help="Framework YAML file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Check a framework against the Frontier AI Safety Commitments I-VIII."""
    fw = load_checked(file)
    checks = check_commitments(fw)
    if as_json:
        _print_json(
            {
                "framework": fw.framework.model_dump(mode="json"),
                "source": SOURCE,
                "commitments": [c.as_dict() for c in checks],
            }
        )
        return
    table = Table(
        title=(
            f"Seoul commitments: {fw.framework.organisation} {fw.framework.name} "
            f"{fw.framework.version}"
        ),
        expand=True,
    )
    table.add_column("#")
    table.add_column("Commitment")
    table.add_column("Status")
    table.add_column("Why")
    style = {Status.MET: "green", Status.PARTLY: "yellow", Status.MISSING: "red"}
    for c in checks:
        why = "\n".join([*c.reasons, *(f"missing: {g}" for g in c.gaps)])
        table.add_row(
            c.commitment.number,
            c.commitment.title,
            f"[{style[c.status]}]{c.status.value}[/]",
            why,
        )
    out.print(table)
    out.print(f"Source of the commitments: {SOURCE}", markup=False)


@app.command()
def explain(file: Annotated[Path, typer.Argument(help="Framework YAML file.")]) -> None:
    """Summarise a framework: domains, ladders, and what each action requires."""
    from redline.framework.explain import explain as explain_framework

    explain_framework(load_checked(file), out)


# ------------------------------------------------------------ measure, decide


ActionOpt = Annotated[
    list[S.Action] | None,
    typer.Option("--action", help="Gate on this action (repeatable); default: all actions."),
]


def _decision_exit(decision: Any, actions: list[S.Action] | None) -> int:
    from redline.decide.model import VerdictKind

    worst = decision.worst(actions or None)
    if worst is VerdictKind.FORBIDDEN:
        return EXIT_FORBIDDEN
    if worst is VerdictKind.BLOCKED:
        return EXIT_BLOCKED
    return EXIT_OK


def _parse_model_args(items: list[str] | None) -> dict[str, Any]:
    from ruamel.yaml import YAML

    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UserError(f"-M expects key=value, got {item!r}")
        try:
            out[key] = YAML(typ="safe", pure=True).load(value) if value else ""
        except Exception:
            out[key] = value
    return out


def _inputs(
    fw: S.Framework,
    safeguards: Path | None,
    determinations: Path | None,
    lineage: Path | None = None,
) -> Any:
    import datetime as dt

    from redline.decide.inputs import load_determinations, load_lineage, load_safeguards
    from redline.decide.model import Inputs
    from redline.framework.load import FrameworkError

    try:
        claims = load_safeguards(safeguards, fw) if safeguards else []
        dets = load_determinations(determinations, fw) if determinations else []
        lin = load_lineage(lineage) if lineage else None
    except FrameworkError as exc:
        for p in exc.problems:
            err.print(p.format(), markup=False)
        raise typer.Exit(EXIT_ERROR) from None
    return Inputs(
        safeguards=claims, determinations=dets, lineage=lin, date=dt.datetime.now(dt.UTC).date()
    )


SafeguardsOpt = Annotated[
    Path | None, typer.Option("--safeguards", help="YAML file: safeguards in place, with evidence.")
]
DeterminationsOpt = Annotated[
    Path | None, typer.Option("--determinations", help="YAML file: manual determinations.")
]
LineageOpt = Annotated[
    Path | None,
    typer.Option("--lineage", help="YAML file: the model's lineage, for reassessment triggers."),
]


def _check_grader_inputs(human_labels: Path | None, validation: Path | None) -> None:
    """Fail before the run, not after it, on a label file or record that cannot be used."""
    from redline.measure.graders import GraderError, load_labels, load_validation

    try:
        if human_labels is not None:
            load_labels(human_labels)
        if validation is not None:
            load_validation(validation)
    except GraderError as exc:
        raise UserError(str(exc)) from None


def _correct_graded_rates(
    results: Any, out_dir: Path, human_labels: Path | None, validation: Path | None
) -> Any:
    """Carry the grader's error into every refusal rate (docs/graders.md)."""
    from redline.measure.graders import GraderError, load_labels, load_validation, sha256_file
    from redline.measure.labelling import apply_grader_corrections, graded_samples

    try:
        samples = graded_samples(results, out_dir)
        if not samples:
            return results
        human = load_labels(human_labels) if human_labels is not None else None
        return apply_grader_corrections(
            results,
            samples,
            human=human,
            human_sha256=sha256_file(human_labels) if human_labels is not None else None,
            validation=load_validation(validation) if validation is not None else None,
        )
    except GraderError as exc:
        raise UserError(str(exc)) from None


def _record(
    framework: Path,
    out_dir: Path,
    decision: Any,
    key: str | None,
    evidence: list[Path] | None = None,
) -> dict[str, Any]:
    """Record framework, assessment and decision in the ledger; leave a pointer.

    ``evidence`` (the grader validation record) goes into the evidence store first; the
    results document the assessment entry cites names it by sha256."""
    from redline.ledger import LedgerError, open_ledger, record_assessment

    try:
        with open_ledger() as ledger:
            for path in evidence or []:
                ledger.evidence.put_file(path)
            seq, decision_id = record_assessment(
                ledger, framework, out_dir / "results.json", decision, key_name=key
            )
            location = ledger.location
    except LedgerError as exc:
        err.print(f"error: ledger: {exc}", markup=False)
        raise typer.Exit(EXIT_ERROR) from None
    info = {"decision_id": decision_id, "assessment_entry": seq, "ledger": location}
    atomic_write(out_dir / "ledger.json", json.dumps(info, indent=2) + "\n")
    return info


def _predictions(source: str) -> Any:
    """Load ``--predictions FROM``: a path, else a ledger entry."""
    import tempfile

    from redline.measure.predictions import PredictionsError, load_predictions

    path = Path(source)
    try:
        if path.exists():
            return load_predictions(path)
        from redline.ledger import LedgerError, open_ledger
        from redline.ledger.export import export_assessment

        try:
            with open_ledger(create=False) as ledger, tempfile.TemporaryDirectory() as tmp:
                entry, results_path = export_assessment(ledger, source, Path(tmp))
                loaded = load_predictions(results_path)
        except LedgerError as exc:
            raise UserError(f"--predictions {source}: not a file, and ledger: {exc}") from None
        loaded.source = f"ledger entry {entry.seq} ({entry.hash[:12]})"
        return loaded
    except PredictionsError as exc:
        raise UserError(f"--predictions: {exc}") from None


def _write_report(out_dir: Path) -> Path | None:
    """The internal HTML report beside the results (the ledger's current record included)."""
    from redline.publish.assessment import PublishError, record_from_ledger
    from redline.publish.report import build_report, render_report

    try:
        view = build_report([out_dir], audience="internal", record=record_from_ledger(out_dir))
        path = out_dir / "report.html"
        atomic_write(path, render_report(view, "html"))
    except PublishError as exc:
        err.print(f"warning: no report written: {exc}", markup=False)
        return None
    return path


@app.command()
def assess(
    framework: Annotated[Path, typer.Argument(help="Framework YAML file.")],
    model: Annotated[
        str,
        typer.Option(
            "--model", "-m", help="Any Inspect model string; default: the embedded model."
        ),
    ] = "gguf/smollm2",
    model_arg: Annotated[
        list[str] | None, typer.Option("-M", help="Model argument key=value (repeatable).")
    ] = None,
    action: ActionOpt = None,
    safeguards: SafeguardsOpt = None,
    determinations: DeterminationsOpt = None,
    lineage: LineageOpt = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output directory (logs, results, decision).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="At most N samples per evaluation (for smoke tests).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print results and decision as JSON.")
    ] = False,
    record: Annotated[
        bool,
        typer.Option(
            help="Record the framework, assessment and decision in the ledger (.redline/)."
        ),
    ] = True,
    key: Annotated[
        str | None,
        typer.Option(
            help="Ledger key to sign the records with (default: $REDLINE_KEY or redline-local)."
        ),
    ] = None,
    human_labels: Annotated[
        Path | None,
        typer.Option(
            "--human-labels",
            help="Human labels of a random subset of this run's refusal completions (the "
            "CSV from sample-for-labelling): refusal rates get prediction-powered intervals.",
        ),
    ] = None,
    grader_validation: Annotated[
        Path | None,
        typer.Option(
            "--grader-validation",
            help="A validation record of the grader (redline grader validate): refusal "
            "rates get misclassification-corrected (Rogan-Gladen) intervals.",
        ),
    ] = None,
    predictions: Annotated[
        str | None,
        typer.Option(
            "--predictions",
            metavar="FROM",
            help="Per-item predictions that let early stopping settle sooner: an earlier "
            "assessment's output directory or results.json, a lineage's 'redline track' "
            "output directory (its latest checkpoint), a ledger entry (number or hash "
            "prefix), or a JSONL file of per-item scores (docs/statistics.md).",
        ),
    ] = None,
    active_order: Annotated[
        bool,
        typer.Option(
            "--active-order",
            help="With --predictions: draw items the predictions leave uncertain more often "
            "(inverse-probability weighted; no plain-CS fallback).",
        ),
    ] = False,
    max_connections: MaxConnectionsOpt = None,
    adaptive_connections: AdaptiveOpt = None,
) -> None:
    """Measure a model against a framework's evaluations and decide each action.

    Exit 0 allowed (with or without conditions), 3 blocked, 4 forbidden, 1 error.
    """
    from redline.decide.engine import decide as run_decide
    from redline.measure.assess import AssessOptions, MeasureError, run_assessment
    from redline.measure.served import Concurrency
    from redline.publish.terminal import render_decision, render_results

    fw = load_checked(framework)
    inputs = _inputs(fw, safeguards, determinations, lineage)
    _check_grader_inputs(human_labels, grader_validation)
    if out_dir is None:
        safe_model = model.replace("/", "_").replace(":", "_")
        out_dir = Path("redline-out") / f"{fw.framework.id}-{fw.framework.version}" / safe_model
    options = AssessOptions(
        model=model,
        model_args=_parse_model_args(model_arg),
        out_dir=out_dir,
        limit=limit,
        display="none" if as_json or not sys.stdout.isatty() else "rich",
        claimed=[c.id for c in inputs.safeguards],
        predictions=_predictions(predictions) if predictions else None,
        active_order=active_order,
        concurrency=Concurrency(
            max_connections=max_connections,
            adaptive_connections=parse_adaptive(adaptive_connections),
        ),
    )
    if active_order and predictions is None:
        raise UserError("--active-order needs --predictions")
    if not as_json:
        out.print(
            f"Assessing {model} against {fw.framework.name} {fw.framework.version}", markup=False
        )
    try:
        results = run_assessment(
            fw,
            framework,
            options,
            on_progress=None if as_json else lambda m: out.print(m, markup=False),
        )
    except MeasureError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(EXIT_ERROR) from None
    results = _correct_graded_rates(results, out_dir, human_labels, grader_validation)
    decision = run_decide(fw, inputs.model_copy(update={"measurements": results.measurements()}))
    atomic_write(out_dir / "results.json", results.model_dump_json(indent=2))
    atomic_write(out_dir / "decision.json", decision.model_dump_json(indent=2))
    recorded: dict[str, Any] | None = None
    if record:
        recorded = _record(
            framework, out_dir, decision, key, evidence=[p for p in (grader_validation,) if p]
        )
    report_path = _write_report(out_dir)
    code = _decision_exit(decision, action)
    if as_json:
        _print_json(
            {
                "results": results.model_dump(mode="json"),
                "decision": decision.model_dump(mode="json"),
                "ledger": recorded,
                "report": str(report_path) if report_path else None,
                "exit_code": code,
            }
        )
    else:
        render_results(results, out)
        render_decision(decision, out, actions=[a.value for a in action] if action else None)
        out.print(
            f"Results: {out_dir / 'results.json'}  Inspect logs: {out_dir / 'logs'} "
            f"(open with: inspect view --log-dir {out_dir / 'logs'})",
            markup=False,
        )
        if recorded:
            out.print(
                f"Ledger: decision {recorded['decision_id'][:12]} recorded in "
                f"{recorded['ledger']} (sign with: redline sign {recorded['decision_id'][:12]} "
                "--role ROLE)",
                markup=False,
            )
        if report_path:
            out.print(f"Report: {report_path}", markup=False)
    raise typer.Exit(code)


@app.command()
def decide(
    framework: Annotated[Path, typer.Argument(help="Framework YAML file.")],
    results_file: Annotated[Path, typer.Argument(help="results.json from redline assess.")],
    action: ActionOpt = None,
    safeguards: SafeguardsOpt = None,
    determinations: DeterminationsOpt = None,
    lineage: LineageOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
) -> None:
    """Re-decide from stored results without re-running evaluations."""
    from pydantic import ValidationError

    from redline.decide.engine import decide as run_decide
    from redline.measure.results import Results
    from redline.publish.terminal import render_decision

    fw = load_checked(framework)
    inputs = _inputs(fw, safeguards, determinations, lineage)
    try:
        results = Results.model_validate_json(results_file.read_bytes())
    except FileNotFoundError:
        raise UserError(f"{results_file}: no such file") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            import re

            m = re.search(r"line (\d+) column (\d+)", str(first.get("ctx", {}).get("error", "")))
            line, col = (m.group(1), m.group(2)) if m else ("1", "1")
            raise UserError(
                f"{results_file}:{line}:{col}: not a redline results document: invalid JSON "
                f"({first.get('ctx', {}).get('error')})"
            ) from None
        where = ".".join(str(x) for x in first["loc"])
        raise UserError(
            f"{results_file}: not a redline results document ({where}: {first['msg']})"
        ) from None
    decision = run_decide(fw, inputs.model_copy(update={"measurements": results.measurements()}))
    code = _decision_exit(decision, action)
    if as_json:
        _print_json({"decision": decision.model_dump(mode="json"), "exit_code": code})
    else:
        render_decision(decision, out, actions=[a.value for a in action] if action else None)
    raise typer.Exit(code)


@app.command(name="test")
def test_framework(
    framework: Annotated[Path, typer.Argument(help="Framework YAML file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print outcomes as JSON.")] = False,
) -> None:
    """Run the framework's self-tests (scenarios -> expected verdicts). Exit 1 on failure."""
    from redline.decide.selftest import run_self_tests

    fw = load_checked(framework)
    outcomes = run_self_tests(fw)
    if as_json:
        _print_json(
            [{"name": o.name, "passed": o.passed, "failures": o.failures} for o in outcomes]
        )
    else:
        for o in outcomes:
            mark = "[green]PASS[/]" if o.passed else "[red]FAIL[/]"
            out.print(f"{mark} {o.name}")
            for f in o.failures:
                out.print(f"     {f}", markup=False)
        n_pass = sum(o.passed for o in outcomes)
        out.print(f"{n_pass} passed, {len(outcomes) - n_pass} failed")
    raise typer.Exit(EXIT_OK if all(o.passed for o in outcomes) else EXIT_ERROR)


@app.command(name="diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="The older framework version (YAML).")],
    new: Annotated[Path, typer.Argument(help="The newer framework version (YAML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff as JSON.")] = False,
    changelog: Annotated[
        Path | None,
        typer.Option(help="The provider's account of the revision (see docs/diff.md)."),
    ] = None,
    audience: Annotated[
        str, typer.Option(help="public or trusted: what the output may show.")
    ] = "public",
    fail_on_weakening: Annotated[
        bool, typer.Option(help="Exit 3 when any change weakens a commitment.")
    ] = False,
) -> None:
    """Classify every change from OLD to NEW as weakening, strengthening or neutral.

    Exit 0; 3 with --fail-on-weakening when something weakened, or with --changelog when
    a material change is undisclosed; 1 on bad input.
    """
    from redline.decide.materiality import materiality
    from redline.framework.diff import diff
    from redline.framework.diff.disclosure import check_disclosure, load_changelog
    from redline.framework.load import FrameworkError
    from redline.publish.changes import diff_view
    from redline.publish.terminal import render_diff

    if audience not in ("public", "trusted"):
        raise UserError(f"--audience: {audience!r} is not one of: public, trusted")
    fo, fn = load_checked(old), load_checked(new)
    if fo.framework.id != fn.framework.id:
        err.print(
            f"note: comparing different frameworks ({fo.framework.id} and {fn.framework.id})",
            markup=False,
        )
    changes = diff(fo, fn)
    mat = materiality(fo, fn, changes)
    account = disclosure = None
    if changelog is not None:
        try:
            account = load_changelog(changelog)
        except FrameworkError as exc:
            for problem in exc.problems:
                err.print(problem.format(), markup=False)
            raise typer.Exit(EXIT_ERROR) from None
        material = [mat.status(i, c) != "no" for i, c in enumerate(changes)]
        disclosure = check_disclosure(changes, material, account)
    view = diff_view(fo, fn, changes, mat, audience, disclosure, account)
    if as_json:
        _print_json(view.model_dump(mode="json"))
    else:
        render_diff(view, out)
    weakened = view.counts["weakening"] > 0
    code = EXIT_BLOCKED if (fail_on_weakening and weakened) or view.undisclosed else EXIT_OK
    raise typer.Exit(code)


# The ledger's commands (keys, sign, status, verify, attest, verify-attestation, log).
from redline.ledger.commands import register as _register_ledger  # noqa: E402

_register_ledger(app)


from redline.publish.commands import register  # noqa: E402

register(app)

from redline.registry.commands import register as _register_registry  # noqa: E402

_register_registry(app)

from redline.portal.commands import register as _register_portal  # noqa: E402

_register_portal(app)

from redline.measure.commands import register as _register_graders  # noqa: E402

_register_graders(app)

from redline.regulation.commands import register as _register_regulation  # noqa: E402

_register_regulation(app)

from redline.ledger.incident_commands import register as _register_incidents  # noqa: E402

_register_incidents(app)

from redline.publish.track import register as _register_track  # noqa: E402

_register_track(app)

from redline.sweep.commands import register as _register_sweep  # noqa: E402

_register_sweep(app)


def main() -> None:
    try:
        app()
    except UserError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug, not a user error: say so in one line
        if os.environ.get("REDLINE_DEBUG"):
            raise
        err.print(
            f"internal error: {type(exc).__name__}: {exc} (this is a bug in redline; "
            "rerun with REDLINE_DEBUG=1 for the traceback and report it)",
            markup=False,
        )
        sys.exit(EXIT_ERROR)
