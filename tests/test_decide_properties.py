"""Property tests for ``decide(framework, inputs) -> Decision``.

Frameworks are the example framework (examples/frontier-framework.yaml) and small
generated ones: a few ladder domains whose triggers nest comparisons, ``all``/``any``
and manual determinations, sometimes a risk-matrix domain scored from a metric, and a
handful of safeguards with verifications, ``comprises`` and ``implies`` links (always
towards later safeguards, so never a cycle) and every removability setting.

Measurements sit on a grid of 0.05 so that intervals often touch a threshold exactly;
each holds one to two intervals at confidences 0.9/0.95/0.99, or the self-test key 0.

The properties:

* raising capability (shifting a capability measurement's estimate and interval
  towards "more capable") never lowers the highest level counted in a domain and
  never makes a verdict less severe;
* withdrawing a claimed safeguard never makes a verdict less severe (in particular
  blocked never becomes allowed), and leaves the levels alone;
* the same inputs, in any order, give the same Decision (``model_dump`` equal);
* for one comparison, the status is reached / not reached / unsettled exactly as the
  interval lies wholly on the threshold's side, wholly off it, or straddles it, and
  the precautionary standard counts unsettled while demonstrated does not;
* open-weights release never relies on a safeguard the weights' holder can remove,
  directly, through a standard built from it, or through what it implies.

Frameworks are built from a seed drawn by hypothesis (cheap; their structure needs
no shrinking); the inputs, where the boundaries are, are drawn by hypothesis itself.

Example counts: with ``CI=true`` each of the five properties runs 300 examples
(profile ``redline-decide-ci``, 1,500 in all); a local run uses 60. ``deadline=None``.
"""

from __future__ import annotations

import functools
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.decide.engine import decide
from redline.decide.model import (
    SEVERITY,
    Decision,
    Inputs,
    Measurement,
    SafeguardClaim,
    Status,
    VerdictKind,
)
from redline.framework import schema as S
from redline.framework.load import load_file

ROOT = Path(__file__).parent.parent
_loaded = load_file(ROOT / "examples" / "frontier-framework.yaml")
assert _loaded.framework is not None
EXAMPLE: S.Framework = _loaded.framework

# ------------------------------------------------------------------ profiles

