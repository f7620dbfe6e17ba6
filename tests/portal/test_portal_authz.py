"""Every route times every role: allowed or refused, with other users' objects
refused (no IDOR), and every state-changing route refusing a missing or wrong CSRF
token. The routes are enumerated from the app's router: a new route without an
entry in MATRIX fails the test."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from portal_support import Seed, login, seed

warnings.filterwarnings("ignore", category=DeprecationWarning)

ROLES = ["anonymous", "admin", "author", "author2", "reviewer", "reviewer2", "rso", "board"]
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
INTERNAL = {"admin", "author", "author2", "rso", "board"}  # see decisions

# (method, route path) -> (roles allowed, form data for a POST). Path parameters are
# filled with objects of ``author`` and ``reviewer`` (see PARAMS): author2 and
# reviewer2 hold objects of their own and must be refused these.
MATRIX: dict[tuple[str, str], tuple[set[str], dict[str, str]]] = {
    ("GET", "/"): (EVERYONE, {}),
    ("GET", "/login"): (EVERYONE, {}),
    ("POST", "/login"): (EVERYONE, {"username": "nobody", "password": "wrong password"}),
    ("POST", "/logout"): (EVERYONE, {}),
    ("GET", "/admin/users"): ({"admin"}, {}),
    ("POST", "/admin/users"): ({"admin"}, {"username": "", "password": "", "role": "author"}),
    ("POST", "/admin/users/{user_id}/disable"): ({"admin"}, {}),
    ("POST", "/admin/users/{user_id}/enable"): ({"admin"}, {}),
    ("GET", "/frameworks"): ({"author", "author2"}, {}),
    ("GET", "/frameworks/new"): ({"author", "author2"}, {}),
    ("POST", "/frameworks"): ({"author", "author2"}, {"text": "not: [a framework"}),
    ("GET", "/frameworks/versions/{version_id}"): ({"author"}, {}),
    ("GET", "/frameworks/versions/{version_id}/edit"): ({"author"}, {}),
    ("POST", "/frameworks/versions/{version_id}/revise"): ({"author"}, {"text": "x: ["}),
    ("GET", "/frameworks/versions/{version_id}/diff"): ({"author"}, {}),
    ("POST", "/frameworks/versions/{version_id}/rounds"): ({"author"}, {}),
    ("POST", "/rounds/{round_id}/invite"): ({"author"}, {}),
    ("POST", "/frameworks/versions/{version_id}/publish"): ({"author"}, {}),
    ("GET", "/reviews"): ({"reviewer", "reviewer2"}, {}),
    ("GET", "/reviews/{round_id}"): ({"reviewer"}, {}),
    ("POST", "/reviews/{round_id}/comments"): (
        {"reviewer"},
        {"element": "level:bio-high", "text": "Matrix comment."},
    ),
    ("POST", "/reviews/{round_id}/verdict"): ({"reviewer"}, {"verdict": "bogus"}),
    ("GET", "/decisions"): (INTERNAL, {}),
    ("GET", "/decisions/{decision_id}"): (INTERNAL, {}),
    ("POST", "/decisions/{decision_id}/sign"): ({"rso", "board"}, {"choice": "dissent"}),
    ("GET", "/public"): (EVERYONE, {}),
    ("GET", "/public/registry"): (EVERYONE, {}),
    ("GET", "/site/{rel:path}"): (EVERYONE, {}),
    ("GET", "/registry-site/{rel:path}"): (EVERYONE, {}),
    ("GET", "/static/{name}"): (EVERYONE, {}),
    ("GET", "/ledger/checkpoint"): (SIGNED_IN, {}),
    ("POST", "/ledger/cosignature"): ({"reviewer", "reviewer2"}, {"note": "not a note"}),
    # The labelling form (tests/portal/test_portal_labelling.py checks the batches).
    ("GET", "/labelling"): ({"admin", "reviewer", "reviewer2"}, {}),
    ("POST", "/labelling"): ({"admin"}, {"reviewer": "nobody", "text": ""}),
    ("GET", "/labelling/form"): ({"reviewer", "reviewer2"}, {}),
    ("POST", "/labelling/form"): ({"reviewer", "reviewer2"}, {}),
    ("GET", "/labelling/download"): ({"admin", "reviewer", "reviewer2"}, {}),
}


@pytest.fixture(scope="module")
def env(workspace: Path) -> Iterator[tuple[Any, Seed, dict[str, Any]]]:
    from fastapi.testclient import TestClient

    from redline.portal.app import create_app

    s = seed(workspace)
    app = create_app(s.settings)
    clients: dict[str, Any] = {}
    tokens: dict[str, str] = {}
    for role in ROLES:
        c = TestClient(app, base_url="http://127.0.0.1")
        if role != "anonymous":
            tokens[role] = login(c, role)
        else:
            tokens[role] = _anon_token(c)
        clients[role] = c
    app.state.portal.publish  # noqa: B018 - the site exists once something is published
    yield app, s, {"clients": clients, "tokens": tokens}


def _anon_token(c: Any) -> str:
    from portal_support import csrf_of

    return csrf_of(c.get("/login").text)


def _params(s: Seed) -> dict[str, str]:
    return {
        "user_id": str(s.ids["victim"]),
        "version_id": str(s.ids["version"]),
        "round_id": str(s.ids["round"]),
        "decision_id": str(s.ids["decision"]),
        "rel:path": "index.html",
        "name": "portal.css",
    }


def _url(path: str, s: Seed) -> str:
    for k, v in _params(s).items():
        path = path.replace("{" + k + "}", v)
    return path


def _routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the app serves, through included routers too."""
    out: set[tuple[str, str]] = set()

    def walk(routes: Any, prefix: str = "") -> None:
        for r in routes:
            if isinstance(r, APIRoute):
                out.update((m, prefix + r.path) for m in r.methods)
            elif hasattr(r, "original_router"):
                walk(r.original_router.routes, prefix + getattr(r.original_router, "prefix", ""))
            elif hasattr(r, "routes"):
                walk(r.routes, prefix + getattr(r, "path", ""))

    walk(app.routes)
    return out


