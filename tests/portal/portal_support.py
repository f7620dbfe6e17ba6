"""Helpers for the portal tests: a seeded workspace (accounts, a framework under
review, a recorded decision) and a live server on 127.0.0.1."""

from __future__ import annotations

import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "ledger"))

from ledger_support import make_assessment  # noqa: E402

from redline.ledger.store import open_ledger  # noqa: E402
from redline.portal.service import Portal  # noqa: E402
from redline.portal.settings import Settings  # noqa: E402

EXAMPLE = ROOT / "examples" / "frontier-framework.yaml"
ARTIFACTS = ROOT / "tests" / "artifacts" / "portal"
PASSWORD = "correct horse battery staple"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@dataclass
class Seed:
    settings: Settings
    ids: dict[str, Any]


def record_decision(
    workspace: Path, url: str | None = None, framework_id: str | None = None
) -> str:
    """A decision_made entry as `redline assess` records it (signed by redline-local),
    on the example framework or on a copy of it with another framework id."""
    from redline.ledger.record import record_assessment

    run = workspace.parent / f"run-{time.monotonic_ns()}"
    if framework_id is not None:
        run.mkdir(parents=True)
        text = EXAMPLE.read_text(encoding="utf-8")
        (run / "frontier-framework.yaml").write_text(
            text.replace("id: larkspur-fsf", f"id: {framework_id}", 1), encoding="utf-8"
        )
    a = make_assessment(run)
    with open_ledger(workspace, url) as lg:
        _seq, decision_id = record_assessment(lg, a.framework, a.results, a.decision)
    return decision_id


# Two labs and one institute (the tenancy model of docs/security.md).
ORGS = [
    ("larkspur", "Larkspur AI", "lab"),
    ("otherlab", "Other Lab", "lab"),
    ("aisi", "National AI Safety Institute", "aisi"),
]


def seed(workspace: Path, url: str | None = None, *, xss: bool = False) -> Seed:
    """Two labs and an institute with their accounts. Larkspur's ``author`` uploads the
    example framework (``larkspur-fsf``) and opens a round inviting the institute's
    ``reviewer``; Other Lab's ``author2`` uploads ``other-fsf`` (a round inviting
    nobody). Each framework has a recorded decision needing sign-off; ``rso`` and
    ``board`` sign for Larkspur, ``rso-other`` for Other Lab."""
    decision_id = record_decision(workspace, url)
    decision2 = record_decision(workspace, url, "other-fsf")
    settings = Settings(workspace=workspace, database_url=url, secure_cookies=False)
    p = Portal(settings)
    try:
        for slug, name, kind in ORGS:
            p.add_organisation(slug, name, kind)
        admin = p.add_user("admin", PASSWORD, "admin", "Ada Admin")
        author = p.add_user("author", PASSWORD, "author", "Avery Author", organisation="larkspur")
        victim = p.add_user("victim", PASSWORD, "author", "Spare Account", organisation="larkspur")
        rso = p.add_user("rso", PASSWORD, "signatory", "Riley RSO", organisation="larkspur")
        board = p.add_user("board", PASSWORD, "signatory", "Safety Board Chair",
                           organisation="larkspur")  # fmt: skip
        author2 = p.add_user("author2", PASSWORD, "author", "Other Author",
                             organisation="otherlab")  # fmt: skip
        rso_other = p.add_user("rso-other", PASSWORD, "signatory", "RSO of Another Lab",
                               organisation="otherlab")  # fmt: skip
        reviewer = p.add_user(
            "reviewer", PASSWORD, "reviewer", "Rowan Reviewer" if not xss else XSS,
            organisation="aisi",
        )  # fmt: skip
        reviewer2 = p.add_user("reviewer2", PASSWORD, "reviewer", "Uninvited Reviewer",
                               organisation="aisi")  # fmt: skip
        text = EXAMPLE.read_text(encoding="utf-8")
        if xss:
            quoted = XSS.replace("'", "''")
            text = text.replace(
                "  name: Larkspur Frontier Safety Framework\n",
                f"  name: '{quoted} Larkspur Frontier Safety Framework'\n",
                1,
            )
        vid, loaded = p.upload_version(author, text)
        assert vid is not None, [x.format() for x in loaded.problems]
        rid = p.open_round(author, vid, [reviewer.id])
        other_text = text.replace("id: larkspur-fsf", "id: other-fsf", 1)
        vid2, _ = p.upload_version(author2, other_text)
        assert vid2 is not None
        rid2 = p.open_round(author2, vid2, [])
        p.grant_scope(admin, rso, "larkspur-fsf", "signatory", "rso")
        p.grant_scope(admin, board, "larkspur-fsf", "signatory", "safety-board")
        p.grant_scope(admin, rso_other, "other-fsf", "signatory", "rso")
        ids = {
            "admin": admin.id, "author": author.id, "author2": author2.id, "victim": victim.id,
            "reviewer": reviewer.id, "reviewer2": reviewer2.id, "rso": rso.id, "board": board.id,
            "rso_other": rso_other.id,
            "version": vid, "round": rid, "version2": vid2, "round2": rid2,
            "decision": decision_id, "decision2": decision2,
        }  # fmt: skip
    finally:
        p.close()
    return Seed(settings, ids)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """uvicorn on 127.0.0.1 on a free port, in a thread; yields the base URL."""
    import uvicorn

    from redline.portal.app import create_app

    port = free_port()
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            limit_concurrency=200)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def login(client: Any, username: str, password: str = PASSWORD) -> str:
    """Sign ``client`` (an httpx client) in; return the session's CSRF token."""
    r = client.get("/login")
    r = client.post("/login", data={"username": username, "password": password,
                                    "csrf": csrf_of(r.text)}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, (username, r.status_code, r.text[:300])
    if r.headers["location"] in ("/login/enrol", "/login/second-factor"):
        from auth_support import pass_second_factor

        pass_second_factor(client, r.headers["location"], username)
    r = client.get("/")
    return csrf_of(r.text)


# Debian's Chromium for the browser tests (scripts/ci-chromium.sh installs it).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"
)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium launched through Playwright, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
