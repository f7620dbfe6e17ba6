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
