"""Semantic checks for the registry constructs (identity of versions, and the 2026
constructs of docs/registry-constructs.md: tiers, exemptions, conditional rules,
recommendations, joint determinations, required-before, risk scoring, artefacts).

Kept apart from :mod:`redline.framework.validate` so each module stays small;
``validate.check`` yields these problems with the others."""

from __future__ import annotations

from collections.abc import Iterator

from redline.framework import schema as S
from redline.framework.located import PathT, SemanticProblem
from redline.framework.schema import condition_paths as _conditions


def _err(path: PathT, msg: str, *, on_key: bool = False) -> SemanticProblem:
    return SemanticProblem(path, msg, "error", on_key)


def _known(names: set[str]) -> str:
    return ", ".join(sorted(names)) or "none defined"


def manual_conditions(
    fw: S.Framework,
) -> Iterator[tuple[PathT, S.ManualDetermination]]:
    """Every manual determination outside level triggers and risk factors: in
    exemptions' and rules' conditions."""
    for i, e in enumerate(fw.exemptions):
        for p, c in _conditions(e.when, ("exemptions", i, "when")):
            if isinstance(c, S.ManualDetermination):
                yield p, c
    for i, r in enumerate(fw.rules):
        for p, c in _conditions(r.applies_when, ("rules", i, "applies_when")):
            if isinstance(c, S.ManualDetermination):
                yield p, c


def check(fw: S.Framework) -> Iterator[SemanticProblem]:
    yield from _identity(fw)
    yield from _levels(fw)
    yield from _exemptions(fw)
    yield from _rules(fw)
    yield from _determinations(fw)
    yield from _recommendations(fw)
    yield from _matrices(fw)
    yield from self_tests(fw)
    if fw.transparency is not None:
        seen: set[str] = set()
        for i, a in enumerate(fw.transparency.artefacts):
            if a.id in seen:
                yield _err(
                    ("transparency", "artefacts", i, "id"), f"duplicate artefact id {a.id!r}"
                )
            seen.add(a.id)


def _identity(fw: S.Framework) -> Iterator[SemanticProblem]:
    ident = fw.framework
    compliance = ident.kind == S.FrameworkKind.COMPLIANCE_FRAMEWORK
    if ident.companion_of is not None and not compliance:
        yield _err(
            ("framework", "companion_of"),
            "companion_of is for compliance frameworks only (set kind: compliance_framework)",
            on_key=True,
        )
    if compliance and ident.companion_of is None:
        yield _err(
            ("framework", "kind"),
            "a compliance framework names the safety framework it accompanies in companion_of",
        )
    if ident.companion_of is not None and ident.companion_of == ident.id:
        yield _err(
            ("framework", "companion_of"),
            f"companion_of names this framework's own id {ident.id!r}; "
            "a compliance framework has its own id",
        )
    if ident.supersedes is not None and ident.supersedes == ident.version:
        yield _err(
            ("framework", "supersedes"),
            f"supersedes names this version itself ({ident.version!r})",
        )


def _safeguard_refs(
    fw: S.Framework, path: PathT, reqs: list[S.Requirement]
) -> Iterator[SemanticProblem]:
    known = {s.id for s in fw.safeguards}
    for k, req in enumerate(reqs):
        ids = list(req.any_of) if isinstance(req, S.AnyOfSafeguards) else [req]
        for m, sid in enumerate(ids):
            p = (*path, k, "any_of", m) if isinstance(req, S.AnyOfSafeguards) else (*path, k)
            if sid not in known:
                yield _err(p, f"unknown safeguard {sid!r} (safeguards: {_known(known)})")


def _levels(fw: S.Framework) -> Iterator[SemanticProblem]:
    for i, d in enumerate(fw.domains):
        ids = [lv.id for lv in d.levels]
        for j, lv in enumerate(d.levels):
            lpath: PathT = ("domains", i, "levels", j)
            for action, req in lv.requires.items():
                if not isinstance(req, S.TieredRequirement):
                    continue
                rpath: PathT = (*lpath, "requires", action.value)
                if action not in S.TIERED_ACTIONS:
                    yield _err(
                        rpath,
                        f"{action.value} has no deployment tiers (only internal_deployment "
                        "and external_deployment do)",
                    )
                if lv.kind is S.LevelKind.INTOLERABLE:
                    yield _err(rpath, "an intolerable level cannot be mitigated: use 'forbidden'")
                for tier, reqs in req.tiers.items():
                    yield from _safeguard_refs(fw, (*rpath, "tiers", tier.value), reqs)
            for action, reqs in lv.recommends.items():
                yield from _safeguard_refs(fw, (*lpath, "recommends", action.value), reqs)
            for k, rb in enumerate(lv.required_before):
                bpath: PathT = (*lpath, "required_before", k)
                if lv.kind is not S.LevelKind.THRESHOLD:
                    yield _err(bpath, "required_before belongs on a threshold level")
                yield from _safeguard_refs(fw, (*bpath, "safeguards"), rb.safeguards)
                if rb.when_reached is None:
                    if not any(o.alert_for == lv.id for o in d.levels):
                        yield _err(
                            bpath,
                            f"no alert level warns of {lv.id!r}: name the level below it "
                            "in when_reached",
                        )
                elif rb.when_reached not in ids or ids.index(rb.when_reached) >= j:
                    yield _err(
                        (*bpath, "when_reached"),
                        f"{rb.when_reached!r} is not a level below {lv.id!r} in domain {d.id!r}",
                    )


