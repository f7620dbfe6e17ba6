"""The ledger on PostgreSQL: the same library, the same checks (REDLINE_TEST_POSTGRES_URL)."""

from __future__ import annotations

import pytest
from ledger_support import Assessment
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from redline.ledger.chain import EntryKind
from redline.ledger.keys import Keyring, create_key, revoke_key
from redline.ledger.record import record_assessment
from redline.ledger.signoff import decision_status, sign_decision
from redline.ledger.store import SCHEMA_HEAD, open_ledger
from redline.ledger.verify import verify_ledger


@pytest.fixture
def pg(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("REDLINE_DATABASE_URL", pg_url)
    return pg_url


def test_full_flow_on_postgresql(pg: str, assessment: Assessment) -> None:
    with open_ledger() as lg:
        assert lg.dialect == "postgresql"
        alice, _ = create_key(lg, "alice")
        bob, _ = create_key(lg, "bob", by="alice")
        _, did = record_assessment(
            lg, assessment.framework, assessment.results, assessment.decision, assessment.logs,
            "alice",
        )  # fmt: skip
        sign_decision(lg, did, "rso", alice)
        sign_decision(lg, did, "safety-board", bob, dissent="close call")
        assert decision_status(lg, did[:8]).final
        revoke_key(lg, "alice", bob)
        report = verify_ledger(lg)
        assert report.ok and report.entries == 8 and report.evidence_checked == 5
    engine = create_engine(pg)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
    engine.dispose()


def test_postgresql_refuses_edits_and_verify_finds_them_when_forced(pg: str) -> None:
    with open_ledger() as lg:
        alice, _ = create_key(lg, "alice")
        assert lg.append_many([], alice) == []  # an empty append is a no-op
        for i in range(20):
            lg.append(EntryKind.REVIEW_COMMENT, {"i": i}, alice)
    engine = create_engine(pg, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for sql in ("UPDATE ledger_entries SET actor = 'x'", "DELETE FROM ledger_entries",
                    "TRUNCATE ledger_entries"):  # fmt: skip
            with pytest.raises(DBAPIError, match="append-only"):
                conn.execute(text(sql))
        # An administrator can switch the triggers off; the chain still tells.
        conn.execute(text("ALTER TABLE ledger_entries DISABLE TRIGGER USER"))
        conn.execute(
            text("UPDATE ledger_entries SET payload = :p WHERE seq = 7"), {"p": '{"i":99}'}
        )
    engine.dispose()
    with open_ledger() as lg:
        report = verify_ledger(lg)
    assert report.problem is not None and report.problem.seq == 7
    assert "hash does not match" in report.problem.message
    assert Keyring().exists("alice")
