"""A bounded load test: 20 concurrent reviewers of three bodies, invited to two labs'
rounds, commenting against `redline serve` on 127.0.0.1 (SQLite, and PostgreSQL when
REDLINE_TEST_POSTGRES_URL is set). No error responses, no round shown to a reviewer
not invited to it, no lost comments, and the ledger verifies. The full 60-second run is
benchmarks/portal_load.py; numbers in docs/performance.md. No assertion on time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from portal_load import run

SECONDS = 5


def _check(result: dict[str, object]) -> None:
    assert result["error_count"] == 0, result["errors"]
    assert result["comments"], "no comment went through"
    assert result["lost"] == 0
    assert result["leaks"] == 0
    assert result["indexed"] == result["comments"]
    assert result["ledger_ok"]


@pytest.mark.usefixtures("workspace")
def test_load_sqlite() -> None:
    _check(run(20, SECONDS, None))


@pytest.mark.usefixtures("workspace")
def test_load_postgres(pg_database: str) -> None:
    _check(run(20, SECONDS, pg_database))
