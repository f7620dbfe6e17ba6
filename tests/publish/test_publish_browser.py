"""Reports and the site in a real browser: Debian's Chromium driven by Playwright.

Skipped only when /usr/bin/chromium is absent (CI installs it: scripts/ci-chromium.sh).
Playwright never downloads a browser here. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from publish_support import PAYLOAD, record

from redline.publish.report import build_report, render_report
from redline.publish.site import build_site

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium "
    "(apt-get install chromium chromium-driver; CI runs scripts/ci-chromium.sh)",
)


@pytest.fixture(scope="module")
def browser(lab: dict[str, Path], xss_lab: dict[str, Path]) -> Iterator[Any]:
    # The assessments (and their Inspect logs) exist before Playwright starts: its sync
    # API holds an event loop that Inspect's own would collide with.
    with chromium_context() as context:
        yield context


@contextmanager
def chromium_context() -> Iterator[Any]:
    """Debian's Chromium, offline, in a throwaway profile (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="redline-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1200, "height": 900},
            offline=True,
        )
        try:
            yield context
        finally:
            context.close()


class Visit:
    """A page load that records every request the page makes."""

    def __init__(self, context: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.page = context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def shot(self, name: str, *, full: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        out = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(out), full_page=full)
        return out

    def close(self) -> None:
        self.page.close()


def _write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def _assert_inert(v: Visit) -> None:
    """No payload ran, nothing left the page, no live element came from the data."""
    page = v.page
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # The title is the one the page was written with (payloads set it to "pwned").
    source = Path(v.url.removeprefix("file://")).read_text(encoding="utf-8")
    m = re.search(r"<title>(.*?)</title>", source, re.S)
    assert m is not None
    assert " ".join(page.title().split()) == " ".join(html.unescape(m.group(1)).split())
    assert page.title() != "pwned"
    assert v.requests == [v.url], v.requests
    counts = page.evaluate(
        """() => ({
          scripts: document.querySelectorAll('script').length,
          frames: document.querySelectorAll('iframe, object, embed, img').length,
          styles: document.querySelectorAll('link[rel=stylesheet]').length,
          styleTags: document.querySelectorAll('style').length,
          jsLinks: [...document.querySelectorAll('a[href], area[href], [src], [xlink\\\\:href]')]
              .filter(e => /^\\s*(javascript|data|vbscript):/i.test(
                  e.getAttribute('href') || e.getAttribute('src') || '')).length,
          handlers: [...document.querySelectorAll('*')]
              .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        })"""
    )
    assert counts == {
        "scripts": 0,
        "frames": 0,
        "styles": 0,
        "styleTags": 1,
        "jsLinks": 0,
        "handlers": 0,
    }, counts
    # Focus and hover everything a payload might have hooked.
    page.keyboard.press("Tab")
    page.mouse.move(300, 300)
    assert page.evaluate("typeof window.__pwned") == "undefined"


# ----------------------------------------------------------------------- looks


def test_report_in_the_browser(browser: Any, lab: dict[str, Path], tmp_path: Path) -> None:
    view = build_report([lab["a2"]], history=[lab["a1"]], audience="internal", record=record())
    v = Visit(browser, _write(tmp_path, "report.html", render_report(view, "html")))
    page = v.page
    strip = page.locator("ul.strip")
    assert strip.is_visible()
    text = strip.inner_text()
    assert "EXTERNAL DEPLOYMENT" in text.upper() and "Blocked" in text and "Forbidden" in text
    # Colour is not the only signal: each verdict card has its word.
    assert page.locator("ul.strip li").count() == 4
    assert page.locator("figure svg[role=img]").count() >= 3
    svg = page.locator("figure svg").first
    assert svg.is_visible()
    assert svg.locator("title").count() == 1 and svg.locator("desc").count() == 1
    assert "0.5873" in svg.inner_html()
    body = page.locator("body").inner_text()
    for key in ("19 of 72", "0.31", "entry 42", "inspect view --log-dir", "I dissent: too fast."):
        assert key in body, key
    assert v.requests == [v.url]
    v.shot("report-internal")
    page.emulate_media(media="print")
    assert page.locator("nav.nav").count() == 0 or not page.locator("nav.nav").is_visible()
    v.shot("report-internal-print")
    v.close()

    public = build_report([lab["a2"]], audience="public")
    v = Visit(browser, _write(tmp_path, "public.html", render_report(public, "html")))
    assert "Threshold positions withheld" in v.page.locator("main").inner_text()
    assert "Blocked" in v.page.locator("ul.strip").inner_text()
    v.shot("report-public")
    v.close()


def test_site_in_the_browser(browser: Any, lab: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(
        [lab["v1"], lab["v2"]],
        out,
        audience="trusted",
        assessment_dirs=[lab["a1"], lab["a2"], lab["a3"]],
    )
    pages = {
        "site-index": "index.html",
        "site-framework": "frameworks/testlab-fsf/1.1/index.html",
        "site-commitments": "frameworks/testlab-fsf/1.1/commitments.html",
        "site-history": "frameworks/testlab-fsf/history.html",
        "site-assessments": "frameworks/testlab-fsf/assessments.html",
        "site-assessment": "assessments/assess-202602200900/index.html",
    }
    for name, rel in pages.items():
        v = Visit(browser, out / rel)
        assert v.requests == [v.url], (rel, v.requests)
        assert v.page.locator("h1").count() == 1
        v.shot(name)
        if name == "site-index":
            v.page.get_by_role("link", name="Testlab Frontier Framework").first.click()
            v.page.wait_for_load_state("load")
            assert v.page.url.endswith("frameworks/testlab-fsf/1.1/index.html")
            assert v.page.locator("figure svg").count() >= 1
        if name == "site-assessment":
            assert "Blocked" in v.page.locator("ul.strip").inner_text()
            assert v.page.get_by_role("navigation", name="Site").is_visible()
        v.close()


# -------------------------------------------------------------------------- XSS


def test_payloads_in_a_report_stay_text(
    browser: Any, xss_lab: dict[str, Path], tmp_path: Path
) -> None:
    view = build_report(
        [xss_lab["a2"]], history=[xss_lab["a1"]], audience="internal", record=record(PAYLOAD)
    )
    page = render_report(view, "html")
    for name, text in (
        ("xss-report", page),
        # Escaping alone must hold, without the Content-Security-Policy's help.
        (
            "xss-report-nocsp",
            re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", page),
        ),
    ):
        assert "Content-Security-Policy" not in text or name == "xss-report"
        v = Visit(browser, _write(tmp_path, f"{name}.html", text))
        _assert_inert(v)
        # The payloads are there, as text the reader can see.
        assert "<script>window.__pwned=1" in v.page.locator("main").inner_text()
        if name == "xss-report":
            v.shot(name)
        v.close()


def test_payloads_in_a_site_stay_text(
    browser: Any, xss_lab: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_site(
        [xss_lab["fw"]], out, audience="trusted", assessment_dirs=[xss_lab["a1"], xss_lab["a2"]]
    )
    for p in sorted(out.rglob("*.html")):
        text = p.read_text(encoding="utf-8")
        p.write_text(re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", text))
        v = Visit(browser, p)
        _assert_inert(v)
        v.close()
