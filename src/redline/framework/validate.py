"""Semantic checks beyond types: ids, references, ladder order, halting rules.

Each check yields a :class:`SemanticProblem` with the path of the element it is
about; the loader turns paths into file positions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from redline.framework import schema as S
from redline.framework import validate_constructs, validate_forecast
from redline.framework.located import PathT, SemanticProblem, format_path
from redline.framework.schema import condition_paths as _conditions
from redline.framework.validate_constructs import manual_conditions


def _err(
    path: PathT, msg: str, *, on_key: bool = False, see: PathT | None = None
) -> SemanticProblem:
    return SemanticProblem(path, msg, "error", on_key, see)


def _warn(path: PathT, msg: str) -> SemanticProblem:
    return SemanticProblem(path, msg, "warning")


def _unique(items: Sequence[tuple[PathT, str]], what: str) -> Iterator[SemanticProblem]:
    seen: dict[str, PathT] = {}
    for path, ident in items:
        if ident in seen:
            yield _err(path, f"duplicate {what} id {ident!r}", see=seen[ident])
        else:
            seen[ident] = path


def _fmt(path: PathT) -> str:
    return format_path(path)


def _known(names: Iterable[str]) -> str:
    return ", ".join(sorted(set(names))) or "none defined"


def _requirement_ids(req: S.Requirement) -> list[str]:
    return list(req.any_of) if isinstance(req, S.AnyOfSafeguards) else [req]


def check(
    fw: S.Framework, *, resolve_task: Callable[[str], str | None] | None = None
) -> list[SemanticProblem]:
    return list(_check(fw, resolve_task))


def _check(
    fw: S.Framework, resolve_task: Callable[[str], str | None] | None
) -> Iterator[SemanticProblem]:
    # ---- numbers: NaN or infinity would make a threshold silently never fire
    yield from _finite(fw, ())

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
            [
                (("evaluations", i, "elicitation", j, "id"), el.id)
                for j, el in enumerate(e.elicitation)
            ],
            "elicitation strategy",
        )

    evaluations = {e.id: e for e in fw.evaluations}
    safeguards = {s.id: s for s in fw.safeguards}
    roles = {r.id for r in fw.governance.roles}
    actors = {a.id for a in fw.external_input.trusted_actors}
    domains = {d.id: d for d in fw.domains}
    all_levels = {lv.id: (d, lv) for d in fw.domains for lv in d.levels}

    # Manual determinations: id -> (path, the determination, the factor it scores or None)
    determinations: list[tuple[PathT, str]] = []
    manual: dict[str, tuple[S.ManualDetermination, S.RiskFactor | None]] = {}
    used_evaluations: set[str] = set()

    def eval_ref(path: PathT, eval_id: str) -> Iterator[SemanticProblem]:
        used_evaluations.add(eval_id)
        if eval_id not in evaluations:
            yield _err(path, f"unknown evaluation {eval_id!r} (evaluations: {_known(evaluations)})")

    def role_ref(path: PathT, role: str) -> Iterator[SemanticProblem]:
        if role not in roles:
            yield _err(path, f"unknown role {role!r} (governance.roles: {_known(roles)})")

    def safeguard_ref(path: PathT, sid: str) -> Iterator[SemanticProblem]:
        if sid not in safeguards:
            yield _err(path, f"unknown safeguard {sid!r} (safeguards: {_known(safeguards)})")

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
                    manual.setdefault(c.id, (c, None))
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
                    yield _warn(
                        lpath,
                        f"alert level {lv.id!r} does not say which level it warns of (alert_for)",
                    )
                else:
                    yield from _alert(lpath, j, lv, d, fw, evaluations)
            elif lv.alert_for is not None:
                yield _err((*lpath, "alert_for"), "only alert levels take alert_for")
        yield from _ladder_order(dpath, d, evaluations)
        if d.risk_matrix is not None:
            yield from _matrix((*dpath, "risk_matrix"), d, evaluations, role_ref, eval_ref)
            for fi, f in enumerate(d.risk_matrix.factors):
                if isinstance(f.source, S.ManualFactorSource):
                    determinations.append(
                        (
                            (*dpath, "risk_matrix", "factors", fi, "source", "manual", "id"),
                            f.source.manual.id,
                        )
                    )
                    manual.setdefault(f.source.manual.id, (f.source.manual, f))
        halted = any(
            r.kind is S.RuleKind.HALT and r.binding and (r.domains == "all" or d.id in r.domains)
            for r in fw.rules
        )
        if d.status == "tracked" and not d.levels:
            yield _err(
                dpath,
                f"domain {d.id!r} is tracked but has no levels: add its ladder, or set "
                "status: research, monitored or excluded",
            )
        elif d.status != "tracked" and d.levels:
            yield _warn(
                (*dpath, "status"),
                f"domain {d.id!r} is {d.status} but has levels: they still decide actions",
            )
        if d.status == "tracked" and not has_intolerable and not halted and not d.halting_exemption:
            yield _err(
                dpath,
                f"domain {d.id!r} has neither an intolerable level nor a halting rule: add one, "
                "or state why in halting_exemption",
            )

    yield from _unique(determinations, "manual determination")
    # Conditions of exemptions and conditional rules (checked in validate_constructs).

    for _, c in manual_conditions(fw):
        manual.setdefault(c.id, (c, None))

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
        rpath = ("rules", i)
        if r.domains != "all":
            for k, did in enumerate(r.domains):
                if did not in domains:
                    yield _err(
                        (*rpath, "domains", k),
                        f"unknown domain {did!r} (domains: {_known(domains)})",
                    )
        yield from requirement_refs((*rpath, "requires"), r.requires)
        if r.kind is S.RuleKind.BASELINE and not r.requires:
            yield _err(rpath, "a baseline rule must list the safeguards it requires (requires)")

    # ---- governance
    g = fw.governance
    for i, so in enumerate(g.sign_off):
        for k, role in enumerate(so.roles):
            yield from role_ref(("governance", "sign_off", i, "roles", k), role)
        for k, lid in enumerate(so.levels):
            if lid not in all_levels:
                yield _err(
                    ("governance", "sign_off", i, "levels", k),
                    f"unknown level {lid!r} (levels: {_known(all_levels)})",
                )
        if so.when == "levels_reached" and not so.levels:
            yield _err(
                ("governance", "sign_off", i, "when"),
                "'levels_reached' needs the list of levels (levels: [...])",
            )
        elif so.when != "levels_reached" and so.levels:
            yield _warn(
                ("governance", "sign_off", i, "levels"),
                f"levels only apply with when: levels_reached (here when: {so.when})",
            )
    for k, role in enumerate(g.policy_changes_approved_by):
        yield from role_ref(("governance", "policy_changes_approved_by", k), role)

    # ---- transparency
    t = fw.transparency
    if t is not None:
        public = set(t.public)
        trusted_only = {disc.item for disc in t.trusted_only}
        for section in ("trusted_only", "withheld"):
            for i, disc in enumerate(getattr(t, section)):
                if disc.item in public:
                    yield _err(
                        ("transparency", section, i, "item"),
                        f"{disc.item.value!r} is also listed as public",
                    )
                elif section == "withheld" and disc.item in trusted_only:
                    yield _err(
                        ("transparency", section, i, "item"),
                        f"{disc.item.value!r} is also listed as trusted_only",
                    )
                for k, aid in enumerate(disc.shared_with):
                    if aid not in actors:
                        yield _err(
                            ("transparency", section, i, "shared_with", k),
                            f"unknown trusted actor {aid!r} "
                            f"(external_input.trusted_actors: {_known(actors)})",
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
            dtpath: PathT = (*tpath, "determinations", k)
            yield from role_ref((*dtpath, "by"), det.by)
            known = manual.get(det.determination)
            if known is None:
                yield _err(
                    (*dtpath, "determination"),
                    f"unknown manual determination {det.determination!r} "
                    f"(the framework names: {_known(manual)})",
                )
                continue
            m, factor = known
            if det.by in roles and m.determined_by in roles and det.by != m.determined_by:
                yield _err(
                    (*dtpath, "by"),
                    f"{det.determination!r} is determined by {m.determined_by!r}, not {det.by!r}",
                )
            if factor is not None and det.score is None:
                yield _err(
                    dtpath,
                    f"{det.determination!r} scores a risk-matrix factor: give 'score', "
                    "not 'reached'",
                )
            elif factor is not None and det.score not in factor.scores:
                yield _err(
                    (*dtpath, "score"),
                    f"{det.score} is not a score of factor {factor.id!r} "
                    f"(scores: {', '.join(map(str, factor.scores))})",
                )
            elif factor is None and det.reached is None:
                yield _err(
                    dtpath,
                    f"{det.determination!r} is a trigger: give 'reached: true/false', not 'score'",
                )
        for k, sid in enumerate(test.safeguards_in_place):
            yield from safeguard_ref((*tpath, "safeguards_in_place", k), sid)
        for did, lid in test.expect_levels.items():
            if did not in domains:
                yield _err(
                    (*tpath, "expect_levels", did),
                    f"unknown domain {did!r} (domains: {_known(domains)})",
                    on_key=True,
                )
            elif lid != "none" and lid not in {lv.id for lv in domains[did].levels}:
                yield _err(
                    (*tpath, "expect_levels", did),
                    f"level {lid!r} is not in domain {did!r} "
                    f"(its levels: {', '.join(lv.id for lv in domains[did].levels)})",
                )

    # ---- registry constructs (identity, exemptions, usage thresholds, ...)
    yield from validate_constructs.check(fw)
    yield from validate_forecast.check(fw)

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


def _finite(node: Any, path: PathT) -> Iterator[SemanticProblem]:
    """Every number in the schema's own fields is finite (free-form task_args aside)."""
    if isinstance(node, float) and not math.isfinite(node):
        yield _err(path, f"expected a finite number, got {node}")
    elif isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            if name == "task_args":
                continue
            yield from _finite(getattr(node, name), (*path, info.alias or name))
    elif isinstance(node, list | tuple):
        for k, item in enumerate(node):
            yield from _finite(item, (*path, k))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _finite(item, (*path, str(key)))


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
            f"(higher_is_more_capable: {str(e.higher_is_more_capable).lower()}); "
            "check the direction",
        )