settings.register_profile(
    "redline-decide-ci",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "redline-decide-dev",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = (
    "redline-decide-ci"
    if os.environ.get("CI", "").lower() in {"true", "1"}
    else "redline-decide-dev"
)
BASE = settings.get_profile(PROFILE)

# ------------------------------------------------------------------ the grid

G = 20  # values are multiples of 1/G, so intervals often touch a threshold exactly
grid = st.integers(0, G)


def val(i: int) -> float:
    return i / G


# ------------------------------------------------------- generated frameworks

# Capability evaluations: name -> higher_is_more_capable.
CAP = {"cap_a": True, "cap_b": True, "cap_c": False}
VER = ("ver_a", "ver_b")
ROLES = ("lead", "board")
ACTIONS = [a.value for a in S.ACTIONS]


def _comparison(rng: random.Random, rung: int) -> dict[str, Any]:
    """A comparison for the ``rung``-th level of a ladder: each rung draws from its
    own band of the grid, so thresholds climb the ladder as validation requires."""
    ev = rng.choice(sorted(CAP))
    op = rng.choice([">=", ">"] if CAP[ev] else ["<=", "<"])
    step = rng.randint(7 * rung, 7 * rung + 6)
    value: Any = val(step if CAP[ev] else G - step)
    if rng.random() < 0.05:  # now and then the framework leaves the value open
        value = "unspecified"
    return {"evaluation": ev, "op": op, "value": value}


def _trigger(rng: random.Random, rung: int, manual: list[int], depth: int = 0) -> dict[str, Any]:
    r = rng.random()
    if depth < 2 and r < 0.3:
        key = rng.choice(["all", "any"])
        return {key: [_trigger(rng, rung, manual, depth + 1) for _ in range(rng.randint(1, 3))]}
    if r < 0.45:
        n = len(manual)
        manual.append(n)
        return {
            "manual": {
                "id": f"m{n}",
                "determined_by": ROLES[n % 2],
                "question": f"Is condition m{n} met?",
            }
        }
    return _comparison(rng, rung)


def _requirement(rng: random.Random, ids: list[str]) -> Any:
    if rng.random() < 0.3:
        return {"any_of": rng.sample(ids, 2)}
    return rng.choice(ids)


def _requires(rng: random.Random, ids: list[str], *, intolerable: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for action in ACTIONS:
        r = rng.random()
        if r < 0.3:
            continue  # not listed: nothing, or forbidden for an intolerable level
        if r < 0.45 or (intolerable and r < 0.6):
            out[action] = "forbidden"
        elif intolerable:
            out[action] = []
        else:
            out[action] = [_requirement(rng, ids) for _ in range(rng.randint(0, 3))]
    return out


def _safeguards(rng: random.Random) -> list[dict[str, Any]]:
    ids = [f"sg{i}" for i in range(rng.randint(2, 5))]
    out = []
    for i, sid in enumerate(ids):
        later = ids[i + 1 :]
        s: dict[str, Any] = {
            "id": sid,
            "name": f"Safeguard {i}",
            "kind": rng.choice(["deployment", "security"]),
            "removable_by_weight_holder": rng.choice([None, True, False]),
        }
        if rng.random() < 0.1:  # required but not yet defined by the framework
            s["specified"] = False
        if rng.random() < 0.5:
            s["verification"] = {
                "evaluation": rng.choice(VER),
                "op": rng.choice([">=", ">", "<=", "<"]),
                "value": val(rng.randint(0, G)),
                "confidence": rng.choice([0.9, 0.95]),
                "task_args": rng.choice([{}, {"mitigation": "m1"}]),
            }
        if later and rng.random() < 0.25:
            s["comprises"] = rng.sample(later, rng.randint(1, len(later)))
        if later and rng.random() < 0.5:
            s["implies"] = rng.sample(later, rng.randint(1, len(later)))
        out.append(s)
    return out


KINDS = ["alert", "threshold", "intolerable"]


def _ladder(rng: random.Random, index: int, ids: list[str], manual: list[int]) -> dict[str, Any]:
    kinds = sorted((rng.choice(KINDS) for _ in range(rng.randint(1, 3))), key=KINDS.index)
    levels = [
        {
            "id": f"d{index}-l{j}",
            "name": f"Domain {index} level {j}",
            "kind": kind,
            "trigger": _trigger(rng, j, manual),
            "evidence": {
                "standard": rng.choice(["precautionary", "demonstrated"]),
                "confidence": rng.choice([0.9, 0.95, 0.99]),
            },
            "requires": _requires(rng, ids, intolerable=kind == "intolerable"),
        }
        for j, kind in enumerate(kinds)
    ]
    return {"id": f"d{index}", "name": f"Domain {index}", "threat_model": "t", "levels": levels}


def _matrix(rng: random.Random, ids: list[str]) -> dict[str, Any]:
    """A risk matrix scored from a capability metric (and perhaps a judged factor),
    whose bands climb the domain's levels in order.

    A matrix counts the class it picks and every class below it, like a ladder; see
    test_matrix_class_that_drops_a_requirement below."""
    n_levels = rng.randint(1, 3)
    levels = []
    below: dict[str, Any] = {}  # action -> what the classes below require
    for j in range(n_levels):
        kind = "intolerable" if j == n_levels - 1 and rng.random() < 0.5 else "threshold"
        own = _requires(rng, ids, intolerable=kind == "intolerable")
        merged: dict[str, Any] = {}
        for action in ACTIONS:
            lower, mine = below.get(action, []), own.get(action)
            if mine is None and kind == "intolerable":
                mine = "forbidden"  # what an intolerable level does not list
            if "forbidden" in (lower, mine):
                merged[action] = "forbidden"
            elif lower or mine:
                combined = [*lower, *(r for r in mine or [] if r not in lower)]
                merged[action] = "forbidden" if kind == "intolerable" and combined else combined
        below = merged
        levels.append(
            {
                "id": f"mx-l{j}",
                "name": f"Matrix level {j}",
                "kind": kind,
                "evidence": {"standard": "precautionary"},
                "requires": merged,
            }
        )
    n_scores = rng.randint(2, 4)
    factors: list[dict[str, Any]] = [
        {
            "id": "measured",
            "name": "Measured factor",
            "scores": list(range(1, n_scores + 1)),
            "source": {
                "evaluation": rng.choice(["cap_a", "cap_b"]),
                "bins": sorted(val(rng.randint(0, G)) for _ in range(n_scores)),
            },
        }
    ]
    if rng.random() < 0.5:
        factors.append(
            {
                "id": "judged",
                "name": "Judged factor",
                "scores": [1, 2, 3],
                "source": {
                    "manual": {"id": "mx-judged", "determined_by": "lead", "question": "How bad?"}
                },
            }
        )
    edges = sorted(rng.sample(range(1, 13), n_levels))
    return {
        "id": "mx",
        "name": "Matrix domain",
        "threat_model": "t",
        "risk_matrix": {
            "factors": factors,
            "combine": rng.choice(["product", "sum", "max"]),
            "bands": [
                {"level": lv["id"], "score_at_least": e}
                for lv, e in zip(levels, edges, strict=True)
            ],
        },
        "levels": levels,
    }


@functools.cache
def generated_framework(seed: int) -> S.Framework:
    """A small framework built from ``seed`` (cheap to draw; the inputs, where the
    boundaries are, are drawn by hypothesis)."""
    rng = random.Random(seed)
    sgs = _safeguards(rng)
    ids = [s["id"] for s in sgs]
    manual: list[int] = []
    domains = [_ladder(rng, i, ids, manual) for i in range(rng.randint(1, 3))]
    if rng.random() < 0.5:
        domains.append(_matrix(rng, ids))
    rules: list[dict[str, Any]] = [
        {"id": "halt", "kind": "halt", "actions": ACTIONS, "statement": "Stop when missing."}
    ]
    for k in range(rng.randint(0, 2)):
        rules.append(
            {
                "id": f"baseline-{k}",
                "kind": "baseline",
                "actions": rng.sample(ACTIONS, rng.randint(1, 4)),
                "requires": [_requirement(rng, ids) for _ in range(rng.randint(1, 2))],
                "statement": "Always needed.",
                "binding": rng.random() < 0.8,  # discretionary rules are never relied on
            }
        )
    evaluations = [
        {"id": e, "task": f"redline/{e}", "metric": "score", "higher_is_more_capable": up}
        for e, up in CAP.items()
    ] + [{"id": e, "task": f"redline/{e}", "metric": "rate"} for e in VER]
    return S.Framework.model_validate(
        {
            "schema_version": 1,
            "framework": {
                "id": "generated",
                "organisation": "Nobody (fictional)",
                "name": "Generated",
                "version": "1",
                "date": "2026-01-01",
                "fictional": True,
            },
            "scope": {"description": "Generated for property tests."},
            "domains": domains,
            "evaluations": evaluations,
            "safeguards": sgs,
            "rules": rules,
            "governance": {"roles": [{"id": r, "title": r} for r in ROLES]},
        }
    )


generated = st.integers(0, 10**6).map(generated_framework)
frameworks = st.one_of(st.just(EXAMPLE), generated, generated)


def test_generated_frameworks_are_valid() -> None:
    """The generated frameworks pass semantic validation, so the properties speak
    about frameworks a user could write (alert levels without alert_for only warn)."""
    from redline.framework.validate import check

    for seed in range(200):
        errors = [p for p in check(generated_framework(seed)) if p.severity == "error"]
        assert not errors, (seed, [p.message for p in errors])


# ---------------------------------------------------------------- inputs


def _walk(c: S.Condition | None) -> Iterator[S.Condition]:
    if c is None:
        return
    yield c
    if isinstance(c, S.AllCondition):
        for x in c.all:
            yield from _walk(x)
    elif isinstance(c, S.AnyCondition):
        for x in c.any:
            yield from _walk(x)


@dataclass(frozen=True)
class Manual:
    id: str
    role: str
    scores: tuple[int, ...] | None  # a risk-matrix factor's scores; None for a trigger


@dataclass(frozen=True)
class Shape:
    """What a framework reads: capability keys (with direction), verification keys
    and manual determinations."""

    capability: dict[tuple[str, str], bool]  # (evaluation, metric) -> higher is more capable
    verification: tuple[tuple[str, str, tuple[tuple[str, Any], ...]], ...]
    manual: tuple[Manual, ...]
    safeguards: tuple[str, ...]


def shape(fw: S.Framework) -> Shape:
    evals = {e.id: e for e in fw.evaluations}
    cap: dict[tuple[str, str], bool] = {}
    manual: list[Manual] = []
    for d in fw.domains:
        for lv in d.levels:
            for c in _walk(lv.trigger):
                if isinstance(c, S.Comparison):
                    e = evals[c.evaluation]
                    cap[(e.id, c.metric or e.metric)] = e.higher_is_more_capable
                elif isinstance(c, S.ManualCondition):
                    manual.append(Manual(c.manual.id, c.manual.determined_by, None))
        if d.risk_matrix is not None:
            for f in d.risk_matrix.factors:
                if isinstance(f.source, S.MetricFactorSource):
                    e = evals[f.source.evaluation]
                    cap[(e.id, f.source.metric or e.metric)] = e.higher_is_more_capable
                else:
                    m = f.source.manual
                    manual.append(Manual(m.id, m.determined_by, tuple(f.scores)))
    ver: set[tuple[str, str, tuple[tuple[str, Any], ...]]] = set()
    for s in fw.safeguards:
        if s.verification is not None:
            v = s.verification
            key = (
                v.evaluation,
                v.metric or evals[v.evaluation].metric,
                tuple(sorted(v.task_args.items())),
            )
            ver.add(key)
            # A verification without task_args reads a plain measurement: it is not
            # a capability measurement, whichever way its metric points.
            if not v.task_args:
                cap.pop(key[:2], None)
    return Shape(cap, tuple(sorted(ver)), tuple(manual), tuple(s.id for s in fw.safeguards))


@dataclass(frozen=True)
class Meas:
    """A measurement on the grid: intervals as (confidence, lower, upper) in grid units."""

    evaluation: str
    metric: str
    task_args: tuple[tuple[str, Any], ...]
    estimate: int
    intervals: tuple[tuple[float, int, int], ...]

    def build(self) -> Measurement:
        return Measurement(
            evaluation=self.evaluation,
            metric=self.metric,
            task_args=dict(self.task_args),
            estimate=val(self.estimate),
            intervals={c: (val(lo), val(hi)) for c, lo, hi in self.intervals},
        )


LAYOUTS = [(0.0,), (0.95,), (0.9, 0.95), (0.95, 0.99), (0.99,), (0.9,)]


@st.composite
def measurement(
    draw: st.DrawFn, evaluation: str, metric: str, task_args: tuple[tuple[str, Any], ...] = ()
) -> Meas:
    lo, est, hi = sorted(draw(st.lists(grid, min_size=3, max_size=3)))
    layout = draw(st.sampled_from(LAYOUTS))
    intervals = [(layout[0], lo, hi)]
    for conf in layout[1:]:  # a wider interval at a higher confidence
        lo = max(0, lo - draw(st.integers(0, 3)))
        hi = min(G, hi + draw(st.integers(0, 3)))
        intervals.append((conf, lo, hi))
    return Meas(evaluation, metric, task_args, est, tuple(intervals))


@dataclass(frozen=True)
class Case:
    fw: S.Framework
    shape: Shape
    measurements: tuple[Meas, ...]
    claims: tuple[str, ...]
    determinations: tuple[S.Determination, ...]

    def inputs(
        self,
        measurements: tuple[Meas, ...] | None = None,
        claims: tuple[str, ...] | None = None,
        determinations: tuple[S.Determination, ...] | None = None,
    ) -> Inputs:
        return Inputs(
            measurements=[m.build() for m in (measurements or self.measurements)],
            safeguards=[SafeguardClaim(id=c) for c in (self.claims if claims is None else claims)],
            determinations=list(determinations or self.determinations),
        )


@st.composite
def determination(draw: st.DrawFn, m: Manual) -> S.Determination | None:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return None  # not recorded
    wrong = "board" if m.role != "board" else "lead"
    by = wrong if choice == 1 else m.role
    if m.scores is None:
        return S.Determination(
            determination=m.id, reached=draw(st.booleans()), by=by, rationale="Recorded."
        )
    score = (
        draw(st.sampled_from([*m.scores, 99])) if choice == 2 else draw(st.sampled_from(m.scores))
    )
    return S.Determination(determination=m.id, score=score, by=by, rationale="Recorded.")


@st.composite
def cases(draw: st.DrawFn) -> Case:
    fw = draw(frameworks)
    sh = shape(fw)
    meas: list[Meas] = []
    for (ev, metric), _up in sorted(sh.capability.items()):
        if draw(st.integers(0, 9)) > 0:
            meas.append(draw(measurement(ev, metric)))
    for ev, metric, args in sh.verification:
        if draw(st.integers(0, 4)) > 0:
            meas.append(draw(measurement(ev, metric, args)))
    if draw(st.integers(0, 9)) == 0:  # an evaluation the framework does not know
        meas.append(draw(measurement("stray_eval", "score")))
    claims = draw(st.lists(st.sampled_from([*sh.safeguards, "not-a-safeguard"]), max_size=8))
    dets = [draw(determination(m)) for m in sh.manual]
    return Case(fw, sh, tuple(meas), tuple(claims), tuple(d for d in dets if d is not None))


# ------------------------------------------------------------------ helpers


def level_index(fw: S.Framework, d: Decision) -> dict[str, int]:
    """Per domain, the position of the highest counted level (-1 for none)."""
    out = {}
    for dom in d.domains:
        ids = [lv.id for lv in next(x for x in fw.domains if x.id == dom.domain).levels]
        out[dom.domain] = -1 if dom.highest_level is None else ids.index(dom.highest_level)
    return out


def severity(d: Decision) -> dict[S.Action, int]:
    return {v.action: SEVERITY[v.verdict] for v in d.verdicts}


def assert_consistent(fw: S.Framework, d: Decision) -> None:
    """Invariants every decision satisfies, whatever the inputs."""
    assert [v.action for v in d.verdicts] == list(S.ACTIONS)
    for dom in d.domains:
        counted = [lo.level for lo in dom.levels if lo.counts_as_reached]
        assert dom.highest_level == (counted[-1] if counted else None)
        for lo in dom.levels:
            if lo.status is Status.REACHED:
                assert lo.counts_as_reached
            elif lo.status is Status.NOT_REACHED:
                assert not lo.counts_as_reached
            else:
                assert lo.counts_as_reached == (lo.standard == "precautionary")
    for v in d.verdicts:
        if v.forbidding_levels:
            assert v.verdict is VerdictKind.FORBIDDEN
        elif v.missing:
            assert v.verdict is VerdictKind.BLOCKED
        elif v.required:
            assert v.verdict is VerdictKind.ALLOWED_WITH_CONDITIONS
            assert v.conditions
        else:
            assert v.verdict is VerdictKind.ALLOWED
        assert set(v.missing) <= set(v.required)


def shift(m: Meas, up: bool, deltas: list[tuple[int, int, int]]) -> Meas:
    """Move a measurement towards "more capable": up for higher_is_more_capable,
    down otherwise, keeping lower <= estimate <= upper within [0, 1]."""
    sign = 1 if up else -1

    def mv(x: int, d: int) -> int:
        return min(G, max(0, x + sign * d))

    intervals = [
        (conf, mv(lo, a), mv(hi, c))
        for (conf, lo, hi), (a, _, c) in zip(m.intervals, deltas, strict=False)
    ]
    # The estimate moves too, and stays inside the narrowest interval; clamping into
    # an interval whose ends both moved the same way keeps it moving that way.
    lo0, hi0 = intervals[0][1], intervals[0][2]
    est = min(max(mv(m.estimate, deltas[0][1]), lo0), hi0)
    return Meas(m.evaluation, m.metric, m.task_args, est, tuple(intervals))


deltas = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)), min_size=2, max_size=2
)

