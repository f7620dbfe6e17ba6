"""The matrix in docs/regulation.md is current, every mapping path exists in the
framework schema, and the site's regulation pages show every encoding against every
regime with each cell linking to its reason."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from redline.framework import schema as S
from redline.publish.site import build_site
from redline.registry.api import registry_entries
from redline.regulation import REGIME_IDS, conform, load_regime, regimes
from redline.regulation.checks import mapping_paths, path_problem
from redline.regulation.matrix import BEGIN, END, matrix_markdown, with_matrix

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "regulation.md"


def test_doc_block_is_current() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert doc == with_matrix(doc), (
        "docs/regulation.md's matrix is stale: run "
        "`PYTHONPATH=$PWD/src python scripts/regulation_matrix.py`"
    )
    block = doc[doc.index(BEGIN) : doc.index(END)]
    assert matrix_markdown() in block
    for regime in regimes():
        assert f"### {regime.name}" in block


def test_doc_links_the_incidents_document() -> None:
    assert "(regulation-incidents.md)" in DOC.read_text(encoding="utf-8")


def test_script_check_mode_detects_a_stale_block(tmp_path: Path) -> None:
    stale = tmp_path / "regulation.md"
    stale.write_text(f"intro\n{BEGIN}\nold table\n{END}\n", encoding="utf-8")
    script = ROOT / "scripts" / "regulation_matrix.py"
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    check = [sys.executable, str(script), "--doc", str(stale), "--check"]
    r = subprocess.run(check, capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "stale" in r.stderr
    r = subprocess.run(check[:-1], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "old table" not in stale.read_text()
    assert subprocess.run(check, env=env).returncode == 0


def test_markers_missing_is_an_error() -> None:
    with pytest.raises(ValueError, match="markers"):
        with_matrix("no markers here")


SCHEMA = S.Framework.model_json_schema(by_alias=True)


@pytest.mark.parametrize("regime_id", REGIME_IDS)
def test_every_mapping_path_exists_in_the_framework_schema(regime_id: str) -> None:
    bad = []
    for q in load_regime(regime_id).requirements:
        for c in [*q.mapping.met_when, *q.mapping.partly_when] if q.mapping else []:
            at, where = mapping_paths(c)
            if problem := path_problem(SCHEMA, at, where):
                bad.append(f"{q.id}: {problem}")
    assert bad == []


@pytest.mark.parametrize(
    ("path", "where", "message"),
    [
        ("governance.sign_offs[]", [], "no such field"),
        ("domains[].levels[].requires.deploy", [], "no such field"),
        ("safeguards[].kind[]", [], "not a list"),
        ("safeguards[]", ["kinds"], "no field 'kinds'"),
    ],
)
def test_path_check_catches_a_wrong_path(path: str, where: list[str], message: str) -> None:
    assert message in (path_problem(SCHEMA, path, where) or "")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("regsite") / "site"
    build_site([], out, registry=True)
    return out


@pytest.mark.parametrize("regime_id", REGIME_IDS)
def test_site_page_per_regime_with_linked_cells(site: Path, regime_id: str) -> None:
    page = (site / "regulation" / f"{regime_id}.html").read_text()
    data = json.loads((site / "regulation" / f"{regime_id}.json").read_text())
    regime = load_regime(regime_id)
    checked = [q for q in regime.requirements if q.mapping is not None]
    entries = registry_entries()
    assert len(data["rows"]) == len(entries)
    assert all(len(r["cells"]) == len(checked) for r in data["rows"])
    # Every cell links to an anchor that exists on the page, holding its reason.
    hrefs = re.findall(r'<td class="cell (\w+)"><a href="#([^"]+)"', page)
    assert len(hrefs) == len(entries) * len(checked)
    ids = set(re.findall(r'id="([^"]+)"', page))
    assert {h for _, h in hrefs} <= ids
    # The cells say what `redline conform` says for the same encoding.
    fw = entries[0].fw
    expected = {r.id: r.status.value for r in conform(fw, regime).results}
    row = next(r for r in data["rows"] if r["framework_id"] == fw.framework.id)
    assert {c["requirement"]: c["status"] for c in row["cells"]} == {
        q.id: expected[q.id] for q in checked
    }
    assert "Our reading, not the text's" in page
    assert "default-src 'none'" in page


def test_site_nav_links_the_regulation_pages(site: Path) -> None:
    conformance = (site / "registry" / "conformance.html").read_text()
    assert 'regulation/eu-gpai-cop.html">Regulation<' in conformance
