"""Load framework files: YAML -> :class:`Framework`, every problem located.

Every problem a user can cause (YAML syntax, unknown keys, wrong types, missing
fields, broken references) comes back as a :class:`Problem` naming the file, line,
column and the path of the offending key or value. No input raises anything else.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

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


# ------------------------------------------------------------------------ YAML


class _TooLarge(Exception):
    pass


class _BadNode(Exception):
    """A value YAML accepts but no framework can hold, found while converting."""

    def __init__(self, path: PathT, message: str, *, on_key: bool = False) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.on_key = on_key


def _check_text(value: Any, path: PathT, *, on_key: bool = False) -> None:
    if isinstance(value, str):
        bad = next((c for c in value if "\ud800" <= c <= "\udfff"), None)
        if bad is not None:
            raise _BadNode(
                path,
                f"invalid character U+{ord(bad):04X} (a lone surrogate, e.g. from a "
                f"'\\u{ord(bad):04x}' escape): remove it",
                on_key=on_key,
            )


def _plain(node: Any, path: PathT, pos: Positions, budget: list[int]) -> Any:
    """Convert ruamel's round-trip nodes into plain Python, recording positions."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for k in node:
            key = _plain_key(k)
            kp = (*path, key)
            try:
                kl, kc = node.lc.key(k)
                pos.keys[kp] = (kl + 1, kc + 1)
                vl, vc = node.lc.value(k)
                pos.values[kp] = (vl + 1, vc + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            if key in out:
                raise _BadNode(kp, f"key {key!r} appears twice in this mapping", on_key=True)
            _check_text(key, kp, on_key=True)
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
        return {
            _plain_key(k): _plain(v, (*path, _plain_key(k)), pos, budget) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_plain(v, (*path, i), pos, budget) for i, v in enumerate(node)]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        _check_text(node, path)
        return str(node)
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, dt.date):
        return node
    if node is None:
        return None
    # Tagged scalars and other exotic YAML: keep their text so validation can name them.
    return str(getattr(node, "value", node))


def _plain_key(k: Any) -> str | int:
    """Mapping keys as the schema sees them: text, or whole numbers (list-like keys
    such as ``1: x`` stay numbers so that an error can say so)."""
    if isinstance(k, bool):
        return "true" if k else "false"
    if isinstance(k, int):
        return int(k)
    if k is None:
        return "null"
    if isinstance(k, str):
        return str(k)
    return str(k)


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
    deep = _too_deep(text)
    if deep is not None:
        line, col = deep
        message = f"nested more than {_MAX_DEPTH} levels deep: no framework needs that"
        return None, pos, [Problem(file, line, col, "", message)]
    try:
        doc = yaml.load(text)
    except ReaderError as exc:
        line, col = _line_col(text, int(exc.position or 0))
        char = exc.character
        code = ord(char) if isinstance(char, str) else int(char or 0)
        return (
            None,
            pos,
            [
                Problem(
                    file,
                    line,
                    col,
                    "",
                    f"YAML syntax: invalid character U+{code:04X}: control characters are not "
                    "allowed in YAML text; remove it",
                )
            ],
        )
    except MarkedYAMLError as exc:
        line, col, what = _syntax_problem(exc, text)
        line, col = _within(text, line, col)
        return None, pos, [Problem(file, line, col, "", f"YAML syntax: {what}")]
    except YAMLError as exc:
        return None, pos, [Problem(file, 1, 1, "", f"YAML syntax: {exc}")]
    except RecursionError:
        return None, pos, [Problem(file, 1, 1, "", "nested too deeply for a framework")]
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        return None, pos, [Problem(file, 1, 1, "", f"YAML syntax: cannot parse ({exc})")]
    try:
        lc = getattr(doc, "lc", None)
        if lc is not None and lc.line is not None and lc.col is not None:
            pos.values[()] = (lc.line + 1, lc.col + 1)
    except AttributeError:
        pass
    if () not in pos.values:
        pos.values[()] = _first_content(text)
    try:
        data = _plain(doc, (), pos, [_MAX_NODES])
    except _BadNode as bad:
        line, col = pos.of(bad.path, key=bad.on_key)
        shown = format_path(bad.path).encode("utf-8", "backslashreplace").decode("utf-8")
        return None, pos, [Problem(file, line, col, shown, bad.message)]
    except (_TooLarge, RecursionError):
        return (
            None,
            pos,
            [
                Problem(
                    file,
                    1,
                    1,
                    "",
                    f"document too large or too deeply nested (over {_MAX_NODES} nodes)",
                )
            ],
        )
    return data, pos, []


