"""Property tests: whatever a framework file holds, loading it never raises.

The outcome is always either a valid framework or a non-empty list of problems, each
with a line and column of at least 1 and a message; for documents derived from real
text, every problem lies within the document.

Example counts: with ``CI=true`` the tests below run 2,400 examples in all (the
``redline-ci`` profile); a local run uses a tenth of that. ``deadline=None``: loading
the full example takes about a tenth of a second in pure-Python YAML.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.framework import schema as S
from redline.framework.load import Loaded, load_file, load_text
from redline.framework.yaml_source import parse_yaml

ROOT = Path(__file__).parent.parent
EXAMPLE_TEXT = (ROOT / "examples" / "frontier-framework.yaml").read_text(encoding="utf-8")

# ------------------------------------------------------------------ profiles

settings.register_profile(
    "redline-ci",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "redline-dev",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = "redline-ci" if os.environ.get("CI", "").lower() in {"true", "1"} else "redline-dev"
BASE = settings.get_profile(PROFILE)


def budget(weight: float) -> settings:
    """This test's share of the profile: weights sum to 4.8, so CI runs 2,400."""
    return settings(BASE, max_examples=max(5, round(BASE.max_examples * weight)))


# ------------------------------------------------------------------ the property


def assert_well_formed(loaded: Loaded, text: str | None = None) -> None:
    """Valid, or located problems; with ``text``, every problem lies within it."""
    if loaded.framework is not None:
        assert isinstance(loaded.framework, S.Framework)
        assert not loaded.errors
    else:
        assert loaded.errors, "an invalid framework must come with at least one error"
    lines = text.split("\n") if text is not None else None
    if lines is not None and len(lines) > 1 and lines[-1] == "":
        lines.pop()
    for p in loaded.problems:
        assert isinstance(p.line, int) and p.line >= 1, p
        assert isinstance(p.column, int) and p.column >= 1, p
        assert isinstance(p.message, str) and p.message.strip(), p
        assert isinstance(p.path, str), p
        assert p.severity in ("error", "warning"), p
        formatted = p.format()
        assert formatted.startswith(f"{p.file}:{p.line}:{p.column}: ")
        json.dumps(p.as_dict())
        if lines is not None:
            assert p.line <= len(lines), (p, len(lines))
            assert p.column <= len(lines[p.line - 1]) + 1, (p, lines[p.line - 1])


# ------------------------------------------------------------------ a small YAML writer

_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029]"
)


def _quote(s: str) -> str:
    """A YAML double-quoted scalar: JSON's escapes, plus YAML's non-printables and
    line separators escaped so that the written text has only '\\n' line breaks."""
    body = json.dumps(s, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", body)


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return ".nan"
        if v in (float("inf"), float("-inf")):
            return ".inf" if v > 0 else "-.inf"
        return repr(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return _quote(str(v))


def _flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def _small(v: Any) -> bool:
    """Write a container in flow style when it is short and holds only scalars."""
    items = v.values() if isinstance(v, dict) else v
    return all(not isinstance(x, dict | list) for x in items) and len(_flow(v)) <= 70


def to_yaml(v: Any, indent: int = 0) -> str:
    return "\n".join(_block(v, indent)) + "\n"


def _block(v: Any, indent: int) -> list[str]:
    sp = " " * indent
    if isinstance(v, dict) and v and not (indent and _small(v)):
        out: list[str] = []
        for k, x in v.items():
            if isinstance(x, dict | list) and x and not _small(x):
                out.append(f"{sp}{_scalar(k)}:")
                out.extend(_block(x, indent + 2))
            else:
                out.append(f"{sp}{_scalar(k)}: {_flow(x)}")
        return out
    if isinstance(v, list) and v and not (indent and _small(v)):
        out = []
        for x in v:
            if isinstance(x, dict | list) and x and not _small(x):
                sub = _block(x, indent + 2)
                out.append(f"{sp}- {sub[0][indent + 2 :]}")
                out.extend(sub[1:])
            else:
                out.append(f"{sp}- {_flow(x)}")
        return out
    return [f"{sp}{_flow(v)}"]


# ------------------------------------------------------------------ strategies

_FIELDS: list[str] = sorted(
    {
        name
        for model in (
            S.Framework,
            S.Identity,
            S.Scope,
            S.RiskDomain,
            S.CapabilityLevel,
            S.Comparison,
            S.Evaluation,
            S.Safeguard,
            S.Rule,
            S.Governance,
            S.SignOff,
            S.RiskMatrix,
            S.RiskFactor,
            S.SelfTest,
            S.Determination,
            S.Transparency,
            S.TrustedActor,
        )
        for name in model.model_fields
    }
    | {"all", "any", "manual", "any_of", "unspecified"}
)
_WORDS = [
    *[e.value for e in (*S.Action, *S.LevelKind, *S.EvidenceStandard, *S.Op, *S.SafeguardKind)],
    "forbidden",
    "unspecified",
    "none",
    "all",
    "lookup",
    "product",
    "bio-high",
    "bio_proxy",
    "rso",
    "1.0",
    "2026-13-01",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(_WORDS),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
)
keys = st.one_of(st.sampled_from(_FIELDS), st.text(min_size=1, max_size=12), st.integers(0, 9))


def containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=6))


