"""Each flow end to end in Debian's Chromium, as the person who performs it, against
uvicorn on 127.0.0.1. Screenshots go to tests/artifacts/portal/."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from portal_support import (
    ARTIFACTS,
    EXAMPLE,
    NEEDS_CHROMIUM,
    PASSWORD,
    XSS,
    Seed,
    chromium,
    seed,
    serve,
)

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def live(workspace: Path) -> Iterator[tuple[str, Seed]]:
    s = seed(workspace, xss=True)
    with serve(s.settings) as url:
        yield url, s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


class Person:
    """One browser context signed in as one user; records script runs and requests
    leaving 127.0.0.1."""

    def __init__(self, browser: Any, base: str, username: str | None) -> None:
        self.base = base
        self.ctx = browser.new_context(viewport={"width": 1200, "height": 900})
        self.page = self.ctx.new_page()
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.ctx.route("**/*", self._route)
        if username:
            self.go("/login")
            self.page.fill("input[name=username]", username)
            self.page.fill("input[name=password]", PASSWORD)
            self.page.click("button[type=submit]")
            self.page.wait_for_load_state()
            if "/login/" in self.page.url:
                from auth_support import browser_second_factor

                browser_second_factor(self.page, username)
            self.page.wait_for_url(re.compile(re.escape(base) + "/$"))

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        assert not self.dialogs, f"a script ran: {self.dialogs}"
        assert not self.outside, f"requests left the site: {self.outside}"
        self.ctx.close()


def test_review_round_end_to_end(live: tuple[str, Seed], browser: Any) -> None:
    base, s = live
    # The author uploads a broken framework: the problem shows next to its line.
    author = Person(browser, base, "author")
    author.go("/frameworks/new")
    broken = EXAMPLE.read_text().replace("id: larkspur-fsf", "id: flow-fsf", 1)
    broken = broken.replace('  version: "1.2"', "  version: [1, 2]", 1)
    author.page.fill("textarea[name=text]", broken)
    author.page.click("text=Validate and record")
    assert author.page.locator(".has-problem .problem").count() >= 1
    assert "framework.version" in author.page.locator(".problems").inner_text()
    author.shot("01-author-validation-errors")
    # Fixed, it is recorded; the author opens a round inviting the reviewer.
    good = broken.replace("  version: [1, 2]", '  version: "1.2"', 1)
    author.page.fill("textarea[name=text]", good)
    author.page.click("text=Validate and record")
    author.page.wait_for_url(re.compile(r".*/frameworks/versions/\d+$"))
    vurl = author.page.url
    author.page.check(f"input[name=reviewer][value='{s.ids['reviewer']}']")
    author.page.click("text=Open review round")
    assert "Round" in author.page.locator("section.card").first.inner_text()
    author.shot("02-author-round-open")

    # The reviewer sees the trusted view, comments on a threshold and a safeguard.
    reviewer = Person(browser, base, "reviewer")
    reviewer.go("/reviews")
    reviewer.shot("03-reviewer-list")
    reviewer.page.locator("a[href^='/reviews/']").first.click()
    el = reviewer.page.locator("#el-level-bio-high")
    el.locator("summary").click()
    el.locator("textarea").fill(f"The bio-high threshold looks too permissive. {XSS}")
    el.locator("button").click()
    reviewer.page.wait_for_load_state()
    assert "too permissive" in reviewer.page.locator("#el-level-bio-high .comments").inner_text()
    assert XSS in reviewer.page.locator("#el-level-bio-high .comments").inner_text()
    reviewer.page.check("input[value=object]")
    reviewer.page.fill("textarea[name=statement]", "Object until bio-high is tightened.")
    reviewer.page.click("text=Sign verdict")
    assert "objected" in reviewer.page.inner_text("main")
    reviewer.shot("04-reviewer-commented-and-objected")
    reviewer.close()

    # The author sees the comment on its element, revises, and reads the diff.
    author.page.goto(vurl)
    assert "too permissive" in author.page.locator("#el-level-bio-high").inner_text()
    author.shot("05-author-sees-comments")
    author.page.click("text=Revise this version")
    revised = good.replace('  version: "1.2"', '  version: "1.3"', 1)
    revised = revised.replace(
        '{evaluation: bio_proxy, op: ">=", value: 0.65}',
        '{evaluation: bio_proxy, op: ">=", value: 0.6}',
        1,
    )
    assert "value: 0.6}" in revised
    author.page.fill("textarea[name=text]", revised)
    author.page.click("text=Record the revision")
    author.page.wait_for_url(re.compile(r".*/frameworks/versions/\d+$"))
    author.page.click("text=Changes since the reviewed version")
    table = author.page.locator("table.diff").inner_text()
    assert "bio-high" in table and "too permissive" in table
    author.shot("06-author-diff-answers-comments")
    # Publish the reviewed version: the public page says who objected.
    author.page.goto(vurl)
    author.page.click("text=Publish this version")
    author.close()

    public = Person(browser, base, None)
    public.go("/public")
    text = public.page.inner_text("main")
    assert "objected" in text and "National AI Safety Institute" in text
    public.shot("07-public-published")
    public.page.locator("main a[href^='/site/frameworks/']").first.click()
    assert "Frontier Safety Framework" in public.page.inner_text("body")
    public.shot("08-public-site-framework")
    public.go("/public/registry")
    public.shot("09-public-registry")
    public.close()


def test_sign_off_end_to_end(live: tuple[str, Seed], browser: Any) -> None:
    base, s = live
    did = s.ids["decision"]
    for who, dissent in (("rso", None), ("board", "The board dissents: monitoring is thin.")):
        p = Person(browser, base, who)
        p.go("/decisions")
        p.page.click(f"a[href='/decisions/{did}']")
        missing = p.page.locator(".missing")
        assert missing.count() == 1
        if dissent:
            p.page.check("input[value=dissent]")
            p.page.fill("textarea[name=statement]", dissent + " " + XSS)
        else:
            p.page.check("input[value=sign]")
        p.shot(f"10-{who}-before-signing")
        p.page.click("text=Sign as")
        p.page.wait_for_load_state()
        p.shot(f"11-{who}-after-signing")
        p.close()
    from redline.ledger.signoff import decision_status
    from redline.ledger.store import open_ledger

    with open_ledger(s.settings.workspace) as lg:
        st = decision_status(lg, did)
    assert st.final and len(st.dissents) == 1


def test_institute_reviewer_sees_only_what_it_reviews(live: tuple[str, Seed],
                                                     browser: Any) -> None:  # fmt: skip
    """The institute's reviewer comments on the round it was invited to, sees the
    decision on that framework, and not Other Lab's decision (list or address)."""
    base, s = live
    mine, other = s.ids["decision"], s.ids["decision2"]
    reviewer = Person(browser, base, "reviewer")
    reviewer.go(f"/reviews/{s.ids['round']}")
    el = reviewer.page.locator("#el-safeguard-refusal-training")
    el.locator("summary").click()
    el.locator("textarea").fill("Please state the refusal-rate target per release.")
    el.locator("button").click()
    reviewer.page.wait_for_load_state()
    assert "refusal-rate target" in el.locator(".comments").inner_text()
    reviewer.shot("13-institute-reviewer-commented")
    reviewer.go("/decisions")
    listed = reviewer.page.inner_text("main")
    assert reviewer.page.locator(f"a[href='/decisions/{mine}']").count() == 1
    assert reviewer.page.locator(f"a[href='/decisions/{other}']").count() == 0
    assert other[:12] not in listed
    reviewer.shot("14-institute-reviewer-decisions")
    reviewer.go(f"/decisions/{mine}")
    assert "Sign-off the framework requires" in reviewer.page.inner_text("main")
    assert reviewer.page.locator("form[action$='/sign']").count() == 0
    response = reviewer.page.goto(base + f"/decisions/{other}")
    assert response is not None and response.status == 404
    assert "Not found" in reviewer.page.inner_text("main")
    reviewer.shot("15-institute-reviewer-other-decision-404")
    reviewer.close()
    from redline.ledger.store import open_ledger

    with open_ledger(s.settings.workspace) as lg:
        texts = [e.data().get("text") for e in lg.entries(kinds=["review_comment"])]
    assert "Please state the refusal-rate target per release." in texts