_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _within(text: str, line: int, col: int) -> tuple[int, int]:
    """Keep a position inside the document: the parser reports the end of the
    stream on the line after the last one."""
    lines = _BREAKS.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    line = max(1, min(line, len(lines)))
    col = max(1, min(col, len(lines[line - 1]) + 1))
    return line, col


_MAX_DEPTH = 100


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where flow brackets nest deeper than any framework needs, if they do. The YAML
    parser takes seconds on a few thousand nested brackets, so refuse them first."""
    if text.count("[") + text.count("{") <= _MAX_DEPTH:
        return None
    depth = 0
    quote = ""
    line, col = 1, 0
    comment = False
    for ch in text:
        col += 1
        if ch == "\n":
            line, col, comment = line + 1, 0, False
            continue
        if comment:
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            comment = True
        elif ch in "[{":
            depth += 1
            if depth > _MAX_DEPTH:
                return (line, col)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1


def _first_content(text: str) -> tuple[int, int]:
    """Line and column of the first thing in a document that is not a comment."""
    for i, line in enumerate(text.splitlines()):
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#") and stripped != "---":
            return (i + 1, len(line) - len(stripped) + 1)
    return (1, 1)


def _at(mark: Any) -> tuple[int, int] | None:
    if mark is None:
        return None
    return (mark.line + 1, mark.column + 1)


def _syntax_problem(exc: MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """A YAML error in words a framework author understands, at the place to fix."""
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    where = _at(exc.problem_mark) or _at(exc.context_mark) or (1, 1)
    opened = _at(exc.context_mark)

    if "duplicate key" in problem or "duplicate key" in str(exc):
        return (*where, _duplicate_key_message(problem or str(exc)))
    runaway = _runaway_quote(text, where)
    if runaway is not None:
        (line, col), end_line = runaway
        return (
            line,
            col,
            f"this quoted text is not closed on its line and runs on to line {end_line}; "
            "add the closing quote",
        )
    if "quoted scalar" in context and opened is not None and "end of stream" in problem:
        return (*opened, "this quoted text is never closed; add the closing quote")
    if "flow sequence" in context and opened is not None:
        return (
            *opened,
            f"this '[' is not closed: expected ',' or ']' at line {where[0]}, column {where[1]}",
        )
    if "flow mapping" in context and opened is not None:
        return (
            *opened,
            f"this '{{' is not closed: expected ',' or '}}' at line {where[0]}, column {where[1]}",
        )
    if "character '\\t'" in problem:
        return (*where, "a tab character: indent with spaces, not tabs")
    if "another document" in problem:
        return (
            *where,
            "a second YAML document ('---'): a framework file holds exactly one; "
            "remove the '---' and what follows, or put it in its own file",
        )
    if "mapping values are not allowed" in problem:
        source = text.splitlines()
        if 1 <= where[0] <= len(source):
            row = source[where[0] - 1]
            where = (where[0], len(row) - len(row.lstrip()) + 1)
        return (
            *where,
            "unexpected ':': check the indentation of this line, or quote a value "
            "that contains ': '",
        )
    if problem.startswith("expected <block end>"):
        return (
            *where,
            "bad indentation: this line does not line up with the lines of the "
            "mapping or list it belongs to",
        )
    if "could not find expected ':'" in problem and opened is not None:
        return (*opened, "expected 'key: value' here, but this line has no ':' after its key")
    if "undefined alias" in problem:
        return (*where, f"{problem} (an alias *name needs an anchor &name before it)")
    if "unknown escape character" in problem:
        return (
            *where,
            f"{problem} (inside double quotes write \\\\ for a backslash, or use single quotes)",
        )
    what = problem or context or "invalid YAML"
    return (*where, what)


def _runaway_quote(text: str, error_at: tuple[int, int]) -> tuple[tuple[int, int], int] | None:
    """A quoted value whose closing quote is missing swallows the following lines up
    to the next quote, and the parser fails further down. Find the last line before
    the error whose value opens a quote that the line does not close, followed by a
    line that looks like a new ``key: value``."""
    lines = text.splitlines()
    found: tuple[tuple[int, int], int] | None = None
    for i, line in enumerate(lines[: error_at[0]]):
        m = _OPEN_QUOTE.match(line)
        if m is None or i + 1 >= len(lines) or not _KEY_LINE.match(lines[i + 1]):
            continue
        quote, rest = m.group(2), m.group(3)
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else re.search("'", rest)
        if closed is None:
            found = ((i + 1, m.start(2) + 1), error_at[0])
    return found


_OPEN_QUOTE = re.compile(r"""^\s*(- )?[A-Za-z_][\w.-]*:\s+(["'])(.*)$""")
_KEY_LINE = re.compile(r"^\s*(- )?[A-Za-z_][\w.-]*:(\s|$)")


def _duplicate_key_message(text: str) -> str:
    m = re.search(
        r'found duplicate key "(.*?)" with value "(.*?)" \(original value: "(.*?)"\)', text
    )
    if m:
        return (
            f"key {m.group(1)!r} appears twice in this mapping (the first has the value "
            f"{m.group(3)!r}); each key may appear once"
        )
    return "a key appears twice in this mapping; each key may appear once"


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
    "date_from_datetime_parsing",
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
    if isinstance(v, list | tuple):
        return "a list"
    if isinstance(v, dt.date):
        return f"the date {v.isoformat()}"
    return type(v).__name__


@dataclass
class _Located:
    """A pydantic error placed in the data: its path there, whether it is about a
    mapping key, and the union alternatives (data path, tag) it belongs to."""

    err: dict[str, Any]
    dpath: PathT
    on_key: bool
    unions: list[tuple[PathT, str]]


def _locate_error(data: Any, err: dict[str, Any]) -> _Located:
    """Follow a pydantic error location through the data.

    Parts of the location that are not keys or indices of the data are union tags
    (which alternative of a union the error comes from), except the last part of a
    ``missing`` error, which names the absent field."""
    loc = tuple(err["loc"])
    path: list[str | int] = []
    unions: list[tuple[PathT, str]] = []
    cur = data
    on_key = False
    for k, part in enumerate(loc):
        if part == "[key]":
            on_key = True
            continue
        in_list = (
            isinstance(cur, list)
            and isinstance(part, int)
            and not isinstance(part, bool)
            and 0 <= part < len(cur)
        )
        if in_list or (isinstance(cur, dict) and part in cur):
            path.append(part)
            cur = cur[part]
        elif k == len(loc) - 1 and err["type"] == "missing":
            continue
        else:
            unions.append((tuple(path), str(part)))
    if err["type"] == "extra_forbidden":
        on_key = True
    return _Located(err, tuple(path), on_key, unions)


def _select_alternatives(errors: list[_Located]) -> list[_Located]:
    """Keep only the errors of the union alternative the author evidently meant.

    Pydantic reports every alternative of a union that failed. An alternative
    that failed on the type of the value itself did not match at all; among the
    others, the one with the fewest unknown keys (then the fewest errors) is the
    shape the author wrote. When every alternative failed on the type, all are
    kept so that the message can list what was expected."""
    points = sorted({p for e in errors for p, _ in e.unions}, key=len)
    for point in points:
        groups: dict[str, list[_Located]] = {}
        for e in errors:
            tag = next((t for p, t in e.unions if p == point), None)
            if tag is not None:
                groups.setdefault(tag, []).append(e)
        if len(groups) < 2:
            continue

        def score(es: list[_Located], point: PathT = point) -> tuple[bool, int, int]:
            on_value = any(e.dpath == point and e.err["type"] in _TYPE_MISMATCH for e in es)
            extra = sum(e.err["type"] == "extra_forbidden" for e in es)
            return (on_value, extra, len(es))

        best_tag, best = min(groups.items(), key=lambda kv: score(kv[1]))
        if score(best)[0]:
            continue
        dropped = {id(e) for tag, es in groups.items() if tag != best_tag for e in es}
        errors = [e for e in errors if id(e) not in dropped]
    return errors


# --- which schema model an error location is in (for did-you-mean suggestions)


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """Strip ``Annotated``: the bare type and its metadata."""
    meta: list[Any] = []
    while get_origin(tp) is Annotated:
        args = get_args(tp)
        meta.extend(args[1:])
        tp = args[0]
    return tp, meta


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, UnionType)


