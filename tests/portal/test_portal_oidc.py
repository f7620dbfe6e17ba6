"""Single sign-on against a real OpenID Connect provider (oidc-provider-mock, a
Flask app built on Authlib's server) served on 127.0.0.1: no mocked client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth_support import PEOPLE, provider, write_config
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


def _access_entries(p: Any, change: str, account: str) -> list[Any]:
    return [e for e in p.ledger.entries(kinds=["access_changed"])
            if e.data()["change"] == change and e.data().get("account") == account]  # fmt: skip


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
    # The organisation by name: the seeded lab, not a new one.
    assert alice.organisation == "Larkspur AI" and alice.org_id == p.organisation("larkspur")["id"]
    mapped = oidc.mapped_of(p, alice)
    assert mapped == {
        "role": "author",
        "organisation": "Larkspur AI",
        "org_kind": None,
        "grants": ["author:larkspur-fsf"],
    }
    # The grant became a tenancy scope, recorded by a signed entry of the portal's key.
    assert [s["framework_id"] for s in p.scopes(user_id=alice.id, kind="author")] == [
        "larkspur-fsf"
    ]
    granted = _access_entries(p, "scope_granted", "alice")
    assert len(granted) == 1 and granted[0].actor == "redline-portal"
    assert c.get(f"/frameworks/versions/{_s.ids['version']}").status_code == 200
    # Signing in again finds the same account (by issuer and subject), grants nothing twice.
    c2 = _client(app)
    assert _sso(c2, "alice-sub").status_code == 200
    assert len([u for u in p.users() if u.username == "alice"]) == 1
    assert "Welcome, Alice Author" in c2.get("/").text
    assert len(_access_entries(p, "scope_granted", "alice")) == 1


def test_reviewer_organisation_and_kind(env: Any) -> None:
    app, _s, _i = env
    c = _client(app)
    assert _sso(c, "ivy-sub").status_code == 200
    ivy = app.state.portal.user_by_name("ivy")
    assert ivy.role == "reviewer" and ivy.org_kind == "aisi"
    assert ivy.organisation == "National AI Safety Institute"
    assert ivy.org_id == app.state.portal.organisation("aisi")["id"]


def test_an_organisation_new_to_the_portal_is_added(env: Any) -> None:
    app, _s, _i = env
    p = app.state.portal
    assert p.organisation_by_name("Frontier Model Regulator") is None
    assert _sso(_client(app), "quinn-sub").status_code == 200
    org = p.organisation_by_name("Frontier Model Regulator")
    assert org is not None and (org["slug"], org["kind"]) == ("frontier-model-regulator",
                                                              "regulator")  # fmt: skip
    assert p.user_by_name("quinn").org_id == org["id"]
    added = [e for e in p.ledger.entries(kinds=["access_changed"])
             if e.data()["change"] == "organisation_added"
             and e.data()["organisation"]["id"] == "frontier-model-regulator"]  # fmt: skip
    assert len(added) == 1 and added[0].actor == "redline-portal"


def test_signatory_through_sso_still_needs_the_second_factor(env: Any) -> None:
    app, _s, _i = env
    c = _client(app)
    r = _sso(c, "sam-sub")
    assert r.status_code == 200 and "url=/login/enrol" in r.text
    p = app.state.portal
    sam = p.user_by_name("sam")
    assert sam.role == "signatory"
    assert c.get("/decisions", follow_redirects=False).headers["location"] == "/login"
    assert c.get("/login/enrol").status_code == 200


def test_signatory_scopes_follow_the_claims(env: Any) -> None:
    """Claims grant signatory scopes (bound in the roster); a later sign-in whose claims
    no longer grant one revokes it, and leaves an administrator's grant alone."""
    from redline.ledger.rules import scoped_role
    from redline.ledger.verify import verify_ledger

    app, _s, issuer = env
    p = app.state.portal
    _sso(_client(app), "sam-sub")
    sam = p.user_by_name("sam")
    held = {s["role"] for s in p.scopes(user_id=sam.id, kind="signatory")}
    assert held == {"rso", "safety-board"}
    key_id = p.user_key(sam).key_id
    roster = p.ledger.key_registry().roster
    assert roster.holds(key_id, scoped_role("rso", "larkspur-fsf"))
    assert roster.holds(key_id, scoped_role("safety-board", "larkspur-fsf"))
    # The provider drops the board group: the next sign-in revokes that scope only.
    claims = dict(PEOPLE["sam-sub"]) | {"groups": ["larkspur-rso"]}
    assert httpx.put(f"{issuer}/users/sam-sub", json=claims).status_code == 204
    try:
        _sso(_client(app), "sam-sub")
    finally:
        httpx.put(f"{issuer}/users/sam-sub", json=PEOPLE["sam-sub"])
    assert {s["role"] for s in p.scopes(user_id=sam.id, kind="signatory")} == {"rso"}
    revoked = _access_entries(p, "scope_revoked", "sam")
    assert [e.data()["scope"]["role"] for e in revoked] == ["safety-board"]
    assert all(e.actor == "redline-portal" for e in revoked)
    roster = p.ledger.key_registry().roster
    assert not roster.holds(key_id, scoped_role("safety-board", "larkspur-fsf"))
    assert verify_ledger(p.ledger, check_evidence=False).ok