_Key = tuple[str, str | None, bool]


def _numeric(
    cond: S.Condition | None, path: PathT, evaluations: dict[str, S.Evaluation]
) -> dict[_Key, tuple[float, PathT]]:
    """Numeric comparisons of a trigger by (evaluation, metric, rising), with the
    path of each value. A missing metric is the evaluation's own metric."""
    out: dict[_Key, tuple[float, PathT]] = {}
    for cpath, c in _conditions(cond, path):
        if isinstance(c, S.Comparison) and isinstance(c.value, float | int):
            e = evaluations.get(c.evaluation)
            metric = c.metric if c.metric is not None else (e.metric if e else None)
            key = (c.evaluation, metric, c.op in (S.Op.GE, S.Op.GT))
            out.setdefault(key, (float(c.value), (*cpath, "value")))
    return out


def _alert(
    lpath: PathT,
    j: int,
    lv: S.CapabilityLevel,
    d: S.RiskDomain,
    fw: S.Framework,
    evaluations: dict[str, S.Evaluation],
) -> Iterator[SemanticProblem]:
    target_index = next((k for k, o in enumerate(d.levels) if o.id == lv.alert_for), None)
    if target_index is None:
        elsewhere = next((o.id for o in fw.domains for x in o.levels if x.id == lv.alert_for), None)
        where = f" (it is in domain {elsewhere!r})" if elsewhere else ""
        yield _err(
            (*lpath, "alert_for"), f"level {lv.alert_for!r} is not in domain {d.id!r}{where}"
        )
        return
    target = d.levels[target_index]
    if target.kind is S.LevelKind.ALERT:
        yield _err(
            (*lpath, "alert_for"),
            f"{target.id!r} is another alert: an alert warns of a threshold or intolerable level",
        )
        return
    if target_index < j:
        yield _err(
            (*lpath, "alert_for"),
            f"an alert must come before the level it warns of: move it above {target.id!r}",
        )
    mine = _numeric(lv.trigger, (*lpath, "trigger"), evaluations)
    theirs = _numeric(target.trigger, (), evaluations)
    for key, (value, vpath) in mine.items():
        if key in theirs:
            tv = theirs[key][0]
            rising = key[2]
            safe = value < tv if rising else value > tv
            if not safe:
                side = "below" if rising else "above"
                yield _err(
                    vpath,
                    f"alert value {value:g} on {key[0]} is not {side} the threshold {tv:g} "
                    f"of {target.id!r}: an early warning must fire first",
                )


