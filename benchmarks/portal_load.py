"""Load on the review portal: N concurrent trusted reviewers commenting for T seconds.

    python benchmarks/portal_load.py [--reviewers 100] [--seconds 60] [--database-url URL]

Starts ``redline serve`` (uvicorn, one process) on 127.0.0.1 on a free port against a
fresh workspace (SQLite, or PostgreSQL with --database-url / $REDLINE_TEST_POSTGRES_URL
via --postgres). Two labs each record a framework and open a review round; N reviewers
from three reviewing bodies (an AI safety institute, a government, a regulator) are
invited, alternately to one lab's round or the other's. Each posts signed comments
(each one a ``review_comment`` ledger entry) as fast as the server answers, and every
tenth request instead opens the *other* lab's round, which must answer 404. Then
checks: no error responses, no round shown to a reviewer not invited to it, every
accepted comment is in the ledger and in the portal's index, and the ledger verifies.
Prints throughput and latency percentiles of the comments (JSON with --json). Results
are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "frontier-framework.yaml"
PASSWORD = "load test password 123"
ELEMENTS = [
    "level:bio-high",
    "level:cyber-high",
    "safeguard:refusal-training",
    "rule:halt-deployment",
    "framework",
    "governance",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


BODIES = [("aisi", "AI Safety Institute", "aisi"), ("gov", "Ministry of Science", "government"),
          ("regulator", "Frontier AI Regulator", "regulator")]


def prepare(workspace: Path, url: str | None, reviewers: int) -> dict[str, tuple[int, int]]:
    """Two labs with a framework and an open round each, three reviewing bodies, and
    the reviewers: name -> (their round, the other lab's round)."""
    from redline.portal.service import Portal
    from redline.portal.settings import Settings

    p = Portal(Settings(workspace=workspace, database_url=url, secure_cookies=False))
    try:
        text = EXAMPLE.read_text(encoding="utf-8")
        for slug, name, kind in [("lab-a", "Lab A", "lab"), ("lab-b", "Lab B", "lab"), *BODIES]:
            p.add_organisation(slug, name, kind)
        people = [
            p.add_user(f"rev{i:03d}", PASSWORD, "reviewer", organisation=BODIES[i % 3][0])
            for i in range(reviewers)
        ]
        rounds = []
        for lab in ("a", "b"):
            author = p.add_user(f"author-{lab}", PASSWORD, "author", organisation=f"lab-{lab}")
            fw = text.replace("id: larkspur-fsf", f"id: fsf-{lab}", 1)
            vid, loaded = p.upload_version(author, fw)
            assert vid is not None, loaded.problems
            mine = [u.id for i, u in enumerate(people) if i % 2 == len(rounds)]
            rounds.append(p.open_round(author, vid, mine))
        return {u.username: (rounds[i % 2], rounds[1 - i % 2]) for i, u in enumerate(people)}
    finally:
        p.close()


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    if not m:
        raise RuntimeError("no CSRF token on the page")
    return m.group(1)


def _reviewer(
    base: str, name: str, rounds: tuple[int, int], seconds: float, ready: threading.Barrier,
    out: dict[str, Any],
) -> None:  # fmt: skip
    round_id, other = rounds
    with httpx.Client(base_url=base, timeout=60) as c:
        try:
            r = c.get("/login")
            r = c.post("/login", data={"username": name, "password": PASSWORD,
                                       "csrf": _csrf(r.text)})  # fmt: skip
            if r.status_code != 303:
                raise RuntimeError(f"sign-in {r.status_code}")
            token = _csrf(c.get("/").text)
        except (httpx.HTTPError, RuntimeError) as exc:
            # A reviewer that cannot start breaks the barrier, so that the others
            # stop too rather than wait for it forever.
            out["errors"].append(f"{name}: {type(exc).__name__}: {exc}")
            ready.abort()
            return
        # Sign-ins (Argon2) are not part of the measurement: the clock starts when
        # every reviewer is signed in.
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            return
        stop = out["start"] + seconds
        i = 0
        while time.monotonic() < stop:
            if i % 10 == 9:
                r = c.get(f"/reviews/{other}")
                if r.status_code != 404:
                    out["leaks"].append(f"{name}: round {other} answered {r.status_code}")
                i += 1
                continue
            text = f"{name} comment {i}: the evidence standard needs a stated margin."
            t0 = time.perf_counter()
            r = c.post(f"/reviews/{round_id}/comments", follow_redirects=False, data={
                "csrf": token, "element": ELEMENTS[i % len(ELEMENTS)], "text": text})  # fmt: skip
            dt = time.perf_counter() - t0
            if r.status_code != 303:
                out["errors"].append(f"{name}: {r.status_code}")
            else:
                out["latencies"].append(dt)
                out["texts"].add(text)
            i += 1


def run(reviewers: int, seconds: float, url: str | None) -> dict[str, Any]:
    from sqlalchemy import func, select

    from redline.ledger.store import open_ledger
    from redline.ledger.verify import verify_ledger
    from redline.portal.tables import comments

    with tempfile.TemporaryDirectory(prefix="redline-load-") as d:
        ws = Path(d) / "ws"
        env = {**os.environ, "REDLINE_HOME": str(ws), "XDG_CONFIG_HOME": str(Path(d) / "cfg")}
        env.pop("REDLINE_KEY", None)
        if url:
            env["REDLINE_DATABASE_URL"] = url
        else:
            env.pop("REDLINE_DATABASE_URL", None)
        saved = {k: os.environ.get(k) for k in ("REDLINE_HOME", "XDG_CONFIG_HOME")}
        os.environ.update({k: env[k] for k in saved})
        try:
            rounds = prepare(ws, url, reviewers)
            port = _free_port()
            server = subprocess.Popen(
                [str(Path(sys.executable).parent / "redline"), "serve", "--port", str(port),
                 "--insecure-dev-cookies"], env=env, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        httpx.get(base + "/login", timeout=2)
                        break
                    except httpx.HTTPError:
                        if time.monotonic() > deadline or server.poll() is not None:
                            raise RuntimeError("the portal did not start") from None
                        time.sleep(0.1)
                out: dict[str, Any] = {"errors": [], "latencies": [], "texts": set(),
                                       "leaks": []}  # fmt: skip

                def go() -> None:
                    out["start"] = time.monotonic()

                ready = threading.Barrier(reviewers, action=go)
                threads = [
                    threading.Thread(
                        target=_reviewer,
                        args=(base, name, rounds[name], seconds, ready, out),
                    )
                    for name in rounds
                ]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                elapsed = time.monotonic() - out.get("start", time.monotonic())
            finally:
                server.terminate()
                server.wait(timeout=30)
            with open_ledger(ws, url) as lg:
                in_ledger = {e.data()["text"] for e in lg.entries(kinds=["review_comment"])}
                with lg.engine.connect() as conn:
                    indexed = int(conn.execute(select(func.count()).select_from(comments))
                                  .scalar_one())  # fmt: skip
                report = verify_ledger(lg)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    lat = sorted(out["latencies"])
    n = len(lat)
    return {
        "backend": "postgresql" if url else "sqlite",
        "reviewers": reviewers,
        "organisations": len(BODIES),
        "seconds": round(elapsed, 1),
        "comments": n,
        "errors": out["errors"][:10],
        "error_count": len(out["errors"]),
        "lost": len(out["texts"] - in_ledger),
        "leaks": len(out["leaks"]),
        "indexed": indexed,
        "throughput_per_s": round(n / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(1000 * statistics.median(lat), 1) if n else None,
        "p95_ms": round(1000 * lat[int(0.95 * (n - 1))], 1) if n else None,
        "max_ms": round(1000 * lat[-1], 1) if n else None,
        "ledger_ok": bool(report.ok),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reviewers", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    ap.add_argument(
        "--postgres",
        action="store_true",
        help="also run against $REDLINE_TEST_POSTGRES_URL (a fresh database)",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = [run(args.reviewers, args.seconds, args.database_url)]
    if args.postgres and os.environ.get("REDLINE_TEST_POSTGRES_URL"):
        import uuid

        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        base = os.environ["REDLINE_TEST_POSTGRES_URL"]
        name = f"redline_load_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(base).set(database=name).render_as_string(hide_password=False)
            results.append(run(args.reviewers, args.seconds, url))
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'backend':11} {'reviewers':>9} {'s':>5} {'comments':>8} {'per s':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'errors':>6} {'lost':>4} {'leaks':>5} ledger")  # fmt: skip
    for r in results:
        print(
            f"{r['backend']:11} {r['reviewers']:>9} {r['seconds']:>5} {r['comments']:>8} "
            f"{r['throughput_per_s']:>7} {r['p50_ms']!s:>7} {r['p95_ms']!s:>7} "
            f"{r['error_count']:>6} {r['lost']:>4} {r['leaks']:>5} "
            f"{'verifies' if r['ledger_ok'] else 'BROKEN'}"
        )
    if any(r["error_count"] or r["lost"] or r["leaks"] or not r["ledger_ok"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
