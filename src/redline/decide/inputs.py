"""The two input files a decision reads besides the framework and the results.

``safeguards.yaml`` states which safeguards are in place, with evidence::

    safeguards:
      - id: refusal-training
        evidence: Safety fine-tuning run 2026-08, report SR-12.

``determinations.yaml`` records manual determinations (qualitative thresholds)::

    determinations:
      - determination: bio-uplift-study
        reached: false
        by: head-of-preparedness
        rationale: The uplift study found no difference from the search-only control.

Both are checked against the framework with located errors, like framework files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.decide.model import SafeguardClaim
from redline.decide.reassess import Lineage
from redline.framework import schema as S
from redline.framework.load import (
    FrameworkError,
    Positions,
    Problem,
    _problems_from_validation,
    format_path,
    parse_yaml,
)
from redline.framework.validate_constructs import manual_conditions


class SafeguardsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = Field(default=None, description="The model these apply to.")
    safeguards: list[SafeguardClaim] = Field(default_factory=list)


class DeterminationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = None
    determinations: list[S.Determination] = Field(default_factory=list)


M = TypeVar("M", bound=BaseModel)


def _load(path: Path, cls: type[M]) -> tuple[M, Any, Positions]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError([Problem(name, 1, 1, "", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError([Problem(name, 1, 1, "", f"cannot read: {exc}")]) from None
    data, pos, problems = parse_yaml(text, name)
    if problems:
        raise FrameworkError(problems)
    if not isinstance(data, dict):
        raise FrameworkError([Problem(name, 1, 1, "", "expected a mapping at the top")])
    try:
        return cls.model_validate(data), data, pos
    except ValidationError as exc:
        raise FrameworkError(sorted(_problems_from_validation(exc, data, pos, name))) from None


def load_safeguards(path: Path, fw: S.Framework) -> list[SafeguardClaim]:
    doc, _, pos = _load(path, SafeguardsFile)
    known = {s.id for s in fw.safeguards}
    problems = []
    for i, claim in enumerate(doc.safeguards):
        if claim.id not in known:
            p = ("safeguards", i, "id")
            line, col = pos.of(p)
            problems.append(
                Problem(
                    str(path),
                    line,
                    col,
                    format_path(p),
                    f"unknown safeguard {claim.id!r}; the framework defines: "
                    + ", ".join(sorted(known)),
                )
            )
    if problems:
        raise FrameworkError(problems)
    return list(doc.safeguards)


def _manual_ids(fw: S.Framework) -> dict[str, tuple[str, bool]]:
    """determination id -> (role, is_factor)"""
    out: dict[str, tuple[str, bool]] = {}
    for d in fw.domains:
        for lv in d.levels:
            for c in S.condition_leaves(lv.trigger):
                if isinstance(c, S.ManualDetermination):
                    out[c.id] = (c.determined_by, False)
        if d.risk_matrix is not None:
            for f in d.risk_matrix.factors:
                if isinstance(f.source, S.ManualFactorSource):
                    out[f.source.manual.id] = (f.source.manual.determined_by, True)
    for _, c in manual_conditions(fw):
        out[c.id] = (c.determined_by, False)
    return out


def load_determinations(path: Path, fw: S.Framework) -> list[S.Determination]:
    doc, _, pos = _load(path, DeterminationsFile)
    known = _manual_ids(fw)
    problems = []
    first: dict[str, int] = {}  # determination id -> index of its first record
    for i, d in enumerate(doc.determinations):
        base: tuple[str | int, ...] = ("determinations", i)
        if d.determination in first:
            # Two records of one determination would leave the decision to their order.
            p = (*base, "determination")
            line = pos.of(("determinations", first[d.determination], "determination"))[0]
            msg = (
                f"{d.determination!r} is recorded twice (first on line {line}); "
                "keep one record per determination"
            )
        elif d.determination not in known:
            p = (*base, "determination")
            msg = (
                f"unknown manual determination {d.determination!r}; the framework names: "
                + ", ".join(sorted(known))
            )
        elif d.by != known[d.determination][0]:
            p = (*base, "by")
            msg = (
                f"{d.determination!r} is determined by {known[d.determination][0]!r}, not {d.by!r}"
            )
        elif known[d.determination][1] and d.score is None:
            p = base
            msg = f"{d.determination!r} scores a risk-matrix factor: give 'score', not 'reached'"
        elif not known[d.determination][1] and d.reached is None:
            p = base
            msg = f"{d.determination!r} is a trigger: give 'reached: true/false', not 'score'"
        else:
            first[d.determination] = i
            continue
        first.setdefault(d.determination, i)
        line, col = pos.of(p)
        problems.append(Problem(str(path), line, col, format_path(p), msg))
    if problems:
        raise FrameworkError(problems)
    return list(doc.determinations)


def load_lineage(path: Path) -> Lineage:
    """A model's lineage since its last assessment (for reassessment triggers)::

    last_assessed: 2026-05-01
    effective_compute_at_last: 1.0e25
    effective_compute_now: 5.0e25
    deployment_context_changed: false
    """
    doc, _, _ = _load(path, Lineage)
    return doc
