"""The portal's server-held per-user keys sign through the ledger's roster like any key."""

from __future__ import annotations

from pathlib import Path

import pytest
from portal_support import seed

from redline.ledger.keys import Keyring
from redline.ledger.roster import set_roster
from redline.ledger.store import open_ledger
from redline.portal.service import Portal, PortalError


def test_portal_sign_offs_obey_the_roster(workspace: Path) -> None:
    s = seed(workspace)
    p = Portal(s.settings)
    try:
        rso = p.user_by_id(s.ids["rso"])
        board = p.user_by_id(s.ids["board"])
        assert rso is not None and board is not None
        admin = Keyring().load("redline-local")  # set the ledger up: entry 1's key
        rso_key, board_key = p.user_key(rso), p.user_key(board)
        with open_ledger(workspace) as lg:
            # The board's key, not the RSO's, is bound to the rso role.
            set_roster(lg, {"rso": [board_key.name], "safety-board": [board_key.name]},
                       ["safety-board"], admin)  # fmt: skip
        with pytest.raises(PortalError, match="not in the roster for role 'rso'"):
            p.sign(rso, s.ids["decision"], None)
        with open_ledger(workspace) as lg:
            set_roster(lg, {"rso": [rso_key.name], "safety-board": [board_key.name]},
                       ["safety-board"], board_key)  # fmt: skip
        entry = p.sign(rso, s.ids["decision"], None)
        assert entry.actor == rso_key.name
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
