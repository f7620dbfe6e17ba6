"""Checks of a regime's ``incidents`` section that the schema alone cannot make: the time
zone exists, class ids are unique, every clock names declared classes, and two versions
of one clock do not overlap in time. Called by :func:`redline.regulation.load.load_regime_file`
so that a bad regime file fails with each problem located."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from redline.framework.located import Positions, Problem
from redline.regulation.model import IncidentClock, Regime

_FAR_PAST = dt.date.min
_FAR_FUTURE = dt.date.max


def _span(c: IncidentClock) -> tuple[dt.date, dt.date]:
    return (c.in_force_from or _FAR_PAST, c.in_force_until or _FAR_FUTURE)


def incident_problems(regime: Regime, pos: Positions, path: str) -> list[Problem]:
    rules = regime.incidents
    if rules is None:
        return []
    problems: list[Problem] = []

    def add(where: tuple[str | int, ...], field: str, message: str) -> None:
        line, col = pos.of(where)
        problems.append(Problem(path, line, col, field, message))

    try:
        ZoneInfo(rules.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        add(
            ("incidents", "time_zone"),
            "incidents.time_zone",
            f"unknown time zone {rules.time_zone!r} (an IANA name such as Europe/Brussels)",
        )
    declared: set[str] = set()
    for i, cls in enumerate(rules.classes):
        if cls.id in declared:
            add(
                ("incidents", "classes", i, "id"),
                f"incidents.classes[{i}].id",
                f"duplicate class {cls.id!r}",
            )
        declared.add(cls.id)
    for i, clock in enumerate(rules.clocks):
        for j, name in enumerate(clock.classes):
            if name not in declared:
                add(
                    ("incidents", "clocks", i, "classes", j),
                    f"incidents.clocks[{i}].classes[{j}]",
                    f"unknown class {name!r}; declared: {', '.join(sorted(declared))}",
                )
        lo, hi = _span(clock)
        for k, other in enumerate(rules.clocks[:i]):
            if other.id != clock.id:
                continue
            olo, ohi = _span(other)
            if lo < ohi and olo < hi:
                add(
                    ("incidents", "clocks", i, "id"),
                    f"incidents.clocks[{i}].id",
                    f"clock {clock.id!r} is in force at the same time as clocks[{k}]; give "
                    "in_force_from / in_force_until that do not overlap",
                )
    return problems
