"""Pydantic validation errors as located, readable problems (with did-you-mean)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from redline.framework import schema as S
from redline.framework.located import (
    PathT,
    Positions,
    Problem,
    format_path,
)

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


def problems_from_validation(
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