# ---------------------------------------------------------------- properties


@settings(BASE)
@given(case=cases(), data=st.data())
def test_raising_capability_never_lowers_levels_or_relaxes_verdicts(
    case: Case, data: st.DataObject
) -> None:
    before = decide(case.fw, case.inputs())
    assert_consistent(case.fw, before)
    raised = []
    for m in case.measurements:
        key = (m.evaluation, m.metric)
        if not m.task_args and key in case.shape.capability and data.draw(st.booleans()):
            m = shift(m, case.shape.capability[key], data.draw(deltas))
        raised.append(m)
    after = decide(case.fw, case.inputs(measurements=tuple(raised)))
    assert_consistent(case.fw, after)

    lb, la = level_index(case.fw, before), level_index(case.fw, after)
    for dom in lb:
        assert la[dom] >= lb[dom], f"{dom}: highest level fell from {lb[dom]} to {la[dom]}"
    sb, sa = severity(before), severity(after)
    for action in S.ACTIONS:
        assert sa[action] >= sb[action], (
            f"{action.value}: {before.verdict(action).verdict.value} became "
            f"{after.verdict(action).verdict.value} on more capability"
        )
    # Safeguards do not depend on capability measurements.
    assert before.safeguards == after.safeguards


def test_shift_keeps_measurements_well_formed() -> None:
    m = Meas("cap_a", "score", (), 10, ((0.9, 8, 12), (0.95, 6, 14)))
    up = shift(m, True, [(20, 0, 20), (1, 1, 1)])
    for _, lo, hi in up.intervals:
        assert 0 <= lo <= hi <= G
    assert up.intervals[0][1] <= up.estimate <= up.intervals[0][2]
    assert up.estimate >= m.estimate
    down = shift(m, False, [(3, 3, 3), (20, 20, 20)])
    assert down.estimate <= m.estimate
    assert all(lo <= hi for _, lo, hi in down.intervals)


