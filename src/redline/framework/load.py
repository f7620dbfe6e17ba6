"""Load framework files: YAML -> :class:`Framework`, every problem located.

Every problem a user can cause (YAML syntax, unknown keys, wrong types, missing
fields, broken references) comes back as a :class:`Problem` naming the file, line,
column and the path of the offending key or value. No input raises anything else.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

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
        table = self.keys if key else self.values
        p = path
        while True:
            if p in table:
                return table[p]
            if p in self.values:
                return self.values[p]
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


# ------------------------------------------------------------------------ YAML


class _TooLarge(Exception):
    pass


def _plain(node: Any, path: PathT, pos: Positions, budget: list[int]) -> Any:
    """Convert ruamel's round-trip nodes into plain Python, recording positions."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for k in node:
            kp = (*path, k if isinstance(k, str | int) else str(k))
            try:
                kl, kc = node.lc.key(k)
                pos.keys[kp] = (kl + 1, kc + 1)
                vl, vc = node.lc.value(k)
                pos.values[kp] = (vl + 1, vc + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            key = k if isinstance(k, str | int | float | bool) or k is None else str(k)
            if isinstance(key, bool | float) or key is None:
                key = str(key).lower() if isinstance(key, bool) else str(key)
            out[key] = _plain(node[k], kp, pos, budget)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            ip = (*path, i)
            try:
                il, ic = node.lc.item(i)
                pos.values[ip] = (il + 1, ic + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            items.append(_plain(item, ip, pos, budget))
        return items
    if isinstance(node, dict):
        return {k: _plain(v, (*path, k), pos, budget) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, (*path, i), pos, budget) for i, v in enumerate(node)]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, dt.date):
        return node
    if node is None:
        return None
    # Tagged scalars and other exotic YAML: keep their text so validation can name them.
    return str(getattr(node, "value", node))


class _Constructor(RoundTripConstructor):
    """Keep timestamps as text so that pydantic validates dates with a location
    (ruamel would raise an unlocated error for 2026-13-01)."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def parse_yaml(text: str, file: str) -> tuple[Any, Positions, list[Problem]]:
    """Parse one YAML document; syntax errors become located problems."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    pos = Positions()
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        if "duplicate key" in what or "found duplicate key" in str(exc):
            what = _duplicate_key_message(str(exc))
        return None, pos, [Problem(file, line, col, "", f"YAML syntax: {what}")]
    except YAMLError as exc:
        return None, pos, [Problem(file, 1, 1, "", f"YAML syntax: {exc}")]
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError) as exc:
        return None, pos, [Problem(file, 1, 1, "", f"YAML syntax: cannot parse ({exc})")]
    try:
        data = _plain(doc, (), pos, [_MAX_NODES])
    except (_TooLarge, RecursionError):
        return None, pos, [
            Problem(file, 1, 1, "", f"document too large or too deeply nested (over {_MAX_NODES} nodes)")
        ]
    return data, pos, []


def _duplicate_key_message(text: str) -> str:
    for line in text.splitlines():
        if "found duplicate key" in line:
            return line.strip().rstrip(".") + " (each key may appear once)"
    return "duplicate key (each key may appear once)"


# ------------------------------------------------------------------ validation

_TYPE_MISMATCH = {
    "string_type",
    "float_type",
    "float_parsing",
    "int_type",
    "int_parsing",
    "int_from_float",
    "bool_type",
    "bool_parsing",
    "model_type",
    "model_attributes_type",
    "dict_type",
    "list_type",
    "tuple_type",
    "literal_error",
    "enum",
    "date_type",
    "date_parsing",
    "date_from_datetime_inexact",
    "union_tag_invalid",
    "condition",
    "is_instance_of",
}


def _kind(v: Any) -> str:
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return f"{str(v).lower()}"
    if isinstance(v, int | float):
        return f"the number {v}"
    if isinstance(v, str):
        short = v if len(v) <= 40 else v[:37] + "..."
        return f"the text {short!r}"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dt.date):
        return f"the date {v.isoformat()}"
    return type(v).__name__


