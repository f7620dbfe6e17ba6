"""Load framework files: YAML -> :class:`Framework`, every problem located.

Every problem a user can cause (YAML syntax, unknown keys, wrong types, missing
fields, broken references) comes back as a :class:`Problem` naming the file, line,
column and the path of the offending key or value. No input raises anything else.

The pieces live beside this module: ``located`` (problems, positions, paths),
``yaml_source`` (YAML with positions) and ``messages`` (validation errors in words).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from redline.framework import schema as S
from redline.framework.located import (
    FrameworkError,
    Loaded,
    PathT,
    Positions,
    Problem,
    format_path,
)
from redline.framework.messages import (
    _kind,
    problems_from_validation,
)
from redline.framework.validate import check
from redline.framework.yaml_source import (
    parse_yaml,
)

# ------------------------------------------------------------------------ API

TaskResolver = Callable[[str], str | None]
"""Given an evaluation's task reference, return a warning message or None."""


def load_text(
    text: str, file: str = "<string>", *, resolve_task: TaskResolver | None = None
) -> Loaded:
    """Load a framework from YAML text. Never raises for bad input."""
    data, pos, problems = parse_yaml(text, file)
    if problems:
        return Loaded(file, None, problems, None, pos)
    if data is None:
        return Loaded(
            file,
            None,
            [
                Problem(
                    file,
                    1,
                    1,
                    "",
                    "file is empty: expected a framework mapping"
                    if not text.strip()
                    else "file holds no framework (only comments or null): "
                    "expected a framework mapping",
                )
            ],
            None,
            pos,
        )
    if not isinstance(data, dict):
        return Loaded(
            file,
            None,
            [
                Problem(
                    file,
                    *pos.of(()),
                    "",
                    f"expected a framework mapping at the top, got {_kind(data)}",
                )
            ],
            data,
            pos,
        )
    if data and "schema_version" not in data and "framework" not in data:
        # Likely another kind of file (determinations, safeguards in place): one
        # message instead of a missing-field error for every section.
        found = ", ".join(str(k) for k in list(data)[:6])
        return Loaded(
            file,
            None,
            [
                Problem(
                    file,
                    *pos.of(()),
                    "",
                    "this is not a framework file: expected schema_version, framework, scope, "
                    f"domains and governance at the top, found {found}",
                )
            ],
            data,
            pos,
        )
    try:
        fw = S.Framework.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, data, pos, file)
        return Loaded(file, None, sorted(problems), data, pos)
    except (RecursionError, ValueError, TypeError) as exc:  # defensive: never a traceback
        return Loaded(file, None, [Problem(file, 1, 1, "", f"cannot validate: {exc}")], data, pos)

    def where(path: PathT) -> str:
        return f"line {pos.of(path)[0]}" if path in pos.values else format_path(path)

    try:
        checked = check(fw, resolve_task=resolve_task)
    except RecursionError:  # defensive: absurdly deep nesting; never a traceback
        problems = [Problem(file, 1, 1, "", "cannot check: the framework is nested too deeply")]
        return Loaded(file, None, problems, data, pos)
    semantic = []
    for sp in checked:
        line, col = pos.of(sp.path, key=sp.on_key)
        semantic.append(Problem(file, line, col, format_path(sp.path), sp.text(where), sp.severity))
    semantic.sort()
    ok = not any(p.severity == "error" for p in semantic)
    return Loaded(file, fw if ok else None, semantic, data, pos)


def load_file(path: str | Path, *, resolve_task: TaskResolver | None = None) -> Loaded:
    """Load a framework file. Unreadable files become a located problem too."""
    p = Path(path)
    name = str(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        return Loaded(name, None, [Problem(name, 1, 1, "", "no such file")])
    except IsADirectoryError:
        return Loaded(name, None, [Problem(name, 1, 1, "", "is a directory, not a file")])
    except OSError as exc:
        return Loaded(name, None, [Problem(name, 1, 1, "", f"cannot read: {exc.strerror}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        return Loaded(
            name,
            None,
            [
                Problem(
                    name, line, col, "", f"not UTF-8 text (byte 0x{bad}): save the file as UTF-8"
                )
            ],
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return load_text(text, name, resolve_task=resolve_task)


def load_framework(path: str | Path, *, resolve_task: TaskResolver | None = None) -> S.Framework:
    """Load a framework or raise :class:`FrameworkError` with every problem located."""
    loaded = load_file(path, resolve_task=resolve_task)
    if loaded.framework is None:
        raise FrameworkError(loaded.errors or loaded.problems)
    return loaded.framework


M = TypeVar("M", bound=BaseModel)


def load_model_file(path: Path, cls: type[M]) -> tuple[M, Any, Positions]:
    """A small YAML input file (safeguards, determinations, a changelog) as ``cls``, with
    every problem located; raises :class:`FrameworkError`."""
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
        raise FrameworkError(sorted(problems_from_validation(exc, data, pos, name))) from None


__all__ = [
    "FrameworkError",
    "Loaded",
    "Problem",
    "TaskResolver",
    "load_file",
    "load_framework",
    "load_model_file",
    "load_text",
]