@settings(BASE)
@given(case=cases(), data=st.data())
def test_withdrawing_a_safeguard_never_relaxes_a_verdict(case: Case, data: st.DataObject) -> None:
    claimed = sorted(set(case.claims))
    if not claimed:
        claimed = sorted(set(case.shape.safeguards))
        case = Case(case.fw, case.shape, case.measurements, tuple(claimed), case.determinations)
    gone = data.draw(st.sampled_from(claimed))
    before = decide(case.fw, case.inputs())
    after = decide(case.fw, case.inputs(claims=tuple(c for c in case.claims if c != gone)))
    assert_consistent(case.fw, after)
    assert before.domains == after.domains, "safeguards never change which levels count"
    for action in S.ACTIONS:
        b, a = before.verdict(action).verdict, after.verdict(action).verdict
        if b is VerdictKind.BLOCKED:
            assert a not in (VerdictKind.ALLOWED, VerdictKind.ALLOWED_WITH_CONDITIONS)
        assert SEVERITY[a] >= SEVERITY[b], f"{action.value}: {b.value} -> {a.value} without {gone}"
    in_before = {o.id for o in before.safeguards if o.in_place}
    in_after = {o.id for o in after.safeguards if o.in_place}
    assert in_after <= in_before


@settings(BASE)
@given(case=cases(), data=st.data())
def test_decisions_are_deterministic_and_order_independent(case: Case, data: st.DataObject) -> None:
    """Inputs hold one measurement per (evaluation, metric, task_args) and one record
    per determination, as redline's loaders produce them (a determinations file that
    records one twice is an error); safeguard claims may repeat."""
    first = decide(case.fw, case.inputs()).model_dump(mode="json")
    again = decide(case.fw, case.inputs()).model_dump(mode="json")
    assert first == again
    permuted = case.inputs(
        measurements=tuple(data.draw(st.permutations(case.measurements))),
        claims=tuple(data.draw(st.permutations(case.claims))),
        determinations=tuple(data.draw(st.permutations(case.determinations))),
    )
    assert decide(case.fw, permuted).model_dump(mode="json") == first


