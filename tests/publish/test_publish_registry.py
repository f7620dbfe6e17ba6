"""`redline publish` with the registry: signatories, their pages, every encoded framework
and the conformance matrix, with JSON exports; in Debian's Chromium at the end."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from publish_support import PAYLOAD, write_framework
from test_publish_browser import ARTIFACTS, CHROMIUM, Visit, _assert_inert, chromium_context
from typer.testing import CliRunner

from redline.cli import app
from redline.framework.commitments import COMMITMENTS, check_commitments
from redline.publish import registry as publish_registry
from redline.publish.assessment import PublishError
from redline.publish.site import build_site, slug
from redline.registry import api
from redline.registry.compare import ELEMENTS, element_cells
from redline.registry.load import FRAMEWORKS

runner = CliRunner()
NUMBERS = [c.number for c in COMMITMENTS]
ENCODED = [(s, v) for s in api.signatories() for _f, v in s.encoded()]
HREF = re.compile(r'href="([^"]*)"')
IDS = re.compile(r'\bid="([^"]*)"')


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One framework given plus the registry, for each audience."""
    root = tmp_path_factory.mktemp("regsite")
    fw = write_framework(root / "fw.yaml")
    out = {"fw": fw}
    for audience in ("public", "trusted"):
        result = build_site([fw], root / audience, audience=audience, registry=True)
        assert result.warnings == [], result.warnings
        out[audience] = root / audience
    return out


def esc(text: str) -> str:
    """As the templates escape text."""
    return str(escape(text))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _table(page: str, table_id: str) -> str:
    start = page.index(f'id="{table_id}"')
    return page[start : page.index("</table>", start)]


def _rows(table: str) -> list[str]:
    body = table[table.index("<tbody>") :]
    return [r for r in body.split("<tr>")[1:]]


def _framework_dir(fid: str, version: str) -> str:
    return f"frameworks/{slug(fid)}/{slug(version)}"


# ------------------------------------------------------------------- structure


def test_registry_pages_exist_and_every_link_resolves(sites: dict[str, Path]) -> None:
    out = sites["public"]
    for rel in (
        "registry/index.html",
        "registry/registry.json",
        "registry/conformance.html",
        "registry/conformance.json",
    ):
        assert (out / rel).is_file(), rel
    pages = [out / "index.html", *sorted((out / "registry").rglob("*.html"))]
    pages += [out / _framework_dir(*_key(s, v)) / "index.html" for s, v in ENCODED]
    assert len(pages) == 1 + 2 + 20 + len(ENCODED)
    checked = 0
    for page in pages:
        for href in HREF.findall(_read(page)):
            href = html.unescape(href)
            if href.startswith(("http://", "https://")) or href == "data:,":  # the favicon
                continue
            assert not href.startswith(("javascript:", "data:", "/")), (page, href)
            target, _, fragment = href.partition("#")
            dest = (page.parent / target).resolve() if target else page
            assert dest.is_file(), (page.relative_to(out), href)
            if fragment:
                assert fragment in IDS.findall(_read(dest)), (page.relative_to(out), href)
            checked += 1
    assert checked > 500


def _key(sig: Any, v: Any) -> tuple[str, str]:
    fw = api.load_registry_framework(sig.id, v.encoded)
    return fw.framework.id, fw.framework.version


def test_all_20_signatories_with_status_signing_and_latest_version(
    sites: dict[str, Path],
) -> None:
    out = sites["public"]
    sigs = api.signatories()
    assert len(sigs) == 20
    page = _read(out / "registry/index.html")
    data = json.loads(_read(out / "registry/registry.json"))
    assert data["kind"] == "registry" and len(data["signatories"]) == 20
    rows = _rows(_table(page, "signatories"))
    assert len(rows) == 20
    for sig, row, js in zip(sigs, rows, data["signatories"], strict=True):
        assert js["id"] == sig.id and esc(sig.name) in row
        assert f'href="../registry/signatories/{slug(sig.id)}/index.html"' in row
        words = {"published": "published", "partial": "partial", "none_found": "none found"}
        assert words[sig.status.value] in row and js["status"]["value"] == sig.status.value
        # Each fact links its source.
        src = api.registry().source(sig.status.source)
        assert js["status"]["source"]["id"] == src.id
        if src.url:
            assert f'href="{esc(src.url)}"' in row
        if sig.signed.date == "unknown":
            assert "not found" in row and js["signed"]["date"] is None
        else:
            assert sig.signed.date in row and js["signed"]["date"] == sig.signed.date
        versions = sig.versions()
        if versions:
            pf, latest = versions[-1]
            assert js["latest"]["version"] == latest.version
            assert esc(f"{pf.name} {latest.version}") in row
        if sig.encoded():
            enc = js["latest_encoded"]
            fw = api.load_registry_framework(sig.id)
            assert (
                enc["page"] == f"{_framework_dir(fw.framework.id, fw.framework.version)}/index.html"
            )
            # the row's counts are the latest safety framework's (compliance ones apart)
            assert f'href="../{enc["commitments_page"]}"' in row
        else:
            assert js["latest_encoded"] is None
    assert [s for s in sigs if s.signed.date == "unknown"]  # the later signatories


