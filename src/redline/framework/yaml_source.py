"""YAML to plain data with the line and column of every node; syntax errors located."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from redline.framework.located import (
    _MAX_NODES,
    PathT,
    Positions,
    Problem,
    format_path,
)

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