def without_removable(fw: S.Framework) -> S.Framework:
    """``fw`` with every removable safeguard made impossible to put in place (its
    verification reads an evaluation nobody runs) and implying nothing, nor implied by
    anything: what is left once whoever holds open weights removes them."""
    removable = {s.id for s in fw.safeguards if s.removable}
    d = fw.model_dump(by_alias=True, mode="json", exclude_none=True)
    d["evaluations"].append({"id": "never_run", "task": "redline/never_run", "metric": "m"})
    for s in d["safeguards"]:
        s["implies"] = [x for x in s.get("implies", []) if x not in removable]
        if s["id"] in removable:
            s["implies"] = []
            s["verification"] = {"evaluation": "never_run", "op": ">=", "value": 1.0}
    return S.Framework.model_validate(d)


@settings(BASE)
@given(case=cases())
def test_open_weights_never_rely_on_removable_safeguards(case: Case) -> None:
    d = decide(case.fw, case.inputs())
    removable = {s.id for s in case.fw.safeguards if s.removable}
    outcome = {o.id: o for o in d.safeguards}
    for sid in removable:
        assert outcome[sid].removable_by_weight_holder
    ow = d.verdict(S.Action.OPEN_WEIGHTS_RELEASE)
    assert not set(ow.conditions) & removable, ow.conditions
    for label in ow.required:
        options = [x.strip() for x in label.split("|")]
        if all(o in removable for o in options):
            assert label in ow.missing, f"{label} counted for open weights"
    if ow.verdict is VerdictKind.ALLOWED_WITH_CONDITIONS:
        assert ow.conditions and all(outcome[c].in_place for c in ow.conditions)
    # Nor indirectly: through a standard built from them or through implication, the
    # verdict is the one the framework gives once removable safeguards are gone.
    stripped = decide(without_removable(case.fw), case.inputs())
    ow2 = stripped.verdict(S.Action.OPEN_WEIGHTS_RELEASE)
    assert (ow.verdict, ow.missing, ow.conditions) == (ow2.verdict, ow2.missing, ow2.conditions)
    # Other actions may rely on them: their verdicts never get worse than for open weights
    # when both require the same safeguards.
    ext = d.verdict(S.Action.EXTERNAL_DEPLOYMENT)
    if ext.required == ow.required and not ext.forbidding_levels and not ow.forbidding_levels:
        assert SEVERITY[ext.verdict] <= SEVERITY[ow.verdict]