def test_signatory_pages(sites: dict[str, Path]) -> None:
    out = sites["public"]
    for sig in api.signatories():
        d = out / "registry" / "signatories" / slug(sig.id)
        page = _read(d / "index.html")
        data = json.loads(_read(d / "signatory.json"))
        assert data["kind"] == "signatory" and data["id"] == sig.id
        assert f"<h1>{esc(sig.name)}</h1>" in page
        assert [v["version"] for f in data["frameworks"] for v in f["versions"]] == [
            v.version for f in sig.frameworks for v in sorted(f.versions, key=_date_key)
        ]
        encoded = sig.encoded()
        assert len(data["encodings"]) == len(encoded)
        for (_pf, v), enc in zip(encoded, data["encodings"], strict=True):
            fw = api.load_registry_framework(sig.id, v.encoded)
            assert enc["identity"]["version"] == fw.framework.version
            assert [x["id"] for x in enc["domains"]] == [x.id for x in fw.domains]
            assert len(enc["safeguards"]) == len(fw.safeguards)
            assert len(enc["evaluations"]) == len(fw.evaluations)
            assert f'href="../../../{enc["page"]}"' in page
            cells = element_cells(fw)
            assert [(e["key"], e["status"]) for e in enc["elements"]] == [
                (k, cells[k].status) for k, _ in ELEMENTS
            ]
        if encoded:
            graded = api.load_registry_framework(sig.id)
            latest = check_commitments(graded)
            key = (graded.framework.id, graded.framework.version)
            last = next(
                e["commitments"]
                for e in data["encodings"]
                if (e["identity"]["id"], e["identity"]["version"]) == key
            )
            assert [(c["number"], c["status"]) for c in last] == [
                (c.commitment.number, c.status.value) for c in latest
            ]
            for c in latest:
                for reason in c.reasons:
                    assert esc(reason) in page
            assert "METR's common elements" in page
        else:
            assert "nothing to check" in page


def _date_key(v: Any) -> tuple[int, int, int]:
    from redline.registry.model import sort_key

    return sort_key(v.date)


def test_every_encoding_is_a_framework_page_with_its_commitments(sites: dict[str, Path]) -> None:
    out = sites["public"]
    for sig, v in ENCODED:
        fid, version = _key(sig, v)
        d = out / _framework_dir(fid, version)
        page = _read(d / "index.html")
        assert "Scope: what counts as a frontier model" in page  # the framework template
        assert "An encoding by redline" in page and f"frameworks/{v.encoded}<" in page
        assert f'href="../../../registry/signatories/{slug(sig.id)}/index.html"' in page
        statuses = [c["status"] for c in json.loads(_read(d / "commitments.json"))["commitments"]]
        assert statuses == [
            c.status.value
            for c in check_commitments(api.load_registry_framework(sig.id, v.encoded))
        ]
    # The framework given is an ordinary one: no encoding note, and it leads the index.
    given = _read(out / "frameworks/testlab-fsf/1.0/index.html")
    assert "An encoding by redline" not in given
    index = _read(out / "index.html")
    assert index.index("Testlab Frontier Framework") < index.index("The registry")
    assert json.loads(_read(out / "index.json"))["registry"]["signatories"] == 20


# ---------------------------------------------------------------------- matrix


