"""Finding 3 of the security review: the sign-in lockout locked everyone out.

Sign-in throttling is keyed on account and address together and answers with a
progressive delay, never with a refusal of the right password; ``redline serve
--forwarded-allow-ips`` makes the client address the real one behind a proxy."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from portal_support import PASSWORD, csrf_of, free_port, seed

from redline.portal.accounts import RateLimited
from redline.portal.app import create_app
from redline.portal.settings import Settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def settings(workspace: Path) -> Settings:
    return seed(workspace).settings


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    from sqlalchemy import delete

    from redline.portal.throttle import Policy, Throttle, throttle_table

    application = create_app(settings)
    # Small delays keep the test quick; the rule is the same as with the defaults.
    application.state.login_throttle = Throttle(
        application.state.portal.ledger,
        Policy(free_failures=3, base_delay_s=0.01, max_delay_s=0.05, window_s=900),
    )
    with application.state.portal.ledger.write() as conn:
        conn.execute(delete(throttle_table))
    yield application
    application.state.portal.close()


def _client(app: Any, address: str) -> Any:
    from fastapi.testclient import TestClient

    return TestClient(app, base_url="http://127.0.0.1", client=(address, 40000))


def _attempt(c: Any, user: str, password: str) -> Any:
    r = c.get("/login")
    return c.post(
        "/login",
        data={"username": user, "password": password, "csrf": csrf_of(r.text)},
        follow_redirects=False,
    )


def test_attackers_guesses_do_not_lock_the_owner_out(app: Any) -> None:
    attacker = _client(app, "198.51.100.9")
    # More wrong guesses than the old per-account (5) and per-address (20) limits,
    # against the owner's account and against others from the same address.
    for _ in range(8):
        assert _attempt(attacker, "victim", "wrong password!").status_code == 401
    for name in ("author", "author2", "no-such-user") * 6:
        assert _attempt(attacker, name, "wrong password!").status_code == 401
    owner = _client(app, "203.0.113.5")
    r = _attempt(owner, "victim", PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/"
    # Another user behind no proxy, from a third address, is not blocked either.
    assert _attempt(_client(app, "192.0.2.44"), "author", PASSWORD).status_code == 303


def test_right_password_after_failures_gets_in(app: Any) -> None:
    c = _client(app, "198.51.100.10")
    for _ in range(7):
        assert _attempt(c, "author2", "wrong password!").status_code == 401
    # The same address and account: delayed, not refused.
    r = _attempt(c, "author2", PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_delay_grows_with_failures_of_the_pair(app: Any) -> None:
    thr = app.state.login_throttle
    t, waits = 1_000_000.0, []
    for _ in range(7):  # a client that waits exactly as long as it is told
        wait = thr.reserve("victim", "198.51.100.11", t)
        waits.append(round(wait.pair_s, 6))
        t += wait.total_s
        thr.failed("victim", "198.51.100.11", t)
    assert waits == [0, 0, 0, 0.01, 0.02, 0.04, 0.05]
    # Another address for the same account starts with no pair delay.
    assert thr.reserve("victim", "198.51.100.12", t).pair_s == 0
    # Requests of one pair sent at once queue behind each other, up to a limit.
    assert thr.reserve("victim", "198.51.100.11", t).pair_s > waits[-1] - 1e-9
    with pytest.raises(RateLimited) as err:
        for _ in range(5):
            thr.reserve("victim", "198.51.100.11", t)
    assert err.value.retry_after_s == 1  # type: ignore[attr-defined]
    # Failures older than the window are forgotten.
    assert thr.reserve("victim", "198.51.100.11", t + 2000).pair_s == 0


def test_wrong_password_counts_and_unknown_names_look_the_same(app: Any) -> None:
    c = _client(app, "198.51.100.13")
    unknown, wrong = (
        _attempt(c, "no-such-user", "wrong password!"),
        _attempt(c, "victim", "wrong password!"),
    )
    assert unknown.status_code == wrong.status_code == 401
    strip = lambda t: t.replace("no-such-user", "U").replace("victim", "U")  # noqa: E731
    assert strip(unknown.text).replace(csrf_of(unknown.text), "") == strip(wrong.text).replace(
        csrf_of(wrong.text), ""
    )


def _serve(app: Any, **options: Any) -> Iterator[str]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _addresses_seen(app: Any) -> set[str]:
    from sqlalchemy import select

    from redline.portal.throttle import throttle_table

    with app.state.portal.engine.connect() as conn:
        keys = [r.key for r in conn.execute(select(throttle_table.c.key))]
    return {k.split("\n", 1)[1] for k in keys if k.startswith("pair:")}


@pytest.mark.parametrize("trusted", [True, False])
def test_forwarded_for_only_from_a_trusted_proxy(app: Any, trusted: bool) -> None:
    from redline.portal.commands import uvicorn_options

    allow = "127.0.0.1" if trusted else "10.1.2.3"
    options = uvicorn_options("127.0.0.1", 0, allow)
    options.pop("port")
    assert options["proxy_headers"] is True
    for url in _serve(app, **options):
        with httpx.Client(base_url=url) as c:
            r = c.get("/login")
            c.post(
                "/login",
                headers={"X-Forwarded-For": "203.0.113.77"},
                data={"username": "victim", "password": "wrong password!", "csrf": csrf_of(r.text)},
            )
    seen = _addresses_seen(app)
    assert seen == ({"203.0.113.77"} if trusted else {"127.0.0.1"})


def test_serve_without_the_option_trusts_no_proxy() -> None:
    from redline.portal.commands import uvicorn_options

    options = uvicorn_options("127.0.0.1", 8000, None)
    assert options["proxy_headers"] is False


def test_serve_documents_the_option() -> None:
    from typer.testing import CliRunner

    from redline.cli import app

    out = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).output
    assert "--forwarded-allow-ips" in out


def test_throttle_on_postgres(pg_database: str, tmp_path: Path) -> None:
    from redline.portal.service import Portal
    from redline.portal.throttle import Policy, Throttle

    p = Portal(Settings(workspace=tmp_path / "ws", database_url=pg_database))
    try:
        thr = Throttle(p.ledger, Policy(free_failures=2, base_delay_s=1, max_delay_s=4))
        t = 5_000.0
        waits = []
        for _ in range(5):
            w = thr.reserve("admin", "192.0.2.1", t)
            waits.append(w.pair_s)
            t += w.total_s
            thr.failed("admin", "192.0.2.1", t)
        assert waits == [0, 0, 1, 2, 4]
        thr.succeeded("admin", "192.0.2.1")
        assert thr.reserve("admin", "192.0.2.1", t).pair_s == 0
    finally:
        p.close()