def _all_levels(fw: S.Framework) -> set[str]:
    return {lv.id for d in fw.domains for lv in d.levels}


def _exemptions(fw: S.Framework) -> Iterator[SemanticProblem]:
    levels = _all_levels(fw)
    seen: set[str] = set()
    for i, e in enumerate(fw.exemptions):
        epath: PathT = ("exemptions", i)
        if e.id in seen:
            yield _err((*epath, "id"), f"duplicate exemption id {e.id!r}")
        seen.add(e.id)
        if e.levels != "all":
            for k, lid in enumerate(e.levels):
                if lid not in levels:
                    yield _err(
                        (*epath, "levels", k), f"unknown level {lid!r} (levels: {_known(levels)})"
                    )
        if e.tiers and not any(a in S.TIERED_ACTIONS for a in e.actions):
            yield _err(
                (*epath, "tiers"),
                "tiers apply only to internal_deployment and external_deployment",
                on_key=True,
            )
        for p, c in _conditions(e.when, (*epath, "when")):
            if isinstance(c, S.Comparison) and c.evaluation not in {x.id for x in fw.evaluations}:
                yield _err((*p, "evaluation"), f"unknown evaluation {c.evaluation!r}")


def _rules(fw: S.Framework) -> Iterator[SemanticProblem]:
    for i, r in enumerate(fw.rules):
        rpath: PathT = ("rules", i)
        if (r.conditional_on is None) != (r.applies_when is None):
            yield _err(
                rpath,
                "a conditional rule gives both conditional_on (what it depends on) and "
                "applies_when (the condition)",
            )
        for p, c in _conditions(r.applies_when, (*rpath, "applies_when")):
            if isinstance(c, S.Comparison) and c.evaluation not in {x.id for x in fw.evaluations}:
                yield _err((*p, "evaluation"), f"unknown evaluation {c.evaluation!r}")


def _determinations(fw: S.Framework) -> Iterator[SemanticProblem]:
    roles = {r.id for r in fw.governance.roles}
    taken: set[str] = set()
    for d in fw.domains:
        for lv in d.levels:
            for c in S.condition_leaves(lv.trigger):
                if isinstance(c, S.ManualDetermination):
                    taken.add(c.id)
        if d.risk_matrix is not None:
            for f in d.risk_matrix.factors:
                if isinstance(f.source, S.ManualFactorSource):
                    taken.add(f.source.manual.id)
    # Joint roles of trigger and factor determinations.
    for i, d in enumerate(fw.domains):
        for j, lv in enumerate(d.levels):
            for p, c in _conditions(lv.trigger, ("domains", i, "levels", j, "trigger")):
                if isinstance(c, S.ManualDetermination):
                    yield from _joint(p, c, roles)
        if d.risk_matrix is not None:
            for k, f in enumerate(d.risk_matrix.factors):
                if isinstance(f.source, S.ManualFactorSource):
                    p = ("domains", i, "risk_matrix", "factors", k, "source", "manual")
                    yield from _joint(p, f.source.manual, roles)
    for p, c in manual_conditions(fw):
        if c.id in taken:
            yield _err((*p, "id"), f"duplicate manual determination id {c.id!r}")
        taken.add(c.id)
        if c.determined_by not in roles:
            yield _err(
                (*p, "determined_by"),
                f"unknown role {c.determined_by!r} (governance.roles: {_known(roles)})",
            )
        yield from _joint(p, c, roles)


def _joint(p: PathT, c: S.ManualDetermination, roles: set[str]) -> Iterator[SemanticProblem]:
    for k, role in enumerate(c.jointly_with):
        if role not in roles:
            yield _err(
                (*p, "jointly_with", k),
                f"unknown role {role!r} (governance.roles: {_known(roles)})",
            )
        elif role == c.determined_by:
            yield _err((*p, "jointly_with", k), f"{role!r} is already determined_by")


def _recommendations(fw: S.Framework) -> Iterator[SemanticProblem]:
    levels = _all_levels(fw)
    seen: set[str] = set()
    for i, r in enumerate(fw.recommendations):
        if r.id in seen:
            yield _err(("recommendations", i, "id"), f"duplicate recommendation id {r.id!r}")
        seen.add(r.id)
        for k, lid in enumerate(r.levels):
            if lid not in levels:
                yield _err(
                    ("recommendations", i, "levels", k),
                    f"unknown level {lid!r} (levels: {_known(levels)})",
                )


def _matrices(fw: S.Framework) -> Iterator[SemanticProblem]:
    for i, d in enumerate(fw.domains):
        m = d.risk_matrix
        if m is None:
            continue
        dims = [f.dimension for f in m.factors]
        scored = "likelihood" in dims or "severity" in dims
        if (
            m.combine == "product"
            and scored
            and (dims.count("likelihood") != 1 or dims.count("severity") != 1)
        ):
            yield _err(
                ("domains", i, "risk_matrix", "factors"),
                "a likelihood x severity product needs exactly one likelihood factor "
                "and one severity factor",
            )


def self_tests(fw: S.Framework) -> Iterator[SemanticProblem]:
    """expect_applied names exemptions or conditional rules the framework has."""
    known = {e.id for e in fw.exemptions} | {r.id for r in fw.rules if r.applies_when}
    for i, t in enumerate(fw.tests):
        for action, ids in t.expect_applied.items():
            for k, ident in enumerate(ids):
                if ident not in known:
                    yield _err(
                        ("tests", i, "expect_applied", action.value, k),
                        f"{ident!r} is neither an exemption nor a conditional rule "
                        f"(known: {_known(known)})",
                    )
