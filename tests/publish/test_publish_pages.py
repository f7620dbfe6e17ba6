"""Every page is self-contained and accessible: checked on the HTML itself."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import Markup
from publish_support import PAYLOAD, record

from redline.publish.charts import ladder_chart, trend_chart
from redline.publish.report import build_report, render_report
from redline.publish.site import build_site
from redline.publish.views import LadderPanel, MeasurePoint, Rung


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def check_page(text: str, name: str) -> None:
    parser = _Outline()
    parser.feed(text)
    # Headings in order: one h1, and no level skipped on the way down.
    assert parser.headings[:1] == [1] and parser.headings.count(1) == 1, name
    for before, after in zip(parser.headings, parser.headings[1:], strict=False):
        assert after <= before + 1, f"{name}: h{before} followed by h{after}"
    assert '<html lang="en">' in text
    # Self-contained: no script, no external resource, CSS without imports.
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags and "img" not in tags and "iframe" not in tags, name
    for tag, attrs in parser.tags:
        assert "src" not in attrs, (name, tag)
        assert not any(k.startswith("on") for k in attrs), (name, tag, attrs)
        if tag == "link":
            assert attrs.get("rel") == "icon" and attrs.get("href") == "data:,", (name, attrs)
        if tag == "a" and attrs.get("href"):
            href = attrs["href"] or ""
            assert re.match(r"(https?://|#|[A-Za-z0-9_.-])", href) and not href.startswith(
                ("javascript", "data")
            ), (name, href)
    style = re.search(r"<style>(.*?)</style>", text, re.S)
    assert style is not None and "@import" not in style.group(1) and "url(" not in style.group(1)
    assert "@media print" in style.group(1)
    # Tables have a caption and header cells.
    for table in re.findall(r"<table\b.*?</table>", text, re.S):
        assert "<caption>" in table and "<th" in table, (name, table[:200])
    # Charts: role img, labelled by their title and description, well-formed SVG.
    for svg in re.findall(r"<svg\b.*?</svg>", text, re.S):
        assert 'role="img"' in svg and "aria-labelledby=" in svg, name
        root = ET.fromstring(svg)
        ns = "{http://www.w3.org/2000/svg}"
        assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None


def test_report_pages(lab: dict[str, Path], xss_lab: dict[str, Path]) -> None:
    for audience in ("public", "trusted", "internal"):
        view = build_report([lab["a2"]], history=[lab["a1"]], audience=audience, record=record())
        check_page(render_report(view, "html"), f"report-{audience}")
    xss = build_report([xss_lab["a2"]], history=[xss_lab["a1"]], record=record(PAYLOAD))
    check_page(render_report(xss, "html"), "report-xss")


def test_site_pages(lab: dict[str, Path], xss_lab: dict[str, Path], tmp_path: Path) -> None:
    for name, fws, dirs in (
        ("lab", [lab["v1"], lab["v2"]], [lab["a1"], lab["a2"], lab["a3"]]),
        ("xss", [xss_lab["fw"]], [xss_lab["a1"], xss_lab["a2"]]),
    ):
        out = tmp_path / name
        build_site(fws, out, audience="trusted", assessment_dirs=dirs)
        for page in sorted(out.rglob("*.html")):
            check_page(page.read_text(encoding="utf-8"), str(page.relative_to(out)))


def _panel(name: str) -> LadderPanel:
    return LadderPanel(
        evaluation="e",
        name=name,
        metric="acc<uracy>",
        higher_is_more_capable=True,
        points=[
            MeasurePoint(label=name, estimate=0.3, lower=0.1, upper=0.5, confidence=0.95, main=True)
        ],
        rungs=[
            Rung(
                level="l",
                name=name,
                kind="threshold",
                op="≥",
                value=0.6,
                status="unsettled",
                status_words="not ruled out",
                counts_as_reached=True,
            )
        ],
        measured=True,
    )


@pytest.mark.parametrize("name", ["<script>x</script>", "a & b \" ' ]]> <!--", "plain"])
def test_charts_escape_and_stay_well_formed(name: str) -> None:
    svg = ladder_chart(_panel(name), chart_id='c"1', title=name)
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))
    texts = "".join(root.itertext())
    assert name in texts  # shown as text, not markup
    assert "<script" not in str(svg)
    assert 'id="c&#34;1-title"' in str(svg)


def test_trend_chart_with_one_date() -> None:
    import datetime as dt

    from redline.publish.views import TrendPoint, TrendSeries

    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    series = TrendSeries(
        key="e",
        evaluation="e",
        name="E",
        metric="m",
        x="date",
        points=[
            TrendPoint(
                assessment_id=str(i),
                model=f"m{i}",
                date=when,
                effective_compute=None,
                estimate=0.2 + i / 10,
                lower=None,
                upper=None,
                current=i == 1,
            )
            for i in range(2)
        ],
        rungs=[],
    )
    ET.fromstring(str(trend_chart(series, chart_id="t", title="T")))
