"""Single sign-on against a real OpenID Connect provider (oidc-provider-mock, a
Flask app built on Authlib's server) served on 127.0.0.1: no mocked client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth_support import provider, write_config
from portal_support import Seed, seed

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PORTAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def env(workspace: Path) -> Iterator[tuple[Any, Seed, str]]:
    from redline.portal.app import create_app

    s = seed(workspace)
    with provider() as issuer:
        write_config(workspace, issuer, PORTAL)
        app = create_app(s.settings)
        yield app, s, issuer
        app.state.portal.close()


def _client(app: Any) -> Any:
    from fastapi.testclient import TestClient

    return TestClient(app, base_url=PORTAL)


def _sso(c: Any, sub: str) -> Any:
    """Start at the portal, choose ``sub`` at the provider, come back."""
    r = c.get("/login/oidc/testid", follow_redirects=False)
    assert r.status_code == 303
    authorize = r.headers["location"]
    assert "code_challenge=" in authorize and "nonce=" in authorize
    with httpx.Client() as idp:
        back = idp.post(authorize, data={"sub": sub}, follow_redirects=False)
    assert back.status_code == 302, back.text[:300]
    where = back.headers["location"]
    assert where.startswith(PORTAL + "/login/oidc/testid/callback?")
    return c.get(where[len(PORTAL) :], follow_redirects=False)


def test_login_page_offers_the_provider(env: Any) -> None:
    app, _s, _i = env
    r = _client(app).get("/login")
    assert 'href="/login/oidc/testid"' in r.text and "Sign in with Test ID" in r.text


def test_first_sign_in_creates_the_account_from_claims(env: Any) -> None:
    from redline.portal import oidc

    app, _s, _i = env
    c = _client(app)
    r = _sso(c, "alice-sub")
    assert r.status_code == 200 and 'url=/"' in r.text
    home = c.get("/")
    assert "Welcome, Alice Author" in home.text
    p = app.state.portal
    alice = p.user_by_name("alice")
    assert alice is not None and alice.role == "author"
    assert alice.organisation == "Larkspur Labs"
    mapped = oidc.mapped_of(p, alice)
    assert mapped == {
        "role": "author",
        "organisation": "Larkspur Labs",
        "org_kind": None,
        "governance_role": None,
        "grants": ["author:larkspur-fsf"],
    }
    # Signing in again finds the same account (by issuer and subject).
    c2 = _client(app)
    assert _sso(c2, "alice-sub").status_code == 200
    assert len([u for u in p.users() if u.username == "alice"]) == 1
    assert "Welcome, Alice Author" in c2.get("/").text


def test_reviewer_organisation_and_kind(env: Any) -> None:
    app, _s, _i = env
    c = _client(app)
    assert _sso(c, "ivy-sub").status_code == 200
    ivy = app.state.portal.user_by_name("ivy")
    assert ivy.role == "reviewer" and ivy.org_kind == "aisi"
    assert ivy.organisation == "National AI Safety Institute"


def test_signatory_through_sso_still_needs_the_second_factor(env: Any) -> None:
    app, _s, _i = env
    c = _client(app)
    r = _sso(c, "sam-sub")
    assert r.status_code == 200 and "url=/login/enrol" in r.text
    sam = app.state.portal.user_by_name("sam")
    assert sam.role == "signatory" and sam.governance_role == "rso"
    assert c.get("/decisions", follow_redirects=False).headers["location"] == "/login"
    assert c.get("/login/enrol").status_code == 200


def test_no_matching_rule_is_refused(env: Any) -> None:
    app, _s, _i = env
    r = _sso(_client(app), "nobody-sub")
    assert r.status_code == 409 and "grants no role" in r.text
    assert app.state.portal.user_by_name("nobody") is None


def test_a_local_account_is_not_taken_over_by_name(env: Any) -> None:
    app, _s, _i = env
    r = _sso(_client(app), "clash-sub")
    assert r.status_code == 409 and "already exists" in r.text


def test_callback_in_another_browser_is_refused(env: Any) -> None:
    app, _s, _i = env
    c = _client(app)
    r = c.get("/login/oidc/testid", follow_redirects=False)
    with httpx.Client() as idp:
        back = idp.post(r.headers["location"], data={"sub": "alice-sub"}, follow_redirects=False)
    other = _client(app)  # no binding cookie
    r = other.get(back.headers["location"][len(PORTAL) :], follow_redirects=False)
    assert r.status_code == 409 and "another browser" in r.text
    # The state is used up: the first browser cannot replay it either.
    r = c.get(back.headers["location"][len(PORTAL) :], follow_redirects=False)
    assert r.status_code == 409


def test_forged_code_is_refused(env: Any) -> None:
    app, _s, _i = env
    c = _client(app)
    r = c.get("/login/oidc/testid", follow_redirects=False)
    from urllib.parse import parse_qs, urlsplit

    state = parse_qs(urlsplit(r.headers["location"]).query)["state"][0]
    r = c.get(f"/login/oidc/testid/callback?state={state}&code=made-up", follow_redirects=False)
    assert r.status_code == 409 and "refused" in r.text
    assert c.get("/decisions", follow_redirects=False).status_code == 303


def test_config_errors_name_the_file_and_field(tmp_path: Path) -> None:
    from redline.portal.accounts import PortalError
    from redline.portal.oidc import load_config

    bad = tmp_path / "oidc.toml"
    bad.write_text(
        '[providers.x]\nlabel = "X"\nissuer = "http://idp.example"\n'
        'client_id = "c"\nredirect_uri = "https://p/login/oidc/x/callback"\n'
    )
    with pytest.raises(PortalError) as err:
        load_config(bad)
    assert str(bad) in str(err.value) and "providers.x.issuer" in str(err.value)
    bad.write_text('[providers.x]\nlabel = "X"\nlabel2 = 1\n')
    with pytest.raises(PortalError) as err:
        load_config(bad)
    assert "providers.x" in str(err.value)
    bad.write_text("[providers.x\n")
    with pytest.raises(PortalError) as err:
        load_config(bad)
    assert "line 1" in str(err.value)


def test_identities_on_postgres(pg_database: str, tmp_path: Path) -> None:
    """The state and identity tables on PostgreSQL (the claims as an ID token that
    the provider tests above verified would carry them)."""
    from auth_support import CONFIG

    from redline.portal import oidc
    from redline.portal.accounts import PortalError
    from redline.portal.service import Portal
    from redline.portal.settings import Settings

    cfg = tmp_path / "oidc.toml"
    cfg.write_text(CONFIG.format(issuer="http://127.0.0.1:1", portal=PORTAL), encoding="utf-8")
    prov = oidc.load_config(cfg).providers["testid"]
    p = Portal(Settings(workspace=tmp_path / "ws", database_url=pg_database))
    try:
        state, nonce, verifier = oidc.begin(p, "testid", "b" * 64)
        with pytest.raises(PortalError):
            oidc.take(p, state, "testid", "c" * 64)
        state, nonce, verifier = oidc.begin(p, "testid", "b" * 64)
        assert oidc.take(p, state, "testid", "b" * 64) == (nonce, verifier)
        claims = {
            "iss": "http://127.0.0.1:1",
            "sub": "s-1",
            "preferred_username": "Pat.Doe",
            "org": "Larkspur Labs",
            "groups": ["larkspur-rso"],
        }
        u = oidc.sign_in(p, prov, claims)
        assert (u.username, u.role, u.governance_role) == ("pat.doe", "signatory", "rso")
        again = oidc.sign_in(p, prov, claims | {"groups": ["larkspur-rso", "larkspur-authors"]})
        assert again.id == u.id
        assert oidc.mapped_of(p, u)["grants"] == [
            "author:larkspur-fsf",
            "signatory:larkspur-fsf:rso",
        ]
    finally:
        p.close()