def _step(tp: Any, part: str | int) -> Any:
    """The type one location part below ``tp``, or None when it cannot be followed."""
    tp, _ = _unwrap(tp)
    if _is_union(tp):
        members = [_unwrap(m) for m in get_args(tp)]
        for bare, meta in members:
            tags = [getattr(m, "tag", None) for m in meta]
            if part in tags or part == getattr(bare, "__name__", None):
                return bare
        for bare, _meta in members:
            found = _step(bare, part)
            if found is not None:
                return found
        return tp  # a union tag pydantic made up (e.g. 'list[...]'): stay on the union
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if part == tp.__name__:
            return tp
        for name, info in tp.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    origin = get_origin(tp)
    if origin in (list, tuple, set, frozenset):
        args = get_args(tp)
        if isinstance(part, int) and args:
            return args[0] if origin is not tuple else args[min(part, len(args) - 1)]
        return None
    if origin is dict:
        args = get_args(tp)
        if part == "[key]":
            return args[0] if args else None
        return args[1] if len(args) > 1 else None
    return None


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    tp: Any = root
    for part in loc:
        tp = _step(tp, part)
        if tp is None:
            return None
    tp, _ = _unwrap(tp)
    if _is_union(tp):
        models = [m for m, _ in map(_unwrap, get_args(tp)) if _is_model(m)]
        return models[0] if len(models) == 1 else None
    return tp if _is_model(tp) else None


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


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


