"""The bundled regime files, loaded with every problem located.

Parsing and located validation errors are the framework loader's
(:func:`redline.framework.load.load_model_file`); this adds the regime's own checks:
unique requirement ids, and a requirement either mapped or saying why not.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from redline.framework.load import load_model_file
from redline.framework.located import FrameworkError, Problem
from redline.regulation.incident_rules import incident_problems
from redline.regulation.model import Regime

DATA = Path(__file__).parent / "data"
REGIME_IDS: tuple[str, ...] = tuple(sorted(p.stem for p in DATA.glob("*.yaml")))


def load_regime_file(path: Path) -> Regime:
    """One regime file, or :class:`FrameworkError` with each problem located."""
    regime, _data, pos = load_model_file(path, Regime)
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, req in enumerate(regime.requirements):
        where = ("requirements", i)
        line, col = pos.of((*where, "id"))
        if req.id in seen:
            problems.append(
                Problem(str(path), line, col, f"requirements[{i}].id", f"duplicate id {req.id!r}")
            )
        seen.add(req.id)
        if (req.mapping is None) == (req.not_checked is None):
            line, col = pos.of(where)
            problems.append(
                Problem(
                    str(path),
                    line,
                    col,
                    f"requirements[{i}]",
                    "give either a mapping or not_checked (why a framework cannot show it)",
                )
            )
    problems.extend(incident_problems(regime, pos, str(path)))
    if problems:
        raise FrameworkError(sorted(problems))
    return regime


@cache
def load_regime(regime_id: str) -> Regime:
    """A bundled regime by id (``sb53``, ``eu-gpai-cop``, ``ny-raise``)."""
    if regime_id not in REGIME_IDS:
        raise KeyError(regime_id)
    return load_regime_file(DATA / f"{regime_id}.yaml")


def regimes() -> list[Regime]:
    return [load_regime(r) for r in REGIME_IDS]