documents = st.recursive(scalars, containers, max_leaves=40)
framework_like = st.dictionaries(
    st.sampled_from(
        [
            "schema_version",
            "framework",
            "scope",
            "domains",
            "evaluations",
            "safeguards",
            "rules",
            "governance",
            "external_input",
            "transparency",
            "tests",
            "notes",
        ]
    ),
    documents,
    min_size=1,
)

# ------------------------------------------------------------------ (a) random documents


@budget(2.2)
@given(doc=st.one_of(documents, framework_like))
def test_random_documents_never_raise(doc: Any) -> None:
    text = to_yaml(doc)
    assert_well_formed(load_text(text, "random.yaml"), text)


@budget(1.4)
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.text(alphabet=st.sampled_from(list("ab:-[]{}\"'#&*!|>%@`,? \t\n0.")), max_size=200),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    )
)
def test_random_text_never_raises(text: str) -> None:
    assert_well_formed(load_text(text, "random.yaml"))


@budget(0.4)
@given(raw=st.binary(max_size=300))
def test_random_bytes_in_a_file_never_raise(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "framework.yaml"
        path.write_bytes(raw)
        loaded = load_file(path)
    assert_well_formed(loaded)
    assert all(p.file == str(path) for p in loaded.problems)


# ------------------------------------------------------------------ (b) mutations


def _example_data() -> dict[str, Any]:
    data, _, problems = parse_yaml(EXAMPLE_TEXT, "example")
    assert not problems and isinstance(data, dict)
    return data


EXAMPLE_DATA = _example_data()
_ID_KEYS = {
    "id",
    "evaluation",
    "alert_for",
    "level",
    "determined_by",
    "determination",
    "by",
}


def _paths(v: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(v, dict):
        for k, x in v.items():
            out.extend(_paths(x, (*path, k)))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            out.extend(_paths(x, (*path, i)))
    return out


def _get(v: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        v = v[part]
    return v


def _copy(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v


MUTATIONS = ["delete", "replace", "rename", "duplicate", "swap", "change_id"]
ALL_IDS = sorted(
    {
        _get(EXAMPLE_DATA, p)
        for p in _paths(EXAMPLE_DATA)
        if p and p[-1] in _ID_KEYS and isinstance(_get(EXAMPLE_DATA, p), str)
    }
)


def mutate(doc: dict[str, Any], data: st.DataObject) -> str:
    """Apply one mutation to ``doc`` in place; return its name."""
    kind = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    paths = _paths(doc)
    if kind in ("delete", "rename"):
        choices = [p for p in paths if p and isinstance(_get(doc, p[:-1]), dict)]
        if not choices:
            return "none"
        p = data.draw(st.sampled_from(choices), label="key")
        parent = _get(doc, p[:-1])
        value = parent.pop(p[-1])
        if kind == "rename":
            old = str(p[-1])
            new = data.draw(
                st.one_of(
                    st.sampled_from(_FIELDS),
                    st.text(min_size=1, max_size=12),
                    st.just(old[:-1] or "x"),  # a typo
                    st.just(old.upper()),
                ),
                label="new key",
            )
            parent[new] = value
    elif kind == "replace":
        p = data.draw(st.sampled_from([p for p in paths if p]), label="value")
        new_value = data.draw(st.one_of(scalars, documents), label="new value")
        _get(doc, p[:-1])[p[-1]] = new_value
    elif kind in ("duplicate", "swap"):
        lists = [p for p in paths if isinstance(_get(doc, p), list) and len(_get(doc, p)) >= 1]
        if kind == "swap":
            lists = [p for p in lists if len(_get(doc, p)) >= 2]
        if not lists:
            return "none"
        items = _get(doc, data.draw(st.sampled_from(lists), label="list"))
        i = data.draw(st.integers(0, len(items) - 1), label="i")
        if kind == "duplicate":
            items.insert(i, _copy(items[i]))
        else:
            j = data.draw(st.integers(0, len(items) - 1), label="j")
            items[i], items[j] = items[j], items[i]
    else:  # change_id
        ids = [p for p in paths if p and p[-1] in _ID_KEYS and isinstance(_get(doc, p), str)]
        if not ids:
            return "none"
        p = data.draw(st.sampled_from(ids), label="id")
        _get(doc, p[:-1])[p[-1]] = data.draw(
            st.one_of(
                st.sampled_from(ALL_IDS),
                st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,10}", fullmatch=True),
                st.text(max_size=10),
            ),
            label="new id",
        )
    return kind


def test_example_round_trips_through_the_writer() -> None:
    text = to_yaml(EXAMPLE_DATA)
    loaded = load_text(text, "example.yaml")
    assert loaded.framework is not None, [p.format() for p in loaded.problems]
    assert not loaded.errors


@budget(0.5)
@given(data=st.data())
def test_mutated_example_never_raises(data: st.DataObject) -> None:
    doc = _copy(EXAMPLE_DATA)
    n = data.draw(st.integers(1, 3), label="mutations")
    for _ in range(n):
        mutate(doc, data)
    text = to_yaml(doc)
    assert_well_formed(load_text(text, "mutated.yaml"), text)


# ------------------------------------------------------------------ (c) text edits

EXAMPLE_LINES = EXAMPLE_TEXT.split("\n")


@budget(0.3)
@given(data=st.data())
def test_edited_example_text_never_raises(data: st.DataObject) -> None:
    lines = list(EXAMPLE_LINES)
    i = data.draw(st.integers(0, len(lines) - 1), label="line")
    edit = data.draw(
        st.sampled_from(["delete", "duplicate", "indent", "dedent", "insert", "truncate", "swap"]),
        label="edit",
    )
    if edit == "delete":
        del lines[i]
    elif edit == "duplicate":
        lines.insert(i, lines[i])
    elif edit == "indent":
        lines[i] = " " * data.draw(st.integers(1, 3)) + lines[i]
    elif edit == "dedent":
        lines[i] = lines[i][data.draw(st.integers(1, 3)) :]
    elif edit == "insert":
        at = data.draw(st.integers(0, len(lines[i])), label="column")
        chars = data.draw(
            st.text(
                alphabet=st.sampled_from(list(":-[]{}\"'#&*!|>,? \tab1é中")), min_size=1, max_size=3
            ),
            label="chars",
        )
        lines[i] = lines[i][:at] + chars + lines[i][at:]
    elif edit == "truncate":
        lines = lines[:i]
    else:
        j = data.draw(st.integers(0, len(lines) - 1), label="other line")
        lines[i], lines[j] = lines[j], lines[i]
    text = "\n".join(lines)
    assert_well_formed(load_text(text, "edited.yaml"), text)
