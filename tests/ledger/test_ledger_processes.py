"""Crash safety (SIGKILL at random points while appending) and concurrent appends from
8 processes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from redline.ledger.keys import create_key
from redline.ledger.store import open_ledger
from redline.ledger.verify import verify_ledger

WRITER = Path(__file__).with_name("ledger_writer.py")
TRIALS = 24


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check_intact(committed: set[int]) -> int:
    with open_ledger(create=False) as lg:
        report = verify_ledger(lg)
        assert report.ok, report.problem
        entries = list(lg.entries())
    seqs = [e.seq for e in entries]
    assert seqs == list(range(1, len(seqs) + 1))
    assert committed <= set(seqs), "a commit the writer reported is gone"
    batches = Counter(e.data()["batch"] for e in entries if "batch" in e.data())
    assert all(n == 3 for n in batches.values()), "a batch is partly present"
    return len(seqs)


def test_sigkill_while_appending_leaves_a_ledger_that_verifies(isolated: Path) -> None:
    rng = random.Random(20260101)
    committed: set[int] = set()
    sizes = []
    for trial in range(TRIALS):
        proc = _spawn("crash", "redline-local")
        assert proc.stdout is not None
        if trial % 4 == 0:
            # Anywhere from start-up through creating the ledger, key and first entries.
            time.sleep(rng.uniform(0.0, 1.5))
        else:
            line = proc.stdout.readline()
            assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
            time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        stdout, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        for line in stdout.splitlines():
            if line.startswith("committed"):
                committed.update(int(x) for x in line.split()[1:])
        if (isolated / "ws" / "ledger.db").exists():
            sizes.append(_check_intact(committed))
    assert sizes and sizes[-1] > 20, "the writers barely wrote: the test proves little"
    # Killed writers leave at most temporary files; no evidence file is partial.
    with open_ledger(create=False) as lg:
        assert verify_ledger(lg, check_evidence=True).ok


def _burst(n_writers: int, per_writer: int) -> None:
    with open_ledger() as lg:
        create_key(lg, "admin")
        for w in range(n_writers):
            create_key(lg, f"w{w}", by="admin")
        start = lg.count()
    procs = [_spawn("burst", f"w{w}", str(per_writer)) for w in range(n_writers)]
    for p in procs:
        assert p.stdout is not None
        line = p.stdout.readline()
        assert line.strip() == "ready", p.stderr.read() if p.stderr else line
    for p in procs:  # start them together
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        _, errors = p.communicate(timeout=300)
        assert p.returncode == 0, errors
    with open_ledger(create=False) as lg:
        report = verify_ledger(lg)
        assert report.ok, report.problem
        entries = list(lg.entries())
    assert len(entries) == start + n_writers * per_writer
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    got = Counter(json.loads(e.payload).get("writer") for e in entries[start:])
    assert got == {f"w{w}": per_writer for w in range(n_writers)}


def test_eight_processes_append_at_once_to_sqlite(isolated: Path) -> None:
    _burst(8, 40)


def test_eight_processes_append_at_once_to_postgresql(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDLINE_DATABASE_URL", pg_url)
    _burst(8, 40)
    assert os.environ["REDLINE_DATABASE_URL"] == pg_url


def _open_at_once(n: int) -> None:
    procs = [_spawn("open") for _ in range(n)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, errors = p.communicate(timeout=120)
        assert p.returncode == 0, errors
        assert out.strip().endswith("opened 0")


def test_processes_creating_a_new_sqlite_ledger_at_once_migrate_it_once(isolated: Path) -> None:
    _open_at_once(6)
    with open_ledger(create=False) as lg:
        assert lg.count() == 0


def test_processes_creating_a_new_postgresql_ledger_at_once_migrate_it_once(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDLINE_DATABASE_URL", pg_url)
    _open_at_once(6)