def refused(resp: Any) -> bool:
    if resp.status_code in (403, 404):
        return True
    return resp.status_code == 303 and resp.headers.get("location") == "/login"


def test_every_route_has_a_matrix_entry(env: Any) -> None:
    app, _s, _c = env
    assert _routes(app) == set(MATRIX), "routes and MATRIX differ"


def _build_sites(app: Any, s: Seed) -> None:
    """Publish something of author2's so /site/ has pages (author's stays a draft)."""
    p = app.state.portal
    if not p.published():
        p.publish(s.ids["version2"])


@pytest.mark.parametrize("role", ROLES)
def test_matrix(env: Any, role: str) -> None:
    app, s, ctx = env
    _build_sites(app, s)
    client, token = ctx["clients"][role], ctx["tokens"][role]
    problems = []
    for (method, path), (allowed, form) in sorted(MATRIX.items()):
        if path == "/logout":
            continue  # checked below on a session of its own
        url = _url(path, s)
        if method == "GET":
            r = client.get(url, follow_redirects=False)
        else:
            r = client.post(url, data={**form, "csrf": token}, follow_redirects=False)
        if (role in allowed) == refused(r):
            problems.append(f"{method} {url}: {r.status_code} {r.headers.get('location')}")
    assert not problems, f"{role}: " + "; ".join(problems)


def test_other_users_objects_refused(env: Any) -> None:
    """author may not touch author2's version or round; reviewer may not open
    reviewer2's round; nobody signs for a role they do not hold."""
    app, s, ctx = env
    author, reviewer, rso = (ctx["clients"][r] for r in ("author", "reviewer", "rso"))
    v2, r2 = s.ids["version2"], s.ids["round2"]
    for url in (f"/frameworks/versions/{v2}", f"/frameworks/versions/{v2}/edit",
                f"/frameworks/versions/{v2}/diff"):  # fmt: skip
        assert author.get(url, follow_redirects=False).status_code == 404, url
    tok = ctx["tokens"]["author"]
    for url in (f"/frameworks/versions/{v2}/publish", f"/frameworks/versions/{v2}/rounds",
                f"/rounds/{r2}/invite", f"/frameworks/versions/{v2}/revise"):  # fmt: skip
        assert author.post(url, data={"csrf": tok}).status_code == 404, url
    assert reviewer.get(f"/reviews/{r2}").status_code == 404
    n = app.state.portal.ledger.count()
    r = reviewer.post(f"/reviews/{r2}/comments", data={
        "csrf": ctx["tokens"]["reviewer"], "element": "framework", "text": "IDOR"})  # fmt: skip
    assert r.status_code == 404
    assert app.state.portal.ledger.count() == n
    # A signatory whose role the decision needs signs only as that role.
    assert app.state.portal.user_by_name("rso").governance_role == "rso"
    _ = rso