def _close(name: str, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=cutoff)
    return close[0] if close else None


def _unknown_field(name: str, model: type[BaseModel] | None) -> tuple[str, str | None]:
    """The message for an unknown key and the field it is probably a typo of."""
    if model is not None:
        fields = _field_names(model)
        guess = _close(name, fields, 0.6)
        if guess is not None:
            return f"unknown field {name!r} (did you mean {guess!r}?)", guess
        return f"unknown field {name!r} (allowed here: {', '.join(fields)})", None
    if not _ALL_FIELDS:
        _collect_fields(S.Framework, set())
    guess = _close(name, _ALL_FIELDS)
    if guess is not None:
        return f"unknown field {name!r} (did you mean {guess!r}?)", guess
    return f"unknown field {name!r}", None


def _expected_words(expected: str) -> list[str]:
    """The quoted alternatives in pydantic's "'a', 'b' or 'c'"."""
    return re.findall(r"'([^']*)'", expected)


def _did_you_mean(inp: Any, words: list[str]) -> str:
    if not isinstance(inp, str) or not words:
        return ""
    word = inp.strip().lower()
    guess = next((w for w in words if sorted(w) == sorted(word)), None)  # '=>' for '>='
    if guess is None:
        guess = _close(word, [w for w in words if len(w) >= 3], 0.6)
    return f" (did you mean {guess!r}?)" if guess is not None and guess != inp else ""


