"""The labelling flow in Debian's Chromium against uvicorn on 127.0.0.1: the administrator
assigns a sample, the reviewer labels it in the form. Screenshots go to
tests/artifacts/portal/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from auth_support import browser_second_factor
from portal_support import ARTIFACTS, NEEDS_CHROMIUM, PASSWORD, Seed, chromium, seed, serve
from test_portal_labelling import _sample_csv

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def live(workspace: Path) -> Iterator[tuple[str, Seed]]:
    s = seed(workspace)
    with serve(s.settings) as url:
        yield url, s


def _signed_in(browser: Any, base: str, username: str) -> tuple[Any, Any, list[str]]:
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    page = ctx.new_page()
    events: list[str] = []
    page.on("dialog", lambda d: (events.append("dialog " + d.message), d.dismiss()))

    def route(r: Any) -> None:
        if r.request.url.startswith(base):
            r.continue_()
        else:
            events.append("outside " + r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    # The administrator needs a second factor (docs/security.md): enrol or answer it.
    browser_second_factor(page, username)
    page.wait_for_url(re.compile(re.escape(base) + "/$"))
    return ctx, page, events


def test_assign_and_label_in_the_browser(live: tuple[str, Seed], tmp_path: Path) -> None:
    base, _s = live
    sample = tmp_path / "sample.csv"
    sample.write_text(_sample_csv(), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        ctx, admin, events = _signed_in(browser, base, "admin")
        admin.goto(base + "/labelling")
        admin.fill("input[name=name]", "browser batch")
        admin.select_option("select[name=reviewer]", "reviewer")
        admin.set_input_files("input[name=file]", str(sample))
        admin.click("button:has-text('Assign')")
        admin.wait_for_load_state()
        assert "error" not in admin.content(), admin.locator("main").inner_text()[:500]
        assert "browser batch" in admin.locator("table").inner_text()
        assert "0 of 6" in admin.locator("table").inner_text()
        admin.screenshot(path=str(ARTIFACTS / "20-admin-labelling.png"), full_page=True)
        assert not events, events
        ctx.close()

        ctx, rev, events = _signed_in(browser, base, "reviewer")
        rev.goto(base + "/labelling")
        rev.click("a:has-text('Label')")
        rev.wait_for_url(re.compile(r".*/labelling/form\?batch=\d+$"))
        for i in range(6):
            rev.check(f"input[name=label-{i}][value={'refusal' if i % 2 else 'compliance'}]")
        rev.click("button:has-text('Save labels')")
        rev.wait_for_url(re.compile(r".*saved=1$"))
        assert "6 of 6 labelled" in rev.content()
        assert rev.locator("input[name=label-1][value=refusal]").is_checked()
        rev.screenshot(path=str(ARTIFACTS / "21-reviewer-labelling.png"), full_page=True)
        assert not events, events  # the completion with a script in it did not run
        ctx.close()
