"""Results and decisions in the terminal (Rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from redline.decide.model import Decision, VerdictKind
from redline.framework.diff import Side
from redline.measure.results import Results
from redline.publish.assisted_note import assisted_note
from redline.publish.changes import DiffView

VERDICT_STYLE = {
    VerdictKind.ALLOWED: "bold green",
    VerdictKind.ALLOWED_WITH_CONDITIONS: "bold yellow",
    VerdictKind.BLOCKED: "bold red",
    VerdictKind.FORBIDDEN: "bold white on red",
}

VERDICT_WORDS = {
    VerdictKind.ALLOWED: "allowed",
    VerdictKind.ALLOWED_WITH_CONDITIONS: "allowed with conditions",
    VerdictKind.BLOCKED: "BLOCKED",
    VerdictKind.FORBIDDEN: "FORBIDDEN",
}


def render_results(results: Results, console: Console) -> None:
    table = Table(title=f"Measurements: {results.model.name}", title_justify="left", expand=True)
    for col in (
        "Evaluation",
        "Strategy",
        "Estimate",
        "95% interval",
        "Samples",
        "Stopped",
        "Tokens",
    ):
        table.add_column(col)
    for e in results.evaluations:
        label = e.evaluation + (
            " [" + ", ".join(f"{k}={v}" for k, v in e.task_args.items()) + "]"
            if e.task_args
            else ""
        )
        for s in e.strategies:
            iv = next((i for i in s.intervals if i.confidence == 0.95), s.intervals[0])
            table.add_row(
                escape(f"{label}.{e.metric}"),
                escape(
                    s.strategy
                    + (" (best)" if len(e.strategies) > 1 and s.strategy == e.best_strategy else "")
                ),
                f"{s.estimate:.3f}",
                escape(f"[{iv.lower:.3f}, {iv.upper:.3f}] {iv.method}"),
                f"{s.samples_used}/{s.samples_available}",
                escape(s.stop_reason + (f" ({note})" if (note := assisted_note(s)) else "")),
                str(s.tokens.total),
            )
    console.print(table)
    for e in results.evaluations:
        g = e.grader
        if g is None:
            continue
        who = f"{g.grader.get('id', '?')}@{g.grader.get('version', '?')}"
        raw = next((i for i in g.raw_intervals if i.confidence == 0.95), None)
        raw_text = f"raw {g.raw_estimate:.3f}" + (
            f" [{raw.lower:.3f}, {raw.upper:.3f}]" if raw is not None else ""
        )
        if g.method == "none":
            line = f"{e.evaluation}.{e.metric}: grader {who}, uncorrected (no grader validation)"
        else:
            iv = next((i for i in e.intervals if i.confidence == 0.95), e.intervals[0])
            how = f"PPI on {g.n_human} human labels" if g.method == "ppi" else "Rogan-Gladen"
            line = (
                f"{e.evaluation}.{e.metric}: grader {who}, corrected by {how}: "
                f"{e.estimate:.3f} [{iv.lower:.3f}, {iv.upper:.3f}] beside {raw_text}"
            )
            if g.validation_id:
                line += f"; validation {g.validation_id[:12]}"
            if g.assumption:
                line += f" (assumes {g.assumption})"
        console.print(escape(line), markup=False)


def render_decision(
    decision: Decision, console: Console, *, actions: list[str] | None = None
) -> None:
    levels = Table(title="Capability levels", title_justify="left", expand=True)
    levels.add_column("Domain")
    levels.add_column("Highest level counted as reached")
    levels.add_column("Why")
    for d in decision.domains:
        why = []
        for lo in d.levels:
            if lo.counts_as_reached or lo.status.value == "unsettled":
                why.append(
                    f"{lo.level}: {lo.status.value}"
                    + (" (counted)" if lo.counts_as_reached else "")
                )
        top = d.highest_level or "none"
        if not why:
            why.append("every level ruled out")
        levels.add_row(escape(d.name), escape(top), escape("; ".join(why)))
    console.print(levels)

    for v in decision.verdicts:
        if actions and v.action.value not in actions:
            continue
        head = Text.assemble(
            (f"{v.action.value.replace('_', ' ')}: ", "bold"),
            (VERDICT_WORDS[v.verdict], VERDICT_STYLE[v.verdict]),
        )
        console.print(head)
        if v.conditions:
            console.print(
                "  conditions (must stay in place): " + ", ".join(v.conditions), markup=False
            )
        if v.missing:
            console.print("  missing: " + ", ".join(v.missing), markup=False)
        for r in v.reasons:
            console.print(f"  - {r}", markup=False)
        for so in v.sign_off:
            joiner = " and " if so.rule == "all" else " or "
            console.print(f"  sign-off needed: {joiner.join(so.roles)} ({so.why})", markup=False)
    for due in decision.assessment_due:
        console.print(f"ASSESSMENT DUE: {due}", markup=False, style="bold")
    for n in decision.notes:
        console.print(f"note: {n}", markup=False)


DIRECTION_STYLE = {"weakening": "bold red", "strengthening": "green", "neutral": "dim"}


def render_diff(view: DiffView, console: Console) -> None:
    """A diff's changes, weakenings first, with materiality and disclosure."""
    c = view.counts
    console.print(
        f"{escape(view.framework)} {escape(view.old_version)} → {escape(view.new_version)} "
        f"({view.audience} view): {c['weakening']} weakening, {c['strengthening']} "
        f"strengthening, {c['neutral']} neutral/unclear"
    )
    table = Table(expand=True)
    for col in ("Change", "Rule", "Material", "Old", "New"):
        table.add_column(col)
    if any(ch.disclosure is not None for ch in view.changes):
        table.add_column("Account")
    for ch in view.changes:
        row = [
            Text(f"{ch.direction.value}: {ch.summary}", style=DIRECTION_STYLE[ch.direction.value]),
            Text(ch.rule),
            Text(ch.material + _shift_words(ch.shifts)),
            Text(_side_words(ch.old)),
            Text(_side_words(ch.new)),
        ]
        if len(table.columns) == 6:
            row.append(Text(ch.disclosure or ""))
        table.add_row(*row)
    console.print(table)
    console.print(
        f"Self-tests of the older version re-run on the newer: {view.scenarios_run}"
        + (f"; not run: {len(view.scenarios_not_run)}" if view.scenarios_not_run else "")
    )
    if view.undisclosed:
        console.print(f"[bold red]{view.undisclosed} material change(s) undisclosed[/]")
    for quote in view.claims_not_found:
        console.print(Text(f"claimed in the account but not found by the diff: {quote}"))


def _side_words(side: Side | None) -> str:
    if side is None:
        return "–"
    where = f" ({side.section})" if side.section else ""
    quote = f' "{side.quote}"' if side.quote else ""
    return f"{side.element}{where}{quote}"


def _shift_words(shifts: list[str], most: int = 2) -> str:
    more = f"\n(+{len(shifts) - most} more)" if len(shifts) > most else ""
    return "".join(f"\n{s}" for s in shifts[:most]) + more