def _message(err: dict[str, Any], data_value: Any = None) -> str:
    t = err["type"]
    inp = err.get("input")
    ctx = err.get("ctx") or {}
    loc = err["loc"]
    last = loc[-1] if loc else ""
    if t == "missing":
        if isinstance(last, int):
            n = len(data_value) if isinstance(data_value, list) else last
            return f"expected {last + 1} items, got {n}"
        return f"missing required field {last!r}"
    if t == "extra_forbidden":
        return _unknown_field(str(last), None)[0]
    if t == "string_type":
        shown = inp.isoformat() if isinstance(inp, dt.date) else inp
        hint = f' (quote it: "{shown}")' if isinstance(inp, int | float | dt.date) else ""
        return f"expected text, got {_kind(inp)}{hint}"
    if t in {"float_type", "float_parsing"}:
        if inp == "unspecified":
            return "expected a number; 'unspecified' is only allowed for trigger values"
        return f"expected a number, got {_kind(inp)}"
    if t in {"int_type", "int_parsing", "int_from_float"}:
        return f"expected a whole number, got {_kind(inp)}"
    if t in {"bool_type", "bool_parsing"}:
        return f"expected true or false, got {_kind(inp)}"
    if t == "literal_error" and tuple(loc) == ("schema_version",):
        return (
            f"unsupported schema_version {inp!r}: this version of redline reads "
            f"schema_version {S.SCHEMA_VERSION}"
        )
    if t == "literal_error" and last == "unspecified":
        return (
            "must be true: 'unspecified: true' (or just 'unspecified') marks a value the "
            "source framework does not state; otherwise give the number"
        )
    if t in {"literal_error", "enum"}:
        expected = str(ctx.get("expected", "one of the allowed values"))
        expected = expected.replace("True", "true").replace("False", "false")
        return f"must be {expected}, got {_kind(inp)}" + _did_you_mean(
            inp, _expected_words(expected)
        )
    if t in {"model_type", "model_attributes_type"} and "Unspecified" in [str(x) for x in loc]:
        return f"expected 'unspecified', got {_kind(inp)}"
    if t in {"model_type", "model_attributes_type", "dict_type"}:
        return f"expected a mapping (key: value), got {_kind(inp)}"
    if t in {"list_type", "tuple_type"}:
        return f"expected a list, got {_kind(inp)}"
    if t == "too_short":
        n = ctx.get("min_length", 1)
        msg = f"needs at least {n} item{'s' if n != 1 else ''}"
        if last == "any_of":
            msg += " (for a single safeguard, list its id directly instead of any_of)"
        return msg
    if t == "too_long":
        if ctx.get("field_type") == "Tuple":
            return f"expected {ctx.get('max_length')} items, got {ctx.get('actual_length', 'more')}"
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
        words = {
            "greater_than": "greater than",
            "greater_than_equal": "at least",
            "less_than": "less than",
        }.get(t, "at most")
        bound = next(iter(ctx.values()), "?")
        msg = f"must be {words} {bound}, got {_kind(inp)}"
        if last == "confidence" and isinstance(inp, int | float) and inp >= 50:
            msg += " (write a confidence as a fraction, e.g. 0.95, not a percentage)"
        return msg
    if t in {
        "date_type",
        "date_parsing",
        "date_from_datetime_inexact",
        "date_from_datetime_parsing",
    }:
        return f"expected a date as YYYY-MM-DD, got {_kind(inp)}"
    if t == "union_tag_invalid" or t == "condition":
        return (
            "a condition is a comparison (evaluation, op, value), "
            f"'all: [...]', 'any: [...]' or 'manual: {{...}}', got {_kind(inp)}"
        )
    if t == "value_error":
        msg = str(err.get("msg", ""))
        return msg.removeprefix("Value error, ")
    if t in {"finite_number"}:
        return f"expected a finite number, got {_kind(inp)}"
    if t == "recursion_loop":
        return "nested too deeply"
    return str(err.get("msg", t))