def _ladder_order(
    dpath: PathT, d: S.RiskDomain, evaluations: dict[str, S.Evaluation]
) -> Iterator[SemanticProblem]:
    seen_intolerable = False
    last: dict[_Key, tuple[float, str]] = {}
    for j, lv in enumerate(d.levels):
        lpath: PathT = (*dpath, "levels", j)
        if lv.kind is S.LevelKind.INTOLERABLE:
            seen_intolerable = True
        elif seen_intolerable and lv.kind is S.LevelKind.THRESHOLD:
            yield _err(
                (*lpath, "kind"),
                "a threshold cannot sit above an intolerable level: "
                "order levels from least to most severe",
            )
        if lv.kind is S.LevelKind.ALERT:
            continue
        for key, (value, vpath) in _numeric(lv.trigger, (*lpath, "trigger"), evaluations).items():
            if key in last:
                prev, prev_id = last[key]
                rising = key[2]
                if (value < prev) if rising else (value > prev):
                    yield _err(
                        vpath,
                        f"{key[0]} threshold {value:g} is less severe than that of the lower "
                        f"level {prev_id!r} ({prev:g}): order levels from least to most severe",
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
    level_ids = [lv.id for lv in d.levels]
    factors = {f.id: f for f in m.factors}
    yield from _unique(
        [((*mpath, "factors", i, "id"), f.id) for i, f in enumerate(m.factors)], "factor"
    )
    for i, f in enumerate(m.factors):
        fpath: PathT = (*mpath, "factors", i)
        if f.scores != sorted(set(f.scores)):
            yield _err((*fpath, "scores"), "scores must be distinct and ascending")
        if isinstance(f.source, S.ManualFactorSource):
            yield from role_ref(
                (*fpath, "source", "manual", "determined_by"), f.source.manual.determined_by
            )
        else:
            yield from eval_ref((*fpath, "source", "evaluation"), f.source.evaluation)
            if len(f.source.bins) != len(f.scores):
                yield _err(
                    (*fpath, "source", "bins"),
                    f"has {len(f.source.bins)} bin{'s' if len(f.source.bins) != 1 else ''} "
                    f"but the factor has {len(f.scores)} scores: give one bin per score",
                )
            if f.source.bins != sorted(f.source.bins):
                yield _err((*fpath, "source", "bins"), "bins must be ascending")
    in_domain = f"is not in domain {d.id!r} (its levels: {', '.join(level_ids)})"
    if m.combine == "lookup":
        if not m.cells:
            yield _err(
                (*mpath, "combine"),
                "'lookup' needs cells (when: {factor: score, ...}, level: ...)",
            )
        for i, cell in enumerate(m.cells):
            if cell.level not in level_ids:
                yield _err((*mpath, "cells", i, "level"), f"level {cell.level!r} {in_domain}")
            for fid, score in cell.when.items():
                if fid not in factors:
                    yield _err(
                        (*mpath, "cells", i, "when", fid),
                        f"unknown factor {fid!r} (factors: {_known(factors)})",
                        on_key=True,
                    )
                elif score not in factors[fid].scores:
                    yield _err(
                        (*mpath, "cells", i, "when", fid),
                        f"{score} is not a score of factor {fid!r} "
                        f"(scores: {', '.join(map(str, factors[fid].scores))})",
                    )
    else:
        if not m.bands:
            yield _err(
                (*mpath, "combine"),
                f"{m.combine!r} needs bands (level: ..., score_at_least: ...)",
            )
        for i, band in enumerate(m.bands):
            if band.level not in level_ids:
                yield _err((*mpath, "bands", i, "level"), f"level {band.level!r} {in_domain}")
        edges = [b.score_at_least for b in m.bands]
        if edges != sorted(edges):
            yield _err((*mpath, "bands"), "bands must be ordered by score_at_least, lowest first")


def _cycles(fw: S.Framework) -> Iterator[SemanticProblem]:
    """A safeguard that comprises or implies itself, directly or through others.

    Each cycle is reported once, at the reference that closes it."""
    index = {s.id: i for i, s in enumerate(fw.safeguards)}
    edges: dict[str, list[tuple[str, str, int]]] = {
        s.id: [
            *(("comprises", t, k) for k, t in enumerate(s.comprises)),
            *(("implies", t, k) for k, t in enumerate(s.implies)),
        ]
        for s in fw.safeguards
    }
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[tuple[str, str]] = []  # (safeguard, how it reaches the next)

    def visit(node: str) -> Iterator[SemanticProblem]:
        state[node] = 1
        for how, nxt, k in edges.get(node, []):
            if nxt not in index:
                continue
            if state.get(nxt) == 1:
                path = [*stack, (node, how)]
                start = next(n for n, (s, _) in enumerate(path) if s == nxt)
                chain = path[start:]
                targets = [s for s, _ in chain[1:]] + [nxt]
                words = f"{chain[0][0]} {chain[0][1]} {targets[0]}" + "".join(
                    f", which {h} {t}" for (_, h), t in zip(chain[1:], targets[1:], strict=True)
                )
                yield _err(
                    ("safeguards", index[node], how, k),
                    f"safeguards form a cycle: {words}; "
                    "a safeguard cannot comprise or imply itself",
                )
            elif state.get(nxt) is None:
                stack.append((node, how))
                yield from visit(nxt)
                stack.pop()
        state[node] = 2

    for s in fw.safeguards:
        if state.get(s.id) is None:
            yield from visit(s.id)
