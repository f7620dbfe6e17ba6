"""Keys: files on disk, the bootstrap, admission by a registered key, revocation."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from redline.ledger.chain import EntryKind
from redline.ledger.errors import LedgerError
from redline.ledger.keys import (
    DEFAULT_KEY_NAME,
    Keyring,
    create_key,
    list_keys,
    register_key,
    revoke_key,
    signing_key,
)
from redline.ledger.store import Ledger
from redline.ledger.verify import verify_ledger


def test_private_key_file_is_0600_and_never_overwritten(ledger: Ledger) -> None:
    key, entry = create_key(ledger, "alice")
    path = Keyring().path("alice")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="refusing to overwrite"):
        Keyring().create("alice")
    assert path.read_bytes() == before
    assert Keyring().load("alice").key_id == key.key_id
    assert entry is not None and entry.kind == "key_registered" and entry.actor == "alice"


def test_group_readable_key_is_refused(ledger: Ledger) -> None:
    create_key(ledger, "alice")
    path = Keyring().path("alice")
    path.chmod(0o644)
    with pytest.raises(LedgerError, match="chmod 600"):
        Keyring().load("alice")


@pytest.mark.parametrize("name", ["", "-x", "a/b", "../up", "x" * 65, "sp ace"])
def test_bad_key_names_are_refused(ledger: Ledger, name: str) -> None:
    with pytest.raises(LedgerError, match="invalid key name"):
        create_key(ledger, name)


def test_second_key_needs_admission_by_a_registered_key(ledger: Ledger) -> None:
    create_key(ledger, "alice")
    bob, entry = create_key(ledger, "bob")
    assert entry is None  # created locally, not registered
    with pytest.raises(LedgerError, match="not registered"):
        ledger.append(EntryKind.REVIEW_COMMENT, {"text": "hi"}, bob)
    # Self-registration after the bootstrap is refused.
    with pytest.raises(LedgerError, match="not registered"):
        register_key(ledger, "bob", bob.public, bob)
    alice = Keyring().load("alice")
    reg = register_key(ledger, "bob", bob.public, alice)
    assert reg.actor == "alice"
    assert ledger.append(EntryKind.REVIEW_COMMENT, {"text": "hi"}, bob).actor == "bob"
    _carol, carol_entry = create_key(ledger, "carol", by="bob")
    assert carol_entry is not None and carol_entry.actor == "bob"
    assert verify_ledger(ledger).ok


def test_revoked_key_signs_nothing_after_its_revocation(ledger: Ledger) -> None:
    alice, _ = create_key(ledger, "alice")
    bob, _ = create_key(ledger, "bob", by="alice")
    ledger.append(EntryKind.REVIEW_COMMENT, {"text": "before"}, alice)
    rev = revoke_key(ledger, "alice", alice, reason="laptop lost")
    with pytest.raises(LedgerError, match="revoked at entry"):
        ledger.append(EntryKind.REVIEW_COMMENT, {"text": "after"}, alice)
    with pytest.raises(LedgerError, match="already revoked"):
        revoke_key(ledger, "alice", bob)
    rows = {r["name"]: r for r in list_keys(ledger)}
    assert rows["alice"]["status"] == "revoked" and rows["alice"]["revoked_seq"] == rev.seq
    assert rows["alice"]["reason"] == "laptop lost"
    assert rows["bob"]["status"] == "active" and rows["bob"]["local"]
    assert verify_ledger(ledger).ok  # entries before the revocation stay valid


def test_last_active_key_cannot_be_revoked(ledger: Ledger) -> None:
    alice, _ = create_key(ledger, "alice")
    with pytest.raises(LedgerError, match="last key"):
        revoke_key(ledger, "alice", alice)


def test_name_is_reusable_after_revocation_with_a_new_key(ledger: Ledger, isolated: Path) -> None:
    alice, _ = create_key(ledger, "alice")
    bob, _ = create_key(ledger, "bob", by="alice")
    revoke_key(ledger, "alice", bob)
    other = Keyring(isolated / "elsewhere").create("alice")
    register_key(ledger, "alice", other.public, bob)
    with pytest.raises(LedgerError, match="already registered"):
        register_key(ledger, "alice2", alice.public, bob)  # a revoked key stays revoked
    assert ledger.append(EntryKind.REVIEW_COMMENT, {"t": 1}, other).actor == "alice"


def test_default_key_is_created_on_first_use(ledger: Ledger) -> None:
    key = signing_key(ledger)
    assert key.name == DEFAULT_KEY_NAME
    assert Keyring().exists(DEFAULT_KEY_NAME)
    assert ledger.key_registry().keys[key.key_id].name == DEFAULT_KEY_NAME
    assert signing_key(ledger).key_id == key.key_id  # reused, not recreated


def test_default_key_is_not_created_when_the_user_has_keys(ledger: Ledger) -> None:
    create_key(ledger, "alice")
    with pytest.raises(LedgerError, match="no key named 'redline-local'"):
        signing_key(ledger)
    assert signing_key(ledger, "alice").name == "alice"


def test_no_local_key_and_a_ledger_with_keys(ledger: Ledger, isolated: Path) -> None:
    Keyring(isolated / "someone-else").create("admin")
    register_key(ledger, "admin", Keyring(isolated / "someone-else").load("admin").public,
                 Keyring(isolated / "someone-else").load("admin"))  # fmt: skip
    with pytest.raises(LedgerError, match="already has keys"):
        signing_key(ledger)
    assert not Keyring().names()


def test_revoked_key_is_refused_for_signing(ledger: Ledger) -> None:
    alice, _ = create_key(ledger, "alice")
    create_key(ledger, "bob", by="alice")
    revoke_key(ledger, "alice", alice)
    with pytest.raises(LedgerError, match="revoked"):
        signing_key(ledger, "alice")
