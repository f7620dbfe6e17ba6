"""The checks a regime's mapping names, run over a framework's data.

A path selects elements of the framework as written (``model_dump``, aliases, no
``None``): ``governance.sign_off[]`` every sign-off rule, ``domains[].levels[]`` every
level of every domain, ``domains[].levels[].requires.internal_deployment`` what each
level requires for internal deployment. Each result carries the evidence drawn from
the framework (where, and which element or words) so a reason can be shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from redline.regulation.model import AtMost, Check, Mentions, Present

Node = tuple[str, Any]
_SKIP_TEXT_KEYS = {"source", "source_url", "url", "sha256", "published_sha256", "commit"}


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    label: str
    evidence: str
    elements: list[str] = field(default_factory=list)


def _empty(v: Any) -> bool:
    return v is None or v == [] or v == {} or v == ""


def _step(where: str, key: str | int, node: Any) -> str:
    if isinstance(key, int):
        ident = node.get("id") if isinstance(node, dict) else None
        return f"{where}[{ident if isinstance(ident, str) else key}]"
    return f"{where}.{key}" if where else key


def select(data: Any, path: str) -> list[Node]:
    """The elements at ``path``, each with its location (list items by id when they
    have one)."""
    nodes: list[Node] = [("", data)]
    if not path:
        return nodes
    for seg in path.split("."):
        many = seg.endswith("[]")
        key = seg[:-2] if many else seg
        nxt: list[Node] = []
        for where, node in nodes:
            if key:
                if not isinstance(node, dict) or _empty(node.get(key)):
                    continue
                where, node = _step(where, key, node), node[key]
            if many:
                if isinstance(node, list):
                    nxt.extend((_step(where, i, v), v) for i, v in enumerate(node))
            elif not _empty(node):
                nxt.append((where, node))
        nodes = nxt
    return nodes


def _matches(item: Any, where: dict[str, str | list[str]]) -> bool:
    for name, wanted in where.items():
        allowed = {wanted} if isinstance(wanted, str) else set(wanted)
        value = item if name == "." else (item.get(name) if isinstance(item, dict) else None)
        if isinstance(value, list):
            if not allowed.intersection(str(v) for v in value):
                return False
        elif value is None or str(value) not in allowed:
            return False
    return True


def _describe(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("name", "title", "statement", "reason", "description", "id"):
            if isinstance(item.get(key), str):
                return _short(item[key])
        return ", ".join(sorted(item))
    if isinstance(item, list):
        return ", ".join(_short(str(v), 30) for v in item[:4]) + (" ..." if len(item) > 4 else "")
    return _short(str(item))


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3].rstrip() + "..."


def _texts(where: str, node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k not in _SKIP_TEXT_KEYS:
                yield from _texts(_step(where, k, node), v)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _texts(_step(where, i, v), v)


def _present(data: Any, c: Present) -> CheckResult:
    found = [(w, v) for w, v in select(data, c.at) if _matches(v, c.where)]
    if len(found) >= c.min:
        shown = "; ".join(f"{w} ({_describe(v)})" for w, v in found[:3])
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        return CheckResult(True, c.label, f"{c.label}: {shown}{more}", [w for w, _ in found])
    cond = ", ".join(
        f"{k} {'=' if isinstance(v, str) else 'in'} {v if isinstance(v, str) else '/'.join(v)}"
        for k, v in c.where.items()
    )
    need = f" with {cond}" if cond else ""
    have = f" (found {len(found)}, need {c.min})" if found else ""
    return CheckResult(False, c.label, f"not shown: {c.label} (nothing at {c.at}{need}{have})")


def _mentions(data: Any, c: Mentions) -> CheckResult:
    # A term starts at a word boundary: "NIST" must not match "opportunistic"; a term
    # may run on ("incident" matches "incidents").
    pattern = re.compile("|".join(r"\b" + re.escape(t) for t in c.any), re.IGNORECASE)
    for base, node in select(data, c.at):
        for where, text in _texts(base, node):
            m = pattern.search(text)
            if m:
                start = max(0, m.start() - 40)
                snippet = _short(text[start : m.end() + 40], 100)
                return CheckResult(True, c.label, f'{c.label}: {where}: "{snippet}"', [where])
    scope = c.at or "the framework"
    return CheckResult(
        False,
        c.label,
        f"not shown: {c.label} ({scope} nowhere says " + " / ".join(repr(t) for t in c.any) + ")",
    )


def _at_most(data: Any, c: AtMost) -> CheckResult:
    nodes = [(w, v) for w, v in select(data, c.at) if isinstance(v, int | float)]
    if not nodes:
        return CheckResult(False, c.label, f"not shown: {c.label} ({c.at} is not stated)")
    ok = [(w, v) for w, v in nodes if v <= c.value]
    if ok:
        w, v = ok[0]
        return CheckResult(True, c.label, f"{c.label}: {w} = {v:g} (at most {c.value:g})", [w])
    w, v = nodes[0]
    return CheckResult(False, c.label, f"{c.label} not shown: {w} = {v:g}, more than {c.value:g}")


def run_check(data: Any, check: Check) -> CheckResult:
    if isinstance(check, Present):
        return _present(data, check)
    if isinstance(check, Mentions):
        return _mentions(data, check)
    assert isinstance(check, AtMost)
    return _at_most(data, check)


# ------------------------------------------------------------- paths vs the schema


def _resolve(root: dict[str, Any], node: Any) -> list[dict[str, Any]]:
    """The concrete schemas ``node`` stands for: ``$ref`` followed, ``anyOf`` /
    ``oneOf`` / ``allOf`` branches flattened."""
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        return _resolve(root, root.get("$defs", {}).get(name))
    out: list[dict[str, Any]] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(key, []):
            out += _resolve(root, branch)
    return out or [node]


def _children(root: dict[str, Any], nodes: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in nodes:
        props = n.get("properties", {})
        if key in props:
            out += _resolve(root, props[key])
        elif isinstance(n.get("additionalProperties"), dict):
            # A mapping (e.g. ``requires``: action -> safeguards): the key must be one
            # its property names allow.
            names = [x for x in _resolve(root, n.get("propertyNames", {})) if "enum" in x]
            if not names or any(key in x["enum"] for x in names):
                out += _resolve(root, n["additionalProperties"])
    return out


def _items(root: dict[str, Any], nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for n in nodes if n.get("type") == "array" for i in _resolve(root, n.get("items"))]


def path_problem(schema: dict[str, Any], path: str, where: Sequence[str] = ()) -> str | None:
    """Why ``path`` (and the ``where`` fields of its items) cannot select anything in a
    framework valid against ``schema`` (the framework's JSON Schema), or None."""
    nodes = _resolve(schema, schema)
    walked = ""
    for seg in path.split(".") if path else []:
        many = seg.endswith("[]")
        key = seg[:-2] if many else seg
        if key:
            nodes = _children(schema, nodes, key)
            walked = f"{walked}.{key}" if walked else key
            if not nodes:
                return f"{walked}: no such field in the framework schema"
        if many:
            nodes = _items(schema, nodes)
            if not nodes:
                return f"{walked}: not a list in the framework schema"
    for name in where:
        if name != "." and not _children(schema, nodes, name):
            return f"{path}: its items have no field {name!r}"
    return None


def mapping_paths(check: Check) -> tuple[str, list[str]]:
    """The path a check reads and the fields its ``where`` filters on."""
    where = list(check.where) if isinstance(check, Present) else []
    return check.at, where
