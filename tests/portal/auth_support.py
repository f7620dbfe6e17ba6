"""Helpers for the sign-in tests: a real OpenID Connect provider on 127.0.0.1
(oidc-provider-mock served by werkzeug in a thread) and the portal's SSO
configuration pointing at it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from portal_support import free_port

PEOPLE: dict[str, dict[str, object]] = {
    "alice-sub": {
        "preferred_username": "alice",
        "name": "Alice Author",
        "org": "Larkspur Labs",
        "groups": ["larkspur-authors"],
    },
    "sam-sub": {
        "preferred_username": "sam",
        "name": "Sam Signatory",
        "org": "Larkspur Labs",
        "groups": ["larkspur-rso", "staff"],
    },
    "ivy-sub": {
        "preferred_username": "ivy",
        "name": "Ivy Inspector",
        "org": "National AI Safety Institute",
        "groups": ["aisi-reviewers"],
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
value = "larkspur-rso"
role = "signatory"
governance_role = "rso"
grants = ["signatory:larkspur-fsf:rso"]

[[providers.testid.rules]]
claim = "groups"
value = "aisi-reviewers"
role = "reviewer"
org_kind = "aisi"
grants = ["reviewer:larkspur-fsf"]
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
