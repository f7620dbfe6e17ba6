"""Regression tests for findings 1, 2 and 4 of the portal's security review (issue #20).

Each was written against the code the review attacked and failed there:

1. any author read every decision (a second author opened the example framework's
   decision and its dissent);
2. a sign-off was checked only against the account's free-text role, so a signatory
   "from another organisation" signed the example decision;
4. odd input gave 500s (ids above 2^63, a lookup before the role check, NUL bytes in
   paths), 500 pages lacked the security headers, and bodies had no size cap.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from portal_support import PASSWORD, Seed, csrf_of, login, seed

from redline.ledger.chain import EntryKind

HUGE = str(2**64)


@pytest.fixture(scope="module")
def env(workspace: Path) -> Iterator[tuple[Any, Seed]]:
    from redline.portal.app import create_app

    s = seed(workspace)
    app = create_app(s.settings)
    yield app, s


def _client(app: Any, username: str | None = None) -> tuple[Any, str]:
    from fastapi.testclient import TestClient

    c = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    token = login(c, username) if username else csrf_of(c.get("/login").text)
    return c, token


# ------------------------------------------------------------------ finding 1


def test_finding1_another_author_cannot_read_the_decision(env: Any) -> None:
    app, s = env
    did = s.ids["decision"]
    c, _ = _client(app, "author2")
    assert c.get(f"/decisions/{did}", follow_redirects=False).status_code == 404
    assert did not in c.get("/decisions").text
    assert did not in c.get("/").text
    # The framework's own author still reads it.
    own, _ = _client(app, "author")
    assert own.get(f"/decisions/{did}").status_code == 200
    assert did in own.get("/decisions").text


# ------------------------------------------------------------------ finding 2


def test_finding2_signatory_of_another_organisation_cannot_sign(env: Any) -> None:
    app, s = env
    p = app.state.portal
    outsider = s.ids["rso_other"]
    user = p.user_by_id(outsider)
    assert user is not None
    did = s.ids["decision"]
    before = len(list(p.ledger.entries(kinds=[EntryKind.SIGN_OFF.value])))
    c, token = _client(app, user.username)
    r = c.post(f"/decisions/{did}/sign", data={"csrf": token, "choice": "sign", "role": "rso"},
               follow_redirects=False)  # fmt: skip
    assert r.status_code in (403, 404, 409), r.status_code
    assert len(list(p.ledger.entries(kinds=[EntryKind.SIGN_OFF.value]))) == before
    from redline.portal.accounts import PortalError

    with pytest.raises(PortalError):
        p.sign(user, did, None, "rso")
    assert len(list(p.ledger.entries(kinds=[EntryKind.SIGN_OFF.value]))) == before


# ------------------------------------------------------------------ finding 4


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("author", "GET", "/frameworks/versions/{}"),
        ("reviewer", "GET", "/reviews/{}"),
        ("admin", "POST", "/admin/users/{}/disable"),
        ("author", "POST", "/rounds/{}/invite"),
        (None, "POST", "/rounds/{}/invite"),
    ],
)
def test_finding4_huge_ids_are_not_found(env: Any, who: str | None, method: str,
                                         path: str) -> None:  # fmt: skip
    app, _s = env
    c, token = _client(app, who)
    for value in (HUGE, str(2**63), "-1", "0", "1e3", "abc"):
        url = path.format(value)
        if method == "GET":
            r = c.get(url, follow_redirects=False)
        else:
            r = c.post(url, data={"csrf": token}, follow_redirects=False)
        if who is None:
            # Anonymous: the role check comes first, whatever the id.
            assert r.status_code == 303 and r.headers["location"] == "/login", (url, r.status_code)
        else:
            assert r.status_code == 404, (url, r.status_code)


@pytest.mark.parametrize("path", ["/site/a%00b.html", "/static/portal%00.css",
                                  "/registry-site/x%01y", "/decisions/ab%0acd"])  # fmt: skip
def test_finding4_control_characters_in_paths_are_refused(env: Any, path: str) -> None:
    app, _s = env
    c, _ = _client(app, "author")
    r = c.get(path, follow_redirects=False)
    assert r.status_code == 400, (path, r.status_code)
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def _assert_headers(r: Any) -> None:
    assert "default-src 'none'" in r.headers.get("content-security-policy", ""), r.headers
    assert r.headers.get("x-content-type-options") == "nosniff"
    assert r.headers.get("x-frame-options") == "DENY"


def test_finding4_error_pages_carry_security_headers(env: Any, workspace: Path) -> None:
    from fastapi.testclient import TestClient

    from redline.portal.app import create_app

    app, s = env
    c, _ = _client(app, "author")
    _assert_headers(c.get("/no/such/page"))
    _assert_headers(c.get(f"/frameworks/versions/{HUGE}"))
    # A fault inside a route (here a route added to a second app for this test) is a
    # 500 page with the same headers, and no traceback.
    other = create_app(s.settings)

    def boom() -> None:
        raise RuntimeError("secret internals")

    other.add_api_route("/boom", boom)
    r = TestClient(other, raise_server_exceptions=False).get("/boom")
    assert r.status_code == 500
    _assert_headers(r)
    assert "secret internals" not in r.text and "Traceback" not in r.text


def test_finding4_request_bodies_are_capped(env: Any) -> None:
    app, s = env
    c, token = _client(app, "author")
    limit = getattr(s.settings, "max_request_bytes", 2 * 1024 * 1024)
    marker = "UPLOADED-CONTENT-MARKER "
    big = (marker * (limit // len(marker) + 10)).encode()
    n = app.state.portal.ledger.count()
    r = c.post("/frameworks", data={"csrf": token}, files={"file": ("f.yaml", big, "text/yaml")})
    assert r.status_code == 413
    assert "larger than" in r.text
    assert marker not in r.text
    _assert_headers(r)
    # Without a Content-Length (a chunked multipart body, whose file part the form
    # parser would otherwise spool whole) the cap holds too.
    def chunks() -> Iterator[bytes]:
        yield (b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="f.yaml"'
               b"\r\nContent-Type: text/yaml\r\n\r\n")  # fmt: skip
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    r = c.post("/frameworks", content=chunks(),
               headers={"content-type": "multipart/form-data; boundary=XyZ"})  # fmt: skip
    assert r.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in r.request.headers
    assert r.status_code == 413
    assert marker not in r.text
    _assert_headers(r)
    assert app.state.portal.ledger.count() == n


def test_finding4_oversized_framework_is_not_echoed(env: Any) -> None:
    """Under the request cap but over the framework limit: refused, nothing echoed."""
    app, s = env
    c, token = _client(app, "author")
    marker = "ECHO-MARKER-" * 10
    text = ("# " + marker + "\n") * (1_100_000 // (len(marker) + 3))
    assert len(text) < getattr(s.settings, "max_request_bytes", 2 * 1024 * 1024)
    r = c.post("/frameworks", data={"csrf": token},
               files={"file": ("f.yaml", text.encode(), "text/yaml")})  # fmt: skip
    assert r.status_code == 422, r.status_code
    assert "larger than 1 MB" in r.text
    assert marker not in r.text
    # As a form field it is refused by the form parser's own limit, not echoed either.
    r = c.post("/frameworks", data={"csrf": token, "text": text})
    assert r.status_code == 400
    assert marker not in r.text


def test_login_still_works(env: Any) -> None:
    app, _s = env
    c, _ = _client(app)
    r = c.get("/login")
    r = c.post("/login", data={"username": "author", "password": PASSWORD,
                               "csrf": csrf_of(r.text)}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
