"""Semantic checks of forecast rules (``governance.reassessment.forecast_rules``)."""

from __future__ import annotations

from collections.abc import Iterator

from redline.framework import schema as S
from redline.framework.located import PathT, SemanticProblem

_KINDS = {
    "alert": {S.LevelKind.ALERT},
    "threshold": {S.LevelKind.THRESHOLD, S.LevelKind.INTOLERABLE},
    "any": set(S.LevelKind),
}


def check(fw: S.Framework) -> Iterator[SemanticProblem]:
    r = fw.governance.reassessment
    base: PathT = ("governance", "reassessment", "forecast_rules")
    levels = {lv.id: lv for d in fw.domains for lv in d.levels}
    seen: dict[str, PathT] = {}
    for i, rule in enumerate(r.forecast_rules):
        path: PathT = (*base, i)
        if rule.id in seen:
            yield SemanticProblem(
                (*path, "id"), f"duplicate forecast rule id {rule.id!r}", "error", see=seen[rule.id]
            )
        else:
            seen[rule.id] = (*path, "id")
        kinds = _KINDS[rule.when]
        if rule.levels == "all":
            if not any(lv.kind in kinds for lv in levels.values()):
                yield SemanticProblem(
                    (*path, "when"),
                    f"the framework has no level of kind {rule.when!r} for this rule to watch",
                    "error",
                )
            continue
        for j, lid in enumerate(rule.levels):
            lv = levels.get(lid)
            if lv is None:
                known = ", ".join(sorted(levels)) or "none defined"
                yield SemanticProblem(
                    (*path, "levels", j), f"unknown level {lid!r} (levels: {known})", "error"
                )
            elif lv.kind not in kinds:
                yield SemanticProblem(
                    (*path, "levels", j),
                    f"level {lid!r} is a {lv.kind.value} level, but the rule watches "
                    f"when: {rule.when!r} (use when: any, or drop the level)",
                    "error",
                )