def test_admin_accounts_and_escaping(live: tuple[str, Seed], browser: Any) -> None:
    base, _s = live
    admin = Person(browser, base, "admin")
    admin.go("/admin/users")
    admin.page.fill("input[name=slug]", "evaluator")
    admin.page.fill("input[name=name]", "Evaluator Ltd")
    admin.page.select_option("select[name=kind]", "third_party")
    admin.page.click("text=Add organisation")
    admin.page.wait_for_load_state()
    admin.page.fill("input[name=username]", "newrev")
    admin.page.fill("input[name=display_name]", XSS)
    admin.page.fill("input[name=password]", "a long enough password")
    admin.page.select_option("select[name=role]", "reviewer")
    admin.page.select_option("select[name=organisation]", "evaluator")
    admin.page.click("text=Add account")
    admin.page.wait_for_load_state()
    assert "Evaluator Ltd" in admin.page.inner_text("main")
    assert XSS in admin.page.inner_text("main")
    admin.shot("12-admin-accounts")
    admin.close()


def test_ledger_verifies_after_flows(live: tuple[str, Seed]) -> None:
    import os
    import subprocess
    import sys

    _base, s = live
    env = {**os.environ, "REDLINE_HOME": str(s.settings.workspace)}
    r = subprocess.run([str(Path(sys.executable).parent / "redline"), "verify"], env=env,
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    _ = tempfile
