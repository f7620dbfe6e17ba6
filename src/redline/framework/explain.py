"""A readable terminal summary of a framework: domains, ladders, requirements."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from redline.framework import schema as S


def describe_condition(cond: S.Condition | None) -> str:
    """A condition in plain words, e.g. ``bio_proxy.accuracy >= 0.65 or (manual: ...)``."""
    if cond is None:
        return "through the risk matrix"
    if isinstance(cond, S.Comparison):
        metric = f".{cond.metric}" if cond.metric else ""
        value = "unspecified" if isinstance(cond.value, S.Unspecified) else f"{cond.value:g}"
        return f"{cond.evaluation}{metric} {cond.op.value} {value}"
    if isinstance(cond, S.ManualCondition):
        return f"{cond.manual.determined_by} determines: {cond.manual.question}"
    if isinstance(cond, S.AllCondition):
        return " and ".join(f"({describe_condition(c)})" for c in cond.all)
    return " or ".join(f"({describe_condition(c)})" for c in cond.any)


def describe_requirement(req: list[S.Requirement] | S.ActionRequirement) -> str:
    if req == S.ActionRequirement.FORBIDDEN:
        return "FORBIDDEN"
    assert isinstance(req, list)
    if not req:
        return "-"
    parts = []
    for r in req:
        parts.append(" or ".join(r.any_of) if isinstance(r, S.AnyOfSafeguards) else r)
    return ", ".join(parts)


_KIND_STYLE = {"alert": "yellow", "threshold": "orange3", "intolerable": "bold red"}


def explain(fw: S.Framework, console: Console) -> None:
    ident = fw.framework
    head = Text.assemble(
        (f"{ident.organisation}: {ident.name}", "bold"),
        f"  version {ident.version} ({ident.date_text})",
    )
    console.print(Panel(Group(head, Text(fw.scope.description)), title="Framework"))

    for d in fw.domains:
        table = Table(title=f"{d.name} [{d.id}]", title_justify="left", expand=True)
        table.add_column("Level")
        table.add_column("Kind")
        table.add_column("Reached when")
        table.add_column("Evidence")
        for action in S.ACTIONS:
            table.add_column(action.value.replace("_", " "))
        for lv in d.levels:
            table.add_row(
                f"{lv.name} [{lv.id}]",
                Text(lv.kind.value, style=_KIND_STYLE[lv.kind.value]),
                describe_condition(lv.trigger),
                f"{lv.evidence.standard.value} {lv.evidence.confidence:.0%}",
                *(describe_requirement(lv.requirement(a)) for a in S.ACTIONS),
            )
        console.print(Text(d.threat_model, style="dim"))
        console.print(table)
        if d.risk_matrix is not None:
            m = d.risk_matrix
            factors = ", ".join(f"{f.name} {f.scores[0]}-{f.scores[-1]}" for f in m.factors)
            console.print(f"  Risk matrix: {m.combine} of {factors}")
            for b in m.bands:
                console.print(f"    score >= {b.score_at_least:g} -> {b.level}")
            for c in m.cells:
                when = ", ".join(f"{k}={v}" for k, v in c.when.items())
                console.print(f"    {when} -> {c.level}")

    if fw.rules:
        rules = Table(title="Rules", title_justify="left", expand=True)
        rules.add_column("Rule")
        rules.add_column("Kind")
        rules.add_column("Actions")
        rules.add_column("Statement")
        for r in fw.rules:
            req = f" (requires {describe_requirement(r.requires)})" if r.requires else ""
            rules.add_row(
                r.id, r.kind.value, ", ".join(a.value for a in r.actions), r.statement + req
            )
        console.print(rules)

    g = fw.governance
    gov = Table(title="Sign-off", title_justify="left", expand=True)
    gov.add_column("Actions")
    gov.add_column("When")
    gov.add_column("Roles")
    titles = {r.id: r.title for r in g.roles}
    for so in g.sign_off:
        gov.add_row(
            ", ".join(a.value for a in so.actions),
            so.when + (f" ({', '.join(so.levels)})" if so.levels else ""),
            (" and " if so.rule == "all" else " or ").join(titles.get(r, r) for r in so.roles),
        )
    console.print(gov)
    re_ = g.reassessment
    triggers = [
        f"{re_.effective_compute_multiple:g}x effective compute"
        if re_.effective_compute_multiple
        else "",
        f"{re_.months:g} months" if re_.months else "",
        "a new deployment context" if re_.deployment_context_change else "",
    ]
    shown = ", ".join(t for t in triggers if t) or "not stated"
    console.print(f"Reassessment due after: {shown}")
