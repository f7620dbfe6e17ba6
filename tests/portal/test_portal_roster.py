"""The portal's server-held per-user keys sign through the ledger's roster like any key."""

from __future__ import annotations

from pathlib import Path

import pytest
from portal_support import seed

from redline.ledger.keys import Keyring
from redline.portal.service import Portal, PortalError


def test_portal_sign_offs_obey_the_roster(workspace: Path) -> None:
    """A signatory scope is a roster binding ``role@framework``: the ledger itself
    refuses a sign-off the roster does not bind, whatever the portal's tables say."""
    from sqlalchemy import insert, update

    from redline.ledger.verify import verify_ledger
    from redline.portal import tables as T

    s = seed(workspace)
    p = Portal(s.settings)
    try:
        rso, outsider = p.user_by_id(s.ids["rso"]), p.user_by_id(s.ids["rso_other"])
        assert rso is not None and outsider is not None
        roster = p.ledger.key_registry().roster
        assert roster is not None
        assert roster.holds(p.user_key(rso).key_id, "rso@larkspur-fsf")
        assert not roster.holds(p.user_key(outsider).key_id, "rso@larkspur-fsf")
        # Forge the portal's own record: a scope row the roster knows nothing of.
        with p.ledger.write() as conn:
            conn.execute(insert(T.scopes).values(
                user_id=outsider.id, framework_id="larkspur-fsf", kind="signatory", role="rso",
                granted="2026-01-01T00:00:00Z"))  # fmt: skip
            conn.execute(update(T.users).where(T.users.c.id == outsider.id)
                         .values(org_id=rso.org_id))  # fmt: skip
        outsider = p.user_by_id(outsider.id)
        assert outsider is not None
        with pytest.raises(PortalError, match="not in the roster for role 'rso' of framework"):
            p.sign(outsider, s.ids["decision"], None)
        # The bound signatory signs; once the scope is revoked (a new roster), no more.
        entry = p.sign(rso, s.ids["decision"], None)
        assert entry.actor == p.user_key(rso).name
        assert entry.data()["framework"] == "larkspur-fsf"
        board = p.user_by_id(s.ids["board"])
        assert board is not None
        scope = p.scopes(user_id=board.id)[0]
        p.revoke_scope(None, int(scope["id"]))
        with p.ledger.write() as conn:  # the table says the scope holds again...
            conn.execute(update(T.scopes).where(T.scopes.c.id == scope["id"])
                         .values(revoked=None))  # fmt: skip
        with pytest.raises(PortalError, match="not in the roster"):  # ...the roster does not
            p.sign(board, s.ids["decision"], None)
        assert verify_ledger(p.ledger).ok
    finally:
        p.close()


def test_a_sign_off_naming_another_framework_fails_verification(workspace: Path) -> None:
    """The sign-off's framework is the roster's scope: verification checks that it is
    the decision's own, so a key bound for one framework cannot sign another's."""
    from redline.ledger.chain import EntryKind
    from redline.ledger.verify import verify_ledger

    s = seed(workspace.parent / "ws-forge")
    p = Portal(s.settings)
    try:
        outsider = p.user_by_id(s.ids["rso_other"])
        assert outsider is not None
        decision = p.ledger.by_hash_prefix(s.ids["decision"])[0]
        forged = {"decision": decision.hash, "decision_seq": decision.seq, "role": "rso",
                  "signer": p.user_key(outsider).name, "dissent": None,
                  "framework": "other-fsf"}  # fmt: skip
        # The append passes the roster (rso@other-fsf is bound to this key) ...
        p.ledger.append(EntryKind.SIGN_OFF, forged, p.user_key(outsider))
        report = verify_ledger(p.ledger)
        # ... but verification sees the decision is larkspur-fsf's.
        assert not report.ok
        assert report.problem is not None and "framework other than" in report.problem.message
    finally:
        p.close()


def test_reviewers_cosign_the_offered_checkpoint(workspace: Path, tmp_path: Path) -> None:
    from redline.ledger.note import parse_note, verify_cosignature
    from redline.ledger.transparency import latest_checkpoint, make_checkpoint
    from redline.ledger.witness import witness_cosign
    from redline.portal.checkpoints import offered_checkpoint, record_cosignature

    s = seed(workspace.parent / "ws2")
    p = Portal(s.settings)
    try:
        assert offered_checkpoint(p) is None
        log = Keyring().load("redline-local")
        make_checkpoint(p.ledger, log)
        offered = offered_checkpoint(p)
        assert offered is not None
        aisi = Keyring(tmp_path / "aisi-keys").create("aisi")  # the reviewer's own key
        cosigned = witness_cosign(
            offered, log_key=log.public, key=aisi, name="aisi.example",
            directory=tmp_path / "state", proof=None, timestamp=1,
        )  # fmt: skip
        with pytest.raises(PortalError, match="no new cosignature"):
            record_cosignature(p, offered)
        forged = cosigned.replace(cosigned.splitlines()[1], "999")
        with pytest.raises(PortalError):
            record_cosignature(p, forged)
        record_cosignature(p, cosigned)
        kept = latest_checkpoint(p.ledger, cosigned=True)
        assert kept is not None
        assert verify_cosignature(parse_note(kept), "aisi.example", aisi.public) == 1
    finally:
        p.close()


def test_tenancy_on_postgres(workspace: Path, pg_database: str) -> None:
    """Migration 0004 on PostgreSQL: organisations, scopes, roster-bound sign-offs and
    decision visibility work there as on SQLite."""
    from redline.ledger.verify import verify_ledger

    s = seed(workspace.parent / "ws-pg", pg_database)
    p = Portal(s.settings)
    try:
        rso, outsider = p.user_by_id(s.ids["rso"]), p.user_by_id(s.ids["rso_other"])
        reviewer = p.user_by_id(s.ids["reviewer"])
        assert rso is not None and outsider is not None and reviewer is not None
        assert [d.decision_id for d in p.decisions(reviewer)] == [s.ids["decision"]]
        assert p.decision(outsider, s.ids["decision"]) is None
        with pytest.raises(PortalError):
            p.sign(outsider, s.ids["decision"], None)
        assert p.sign(rso, s.ids["decision"], None).data()["framework"] == "larkspur-fsf"
        assert verify_ledger(p.ledger).ok
    finally:
        p.close()
