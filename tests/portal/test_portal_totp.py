"""The second factor over HTTP: required for signatories and administrators (no
session before it), optional for others, single-use codes and recovery codes,
secrets encrypted at rest."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from portal_support import PASSWORD, Seed, csrf_of, seed

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def env(workspace: Path) -> Iterator[tuple[Any, Seed]]:
    from redline.portal.app import create_app

    s = seed(workspace)
    app = create_app(s.settings)
    yield app, s
    app.state.portal.close()


def _client(app: Any) -> Any:
    from fastapi.testclient import TestClient

    return TestClient(app, base_url="http://127.0.0.1")


def _password(c: Any, user: str) -> Any:
    r = c.get("/login")
    return c.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf": csrf_of(r.text)},
        follow_redirects=False,
    )


def _secret_on(html: str) -> str:
    m = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert m, "no secret on the enrolment page"
    return m.group(1).replace(" ", "")


def _enrol(c: Any, user: str) -> tuple[str, float, list[str]]:
    """Password, then enrolment at sign-in; returns (secret, when, recovery codes)."""
    r = _password(c, user)
    assert r.status_code == 303 and r.headers["location"] == "/login/enrol"
    page = c.get("/login/enrol")
    assert page.status_code == 200
    secret = _secret_on(page.text)
    assert f"otpauth://totp/redline%20portal:{user}?secret={secret}" in page.text
    when = time.time()
    code = pyotp.TOTP(secret).at(when)
    r = c.post("/login/enrol", data={"code": code, "csrf": csrf_of(page.text)})
    assert r.status_code == 200, r.text[:300]
    codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", r.text)
    assert len(codes) == 10
    return secret, when, codes


def test_signatory_gets_no_session_before_the_second_factor(env: Any) -> None:
    app, s = env
    c = _client(app)
    r = _password(c, "rso")
    assert r.status_code == 303 and r.headers["location"] == "/login/enrol"
    # The password alone opened no session: decisions and sign-off stay closed.
    r = c.get("/decisions", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    page = c.get("/login/enrol")
    bad = c.post("/login/enrol", data={"code": "000000", "csrf": csrf_of(page.text)})
    assert bad.status_code == 400 and "not right" in bad.text
    secret = _secret_on(bad.text)
    r = c.post("/login/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf": csrf_of(bad.text)})
    assert r.status_code == 200 and "Recovery codes" in r.text
    assert c.get("/decisions").status_code == 200
    home = c.get("/")
    did = s.ids["decision"]
    r = c.post(
        f"/decisions/{did}/sign",
        data={"choice": "sign", "csrf": csrf_of(home.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]
    from redline.portal import mfa

    token = c.cookies.get("redline_session")
    assert mfa.session_factor(app.state.portal, token) == "totp"


def test_admin_needs_it_too_and_codes_are_single_use(env: Any) -> None:
    app, _s = env
    c = _client(app)
    secret, when, codes = _enrol(c, "admin")
    c.post("/logout", data={"csrf": csrf_of(c.get("/").text)})
    # Enrolled now: the password leads to the code.
    r = _password(c, "admin")
    assert r.status_code == 303 and r.headers["location"] == "/login/second-factor"
    form = c.get("/login/second-factor")
    # The code of the enrolment's time step was used: it is refused a second time.
    used = pyotp.TOTP(secret).at(when)
    r = c.post("/login/second-factor", data={"code": used, "csrf": csrf_of(form.text)})
    assert r.status_code == 401
    assert c.get("/admin/users", follow_redirects=False).status_code == 303
    # The next step's code (one step of clock drift is allowed) gets in, once.
    nxt = pyotp.TOTP(secret).at(when + 30)
    r = c.post(
        "/login/second-factor",
        data={"code": nxt, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert c.get("/admin/users").status_code == 200
    c.post("/logout", data={"csrf": csrf_of(c.get("/").text)})
    # A recovery code gets in once; the same code again does not.
    for expect in (303, 401):
        _password(c, "admin")
        form = c.get("/login/second-factor")
        r = c.post(
            "/login/second-factor",
            data={"code": codes[0].upper(), "csrf": csrf_of(form.text)},
            follow_redirects=False,
        )
        assert r.status_code == expect
        if expect == 303:
            c.post("/logout", data={"csrf": csrf_of(c.get("/").text)})


def test_wrong_codes_use_up_the_sign_in(env: Any) -> None:
    app, _s = env
    c = _client(app)
    _enrol(c, "board")
    c.post("/logout", data={"csrf": csrf_of(c.get("/").text)})
    _password(c, "board")
    form = c.get("/login/second-factor")
    statuses = []
    for _ in range(5):
        r = c.post("/login/second-factor", data={"code": "123456", "csrf": csrf_of(form.text)})
        statuses.append(r.status_code)
    assert statuses == [401] * 5 and "sign in again" in r.text
    r = c.get("/login/second-factor", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_optional_for_authors(env: Any) -> None:
    app, _s = env
    c = _client(app)
    r = _password(c, "author2")
    assert r.status_code == 303 and r.headers["location"] == "/"
    page = c.get("/account/second-factor/enrol")
    secret = _secret_on(page.text)
    r = c.post(
        "/account/second-factor/enrol",
        data={"code": pyotp.TOTP(secret).now(), "csrf": csrf_of(page.text)},
    )
    assert r.status_code == 200 and "Recovery codes" in r.text
    c.post("/logout", data={"csrf": csrf_of(c.get("/").text)})
    r = _password(c, "author2")
    assert r.headers["location"] == "/login/second-factor"


def test_secrets_and_recovery_codes_at_rest(env: Any) -> None:
    from sqlalchemy import select

    from redline.portal import auth_tables as A
    from redline.portal import mfa

    app, s = env
    p = app.state.portal
    user = p.user_by_name("victim")
    secret = mfa.start_enrolment(p, user)
    codes = mfa.confirm_enrolment(p, user, pyotp.TOTP(secret).now())
    with p.engine.connect() as conn:
        stored = conn.execute(
            select(A.totp_secrets.c.secret).where(A.totp_secrets.c.user_id == user.id)
        ).scalar_one()
        hashes = [
            r.code_hash
            for r in conn.execute(
                select(A.recovery_codes).where(A.recovery_codes.c.user_id == user.id)
            )
        ]
    assert secret not in stored and len(hashes) == 10
    assert not any(code.replace("-", "") in "".join(hashes) for code in codes)
    key = s.settings.keys_dir / mfa.KEY_FILE
    assert key.stat().st_mode & 0o077 == 0


def test_second_factor_on_postgres(pg_database: str, tmp_path: Path) -> None:
    from redline.portal import mfa
    from redline.portal.accounts import needs_second_factor
    from redline.portal.service import Portal
    from redline.portal.settings import Settings

    p = Portal(Settings(workspace=tmp_path / "ws", database_url=pg_database))
    try:
        u = p.add_user("pgadmin", PASSWORD, "admin")
        assert needs_second_factor(u) and not mfa.enrolled(p, u)
        secret = mfa.start_enrolment(p, u)
        when = time.time()
        codes = mfa.confirm_enrolment(p, u, pyotp.TOTP(secret).at(when))
        assert mfa.enrolled(p, u)
        assert mfa.verify(p, u, pyotp.TOTP(secret).at(when)) is None  # used
        assert mfa.verify(p, u, pyotp.TOTP(secret).at(when + 30)) == "totp"
        assert mfa.verify(p, u, codes[3]) == "recovery"
        assert mfa.verify(p, u, codes[3]) is None
        assert mfa.recovery_codes_left(p, u) == 9
        token, purpose = mfa.begin_pending(p, u)
        assert purpose == "verify" and mfa.pending(p, token) == (u, "verify")
        assert [mfa.pending_failed(p, token) for _ in range(5)] == [False] * 4 + [True]
        assert mfa.pending(p, token) is None
    finally:
        p.close()


def test_require_second_factor_refuses_a_session_without_one(env: Any) -> None:
    from fastapi import HTTPException

    from redline.portal import mfa
    from redline.portal.signin import require_second_factor
    from redline.portal.web import Ctx

    app, _s = env
    p = app.state.portal
    rso, author = p.user_by_name("rso"), p.user_by_name("author")
    # A session made without the sign-in (as before this version): refused.
    token, csrf = p.create_session(rso)
    with pytest.raises(HTTPException) as err:
        require_second_factor(Ctx(None, p, rso, csrf, token))  # type: ignore[arg-type]
    assert err.value.status_code == 403
    mfa.record_session_factor(p, token, "totp")
    require_second_factor(Ctx(None, p, rso, csrf, token))  # type: ignore[arg-type]
    # An author needs none.
    token2, csrf2 = p.create_session(author)
    require_second_factor(Ctx(None, p, author, csrf2, token2))  # type: ignore[arg-type]


def test_the_sign_off_route_needs_a_session_that_passed_the_second_factor(env: Any) -> None:
    """A signatory's session made without the second factor (as before it existed) is
    refused by the sign-off route itself, and nothing reaches the ledger; the same
    session, once it records the factor, signs."""
    from redline.portal import mfa
    from redline.portal.web import SESSION_COOKIE

    app, s = env
    p = app.state.portal
    board = p.user_by_name("board")
    token, csrf = p.create_session(board)
    c = _client(app)
    c.cookies.set(SESSION_COOKIE, token)
    did = s.ids["decision"]
    assert c.get(f"/decisions/{did}").status_code == 200  # reading needs no factor
    n = p.ledger.count()
    r = c.post(f"/decisions/{did}/sign", data={"csrf": csrf, "choice": "sign"},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 403 and "second factor" in r.text
    assert p.ledger.count() == n
    mfa.record_session_factor(p, token, "totp")
    r = c.post(f"/decisions/{did}/sign", data={"csrf": csrf, "choice": "sign"},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and p.ledger.count() == n + 1