def test_conformance_matrix_equals_check_commitments(sites: dict[str, Path]) -> None:
    out = sites["public"]
    page = _read(out / "registry/conformance.html")
    data = json.loads(_read(out / "registry/conformance.json"))
    assert "reads what a framework <em>says</em>" in page
    assert "does not say whether the organisation follows it" in page
    from redline.framework.commitments import SOURCE

    assert f'href="{SOURCE}"' in page

    table = _table(page, "commitments-matrix")
    heads = re.findall(r'<th scope="col" class="col"><span class="num">([IVX]+)</span>', table)
    assert heads == NUMBERS
    rows = _rows(table)
    assert len(rows) == len(ENCODED) == len(data["commitment_rows"])
    for (sig, v), row, js in zip(ENCODED, rows, data["commitment_rows"], strict=True):
        expected = [
            c.status.value
            for c in check_commitments(api.load_registry_framework(sig.id, v.encoded))
        ]
        cells = re.findall(r'<td class="cell (\w+)">', row)
        assert cells == expected, (sig.id, v.version)
        # Colour and words: each cell's pill says its status in text.
        words = re.findall(r'<span class="pill (\w+)"><span aria-hidden="true">.</span> (\w+)', row)
        assert words == [(s, s) for s in expected]
        # ... and links to its reasons (no tooltip).
        fid, version = _key(sig, v)
        hrefs = re.findall(r'<td class="cell \w+"><a href="([^"]+)"', row)
        assert hrefs == [
            f"../{_framework_dir(fid, version)}/commitments.html#c-{n}" for n in NUMBERS
        ]
        assert "title=" not in row
        assert js["framework"]["id"] == fid and [c["key"] for c in js["cells"]] == NUMBERS
        assert [c["status"] for c in js["cells"]] == expected

    elements = _rows(_table(page, "elements-matrix"))
    assert len(elements) == len(ENCODED)
    for (sig, v), row in zip(ENCODED, elements, strict=True):
        by_key = element_cells(api.load_registry_framework(sig.id, v.encoded))
        assert re.findall(r'<td class="cell (\w+)">', row) == [
            by_key[k].status for k, _ in ELEMENTS
        ]


def test_json_exports_parse(sites: dict[str, Path]) -> None:
    out = sites["public"]
    exports = sorted((out / "registry").rglob("*.json"))
    assert len(exports) == 2 + 20
    for p in exports:
        data = json.loads(_read(p))
        assert data["audience"] == "public"
        assert data["kind"] in ("registry", "conformance", "signatory")


# -------------------------------------------------------------------- audiences


def test_audiences_follow_each_framework_transparency(sites: dict[str, Path]) -> None:
    """Google DeepMind's FSF v3.0 shares evaluation results and mitigation plans with
    governments (§5.2 Disclosures), so the public view withholds both."""
    gdm = api.load_registry_framework("google-deepmind")
    d = _framework_dir(gdm.framework.id, gdm.framework.version)
    seen = {}
    for audience in ("public", "trusted"):
        view = json.loads(_read(sites[audience] / d / "framework.json"))
        seen[audience] = {w["withheld"] for w in view["withheld"]}
        sig = json.loads(
            _read(sites[audience] / "registry/signatories/google-deepmind/signatory.json")
        )
        assert {w["withheld"] for w in sig["encodings"][-1]["withheld"]} == seen[audience]
        words = "public view" if audience == "public" else "trusted-actor view"
        assert words in _read(sites[audience] / "registry/conformance.html").lower()
    assert seen == {"public": {"evaluation_results", "safeguard_details"}, "trusted": set()}


