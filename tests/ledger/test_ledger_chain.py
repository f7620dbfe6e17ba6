"""Entry hashing and canonical JSON; the store: migrations, WAL, append, evidence."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.ledger.chain import (
    GENESIS_PREV_HASH,
    EntryKind,
    canonical_json,
    entry_hash,
    hash_input,
)
from redline.ledger.errors import LedgerError
from redline.ledger.keys import Keyring, create_key
from redline.ledger.store import MIGRATIONS, SCHEMA_HEAD, Ledger, open_ledger

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def test_rfc8785_number_and_ordering_examples() -> None:
    # From RFC 8785 section 3.2.2/3.2.3: ES6 number forms, keys sorted by UTF-16 units.
    assert canonical_json({"b": 1, "a": [1e30, 4.5, 0.002, 1e-27]}) == (
        b'{"a":[1e+30,4.5,0.002,1e-27],"b":1}'
    )
    assert canonical_json({"\u20ac": 1, "\r": 2, "1": 3}) == '{"\\r":2,"1":3,"\u20ac":1}'.encode()


@settings(max_examples=150, deadline=None)
@given(
    payload=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
    actor=st.text(max_size=12),
    kind=st.text(max_size=12),
    seq=st.integers(min_value=1, max_value=2**53 - 1),
)
def test_spliced_encoding_equals_canonical_json_of_the_whole(
    payload: dict[str, object], actor: str, kind: str, seq: int
) -> None:
    """The fast path that splices the stored payload text is exactly RFC 8785."""
    text = rfc8785.dumps(payload).decode()
    fields = {
        "seq": seq, "time": "2026-01-01T00:00:00.000000Z", "kind": kind, "actor": actor,
        "key_id": "ab" * 32, "prev_hash": GENESIS_PREV_HASH,
    }  # fmt: skip
    whole = rfc8785.dumps({**fields, "payload": payload})
    assert hash_input(payload=text, **fields) == whole  # type: ignore[arg-type]
    assert entry_hash(payload=text, **fields) == hashlib.sha256(whole).hexdigest()  # type: ignore[arg-type]


def test_schema_head_matches_the_migration_files() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


def test_new_ledger_is_sqlite_in_wal_mode_under_redline_home(
    ledger: Ledger, isolated: Path
) -> None:
    db = isolated / "ws" / "ledger.db"
    assert db.exists()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    con.close()


def test_default_workspace_is_dot_redline_in_cwd(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("REDLINE_HOME")
    monkeypatch.chdir(tmp_path)
    with open_ledger():
        pass
    assert (tmp_path / ".redline" / "ledger.db").exists()


def test_read_only_open_of_missing_ledger_is_an_error(isolated: Path) -> None:
    with pytest.raises(LedgerError, match="no ledger at"):
        open_ledger(create=False)
    assert not (isolated / "ws").exists()


def test_reopen_skips_migrations_and_keeps_entries(ledger: Ledger) -> None:
    key, _ = create_key(ledger, "alice")
    ledger.append(EntryKind.REVIEW_COMMENT, {"text": "x"}, key)
    with open_ledger() as again:
        assert again.count() == 2
        assert again.head() == ledger.head()


def test_append_links_and_signs(ledger: Ledger) -> None:
    key, first = create_key(ledger, "alice")
    assert first is not None and first.seq == 1 and first.prev_hash == GENESIS_PREV_HASH
    e = ledger.append(EntryKind.REVIEW_COMMENT, {"text": "héllo", "n": 1.5}, key)
    assert e.seq == 2 and e.prev_hash == first.hash
    assert e.payload == canonical_json({"text": "héllo", "n": 1.5}).decode()
    assert e.computed_hash() == e.hash
    key.public.verify(bytes.fromhex(e.signature), bytes.fromhex(e.hash))
    assert e.time >= first.time and e.time.endswith("Z")
    assert [x.seq for x in ledger.entries()] == [1, 2]
    assert [x.seq for x in ledger.entries(kinds=["review_comment"])] == [2]
    assert ledger.by_hash_prefix(e.hash[:8]) == [e]


def test_append_many_is_all_or_nothing(ledger: Ledger) -> None:
    from redline.ledger.store import Pending

    key, _ = create_key(ledger, "alice")

    def boom(_: object) -> dict[str, object]:
        raise RuntimeError("builder failed")

    with pytest.raises(RuntimeError):
        ledger.append_many(
            [
                Pending(EntryKind.REVIEW_COMMENT, {"text": "a"}),
                Pending(EntryKind.REVIEW_COMMENT, boom),
            ],
            key,
        )
    assert ledger.count() == 1
    made = ledger.append_many(
        [
            Pending(EntryKind.REVIEW_COMMENT, {"text": "a"}),
            Pending(EntryKind.REVIEW_COMMENT, lambda m: {"after": m[-1].hash}),
        ],
        key,
    )
    assert json.loads(made[1].payload)["after"] == made[0].hash


def test_database_refuses_updates_and_deletes(ledger: Ledger, isolated: Path) -> None:
    create_key(ledger, "alice")
    con = sqlite3.connect(isolated / "ws" / "ledger.db")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE ledger_entries SET actor = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM ledger_entries")
    con.close()


def test_evidence_store_is_content_addressed(ledger: Ledger, tmp_path: Path) -> None:
    src = tmp_path / "log.eval"
    src.write_bytes(b"evidence")
    digest = ledger.evidence.put_file(src)
    assert digest == hashlib.sha256(b"evidence").hexdigest()
    path = ledger.evidence.path(digest)
    assert path == ledger.workspace / "evidence" / "sha256" / digest[:2] / digest
    assert path.read_bytes() == b"evidence"
    assert ledger.evidence.put_bytes(b"evidence") == digest
    assert ledger.evidence.check(digest) == "ok"
    assert ledger.evidence.check("0" * 64) == "missing"
    assert not list((ledger.workspace / "evidence" / "tmp").iterdir())


def test_postgres_style_url_maps_to_psycopg() -> None:
    from redline.ledger.store import _normalise_url

    assert _normalise_url("postgresql://u@127.0.0.1/db").drivername == "postgresql+psycopg"


def test_unsupported_database_is_a_clear_error() -> None:
    with pytest.raises(LedgerError, match="unsupported database"):
        Ledger("mysql://u@127.0.0.1/db", Path("."))


def test_keyring_dir_honours_xdg(isolated: Path) -> None:
    assert Keyring().dir == isolated / "config" / "redline" / "keys"


def test_worked_example_in_docs_security_md_is_right() -> None:
    """docs/security.md promises a third party can re-implement verification from it."""
    import base64
    import re

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from redline.ledger.rules import key_id_of, public_raw

    doc = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()
    shown = dict(re.findall(r"^(public key \(base64\)|key_id|JCS\(E\)|hash|signature):\s+(\S+)$",
                            doc, re.M))  # fmt: skip
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    raw = public_raw(key.public_key())
    assert shown["public key (base64)"] == base64.b64encode(raw).decode()
    assert shown["key_id"] == key_id_of(raw)
    fields = json.loads(shown["JCS(E)"])
    payload = canonical_json(fields.pop("payload")).decode()
    assert hash_input(payload=payload, **fields).decode() == shown["JCS(E)"]
    assert entry_hash(payload=payload, **fields) == shown["hash"]
    assert key.sign(bytes.fromhex(shown["hash"])).hex() == shown["signature"]


def test_sequence_numbers_are_unique_in_the_database(ledger: Ledger, isolated: Path) -> None:
    """The last line of defence if a writer ever skipped the append lock."""
    create_key(ledger, "alice")
    con = sqlite3.connect(isolated / "ws" / "ledger.db")
    row = con.execute("SELECT * FROM ledger_entries WHERE seq = 1").fetchone()
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        con.execute(
            "INSERT INTO ledger_entries VALUES (?,?,?,?,?,?,?,?,?)",
            (1, *row[1:7], "f" * 64, row[8]),
        )
    con.close()
