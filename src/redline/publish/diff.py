"""A readable structural diff between two framework versions.

The diff runs over audience views (:func:`redline.publish.views.framework_view`),
never over the YAML, so a public diff cannot reveal a withheld value. Lists of
items that carry an ``id`` (or a name) are matched by it, so reordering is not a
change, a changed threshold shows under its level, and a domain added as a whole
is one change, not one per field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

# Fields that repeat what another field of the view already says in words.
_SKIP = frozenset({"comparisons", "manual", "href", "kind_words"})
_MISSING = object()


@dataclass(frozen=True)
class Change:
    kind: Literal["added", "removed", "changed"]
    where: str
    before: str | None
    after: str | None


def _is_withheld(v: Any) -> bool:
    return isinstance(v, dict) and "withheld" in v and "reason" in v


def _is_link(v: Any) -> bool:
    return isinstance(v, dict) and set(v) == {"text", "href"}


def leaf(value: Any) -> str:
    """A value as one line of text."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if _is_withheld(value):
        return f"withheld ({value.get('what', value['withheld'])})"
    if _is_link(value):
        return str(value["text"])
    if isinstance(value, list):
        return "; ".join(leaf(x) for x in value) if value else "none"
    if isinstance(value, dict):
        return ", ".join(
            f"{k.replace('_', ' ')}: {leaf(v)}" for k, v in value.items() if k not in _SKIP
        )
    return str(value)


def _label(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    for key in ("id", "number", "action", "item", "name", "title"):
        v = item.get(key)
        if isinstance(v, str) and v:
            return v
    return None


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """Items by label when every item has a distinct one."""
    if not items or not all(isinstance(x, dict) and not _is_withheld(x) for x in items):
        return None
    labels = [_label(x) for x in items]
    if any(lb is None for lb in labels) or len(set(labels)) != len(labels):
        return None
    return {str(lb): x for lb, x in zip(labels, items, strict=True)}


def _summary(item: Any) -> str:
    if isinstance(item, dict) and not _is_withheld(item) and not _is_link(item):
        name = item.get("name") or item.get("title") or item.get("statement")
        label = _label(item)
        if name and label and name != label:
            return f"{name} ({label})"
        return str(name or label or leaf(item))
    return leaf(item)


def _walk(a: Any, b: Any, path: tuple[str, ...], out: list[Change]) -> None:
    if a is _MISSING:
        out.append(Change("added", where(path), None, _summary(b)))
        return
    if b is _MISSING:
        out.append(Change("removed", where(path), _summary(a), None))
        return
    plain_a = isinstance(a, dict) and not _is_withheld(a) and not _is_link(a)
    plain_b = isinstance(b, dict) and not _is_withheld(b) and not _is_link(b)
    if plain_a and plain_b:
        keys = [k for k in b if k not in _SKIP] + [k for k in a if k not in b and k not in _SKIP]
        for k in keys:
            _walk(a.get(k, _MISSING), b.get(k, _MISSING), (*path, k), out)
        return
    if isinstance(a, list) and isinstance(b, list):
        ka, kb = _keyed(a), _keyed(b)
        if ka is not None and kb is not None:
            for k in [*kb, *(k for k in ka if k not in kb)]:
                _walk(ka.get(k, _MISSING), kb.get(k, _MISSING), (*path, _LABEL + k), out)
            return
    if leaf(a) != leaf(b):
        out.append(Change("changed", where(path), leaf(a), leaf(b)))


_WORDS = {"body": "", "identity": "framework"}
_LABEL = "\x00"  # marks a path part that is an item's id, shown as written


def where(path: tuple[str, ...]) -> str:
    parts = []
    for p in path:
        if p.startswith(_LABEL):
            parts.append(p[1:])
        elif _WORDS.get(p, p):
            parts.append(_WORDS.get(p, p).replace("_", " "))
    return " › ".join(parts)


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Changes from ``before`` to ``after``, in the order of ``after`` (removals follow)."""
    out: list[Change] = []
    _walk(before, after, (), out)
    return out