def test_open_weights_discount_what_removable_safeguards_imply_or_complete() -> None:
    """A security safeguard in place only because a removable filter implies it, and a
    standard one of whose components is removable, do not count for open weights."""
    d = one_comparison(">=", 10, "precautionary", 0.95).model_dump(
        by_alias=True, mode="json", exclude_none=True
    )
    d["domains"][0]["levels"][0]["requires"] = {
        "external_deployment": ["standard"],
        "open_weights_release": ["weights-security"],
        "internal_deployment": ["standard"],
    }
    d["safeguards"] = [
        {
            "id": "standard",
            "name": "A standard",
            "kind": "security",
            "comprises": ["weights-security", "filter"],
        },
        {"id": "weights-security", "name": "Weights security", "kind": "security"},
        {"id": "filter", "name": "Filter", "kind": "deployment", "implies": ["weights-security"]},
        {
            "id": "stronger-security",
            "name": "Stronger",
            "kind": "security",
            "implies": ["weights-security"],
        },
    ]
    fw = S.Framework.model_validate(d)
    m = Measurement(evaluation="e", metric="score", estimate=0.9, intervals={0.95: (0.8, 0.95)})

    def run(*claims: str) -> Decision:
        return decide(
            fw, Inputs(measurements=[m], safeguards=[SafeguardClaim(id=c) for c in claims])
        )

    only_filter = run("filter")
    assert {o.id for o in only_filter.safeguards if o.in_place} == {
        "filter",
        "weights-security",
        "standard",
    }
    ow = only_filter.verdict(S.Action.OPEN_WEIGHTS_RELEASE)
    assert ow.verdict is VerdictKind.BLOCKED and ow.missing == ["weights-security"]
    assert any("only through safeguards" in r for r in ow.reasons)
    # With security that stays, open weights may proceed; the standard still needs the filter.
    both = run("filter", "stronger-security")
    assert (
        both.verdict(S.Action.OPEN_WEIGHTS_RELEASE).verdict is VerdictKind.ALLOWED_WITH_CONDITIONS
    )
    # A standard is in place when its components are, also when one is implied.
    assert (
        run("stronger-security", "filter").verdict(S.Action.EXTERNAL_DEPLOYMENT).verdict
        is VerdictKind.ALLOWED_WITH_CONDITIONS
    )
    implied_component = run("stronger-security")
    standard = next(o for o in implied_component.safeguards if o.id == "standard")
    assert not standard.in_place  # the filter is missing


