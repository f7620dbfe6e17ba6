"""Every YAML example in docs/framework.md is checked here.

A block is one of three things, told apart by its first line:

* a complete framework (it has ``schema_version``): it must load without errors;
* ``# fragment``: a piece of a framework, applied on top of the page's first
  complete example (mappings merge, lists of items with an ``id`` merge by id,
  other values replace) and the result must load without errors;
* ``# fragment, invalid`` or ``# invalid``: the same, but the result must have at
  least one error (the page shows it as a mistake).

A block that itself has ``tests:`` must also give the verdicts those self-tests
expect, decided by the engine.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from redline.framework.load import load_text

DOC = Path(__file__).resolve().parents[1] / "docs" / "framework.md"
_BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.S | re.M)


def _blocks() -> list[tuple[int, str]]:
    text = DOC.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _BLOCK.finditer(text)]


def _yaml(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def _dump(data: Any) -> str:
    import io

    out = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(data, out)
    return out.getvalue()


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for k, v in extra.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    if (
        isinstance(base, list)
        and isinstance(extra, list)
        and all(isinstance(x, dict) and "id" in x for x in [*base, *extra])
    ):
        merged = {x["id"]: x for x in base}
        for x in extra:
            merged[x["id"]] = _merge(merged[x["id"]], x) if x["id"] in merged else x
        return list(merged.values())
    return copy.deepcopy(extra)


def _kind(block: str) -> str:
    first = block.lstrip().splitlines()[0] if block.strip() else ""
    if first.startswith("# fragment, invalid"):
        return "fragment-invalid"
    if first.startswith("# fragment"):
        return "fragment"
    if first.startswith("# invalid"):
        return "invalid"
    return "full"


BLOCKS = _blocks()


def _base() -> str:
    for _, block in BLOCKS:
        if _kind(block) == "full" and "schema_version" in block:
            return block
    raise AssertionError("docs/framework.md has no complete example to apply fragments to")


def test_doc_has_examples() -> None:
    kinds = {_kind(b) for _, b in BLOCKS}
    assert {"full", "fragment", "fragment-invalid"} <= kinds


@pytest.mark.parametrize(("line", "block"), BLOCKS, ids=[f"line{n}" for n, _ in BLOCKS])
def test_doc_example(line: int, block: str) -> None:
    kind = _kind(block)
    if kind in ("fragment", "fragment-invalid"):
        try:
            extra = _yaml(block)
        except Exception as exc:  # a YAML syntax mistake shown on purpose
            assert kind == "fragment-invalid", f"line {line}: {exc}"
            return
        text = _dump(_merge(_yaml(_base()), extra))
    else:
        text = block
    loaded = load_text(text, f"docs/framework.md:{line}")
    errors = [p.format() for p in loaded.errors]
    if kind in ("full", "fragment"):
        assert not errors, "\n".join(errors)
        assert loaded.framework is not None
        if "tests" not in _yaml(block):
            return  # a fragment's new levels would leave the base's scenarios unsettled
        from redline.decide.selftest import run_self_tests

        failures = [
            f"{o.name}: {f}"
            for o in run_self_tests(loaded.framework)
            if not o.passed
            for f in o.failures
        ]
        assert not failures, "\n".join(failures)
    else:
        assert errors, f"the example at line {line} is shown as invalid but loads cleanly"