@pytest.mark.parametrize("bad", ["missing", "wrong", "other-session"])
def test_csrf_refused_everywhere(env: Any, bad: str) -> None:
    app, s, ctx = env
    n = app.state.portal.ledger.count()
    for (method, path), (allowed, form) in sorted(MATRIX.items()):
        if method != "POST":
            continue
        role = sorted(allowed - {"anonymous"})[0] if allowed != EVERYONE else "author"
        client = ctx["clients"][role]
        data = dict(form)
        if bad == "wrong":
            data["csrf"] = "x" * 43
        elif bad == "other-session":
            other = "reviewer" if role != "reviewer" else "author"
            data["csrf"] = ctx["tokens"][other]
        r = client.post(_url(path, s), data=data, follow_redirects=False)
        assert r.status_code == 403, (bad, method, path, r.status_code)
    assert app.state.portal.ledger.count() == n
    # Anonymous sign-in without the pre-session cookie is refused too.
    from fastapi.testclient import TestClient

    fresh = TestClient(app, base_url="http://127.0.0.1")
    r = fresh.post("/login", data={"username": "admin", "password": "x", "csrf": "y" * 43})
    assert r.status_code == 403


def test_logout_needs_csrf_and_ends_session(env: Any) -> None:
    from fastapi.testclient import TestClient

    app, _s, _ctx = env
    c = TestClient(app, base_url="http://127.0.0.1")
    tok = login(c, "author2")
    assert c.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert c.get("/frameworks", follow_redirects=False).status_code == 200
    r = c.post("/logout", data={"csrf": tok}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/frameworks", follow_redirects=False).headers.get("location") == "/login"


def test_security_headers_and_cookie_flags(env: Any) -> None:
    from fastapi.testclient import TestClient

    app, _s, _ctx = env
    c = TestClient(app, base_url="http://127.0.0.1")
    r = c.get("/login")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    from portal_support import PASSWORD, csrf_of

    r = c.post("/login", data={"username": "admin", "password": PASSWORD,
                               "csrf": csrf_of(r.text)}, follow_redirects=False)  # fmt: skip
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_no_user_enumeration_and_rate_limit(env: Any) -> None:
    from fastapi.testclient import TestClient
    from portal_support import PASSWORD, csrf_of
    from sqlalchemy import delete

    from redline.portal.tables import rate_limits

    app, _s, _ctx = env
    with app.state.portal.ledger.write() as conn:  # the matrix's failed sign-ins count too
        conn.execute(delete(rate_limits))
    c = TestClient(app, base_url="http://127.0.0.1")

    def attempt(user: str) -> Any:
        r = c.get("/login")
        return c.post("/login", data={"username": user, "password": "wrong password!",
                                      "csrf": csrf_of(r.text)})  # fmt: skip

    unknown, wrong = attempt("no-such-user"), attempt("victim")
    assert unknown.status_code == wrong.status_code == 401
    strip = lambda t: t.replace("no-such-user", "U").replace("victim", "U")  # noqa: E731
    assert strip(unknown.text).replace(csrf_of(unknown.text), "") == strip(wrong.text).replace(
        csrf_of(wrong.text), ""
    )
    # An account is locked after 5 failures in the window, even to the right password.
    statuses = [attempt("victim").status_code for _ in range(5)]
    assert 429 in statuses
    r = c.get("/login")
    r = c.post("/login", data={"username": "victim", "password": PASSWORD,
                               "csrf": csrf_of(r.text)})  # fmt: skip
    assert r.status_code == 429 and "too many" in r.text.lower()
    # An unknown name is locked the same way (no difference to observe).
    assert 429 in [attempt("nobody-at-all").status_code for _ in range(6)]
