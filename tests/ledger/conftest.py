"""Fixtures for the ledger tests: an isolated workspace and keyring per test, a recorded
assessment made from the example framework, and a fresh PostgreSQL database per test
when ``REDLINE_TEST_POSTGRES_URL`` is set (scripts/ci-postgres.sh sets it in CI)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger_support import Assessment, make_assessment

from redline.ledger.store import Ledger, open_ledger

PG_ENV = "REDLINE_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own workspace and its own private-key directory."""
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path / "ws"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("REDLINE_DATABASE_URL", raising=False)
    monkeypatch.delenv("REDLINE_KEY", raising=False)
    return tmp_path


@pytest.fixture
def ledger(isolated: Path) -> Iterator[Ledger]:
    lg = open_ledger()
    yield lg
    lg.close()


@pytest.fixture
def assessment(isolated: Path) -> Assessment:
    return make_assessment(isolated / "run")


# ----------------------------------------------------------------- PostgreSQL


def _admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_url(fresh_pg: str) -> str:
    """A new, empty PostgreSQL database for one test (dropped afterwards)."""
    return fresh_pg