def _data_path(data: Any, loc: tuple[str | int, ...]) -> tuple[PathT, bool]:
    """Follow a pydantic error location through the data, skipping union tags.

    Returns the path in the data and whether the location ended on a dict key
    (rather than on a value)."""
    path: list[str | int] = []
    cur = data
    on_key = False
    for part in loc:
        if part == "[key]":
            on_key = True
            continue
        if isinstance(cur, dict) and part in cur:
            path.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            path.append(part)
            cur = cur[part]
        elif isinstance(cur, dict) and isinstance(part, str) and part.replace("_", "").isalnum():
            # A field that is not present (missing) or a tag: a tag is never a field
            # name of the parent, so only keep names that look like real fields and
            # are the last element (handled by caller).
            continue
        else:
            continue
    return tuple(path), on_key


_ALL_FIELDS: set[str] = set()


def _collect_fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        _ALL_FIELDS.add(info.alias or name)
        for arg in _walk_types(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                _collect_fields(arg, seen)


def _walk_types(tp: Any) -> Iterable[Any]:
    yield tp
    for arg in getattr(tp, "__args__", ()) or ():
        yield from _walk_types(arg)
    meta = getattr(tp, "__metadata__", None)
    origin = getattr(tp, "__origin__", None)
    if meta is not None and origin is not None:
        yield from _walk_types(origin)


def _suggest(name: str) -> str:
    if not _ALL_FIELDS:
        _collect_fields(S.Framework, set())
    close = difflib.get_close_matches(name, sorted(_ALL_FIELDS), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _message(err: dict[str, Any]) -> str:
    t = err["type"]
    inp = err.get("input")
    ctx = err.get("ctx") or {}
    loc = err["loc"]
    last = loc[-1] if loc else ""
    if t == "missing":
        return f"missing required field {last!r}"
    if t == "extra_forbidden":
        return f"unknown field {last!r}{_suggest(str(last))}"
    if t == "string_type":
        hint = " (quote it: \"1.0\")" if isinstance(inp, int | float | dt.date) else ""
        return f"expected text, got {_kind(inp)}{hint}"
    if t in {"float_type", "float_parsing"}:
        return f"expected a number, got {_kind(inp)}"
    if t in {"int_type", "int_parsing", "int_from_float"}:
        return f"expected a whole number, got {_kind(inp)}"
    if t in {"bool_type", "bool_parsing"}:
        return f"expected true or false, got {_kind(inp)}"
    if t in {"literal_error", "enum"}:
        return f"must be {ctx.get('expected', 'one of the allowed values')}, got {_kind(inp)}"
    if t in {"model_type", "model_attributes_type"} and "Unspecified" in [str(x) for x in loc]:
        return f"expected 'unspecified', got {_kind(inp)}"
    if t in {"model_type", "model_attributes_type", "dict_type"}:
        return f"expected a mapping (key: value), got {_kind(inp)}"
    if t in {"list_type", "tuple_type"}:
        return f"expected a list, got {_kind(inp)}"
    if t == "too_short":
        n = ctx.get("min_length", 1)
        return f"needs at least {n} item{'s' if n != 1 else ''}"
    if t == "too_long":
        return f"has too many items (at most {ctx.get('max_length')})"
    if t == "string_too_short":
        return "must not be empty"
    if t == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if t == "string_pattern_mismatch":
        return (
            f"{inp!r} is not a valid id: use lower-case letters, digits, '-', '_' and '.', "
            "starting with a letter or digit"
        )
    if t in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        sym = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<"}.get(t, "<=")
        bound = next(iter(ctx.values()), "?")
        return f"must be {sym} {bound}, got {_kind(inp)}"
    if t in {"date_type", "date_parsing", "date_from_datetime_inexact", "date_from_datetime_parsing"}:
        return f"expected a date as YYYY-MM-DD, got {_kind(inp)}"
    if t == "union_tag_invalid" or t == "condition":
        return (
            "a condition is a comparison (evaluation, op, value), "
            f"'all: [...]', 'any: [...]' or 'manual: {{...}}', got {_kind(inp)}"
        )
    if t == "value_error":
        msg = str(err.get("msg", ""))
        return msg.removeprefix("Value error, ")
    return str(err.get("msg", t))


def _merge_union(messages: list[str], inp: Any) -> str:
    """Several type mismatches at one place come from alternatives of a union."""
    wanted: list[str] = []
    for m in messages:
        head = m.split(", got ")[0]
        head = head.removeprefix("expected ").removeprefix("must be ")
        if head not in wanted:
            wanted.append(head)
    return f"expected {' or '.join(wanted)}, got {_kind(inp)}"


def _problems_from_validation(
    exc: ValidationError, data: Any, pos: Positions, file: str
) -> list[Problem]:
    entries: list[tuple[PathT, bool, dict[str, Any]]] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        dpath, on_key = _data_path(data, loc)
        if err["type"] == "extra_forbidden":
            on_key = True
        entries.append((dpath, on_key, dict(err)))
    # Drop type mismatches of union alternatives that did not match the shape of the
    # input when another alternative went deeper into the same value.
    keep: list[tuple[PathT, bool, dict[str, Any]]] = []
    for dpath, on_key, err in entries:
        if err["type"] in _TYPE_MISMATCH and any(
            len(o) > len(dpath) and o[: len(dpath)] == dpath and oe["type"] != "missing"
            for o, _, oe in entries
        ):
            continue
        keep.append((dpath, on_key, err))
    grouped: dict[tuple[PathT, bool], list[dict[str, Any]]] = {}
    for dpath, on_key, err in keep:
        grouped.setdefault((dpath, on_key), []).append(err)
    problems: list[Problem] = []
    for (dpath, on_key), errs in grouped.items():
        mismatches = [e for e in errs if e["type"] in _TYPE_MISMATCH]
        others = [e for e in errs if e["type"] not in _TYPE_MISMATCH]
        msgs = [_message(e) for e in others]
        if len(mismatches) > 1:
            msgs.append(_merge_union([_message(e) for e in mismatches], mismatches[0].get("input")))
        elif mismatches:
            msgs.append(_message(mismatches[0]))
        for msg, err in zip(msgs, others + mismatches, strict=False):
            path = dpath
            shown = path
            if err["type"] == "missing":
                shown = (*dpath, err["loc"][-1])
                # Point at the key that holds the incomplete mapping.
                on_key = bool(dpath) and isinstance(dpath[-1], str)
            line, col = pos.of(path, key=on_key)
            problems.append(Problem(file, line, col, format_path(shown), msg))
    return problems


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
            [Problem(file, 1, 1, "", "file is empty: expected a framework mapping")],
            None,
            pos,
        )
    if not isinstance(data, dict):
        return Loaded(
            file,
            None,
            [
                Problem(
                    file, 1, 1, "", f"expected a framework mapping at the top, got {_kind(data)}"
                )
            ],
            data,
            pos,
        )
    try:
        fw = S.Framework.model_validate(data)
    except ValidationError as exc:
        problems = _problems_from_validation(exc, data, pos, file)
        return Loaded(file, None, sorted(problems), data, pos)
    except (RecursionError, ValueError, TypeError) as exc:  # defensive: never a traceback
        return Loaded(file, None, [Problem(file, 1, 1, "", f"cannot validate: {exc}")], data, pos)

    from redline.framework.validate import check

    semantic = []
    for sp in check(fw, resolve_task=resolve_task):
        line, col = pos.of(sp.path, key=sp.on_key)
        semantic.append(Problem(file, line, col, format_path(sp.path), sp.message, sp.severity))
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
        return Loaded(name, None, [Problem(name, line, col, "", "not UTF-8 text")])
    if text.startswith("\ufeff"):
        text = text[1:]
    return load_text(text, name, resolve_task=resolve_task)


def load_framework(path: str | Path, *, resolve_task: TaskResolver | None = None) -> S.Framework:
    """Load a framework or raise :class:`FrameworkError` with every problem located."""
    loaded = load_file(path, resolve_task=resolve_task)
    if loaded.framework is None:
        raise FrameworkError(loaded.errors or loaded.problems)
    return loaded.framework
