"""The regulatory reports (``redline report --as``) and the site's regulation pages in
Debian's Chromium: they open with no request beyond the file itself, nothing in the
data runs, and a matrix cell leads to its reason.

Skipped only when /usr/bin/chromium is absent (CI installs it: scripts/ci-chromium.sh).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from publish_support import PAYLOAD
from test_publish_browser import CHROMIUM, Visit, _assert_inert, chromium_context

from redline.publish.regulatory import KINDS, build_regulatory, render_regulatory
from redline.publish.site import build_site
from redline.publish.views.regulatory import FIELDS
from regulation.regulatory_support import ledger_env, recorded

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium "
    "(apt-get install chromium chromium-driver; CI runs scripts/ci-chromium.sh)",
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every page, written before Playwright starts (its event loop and Inspect's
    collide)."""
    root = tmp_path_factory.mktemp("regbrowser")
    out: dict[str, Path] = {}
    with ledger_env(root):
        rec = recorded(root, text=PAYLOAD)
        for kind in KINDS:
            for audience in ("public", "internal"):
                view = build_regulatory(rec.decision_id, kind, audience=audience)
                p = root / f"{kind}-{audience}.html"
                p.write_text(render_regulatory(view, "html"), encoding="utf-8")
                out[f"{kind}-{audience}"] = p
    site = root / "site"
    build_site([], site, registry=True)
    out["site-sb53"] = site / "regulation" / "sb53.html"
    out["site-eu"] = site / "regulation" / "eu-gpai-cop.html"
    return out


@pytest.fixture(scope="module")
def browser(pages: dict[str, Path]) -> Iterator[Any]:
    with chromium_context() as context:
        yield context


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("audience", ["public", "internal"])
def test_report_opens_with_no_external_request(
    browser: Any, pages: dict[str, Path], kind: str, audience: str
) -> None:
    v = Visit(browser, pages[f"{kind}-{audience}"])
    assert v.requests == [v.url], v.requests
    _assert_inert(v)
    page = v.page
    assert page.locator("h1").count() == 1
    assert page.locator("section.field").count() == len(FIELDS[kind][2])
    gaps = page.locator("section.field[data-status=gap]")
    assert gaps.count() >= 1 and "Gap:" in gaps.first.inner_text()
    v.shot(f"regulatory-{kind}-{audience}")
    v.close()


def test_matrix_cell_leads_to_its_reason(browser: Any, pages: dict[str, Path]) -> None:
    for name in ("site-sb53", "site-eu"):
        v = Visit(browser, pages[name])
        assert v.requests == [v.url], v.requests
        page = v.page
        table = page.locator("table#regulation-matrix")
        assert table.is_visible()
        cell = table.locator("td.cell a").first
        target = (cell.get_attribute("href") or "").lstrip("#")
        cell.click()
        assert page.url.endswith("#" + target)
        reason = page.locator(f"[id='{target}']")
        assert reason.is_visible() and reason.locator("dd").inner_text().strip()
        assert v.requests == [v.url]
        v.shot(f"regulation-{name}", full=False)
        v.close()