def _evil_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry with script payloads in a signatory's name and notes and in a
    source's title, and a javascript: URL as that source's address."""
    reg = api.registry()
    first = reg.signatories[0].model_copy(update={"name": PAYLOAD, "notes": PAYLOAD})
    source = reg.sources[0].model_copy(
        update={"title": PAYLOAD, "url": "javascript:window.__pwned=20"}
    )
    evil = reg.model_copy(
        update={"signatories": [first, *reg.signatories[1:]], "sources": [source, *reg.sources[1:]]}
    )
    monkeypatch.setattr(publish_registry, "registry", lambda: evil)


def test_registry_text_is_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _evil_registry(monkeypatch)
    build_site([], tmp_path / "s", registry=True)
    for p in (tmp_path / "s" / "registry").rglob("*.html"):
        text = _read(p)
        assert "<script" not in text and "<img" not in text and "<iframe" not in text, p
        assert 'href="javascript:' not in text and "__pwned=20" not in text, p
    page = _read(tmp_path / "s" / "registry/signatories/amazon/index.html")
    assert esc(PAYLOAD) in page
    data = json.loads(_read(tmp_path / "s" / "registry/signatories/amazon/signatory.json"))
    assert data["name"] == PAYLOAD and data["sources"][0]["link"]["href"] is None


# ------------------------------------------------------------------------- CLI


def test_cli_registry_on_by_default_and_off(tmp_path: Path, sites: dict[str, Path]) -> None:
    out = tmp_path / "reg"
    result = runner.invoke(app, ["publish", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["registry"] is True and "registry/conformance.html" in data["pages"]
    assert "registry/signatories/openai/signatory.json" in data["pages"]
    # Registry only: the index leads with the registry.
    assert "The registry" in _read(out / "index.html")

    plain = tmp_path / "plain"
    result = runner.invoke(app, ["publish", str(sites["fw"]), "--no-registry", "--out", str(plain)])
    assert result.exit_code == 0, result.output
    assert not (plain / "registry").exists() and "Signatories" not in _read(plain / "index.html")
    assert [p.name for p in (plain / "frameworks").iterdir()] == ["testlab-fsf"]

    result = runner.invoke(app, ["publish", "--no-registry", "--out", str(tmp_path / "none")])
    assert result.exit_code == 1 and "framework file" in result.output
    with pytest.raises(PublishError, match="framework file"):
        build_site([], tmp_path / "none")


def test_a_file_given_replaces_the_registry_encoding(tmp_path: Path) -> None:
    mine = tmp_path / "openai.yaml"
    shutil.copy(FRAMEWORKS / "openai-pf-v2.yaml", mine)
    result = build_site([mine], tmp_path / "s", registry=True)
    assert any("also in the registry" in w for w in result.warnings)
    page = _read(tmp_path / "s" / "frameworks/openai-preparedness/2/index.html")
    assert "An encoding by redline" not in page
    index = json.loads(_read(tmp_path / "s" / "index.json"))
    given = [f["id"] for f in index["frameworks"] if f["given"]]
    assert given == ["openai-preparedness"]


# --------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def chromium(sites: dict[str, Path]) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM}")
    with chromium_context() as context:
        yield context


def _open(context: Any, path: Path) -> tuple[Any, list[str]]:
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, requests


def test_matrix_and_signatory_page_in_the_browser(chromium: Any, sites: dict[str, Path]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    out = sites["public"]
    page, requests = _open(chromium, out / "registry/conformance.html")
    matrix = page.locator("#commitments-matrix")
    assert matrix.is_visible()
    assert matrix.locator("tbody tr").count() == len(ENCODED)
    assert matrix.locator("thead th.col").count() == 8
    pills = matrix.locator("td.cell .pill").all_inner_texts()
    assert len(pills) == len(ENCODED) * 8
    assert {p.split()[-1] for p in pills} <= {"met", "partly", "missing"}
    # Every cell is visible: the matrix fits the page without scrolling sideways.
    box = matrix.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1200
    assert page.locator("#elements-matrix").is_visible()
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert requests == [page.url]
    page.screenshot(path=str(ARTIFACTS / "site-registry-matrix.png"), full_page=True)
    # A cell is a link to its reasons.
    matrix.locator("tbody tr").nth(0).locator("td.cell a").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/commitments.html#c-I")
    assert page.locator("tr#c-I").is_visible()
    page.close()

    page, requests = _open(chromium, out / "registry/signatories/openai/index.html")
    assert page.locator("h1").inner_text() == "OpenAI"
    assert page.get_by_role("navigation", name="Site").is_visible()
    assert page.locator("table.elements").is_visible()
    assert requests == [page.url]
    page.screenshot(path=str(ARTIFACTS / "site-registry-signatory.png"), full_page=True)
    page.close()

    page, _ = _open(chromium, out / "registry/index.html")
    assert page.locator("table.registry tbody tr").count() == 20
    page.screenshot(path=str(ARTIFACTS / "site-registry-index.png"), full_page=True)
    page.close()


def test_registry_payloads_stay_text_in_the_browser(
    chromium: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _evil_registry(monkeypatch)
    out = tmp_path / "s"
    build_site([], out, registry=True)
    for rel in ("registry/index.html", "registry/signatories/amazon/index.html"):
        p = out / rel
        # Escaping alone must hold, without the Content-Security-Policy's help.
        p.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", _read(p)))
        v = Visit(chromium, p)
        _assert_inert(v)
        assert "<script>window.__pwned=1" in v.page.locator("main").inner_text()
        v.close()