def test_a_standard_completed_through_implication_is_in_place() -> None:
    """Every component in place (one through a stronger safeguard that implies it)
    puts the standard in place: the decision never lists all components in place and
    the standard missing."""
    d = one_comparison(">=", 10, "precautionary", 0.95).model_dump(
        by_alias=True, mode="json", exclude_none=True
    )
    d["domains"][0]["levels"][0]["requires"] = {"external_deployment": ["level-3"]}
    d["safeguards"] = [
        {
            "id": "level-3",
            "name": "Level 3 standard",
            "kind": "security",
            "comprises": ["security-3", "deployment-3"],
        },
        {"id": "security-3", "name": "Security 3", "kind": "security"},
        {"id": "deployment-3", "name": "Deployment 3", "kind": "deployment"},
        {"id": "security-4", "name": "Security 4", "kind": "security", "implies": ["security-3"]},
    ]
    fw = S.Framework.model_validate(d)
    m = Measurement(evaluation="e", metric="score", estimate=0.9, intervals={0.95: (0.8, 0.95)})
    dec = decide(
        fw,
        Inputs(
            measurements=[m],
            safeguards=[SafeguardClaim(id="security-4"), SafeguardClaim(id="deployment-3")],
        ),
    )
    placed = {o.id: o.in_place for o in dec.safeguards}
    assert placed == {"level-3": True, "security-3": True, "deployment-3": True, "security-4": True}
    assert dec.verdict(S.Action.EXTERNAL_DEPLOYMENT).verdict is VerdictKind.ALLOWED_WITH_CONDITIONS


def test_matrix_class_that_drops_a_requirement() -> None:
    """Raising the metric moves a matrix from class 0 (forbids internal deployment)
    to class 1 (requires nothing for it). Matrix classes count like a ladder's levels,
    so class 0 stays counted and the verdict stays forbidden."""
    fw = S.Framework.model_validate(
        {
            "schema_version": 1,
            "framework": {
                "id": "mx",
                "organisation": "Nobody (fictional)",
                "name": "Matrix",
                "version": "1",
                "date": "2026-01-01",
                "fictional": True,
            },
            "scope": {"description": "One matrix."},
            "domains": [
                {
                    "id": "mx",
                    "name": "Matrix",
                    "threat_model": "t",
                    "risk_matrix": {
                        "factors": [
                            {
                                "id": "f",
                                "name": "F",
                                "scores": [1, 2],
                                "source": {"evaluation": "e", "bins": [0.0, 0.5]},
                            }
                        ],
                        "combine": "max",
                        "bands": [
                            {"level": "c0", "score_at_least": 1},
                            {"level": "c1", "score_at_least": 2},
                        ],
                    },
                    "levels": [
                        {
                            "id": "c0",
                            "name": "Class 0",
                            "kind": "threshold",
                            "evidence": {"standard": "precautionary"},
                            "requires": {"internal_deployment": "forbidden"},
                        },
                        {
                            "id": "c1",
                            "name": "Class 1",
                            "kind": "threshold",
                            "evidence": {"standard": "precautionary"},
                        },
                    ],
                }
            ],
            "evaluations": [{"id": "e", "task": "redline/e", "metric": "score"}],
            "rules": [{"id": "halt", "kind": "halt", "actions": ACTIONS, "statement": "Stop."}],
            "governance": {"roles": [{"id": "lead", "title": "Lead"}]},
        }
    )

    def verdict(upper: float) -> VerdictKind:
        m = Measurement(
            evaluation="e", metric="score", estimate=upper, intervals={0.95: (upper, upper)}
        )
        return decide(fw, Inputs(measurements=[m])).verdict(S.Action.INTERNAL_DEPLOYMENT).verdict

    assert verdict(0.2) is VerdictKind.FORBIDDEN
    assert SEVERITY[verdict(0.8)] >= SEVERITY[VerdictKind.FORBIDDEN]


