"""Fixtures for the portal tests: isolated workspace and keyring per test module."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

PG_ENV = "REDLINE_TEST_POSTGRES_URL"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A workspace and private-key directory of its own (module-scoped)."""
    base = tmp_path_factory.mktemp("portal")
    mp = pytest.MonkeyPatch()
    mp.setenv("REDLINE_HOME", str(base / "ws"))
    mp.setenv("XDG_CONFIG_HOME", str(base / "config"))
    mp.delenv("REDLINE_DATABASE_URL", raising=False)
    mp.delenv("REDLINE_KEY", raising=False)
    try:
        yield base / "ws"
    finally:
        mp.undo()


@pytest.fixture
def pg_database(fresh_pg: str) -> str:
    """A new, empty PostgreSQL database (dropped afterwards)."""
    return fresh_pg
