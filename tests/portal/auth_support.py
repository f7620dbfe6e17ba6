"""Helpers for the sign-in tests: a real OpenID Connect provider on 127.0.0.1
(oidc-provider-mock served by werkzeug in a thread) and the portal's SSO
configuration pointing at it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from portal_support import free_port

PEOPLE: dict[str, dict[str, object]] = {
    "alice-sub": {
        "preferred_username": "alice",
        "name": "Alice Author",
        "org": "Larkspur AI",
        "groups": ["larkspur-authors"],
    },
    "sam-sub": {
        "preferred_username": "sam",
        "name": "Sam Signatory",
        "org": "Larkspur AI",
        "groups": ["larkspur-rso", "larkspur-board", "staff"],
    },
    "ivy-sub": {
        "preferred_username": "ivy",
        "name": "Ivy Inspector",
        "org": "National AI Safety Institute",
        "groups": ["aisi-reviewers"],
    },
    "quinn-sub": {
        "preferred_username": "quinn",
        "name": "Quinn Examiner",
        "org": "Frontier Model Regulator",
        "groups": ["regulator-reviewers"],
    },
    "nobody-sub": {"preferred_username": "nobody", "groups": ["visitors"]},
    "clash-sub": {"preferred_username": "victim", "groups": ["larkspur-authors"]},
}

CONFIG = """
[providers.testid]
label = "Test ID"
issuer = "{issuer}"
client_id = "redline-portal"
client_secret = "not-a-real-secret"
redirect_uri = "{portal}/login/oidc/testid/callback"
scopes = ["openid", "profile"]
organisation_claim = "org"

[[providers.testid.rules]]
claim = "groups"
value = "larkspur-authors"
role = "author"
grants = ["author:larkspur-fsf"]

[[providers.testid.rules]]
claim = "groups"
value = "other-authors"
grants = ["author:other-fsf"]

[[providers.testid.rules]]
claim = "groups"
value = "larkspur-rso"
role = "signatory"
grants = ["signatory:larkspur-fsf:rso"]

[[providers.testid.rules]]
claim = "groups"
value = "larkspur-board"
grants = ["signatory:larkspur-fsf:safety-board"]

[[providers.testid.rules]]
claim = "groups"
value = "aisi-reviewers"
role = "reviewer"
org_kind = "aisi"

[[providers.testid.rules]]
claim = "groups"
value = "regulator-reviewers"
role = "reviewer"
org_kind = "regulator"
"""


@contextmanager
def provider() -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1 with PEOPLE as its predefined users; yields
    its issuer URL."""
    import oidc_provider_mock
    import werkzeug.serving

    users = [oidc_provider_mock.User(sub=s, claims=c) for s, c in PEOPLE.items()]
    app = oidc_provider_mock.app(require_nonce=True, user_claims=users)
    port = free_port()
    server = werkzeug.serving.make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def write_config(workspace: Path, issuer: str, portal: str) -> Path:
    path = workspace / "portal" / "oidc.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG.format(issuer=issuer, portal=portal), encoding="utf-8")
    return path


def pass_second_factor(client: Any, where: str, username: str, portal: Any = None) -> None:
    """Finish a sign-in that ``POST /login`` sent on to ``where`` (``/login/enrol`` or
    ``/login/second-factor``), as the account's owner would: for tests whose accounts
    need a second factor. ``portal`` defaults to the TestClient's app's portal."""
    import re

    import pyotp
    from portal_support import csrf_of

    from redline.portal import mfa

    p = portal if portal is not None else client.app.state.portal
    user = p.user_by_name(username)
    page = client.get(where)
    if where == "/login/enrol":
        m = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page.text)
        assert m, "no secret on the enrolment page"
        code = pyotp.TOTP(m.group(1).replace(" ", "")).now()
    else:
        # A fresh recovery code: any number of sign-ins within one 30-second step.
        code = mfa.new_recovery_codes(p, user)[0]
    r = client.post(where, data={"code": code, "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code in (200, 303), (username, where, r.status_code, r.text[:300])


def browser_second_factor(page: Any, username: str, settings: Any = None) -> None:
    """In a Playwright ``page`` that the password sent to ``/login/enrol`` or
    ``/login/second-factor``: enrol or answer as the account's owner would (for
    browser tests whose accounts need a second factor). ``settings`` defaults to
    the workspace of ``$REDLINE_HOME`` (the portal tests' ``workspace`` fixture)."""
    import pyotp

    from redline.portal import mfa
    from redline.portal.service import Portal
    from redline.portal.settings import Settings

    if page.url.endswith("/login/enrol"):
        secret = page.inner_text("#totp-secret").replace(" ", "")
        page.fill("input[name=code]", pyotp.TOTP(secret).now())
        page.click("button[type=submit]")
        page.wait_for_selector("#recovery-codes")
        page.click("text=Continue")
    elif page.url.endswith("/login/second-factor"):
        p = Portal(settings or Settings(secure_cookies=False))
        try:
            code = mfa.new_recovery_codes(p, p.user_by_name(username))[0]
        finally:
            p.close()
        page.fill("input[name=code]", code)
        page.click("button[type=submit]")
