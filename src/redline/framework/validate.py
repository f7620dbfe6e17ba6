"""Semantic checks beyond types: ids, references, ladder order, halting rules.

Each check yields a :class:`SemanticProblem` with the path of the element it is
about; the loader turns paths into file positions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from redline.framework import schema as S

PathT = tuple[str | int, ...]


@dataclass(frozen=True)
class SemanticProblem:
    path: PathT
    message: str
    severity: Literal["error", "warning"] = "error"
    on_key: bool = False


def _err(path: PathT, msg: str, *, on_key: bool = False) -> SemanticProblem:
    return SemanticProblem(path, msg, "error", on_key)


def _warn(path: PathT, msg: str) -> SemanticProblem:
    return SemanticProblem(path, msg, "warning")


def _unique(items: list[tuple[PathT, str]], what: str) -> Iterator[SemanticProblem]:
    seen: dict[str, PathT] = {}
    for path, ident in items:
        if ident in seen:
            first = seen[ident]
            yield _err(path, f"duplicate {what} id {ident!r} (first used at {_fmt(first)})")
        else:
            seen[ident] = path


def _fmt(path: PathT) -> str:
    from redline.framework.load import format_path

    return format_path(path)


def _conditions(
    cond: S.Condition | None, path: PathT
) -> Iterator[tuple[PathT, S.Comparison | S.ManualDetermination]]:
    if cond is None:
        return
    if isinstance(cond, S.Comparison):
        yield path, cond
    elif isinstance(cond, S.ManualCondition):
        yield (*path, "manual"), cond.manual
    elif isinstance(cond, S.AllCondition):
        for i, c in enumerate(cond.all):
            yield from _conditions(c, (*path, "all", i))
    elif isinstance(cond, S.AnyCondition):
        for i, c in enumerate(cond.any):
            yield from _conditions(c, (*path, "any", i))


def _requirement_ids(req: S.Requirement) -> list[str]:
    return list(req.any_of) if isinstance(req, S.AnyOfSafeguards) else [req]


def check(
    fw: S.Framework, *, resolve_task: Callable[[str], str | None] | None = None
) -> list[SemanticProblem]:
    return list(_check(fw, resolve_task))


def _check(
    fw: S.Framework, resolve_task: Callable[[str], str | None] | None
) -> Iterator[SemanticProblem]:
    # ---- unique ids
    yield from _unique([(("domains", i, "id"), d.id) for i, d in enumerate(fw.domains)], "domain")
    level_ids = [
        (("domains", i, "levels", j, "id"), lv.id)
        for i, d in enumerate(fw.domains)
        for j, lv in enumerate(d.levels)
    ]
    yield from _unique(level_ids, "level")
    yield from _unique(
        [(("evaluations", i, "id"), e.id) for i, e in enumerate(fw.evaluations)], "evaluation"
    )
    yield from _unique(
        [(("safeguards", i, "id"), s.id) for i, s in enumerate(fw.safeguards)], "safeguard"
    )
    yield from _unique([(("rules", i, "id"), r.id) for i, r in enumerate(fw.rules)], "rule")
    yield from _unique(
        [(("governance", "roles", i, "id"), r.id) for i, r in enumerate(fw.governance.roles)],
        "role",
    )
    yield from _unique(
        [
            (("external_input", "trusted_actors", i, "id"), a.id)
            for i, a in enumerate(fw.external_input.trusted_actors)
        ],
        "trusted actor",
    )
    for i, e in enumerate(fw.evaluations):
        yield from _unique(
            [(("evaluations", i, "elicitation", j, "id"), el.id) for j, el in enumerate(e.elicitation)],
            "elicitation strategy",
        )

    evaluations = {e.id: e for e in fw.evaluations}
    safeguards = {s.id: s for s in fw.safeguards}
    roles = {r.id for r in fw.governance.roles}
    actors = {a.id for a in fw.external_input.trusted_actors}
    domains = {d.id: d for d in fw.domains}
    all_levels = {lv.id: (d, lv) for d in fw.domains for lv in d.levels}

    determinations: list[tuple[PathT, str]] = []
    used_evaluations: set[str] = set()

    def eval_ref(path: PathT, eval_id: str) -> Iterator[SemanticProblem]:
        used_evaluations.add(eval_id)
        if eval_id not in evaluations:
            known = ", ".join(sorted(evaluations)) or "none defined"
            yield _err(path, f"unknown evaluation {eval_id!r} (evaluations: {known})")

    def role_ref(path: PathT, role: str) -> Iterator[SemanticProblem]:
        if role not in roles:
            yield _err(
                path, f"unknown role {role!r} (governance.roles: {', '.join(sorted(roles))})"
            )

    def safeguard_ref(path: PathT, sid: str) -> Iterator[SemanticProblem]:
        if sid not in safeguards:
            known = ", ".join(sorted(safeguards)) or "none defined"
            yield _err(path, f"unknown safeguard {sid!r} (safeguards: {known})")

    def requirement_refs(path: PathT, reqs: list[S.Requirement]) -> Iterator[SemanticProblem]:
        for k, req in enumerate(reqs):
            if isinstance(req, S.AnyOfSafeguards):
                for m, sid in enumerate(req.any_of):
                    yield from safeguard_ref((*path, k, "any_of", m), sid)
            else:
                yield from safeguard_ref((*path, k), req)

    # ---- domains and levels
    for i, d in enumerate(fw.domains):
        dpath: PathT = ("domains", i)
        has_intolerable = any(lv.kind is S.LevelKind.INTOLERABLE for lv in d.levels)
        for j, lv in enumerate(d.levels):
            lpath: PathT = (*dpath, "levels", j)
            for cpath, c in _conditions(lv.trigger, (*lpath, "trigger")):
                if isinstance(c, S.Comparison):
                    yield from eval_ref((*cpath, "evaluation"), c.evaluation)
                    yield from _direction(cpath, c, evaluations)
                else:
                    determinations.append(((*cpath, "id"), c.id))
                    yield from role_ref((*cpath, "determined_by"), c.determined_by)
            if d.risk_matrix is None and lv.trigger is None:
                yield _err(
                    lpath,
                    f"level {lv.id!r} has no trigger: say when it is reached "
                    "(a comparison, all/any, or a manual determination)",
                )
            if d.risk_matrix is not None and lv.trigger is not None:
                yield _err(
                    (*lpath, "trigger"),
                    "levels of a risk-matrix domain are reached through the matrix, "
                    "not through a trigger",
                    on_key=True,
                )
            for action, req in lv.requires.items():
                rpath: PathT = (*lpath, "requires", action.value)
                if isinstance(req, list):
                    yield from requirement_refs(rpath, req)
                    if lv.kind is S.LevelKind.INTOLERABLE and req:
                        yield _err(
                            rpath,
                            "an intolerable level cannot be mitigated: use 'forbidden' "
                            "for this action or make the level a threshold",
                        )
            if lv.kind is S.LevelKind.ALERT:
                if lv.alert_for is None:
                    yield _warn(lpath, f"alert level {lv.id!r} does not say which level it warns of (alert_for)")
                else:
                    yield from _alert(lpath, j, lv, d)
            elif lv.alert_for is not None:
                yield _err((*lpath, "alert_for"), "only alert levels take alert_for")
        yield from _ladder_order(dpath, d)
        if d.risk_matrix is not None:
            yield from _matrix((*dpath, "risk_matrix"), d, evaluations, role_ref, eval_ref)
            for fi, f in enumerate(d.risk_matrix.factors):
                if isinstance(f.source, S.ManualFactorSource):
                    determinations.append(
                        ((*dpath, "risk_matrix", "factors", fi, "source", "manual", "id"), f.source.manual.id)
                    )
        halted = any(
            r.kind is S.RuleKind.HALT and (r.domains == "all" or d.id in r.domains) for r in fw.rules
        )
        if not has_intolerable and not halted and not d.halting_exemption:
            yield _err(
                dpath,
                f"domain {d.id!r} has neither an intolerable level nor a halting rule: add one, "
                "or state why in halting_exemption",
            )

    yield from _unique(determinations, "manual determination")

    # ---- safeguards
    for i, s in enumerate(fw.safeguards):
        spath: PathT = ("safeguards", i)
        for k, sid in enumerate(s.comprises):
            yield from safeguard_ref((*spath, "comprises", k), sid)
        for k, sid in enumerate(s.implies):
            yield from safeguard_ref((*spath, "implies", k), sid)
        if s.verification is not None:
            yield from eval_ref((*spath, "verification", "evaluation"), s.verification.evaluation)
    yield from _cycles(fw)

    # ---- rules
    for i, r in enumerate(fw.rules):
        rpath: PathT = ("rules", i)
        if r.domains != "all":
            for k, did in enumerate(r.domains):
                if did not in domains:
                    yield _err((*rpath, "domains", k), f"unknown domain {did!r}")
        yield from requirement_refs((*rpath, "requires"), r.requires)
        if r.kind is S.RuleKind.BASELINE and not r.requires:
            yield _err(rpath, "a baseline rule must list the safeguards it requires")

    # ---- governance
    g = fw.governance
    for i, so in enumerate(g.sign_off):
        for k, role in enumerate(so.roles):
            yield from role_ref(("governance", "sign_off", i, "roles", k), role)
        for k, lid in enumerate(so.levels):
            if lid not in all_levels:
                yield _err(("governance", "sign_off", i, "levels", k), f"unknown level {lid!r}")
        if so.when == "levels_reached" and not so.levels:
            yield _err(("governance", "sign_off", i), "when: levels_reached needs a list of levels")
    for k, role in enumerate(g.policy_changes_approved_by):
        yield from role_ref(("governance", "policy_changes_approved_by", k), role)

    # ---- transparency
    t = fw.transparency
    if t is not None:
        public = set(t.public)
        for section in ("trusted_only", "withheld"):
            for i, disc in enumerate(getattr(t, section)):
                if disc.item in public:
                    yield _err(
                        ("transparency", section, i, "item"),
                        f"{disc.item.value!r} is also listed as public",
                    )
                for k, aid in enumerate(disc.shared_with):
                    if aid not in actors:
                        yield _err(
                            ("transparency", section, i, "shared_with", k),
                            f"unknown trusted actor {aid!r}",
                        )

    # ---- self-tests
    for i, test in enumerate(fw.tests):
        tpath: PathT = ("tests", i)
        for k, res in enumerate(test.results):
            yield from eval_ref((*tpath, "results", k, "evaluation"), res.evaluation)
            if res.interval is not None:
                lo, hi = res.interval
                if not lo <= res.estimate <= hi:
                    yield _err(
                        (*tpath, "results", k, "interval"),
                        f"interval [{lo}, {hi}] does not contain the estimate {res.estimate}",
                    )
        for k, det in enumerate(test.determinations):
            if det.determination not in {d for _, d in determinations}:
                yield _err(
                    (*tpath, "determinations", k, "determination"),
                    f"unknown manual determination {det.determination!r}",
                )
            yield from role_ref((*tpath, "determinations", k, "by"), det.by)
        for k, sid in enumerate(test.safeguards_in_place):
            yield from safeguard_ref((*tpath, "safeguards_in_place", k), sid)
        for did, lid in test.expect_levels.items():
            if did not in domains:
                yield _err((*tpath, "expect_levels", did), f"unknown domain {did!r}", on_key=True)
            elif lid != "none" and lid not in {lv.id for lv in domains[did].levels}:
                yield _err((*tpath, "expect_levels", did), f"level {lid!r} is not in domain {did!r}")

    # ---- evaluations
    for i, e in enumerate(fw.evaluations):
        if e.id not in used_evaluations:
            yield _warn(
                ("evaluations", i, "id"),
                f"evaluation {e.id!r} is not used by any trigger, factor or verification",
            )
        if resolve_task is not None:
            msg = resolve_task(e.task)
            if msg:
                yield _warn(("evaluations", i, "task"), msg)


def _direction(
    path: PathT, c: S.Comparison, evaluations: dict[str, S.Evaluation]
) -> Iterator[SemanticProblem]:
    e = evaluations.get(c.evaluation)
    if e is None:
        return
    rising = c.op in (S.Op.GE, S.Op.GT)
    if rising != e.higher_is_more_capable:
        yield _warn(
            (*path, "op"),
            f"this trigger fires when {c.evaluation} shows LESS capability "
            f"(higher_is_more_capable: {str(e.higher_is_more_capable).lower()}); check the direction",
        )


def _numeric(cond: S.Condition | None) -> dict[tuple[str, str | None, bool], float]:
    """Numeric comparisons of a trigger by (evaluation, metric, rising)."""
    out: dict[tuple[str, str | None, bool], float] = {}
    for _, c in _conditions(cond, ()):
        if isinstance(c, S.Comparison) and isinstance(c.value, float | int):
            out[(c.evaluation, c.metric, c.op in (S.Op.GE, S.Op.GT))] = float(c.value)
    return out


def _alert(lpath: PathT, j: int, lv: S.CapabilityLevel, d: S.RiskDomain) -> Iterator[SemanticProblem]:
    target_index = next((k for k, o in enumerate(d.levels) if o.id == lv.alert_for), None)
    if target_index is None:
        yield _err((*lpath, "alert_for"), f"level {lv.alert_for!r} is not in domain {d.id!r}")
        return
    target = d.levels[target_index]
    if target.kind is S.LevelKind.ALERT:
        yield _err((*lpath, "alert_for"), "an alert warns of a threshold or intolerable level, not another alert")
    if target_index < j:
        yield _err((*lpath, "alert_for"), f"an alert level must come before {target.id!r} in the ladder")
    mine, theirs = _numeric(lv.trigger), _numeric(target.trigger)
    for key, value in mine.items():
        if key in theirs:
            tv = theirs[key]
            rising = key[2]
            safe = value < tv if rising else value > tv
            if not safe:
                yield _err(
                    (*lpath, "trigger"),
                    f"alert value {value} on {key[0]} is not on the safe side of "
                    f"{target.id!r}'s threshold {tv}: an early warning must fire first",
                )


def _ladder_order(dpath: PathT, d: S.RiskDomain) -> Iterator[SemanticProblem]:
    seen_intolerable = False
    last: dict[tuple[str, str | None, bool], tuple[float, str]] = {}
    for j, lv in enumerate(d.levels):
        lpath: PathT = (*dpath, "levels", j)
        if lv.kind is S.LevelKind.INTOLERABLE:
            seen_intolerable = True
        elif seen_intolerable and lv.kind is S.LevelKind.THRESHOLD:
            yield _err(
                (*lpath, "kind"),
                "a threshold cannot sit above an intolerable level: order levels from least to most severe",
            )
        if lv.kind is S.LevelKind.ALERT:
            continue
        for key, value in _numeric(lv.trigger).items():
            if key in last:
                prev, prev_id = last[key]
                rising = key[2]
                if (value < prev) if rising else (value > prev):
                    yield _err(
                        (*lpath, "trigger"),
                        f"{key[0]} threshold {value} is less severe than the lower level "
                        f"{prev_id!r} ({prev}): order levels from least to most severe",
                    )
            last[key] = (value, lv.id)


def _matrix(
    mpath: PathT,
    d: S.RiskDomain,
    evaluations: dict[str, S.Evaluation],
    role_ref: Callable[[PathT, str], Iterator[SemanticProblem]],
    eval_ref: Callable[[PathT, str], Iterator[SemanticProblem]],
) -> Iterator[SemanticProblem]:
    m = d.risk_matrix
    assert m is not None
    level_ids = {lv.id for lv in d.levels}
    factors = {f.id: f for f in m.factors}
    yield from _unique([((*mpath, "factors", i, "id"), f.id) for i, f in enumerate(m.factors)], "factor")
    for i, f in enumerate(m.factors):
        fpath: PathT = (*mpath, "factors", i)
        if f.scores != sorted(set(f.scores)):
            yield _err((*fpath, "scores"), "scores must be distinct and ascending")
        if isinstance(f.source, S.ManualFactorSource):
            yield from role_ref((*fpath, "source", "manual", "determined_by"), f.source.manual.determined_by)
        else:
            yield from eval_ref((*fpath, "source", "evaluation"), f.source.evaluation)
            if len(f.source.bins) != len(f.scores):
                yield _err((*fpath, "source", "bins"), f"needs one bin per score ({len(f.scores)})")
            if f.source.bins != sorted(f.source.bins):
                yield _err((*fpath, "source", "bins"), "bins must be ascending")
    if m.combine == "lookup":
        if not m.cells:
            yield _err(mpath, "combine: lookup needs cells")
        for i, cell in enumerate(m.cells):
            if cell.level not in level_ids:
                yield _err((*mpath, "cells", i, "level"), f"level {cell.level!r} is not in domain {d.id!r}")
            for fid, score in cell.when.items():
                if fid not in factors:
                    yield _err((*mpath, "cells", i, "when", fid), f"unknown factor {fid!r}", on_key=True)
                elif score not in factors[fid].scores:
                    yield _err((*mpath, "cells", i, "when", fid), f"{score} is not a score of {fid!r}")
    else:
        if not m.bands:
            yield _err(mpath, f"combine: {m.combine} needs bands (level by score)")
        for i, band in enumerate(m.bands):
            if band.level not in level_ids:
                yield _err((*mpath, "bands", i, "level"), f"level {band.level!r} is not in domain {d.id!r}")
        edges = [b.score_at_least for b in m.bands]
        if edges != sorted(edges):
            yield _err((*mpath, "bands"), "bands must be ordered by score_at_least, ascending")


def _cycles(fw: S.Framework) -> Iterator[SemanticProblem]:
    graph = {s.id: [*s.comprises, *s.implies] for s in fw.safeguards}
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return True
            if state.get(nxt) is None and nxt in graph and visit(nxt):
                return True
        state[node] = 2
        return False

    for i, s in enumerate(fw.safeguards):
        if state.get(s.id) is None and visit(s.id):
            yield _err(("safeguards", i), f"safeguard {s.id!r} comprises or implies itself (a cycle)")