def test_a_grant_the_tenancy_refuses_is_left_out(env: Any) -> None:
    """Claims that grant a scope on another lab's framework do not get it."""
    app, _s, issuer = env
    p = app.state.portal
    claims = {"preferred_username": "mallory", "org": "Larkspur AI",
              "groups": ["larkspur-authors", "other-authors"]}  # fmt: skip
    assert httpx.put(f"{issuer}/users/mallory-sub", json=claims).status_code == 204
    assert _sso(_client(app), "mallory-sub").status_code == 200
    mallory = p.user_by_name("mallory")
    assert {s["framework_id"] for s in p.scopes(user_id=mallory.id)} == {"larkspur-fsf"}


def test_moving_to_another_organisation_revokes_its_scopes(env: Any) -> None:
    app, _s, issuer = env
    p = app.state.portal
    claims = {"preferred_username": "mover", "org": "Larkspur AI",
              "groups": ["larkspur-authors"]}  # fmt: skip
    assert httpx.put(f"{issuer}/users/mover-sub", json=claims).status_code == 204
    _sso(_client(app), "mover-sub")
    mover = p.user_by_name("mover")
    assert p.authored_frameworks(mover) == {"larkspur-fsf"}
    claims["org"] = "Other Lab"
    assert httpx.put(f"{issuer}/users/mover-sub", json=claims).status_code == 204
    _sso(_client(app), "mover-sub")
    mover = p.user_by_name("mover")
    assert mover.organisation == "Other Lab" and p.authored_frameworks(mover) == set()
    moved = _access_entries(p, "account_moved", "mover")
    assert len(moved) == 1 and moved[0].data()["organisation"] == "otherlab"


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
    bad.write_text(
        '[providers.x]\nlabel = "X"\nissuer = "https://idp.example"\nclient_id = "c"\n'
        'redirect_uri = "https://p/login/oidc/x/callback"\n'
        '[[providers.x.rules]]\nclaim = "g"\nvalue = "v"\ngrants = ["reviewer:fsf"]\n'
    )
    with pytest.raises(PortalError) as err:
        load_config(bad)
    assert "providers.x.rules.0.grants.0" in str(err.value)
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
            "org": "Larkspur AI",
            "groups": ["larkspur-rso"],
        }
        with pytest.raises(PortalError, match="grants no role"):
            oidc.sign_in(p, prov, claims | {"groups": []})
        p.add_organisation("larkspur", "Larkspur AI", "lab")
        u = oidc.sign_in(p, prov, claims)
        assert (u.username, u.role, u.organisation) == ("pat.doe", "signatory", "Larkspur AI")
        again = oidc.sign_in(p, prov, claims | {"groups": ["larkspur-rso", "larkspur-authors"]})
        assert again.id == u.id
        assert oidc.mapped_of(p, u)["grants"] == [
            "author:larkspur-fsf",
            "signatory:larkspur-fsf:rso",
        ]
        # No framework larkspur-fsf in this portal: the grants are left out.
        assert p.scopes(user_id=u.id) == []
    finally:
        p.close()
