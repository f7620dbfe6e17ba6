"""Compare frameworks side by side.

Rows follow METR's common elements of frontier AI safety policies (capability
thresholds, model weight security, deployment mitigations, conditions for halting
deployment and development, full capability elicitation, timing and frequency of
evaluations, accountability, updating the policy), then the Seoul commitments
I-VIII as :mod:`redline.framework.commitments` grades them. Every element cell
cites the framework elements it rests on (id and citation section), so a reader
can check each claim against the source.

The element rows read the structure of an encoding, not prose; where a row needs
a judgement (elicitation is often described only in words) the cell says what
it looked at.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from redline.framework import schema as S
from redline.framework.commitments import SOURCE as COMMITMENTS_SOURCE
from redline.framework.commitments import check_commitments

CellStatus = Literal["present", "partial", "absent", "met", "partly", "missing"]

METR_SOURCE = "https://metr.org/common-elements"

ELEMENTS: tuple[tuple[str, str], ...] = (
    ("capability_thresholds", "Capability thresholds"),
    ("model_weight_security", "Model weight security"),
    ("deployment_mitigations", "Deployment mitigations"),
    ("halting_deployment", "Conditions for halting deployment"),
    ("halting_development", "Conditions for halting development"),
    ("capability_elicitation", "Full capability elicitation"),
    ("evaluation_timing", "Timing and frequency of evaluations"),
    ("accountability", "Accountability"),
    ("updating_policy", "Updating the policy"),
)

_ELICITATION_WORDS = (
    "elicit",
    "worst known case",
    "maximal capability",
    "fine-tun",
    "scaffold",
    "best-of",
)


@dataclass(frozen=True)
class Ref:
    """A framework element a cell rests on."""

    id: str
    kind: str
    section: str | None = None
    source: str | None = None
    quotes: tuple[str, ...] = ()
    interpretation: str | None = None  # our reading, kept apart from the quoted words

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "section": self.section,
            "source": self.source,
            "quotes": list(self.quotes),
            "interpretation": self.interpretation,
        }

    def short(self, width: int = 48) -> str:
        if not self.section:
            return self.id
        section = self.section if len(self.section) <= width else self.section[: width - 1] + "…"
        return f"{self.id} (§ {section})"


@dataclass
class Cell:
    status: CellStatus
    summary: str
    refs: list[Ref] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "summary": self.summary,
            "refs": [r.as_dict() for r in self.refs],
        }


@dataclass
class Row:
    key: str
    label: str
    group: Literal["metr", "commitments"]
    cells: list[Cell]


@dataclass
class Comparison:
    frameworks: list[S.Framework]
    labels: list[str]
    rows: list[Row]

    def as_dict(self) -> dict[str, Any]:
        return {
            "frameworks": [
                {
                    "label": label,
                    "id": fw.framework.id,
                    "organisation": fw.framework.organisation,
                    "name": fw.framework.name,
                    "version": fw.framework.version,
                    "date": fw.framework.date_text,
                    "source_url": fw.framework.source_url,
                }
                for label, fw in zip(self.labels, self.frameworks, strict=True)
            ],
            "sources": {"elements": METR_SOURCE, "commitments": COMMITMENTS_SOURCE},
            "rows": [
                {
                    "key": r.key,
                    "label": r.label,
                    "group": r.group,
                    "cells": [c.as_dict() for c in r.cells],
                }
                for r in self.rows
            ],
        }


# --------------------------------------------------------------------- helpers


def _ref(kind: str, eid: str, c: S.Citation | None) -> Ref:
    if c is None:
        return Ref(eid, kind)
    reading = (
        f"{c.interpretation.reading} ({c.interpretation.reason})" if c.interpretation else None
    )
    return Ref(eid, kind, c.section, c.source, tuple(c.all_quotes()), reading)


def _levels(fw: S.Framework) -> Iterable[tuple[S.RiskDomain, S.CapabilityLevel]]:
    for d in fw.domains:
        for lv in d.levels:
            yield d, lv


def _manual(cond: S.Condition | None) -> list[S.ManualDetermination]:
    if isinstance(cond, S.ManualCondition):
        return [cond.manual]
    if isinstance(cond, S.AllCondition):
        return [m for c in cond.all for m in _manual(c)]
    if isinstance(cond, S.AnyCondition):
        return [m for c in cond.any for m in _manual(c)]
    return []


def _numeric(cond: S.Condition | None) -> bool:
    if isinstance(cond, S.Comparison):
        return not isinstance(cond.value, S.Unspecified)
    if isinstance(cond, S.AllCondition):
        return any(_numeric(c) for c in cond.all)
    if isinstance(cond, S.AnyCondition):
        return any(_numeric(c) for c in cond.any)
    return False


def _req_ids(req: list[S.Requirement] | S.ActionRequirement) -> set[str]:
    if not isinstance(req, list):
        return set()
    out: set[str] = set()
    for r in req:
        out |= set(r.any_of) if isinstance(r, S.AnyOfSafeguards) else {r}
    return out


def _required_safeguards(fw: S.Framework) -> set[str]:
    """Safeguards some level or baseline rule requires, with what they comprise or imply."""
    out: set[str] = set()
    for _, lv in _levels(fw):
        for action in lv.requires:
            out |= _req_ids(lv.requirement(action))
    for r in fw.rules:
        if r.kind is S.RuleKind.BASELINE:
            out |= _req_ids(list(r.requires))
    frontier = list(out)
    while frontier:
        sid = frontier.pop()
        try:
            s = fw.safeguard(sid)
        except KeyError:
            continue
        for more in (*s.comprises, *s.implies):
            if more not in out:
                out.add(more)
                frontier.append(more)
    return out


def _limit(refs: list[Ref], n: int = 8) -> list[Ref]:
    return refs[:n]


def _names(ids: Sequence[str], n: int = 4) -> str:
    shown = ", ".join(ids[:n])
    return shown + (f" and {len(ids) - n} more" if len(ids) > n else "")


# ------------------------------------------------------------------ the rows


def _capability_thresholds(fw: S.Framework) -> Cell:
    ladder = [
        (d, lv)
        for d, lv in _levels(fw)
        if d.risk_matrix is None and lv.kind is not S.LevelKind.ALERT and d.status == "tracked"
    ]
    matrix = [(d, lv) for d, lv in _levels(fw) if d.risk_matrix is not None]
    refs = [_ref("level", lv.id, lv.citation) for _, lv in ladder]
    if ladder:
        domains = sorted({d.id for d, _ in ladder})
        numeric = sum(1 for _, lv in ladder if _numeric(lv.trigger))
        exempt = [d.id for d, _ in ladder if d.halting_exemption]
        kinds = f"{numeric} numeric, {len(ladder) - numeric} qualitative"
        summary = f"{len(ladder)} thresholds in {len(domains)} domains ({kinds})"
        if exempt and len(set(exempt)) == len(domains):
            return Cell(
                "partial",
                summary + "; the framework states no severe-risk threshold at which it halts "
                "(every such domain has a halting exemption)",
                _limit(refs),
            )
        return Cell("present", summary, _limit(refs))
    if matrix:
        classes = [lv.id for _, lv in matrix]
        return Cell(
            "partial",
            f"no capability thresholds; risk classes from a risk matrix: {_names(classes, 5)}",
            _limit(
                [_ref("domain", d.id, d.citation) for d in {d.id: d for d, _ in matrix}.values()]
            ),
        )
    return Cell("absent", "no capability thresholds")


def _safeguard_row(fw: S.Framework, kind: S.SafeguardKind, what: str) -> Cell:
    found = [s for s in fw.safeguards if s.kind is kind]
    if not found:
        return Cell("absent", f"no {what}")
    required = _required_safeguards(fw)
    linked = [s for s in found if s.id in required]
    unspecified = [s.id for s in found if not s.specified]
    verified = [s.id for s in found if s.verification is not None]
    refs = [_ref("safeguard", s.id, s.citation) for s in (linked or found)]
    parts = [f"{len(found)} {what}"]
    if linked:
        parts.append(f"{len(linked)} required by levels or baselines")
    if verified:
        parts.append(f"verified by evaluation: {_names(verified)}")
    if unspecified:
        parts.append(f"not yet specified: {_names(unspecified)}")
    status: CellStatus = "present" if linked and len(unspecified) < len(found) else "partial"
    if not linked:
        parts.append("none tied to a level")
    return Cell(status, "; ".join(parts), _limit(refs))


def _halting(fw: S.Framework, actions: set[S.Action], what: str) -> Cell:
    binding = [
        r for r in fw.rules if r.kind is S.RuleKind.HALT and r.binding and set(r.actions) & actions
    ]
    loose = [
        r
        for r in fw.rules
        if r.kind is S.RuleKind.HALT and not r.binding and set(r.actions) & actions
    ]
    forbidding = [
        lv
        for _, lv in _levels(fw)
        if any(lv.requirement(a) == S.ActionRequirement.FORBIDDEN for a in actions)
    ]
    refs = [_ref("rule", r.id, r.citation) for r in binding] + [
        _ref("level", lv.id, lv.citation) for lv in forbidding
    ]
    parts = []
    if binding:
        parts.append(f"halting rules: {_names([r.id for r in binding])}")
    if forbidding:
        parts.append(f"{what} forbidden at: {_names([lv.id for lv in forbidding])}")
    if binding or forbidding:
        return Cell("present", "; ".join(parts), _limit(refs))
    if loose:
        return Cell(
            "partial",
            f"only discretionary wording: {_names([r.id for r in loose])}",
            _limit([_ref("rule", r.id, r.citation) for r in loose]),
        )
    exempt = [d.id for d in fw.domains if d.halting_exemption]
    summary = f"no condition halts {what}"
    if exempt:
        summary += f" (halting exemptions: {_names(exempt)})"
    return Cell("absent", summary, _limit([_ref("domain", d, None) for d in exempt]))


def _elicitation(fw: S.Framework) -> Cell:
    evals = [e for e in fw.evaluations if e.elicitation]
    refs = [_ref("evaluation", e.id, e.citation) for e in evals]
    described: list[Ref] = []
    for _, lv in _levels(fw):
        for m in _manual(lv.trigger):
            text = (m.method or "").casefold()
            if any(w in text for w in _ELICITATION_WORDS):
                described.append(_ref("level", lv.id, lv.citation))
                break
    if evals:
        return Cell(
            "present",
            f"elicitation strategies on {len(evals)} evaluations: {_names([e.id for e in evals])}",
            _limit(refs),
        )
    if described:
        return Cell(
            "present",
            f"described in the assessment method of {len(described)} levels (read from text)",
            _limit(described),
        )
    return Cell("absent", "no elicitation stated (no strategies, no method that mentions it)")


def _timing(fw: S.Framework) -> Cell:
    r = fw.governance.reassessment
    parts = []
    if r.effective_compute_multiple:
        parts.append(f"every {r.effective_compute_multiple:g}x effective compute")
    if r.months:
        parts.append(f"every {r.months:g} months")
    if r.deployment_context_change:
        parts.append("on a new deployment context")
    refs = [_ref("reassessment", "governance.reassessment", r.citation)]
    if parts:
        return Cell("present", "; ".join(parts), refs)
    if r.other:
        text = r.other.strip()
        short = text if len(text) <= 110 else text[:109] + "…"
        return Cell("partial", f"no compute or time trigger; {short}", refs)
    return Cell("absent", "no reassessment trigger stated")


def _accountability(fw: S.Framework) -> Cell:
    g = fw.governance
    refs = [
        _ref("sign_off", f"governance.sign_off[{i}]", so.citation)
        for i, so in enumerate(g.sign_off)
    ]
    refs += [_ref("role", role.id, role.citation) for role in g.roles]
    adherence = [
        a for a in fw.external_input.trusted_actors if S.ReviewedItem.ADHERENCE in a.reviewed
    ]
    refs += [_ref("trusted_actor", a.id, a.citation) for a in adherence]
    parts = [f"roles: {_names([r.id for r in g.roles])}"]
    if g.sign_off:
        deciders = sorted({role for so in g.sign_off for role in so.roles})
        parts.append(f"sign-off by {_names(deciders)}")
    if g.noncompliance_reporting:
        parts.append("noncompliance reporting")
    if adherence:
        parts.append(f"external adherence review: {_names([a.id for a in adherence])}")
    status: CellStatus = "present" if g.sign_off else "partial"
    if not g.sign_off:
        parts.append("no sign-off rule (who decides is not stated)")
    return Cell(status, "; ".join(parts), _limit(refs))


def _updating(fw: S.Framework) -> Cell:
    g = fw.governance
    parts = []
    if g.policy_review_months:
        parts.append(f"reviewed every {g.policy_review_months:g} months")
    if g.policy_changes_approved_by:
        parts.append(f"changes approved by {_names(g.policy_changes_approved_by)}")
    refs = [_ref("governance", "governance", g.citation)] if g.citation else []
    refs += [
        _ref("role", role.id, role.citation)
        for role in g.roles
        if role.id in g.policy_changes_approved_by
    ]
    if len(parts) == 2:
        return Cell("present", "; ".join(parts), _limit(refs))
    if parts:
        return Cell("partial", parts[0], _limit(refs))
    return Cell("absent", "no review cadence and no approver for changes")


_DEPLOY = {
    S.Action.INTERNAL_DEPLOYMENT,
    S.Action.EXTERNAL_DEPLOYMENT,
    S.Action.OPEN_WEIGHTS_RELEASE,
}


def element_cells(fw: S.Framework) -> dict[str, Cell]:
    """The METR element cells for one framework, by row key."""
    return {
        "capability_thresholds": _capability_thresholds(fw),
        "model_weight_security": _safeguard_row(
            fw, S.SafeguardKind.SECURITY, "weight-security safeguards"
        ),
        "deployment_mitigations": _safeguard_row(
            fw, S.SafeguardKind.DEPLOYMENT, "deployment safeguards"
        ),
        "halting_deployment": _halting(fw, _DEPLOY, "deployment"),
        "halting_development": _halting(fw, {S.Action.CONTINUE_TRAINING}, "development"),
        "capability_elicitation": _elicitation(fw),
        "evaluation_timing": _timing(fw),
        "accountability": _accountability(fw),
        "updating_policy": _updating(fw),
    }


def label_of(fw: S.Framework) -> str:
    ident = fw.framework
    return f"{ident.organisation}: {ident.name} {ident.version}"


def compare(frameworks: Sequence[S.Framework], labels: Sequence[str] | None = None) -> Comparison:
    fws = list(frameworks)
    names = list(labels) if labels is not None else [label_of(fw) for fw in fws]
    per = [element_cells(fw) for fw in fws]
    rows = [Row(key, label, "metr", [cells[key] for cells in per]) for key, label in ELEMENTS]
    checks = [check_commitments(fw) for fw in fws]
    for i, c0 in enumerate(checks[0] if checks else []):
        cells = []
        for chk in checks:
            c = chk[i]
            summary = "; ".join(c.reasons[:1] + [f"gap: {g}" for g in c.gaps[:2]])
            if len(c.gaps) > 2:
                summary += f" (+{len(c.gaps) - 2} more gaps)"
            cells.append(Cell(c.status.value, summary or c.status.value))
        rows.append(
            Row(
                f"commitment_{c0.commitment.number}",
                f"{c0.commitment.number}. {c0.commitment.title}",
                "commitments",
                cells,
            )
        )
    return Comparison(fws, names, rows)


# ------------------------------------------------------------------ rendering

_STYLE = {
    "present": "green",
    "met": "green",
    "partial": "yellow",
    "partly": "yellow",
    "absent": "red",
    "missing": "red",
}
_WORD = {"present": "yes", "partial": "partly", "absent": "no"}
_SHOWN_REFS = 3


def render(cmp: Comparison, console: Console, *, refs: bool = True) -> None:
    """A Rich table, one column per framework, readable at 140 columns."""
    table = Table(
        title="Frameworks compared: METR's common elements, then Seoul commitments I-VIII",
        show_lines=True,
        expand=True,
    )
    table.add_column("Element", style="bold", ratio=2, overflow="fold")
    for label in cmp.labels:
        table.add_column(label, ratio=4, overflow="fold")
    for group in ("metr", "commitments"):
        for row in (r for r in cmp.rows if r.group == group):
            cells = []
            for c in row.cells:
                t = Text()
                t.append(_WORD.get(c.status, c.status), style=_STYLE[c.status])
                t.append(f": {c.summary}")
                if refs and c.refs:
                    for r in c.refs[:_SHOWN_REFS]:
                        t.append(f"\n  {r.short()}", style="dim")
                        if r.interpretation:
                            t.append(f"\n    our reading: {r.interpretation}", style="italic dim")
                    if len(c.refs) > _SHOWN_REFS:
                        t.append(f"\n  +{len(c.refs) - _SHOWN_REFS} more (--json)", style="dim")
                cells.append(t)
            table.add_row(row.label, *cells)
    console.print(table)
    console.print(
        "Rows: METR, Common Elements of Frontier AI Safety Policies (metr.org/common-elements); "
        "Seoul commitments I-VIII as graded by `redline commitments` (sources in --json).",
        markup=False,
    )