# ------------------------------------------------------ evidence standards


def one_comparison(op: str, t: int, standard: str, confidence: float) -> S.Framework:
    up = op in (">=", ">")
    return S.Framework.model_validate(
        {
            "schema_version": 1,
            "framework": {
                "id": "one",
                "organisation": "Nobody (fictional)",
                "name": "One",
                "version": "1",
                "date": "2026-01-01",
                "fictional": True,
            },
            "scope": {"description": "One comparison."},
            "domains": [
                {
                    "id": "d",
                    "name": "D",
                    "threat_model": "t",
                    "levels": [
                        {
                            "id": "lv",
                            "name": "Level",
                            "kind": "threshold",
                            "trigger": {"evaluation": "e", "op": op, "value": val(t)},
                            "evidence": {"standard": standard, "confidence": confidence},
                            "requires": {"external_deployment": ["sg"]},
                        }
                    ],
                }
            ],
            "evaluations": [
                {"id": "e", "task": "redline/e", "metric": "score", "higher_is_more_capable": up}
            ],
            "safeguards": [{"id": "sg", "name": "Safeguard", "kind": "deployment"}],
            "rules": [{"id": "halt", "kind": "halt", "actions": ACTIONS, "statement": "Stop."}],
            "governance": {"roles": [{"id": "lead", "title": "Lead"}]},
        }
    )


HOLDS = {
    ">=": lambda x, t: x >= t,
    ">": lambda x, t: x > t,
    "<=": lambda x, t: x <= t,
    "<": lambda x, t: x < t,
}


@settings(BASE)
@given(
    op=st.sampled_from([">=", ">", "<=", "<"]),
    t=grid,
    points=st.lists(grid, min_size=3, max_size=3).map(sorted),
    standard=st.sampled_from(["precautionary", "demonstrated"]),
    confidence=st.sampled_from([0.9, 0.95]),
    layout=st.sampled_from(["exact", "self-test", "wider-only", "narrower-only", "both"]),
)
def test_evidence_standard_on_one_comparison(
    op: str, t: int, points: list[int], standard: str, confidence: float, layout: str
) -> None:
    lo, est, hi = points
    fw = one_comparison(op, t, standard, confidence)
    if layout == "exact":
        intervals = {confidence: (val(lo), val(hi))}
    elif layout == "self-test":
        intervals = {0.0: (val(lo), val(hi))}
    elif layout == "wider-only":  # a higher-confidence interval stands in
        intervals = {0.99: (val(lo), val(hi))}
    elif layout == "narrower-only":  # too little confidence: nothing to judge by
        intervals = {0.5: (val(lo), val(hi))}
    else:  # the level's confidence is chosen over a narrower interval
        intervals = {confidence: (val(lo), val(hi)), 0.5: (val(est), val(est))}
    m = Measurement(evaluation="e", metric="score", estimate=val(est), intervals=intervals)
    d = decide(fw, Inputs(measurements=[m], safeguards=[SafeguardClaim(id="sg")]))
    assert_consistent(fw, d)
    lo_ = d.domains[0].levels[0]

    # Oracle on the grid: which values in the interval satisfy the comparison?
    sat = [HOLDS[op](x, t) for x in range(lo, hi + 1)]
    if layout == "narrower-only":
        expected = Status.UNSETTLED
    elif all(sat):
        expected = Status.REACHED
    elif not any(sat):
        expected = Status.NOT_REACHED
    else:
        expected = Status.UNSETTLED
    assert lo_.status is expected, (lo_.status, lo_.reasons)
    assert lo_.counts_as_reached == (
        expected is Status.REACHED or (expected is Status.UNSETTLED and standard == "precautionary")
    )
    # The brief's cases for ``>= t``, spelled out.
    if op == ">=" and layout != "narrower-only":
        if lo < t <= hi:  # straddles t
            assert lo_.status is Status.UNSETTLED
            assert lo_.counts_as_reached is (standard == "precautionary")
        elif lo >= t:  # wholly above (at or over) t
            assert lo_.status is Status.REACHED and lo_.counts_as_reached
        else:  # wholly below t
            assert lo_.status is Status.NOT_REACHED and not lo_.counts_as_reached
    # What counts drives the verdict: the level requires sg, which is in place.
    expected_verdict = (
        VerdictKind.ALLOWED_WITH_CONDITIONS if lo_.counts_as_reached else VerdictKind.ALLOWED
    )
    assert d.verdict(S.Action.EXTERNAL_DEPLOYMENT).verdict is expected_verdict
    if lo_.counts_as_reached and lo_.status is Status.UNSETTLED:
        assert d.domains[0].counted_unsettled == ["lv"]
        assert any("precautionary" in n for n in d.notes)
