"""Rosters: which registered keys may sign as which governance role.

A ``roster`` entry states the whole binding from its entry on; the rules (who may
write one, what a sign-off needs) are in :mod:`redline.ledger.rules`, shared by
appends and ``redline verify``. The authority roles should be the roles the
framework's governance section makes responsible for the framework itself (for
instance a board or a Responsible Scaling Officer); the first roster is written by
the administrator who set up the ledger (entry 1's key).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from redline.ledger.chain import Entry, EntryKind
from redline.ledger.errors import LedgerError
from redline.ledger.rules import LocalKey, Roster, roster_payload
from redline.ledger.store import Ledger


def current_roster(ledger: Ledger) -> Roster | None:
    return ledger.key_registry().roster


def set_roster(
    ledger: Ledger,
    bindings: Mapping[str, Sequence[str]],
    authority: Sequence[str],
    key: LocalKey,
    note: str | None = None,
) -> Entry:
    """Append a roster binding each role to the keys registered under the given names."""
    registry = ledger.key_registry()
    roles: dict[str, list[str]] = {}
    for role, names in bindings.items():
        ids = []
        for name in names:
            rec = registry.by_name(name)
            if rec is None or not rec.active:
                raise LedgerError(
                    f"role {role!r}: no active key named {name!r} in the ledger at "
                    f"{ledger.location}"
                )
            ids.append(rec.key_id)
        roles[role] = ids
    if not roles:
        raise LedgerError("a roster binds at least one role: --bind ROLE=KEY")
    if not authority:
        raise LedgerError("a roster names its authority roles: --authority ROLE")
    missing = [r for r in authority if r not in roles]
    if missing:
        raise LedgerError(f"authority role(s) {', '.join(missing)} are not bound by --bind")
    return ledger.append(EntryKind.ROSTER, roster_payload(roles, authority, note), key)


def parse_bindings(values: Sequence[str]) -> dict[str, list[str]]:
    """``ROLE=KEY`` options into role -> key names (a role may repeat)."""
    out: dict[str, list[str]] = {}
    for v in values:
        role, sep, name = v.partition("=")
        if not sep or not role.strip() or not name.strip():
            raise LedgerError(f"--bind expects ROLE=KEY_NAME, got {v!r}")
        out.setdefault(role.strip(), []).append(name.strip())
    return out
