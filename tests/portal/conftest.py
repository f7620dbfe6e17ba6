"""Fixtures for the portal tests: isolated workspace and keyring per test module."""

from __future__ import annotations

import os
import sys
import uuid
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
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (dropped afterwards)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (source scripts/ci-postgres.sh; CI always does)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"redline_p_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