def _merge_union(messages: list[str], inp: Any) -> str:
    """Several type mismatches at one place come from alternatives of a union."""
    wanted: list[str] = []
    for m in messages:
        head = m.split(", got ")[0]
        head = head.split("; ")[0]
        head = head.removeprefix("expected ").removeprefix("must be ")
        if head not in wanted:
            wanted.append(head)
    words = [w for head in wanted for w in _expected_words(head)]
    return f"expected {' or '.join(wanted)}, got {_kind(inp)}" + _did_you_mean(inp, words)


def _value_at(data: Any, path: PathT) -> Any:
    cur = data
    for part in path:
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def _problems_from_validation(
    exc: ValidationError,
    data: Any,
    pos: Positions,
    file: str,
    root: type[BaseModel] | None = None,
) -> list[Problem]:
    if root is None and exc.title == S.Framework.__name__:
        root = S.Framework
    located = [_locate_error(data, dict(err)) for err in exc.errors(include_url=False)]
    located = _select_alternatives(located)
    # Drop type mismatches of union alternatives that did not match the shape of the
    # input when another alternative went deeper into the same value.
    keep: list[_Located] = []
    for e in located:
        if e.err["type"] in _TYPE_MISMATCH and any(
            len(o.dpath) > len(e.dpath)
            and o.dpath[: len(e.dpath)] == e.dpath
            and o.err["type"] != "missing"
            for o in located
        ):
            continue
        keep.append(e)

    # An unknown key that is a typo of a missing field is one mistake: report the typo.
    typo_of: dict[PathT, set[str]] = {}
    unknown: dict[int, str] = {}
    for e in keep:
        if e.err["type"] == "extra_forbidden":
            loc = tuple(e.err["loc"])
            model = _model_at(root, loc[:-1]) if root is not None else None
            msg, guess = _unknown_field(str(loc[-1]), model)
            unknown[id(e)] = msg
            if guess is not None:
                typo_of.setdefault(e.dpath[:-1], set()).add(guess)
    keep = [
        e
        for e in keep
        if not (e.err["type"] == "missing" and e.err["loc"][-1] in typo_of.get(e.dpath, set()))
    ]

    grouped: dict[tuple[PathT, bool], list[_Located]] = {}
    for e in keep:
        grouped.setdefault((e.dpath, e.on_key), []).append(e)
    problems: list[Problem] = []
    for (dpath, on_key), es in grouped.items():
        mismatches = [e for e in es if e.err["type"] in _TYPE_MISMATCH]
        others = [e for e in es if e.err["type"] not in _TYPE_MISMATCH]
        items: list[tuple[str, _Located]] = [
            (unknown.get(id(e)) or _message(e.err, _value_at(data, e.dpath)), e) for e in others
        ]
        if others and mismatches and all(e.unions for e in mismatches):
            # A constraint failed on one alternative of a union (e.g. a malformed id)
            # while the others did not even match the type: the constraint is the news.
            mismatches = []
        if len(mismatches) > 1:
            merged = _merge_union(
                [_message(e.err) for e in mismatches], mismatches[0].err.get("input")
            )
            items.append((merged, mismatches[0]))
        elif mismatches:
            items.append((_message(mismatches[0].err), mismatches[0]))
        for msg, e in items:
            shown = dpath
            key = on_key
            if e.err["type"] == "missing":
                last = e.err["loc"][-1]
                if not isinstance(last, int):
                    shown = (*dpath, last)
                # Point at the key that holds the incomplete mapping (a list that is
                # too short is pointed at itself).
                key = bool(dpath) and isinstance(dpath[-1], str) and not isinstance(last, int)
            line, col = pos.of(dpath, key=key)
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
        problems = _problems_from_validation(exc, data, pos, file)
        return Loaded(file, None, sorted(problems), data, pos)
    except (RecursionError, ValueError, TypeError) as exc:  # defensive: never a traceback
        return Loaded(file, None, [Problem(file, 1, 1, "", f"cannot validate: {exc}")], data, pos)

    from redline.framework.validate import check

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
