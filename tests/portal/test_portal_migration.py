"""Ledger migration 0005: the portal's sign-in tables are made by a migration, the same
way on SQLite and PostgreSQL, and the unused ``portal_rate_limits`` table goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from redline.portal import auth_tables as A

SIGN_IN = [A.throttle, A.totp_secrets, A.recovery_codes, A.pending, A.session_factors,
           A.oidc_identities, A.oidc_pending]  # fmt: skip


def _at_0004(url: str, *, early: bool) -> None:
    """A ledger schema at 0004, as deployed before; ``early``: with the throttle table
    that the portal used to create on first use."""
    from alembic import command
    from alembic.config import Config

    from redline.ledger.store import MIGRATIONS

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0004")
        if early:
            A.metadata.create_all(engine, tables=[A.throttle])
        assert "portal_rate_limits" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0005_makes_the_sign_in_tables(backend: str, tmp_path: Path,
                                       request: pytest.FixtureRequest) -> None:  # fmt: skip
    from redline.ledger.store import SCHEMA_HEAD, open_ledger

    url = (f"sqlite:///{tmp_path / 'ledger.db'}" if backend == "sqlite"
           else request.getfixturevalue("pg_database"))  # fmt: skip
    _at_0004(url, early=backend == "sqlite")
    with open_ledger(tmp_path / "ws", url) as lg:
        insp = inspect(lg.engine)
        names = set(insp.get_table_names())
        assert SCHEMA_HEAD == "0005"
        assert "portal_rate_limits" not in names
        for t in SIGN_IN:
            assert t.name in names
            cols = {c["name"] for c in insp.get_columns(t.name)}
            assert cols == set(t.c.keys()), t.name
        idx = {i["name"] for i in insp.get_indexes("portal_recovery_codes")}
        assert "ix_portal_recovery_codes_user_id" in idx
