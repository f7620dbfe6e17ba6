"""Problems and where they are: located messages, positions of YAML nodes, paths."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from redline.framework import schema as S

PathT = tuple[str | int, ...]
Severity = Literal["error", "warning"]

_MAX_NODES = 200_000  # guards against alias bombs ("billion laughs")


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a file."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        tag = "" if self.severity == "error" else "warning: "
        field_ = f"{self.path}: " if self.path else ""
        return f"{where}: {tag}{field_}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
        }


class FrameworkError(Exception):
    """A framework file has errors; ``problems`` lists each, located."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


@dataclass
class Positions:
    """Line/column (1-based) of every key and value in a YAML document."""

    keys: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    values: dict[PathT, tuple[int, int]] = field(default_factory=dict)

    def of(self, path: PathT, *, key: bool = False) -> tuple[int, int]:
        """Where the value at ``path`` is (or its key, with ``key=True``).

        A block mapping or list starts on the line after its key; there the key is
        what a reader looks for, so the key's position is returned instead. A path
        that is not in the document falls back to its nearest ancestor."""
        p = path
        while True:
            if key and p in self.keys:
                return self.keys[p]
            if p in self.values:
                value = self.values[p]
                k = self.keys.get(p)
                return k if k is not None and k[0] < value[0] else value
            if not p:
                return (1, 1)
            p = p[:-1]


@dataclass
class Loaded:
    """The outcome of loading one file: a framework when it is valid."""

    file: str
    framework: S.Framework | None
    problems: list[Problem]
    data: Any = None
    positions: Positions = field(default_factory=Positions)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class SemanticProblem:
    """A problem with the meaning of a framework, at ``path``.

    ``see`` names a second place the problem involves (e.g. the first use of a
    duplicated id); the loader says where it is in the file."""

    path: PathT
    message: str
    severity: Literal["error", "warning"] = "error"
    on_key: bool = False
    see: PathT | None = None

    def text(self, where: Callable[[PathT], str] | None = None) -> str:
        if self.see is None:
            return self.message
        place = where(self.see) if where is not None else format_path(self.see)
        return f"{self.message} (first used at {place})"
