"""Safety incidents as signed ledger entries: ``incident_opened``, ``incident_updated``,
``incident_closed``.

The payloads and what they mean are :mod:`redline.regulation.incidents`' (pure); this
module appends them and replays them. An update or closure is checked against the
incident's state *under the append lock* (its payload is built inside the write
transaction), so two writers cannot append an update after a closure. ``redline verify``
checks the same rules with :class:`IncidentCheck`: a payload of the right shape, an
update or closure that cites an incident opened before it and not yet closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from redline.ledger.chain import Entry, EntryKind
from redline.ledger.errors import LedgerError
from redline.ledger.keys import signing_key
from redline.ledger.store import Ledger, Pending
from redline.regulation.incidents import (
    Incident,
    IncidentBook,
    IncidentError,
    new_incident,
    new_update,
    payload_problem,
)

INCIDENT_KINDS = frozenset(
    {EntryKind.INCIDENT_OPENED, EntryKind.INCIDENT_UPDATED, EntryKind.INCIDENT_CLOSED}
)
_KIND_VALUES = sorted(k.value for k in INCIDENT_KINDS)


def incident_book(ledger: Ledger) -> IncidentBook:
    """Every incident, rebuilt by replaying its entries in chain order."""
    book = IncidentBook()
    for e in ledger.entries(kinds=_KIND_VALUES):
        try:
            data = e.data()
            if e.kind == EntryKind.INCIDENT_OPENED:
                book.opened(e.hash, e.seq, e.time, e.actor, data)
            elif e.kind == EntryKind.INCIDENT_UPDATED:
                book.updated(e.seq, e.time, e.actor, data)
            else:
                book.closed(e.seq, e.time, e.actor, data)
        except (IncidentError, ValueError) as exc:
            raise LedgerError(
                f"entry {e.seq} ({e.kind}) in the ledger at {ledger.location}: {exc}; "
                "run redline verify"
            ) from None
    return book


def find_incident(ledger: Ledger, prefix: str) -> Incident:
    try:
        return incident_book(ledger).find(prefix)
    except IncidentError as exc:
        raise LedgerError(f"{exc} in the ledger at {ledger.location}") from None


def open_incident(
    ledger: Ledger,
    *,
    what: str,
    discovered: str,
    severity: Mapping[str, str],
    regimes: Sequence[str] = (),
    framework: str | None = None,
    model: str | None = None,
    key_name: str | None = None,
) -> Entry:
    """Append ``incident_opened``; the entry's hash is the incident's id."""
    payload = new_incident(what, discovered, severity, regimes, framework=framework, model=model)
    key = signing_key(ledger, key_name)
    return ledger.append(EntryKind.INCIDENT_OPENED, payload.model_dump(mode="json"), key)


def update_incident(
    ledger: Ledger,
    prefix: str,
    *,
    note: str | None = None,
    severity: Mapping[str, str] | None = None,
    add_regimes: Sequence[str] = (),
    reported: Mapping[str, str] | None = None,
    key_name: str | None = None,
) -> Entry:
    """Append ``incident_updated`` for the incident whose id starts with ``prefix``."""
    target = find_incident(ledger, prefix).id
    key = signing_key(ledger, key_name)

    def build(_made: Sequence[Entry]) -> dict[str, Any]:
        current = incident_book(ledger).incidents[target]  # under the append lock
        upd = new_update(
            current, note=note, severity=severity, add_regimes=add_regimes, reported=reported
        )
        return upd.model_dump(mode="json")

    return ledger.append_many([Pending(EntryKind.INCIDENT_UPDATED, build)], key)[0]


def close_incident(ledger: Ledger, prefix: str, reason: str, key_name: str | None = None) -> Entry:
    """Append ``incident_closed``: the incident leaves the open list; its record stays."""
    reason = reason.strip()
    if not reason:
        raise IncidentError("--reason: say why the incident is closed")
    target = find_incident(ledger, prefix).id
    key = signing_key(ledger, key_name)

    def build(_made: Sequence[Entry]) -> dict[str, Any]:
        current = incident_book(ledger).incidents[target]
        if current.status == "closed":
            raise IncidentError(f"incident {current.short} is already closed")
        return {"incident": target, "reason": reason}

    return ledger.append_many([Pending(EntryKind.INCIDENT_CLOSED, build)], key)[0]


class IncidentCheck:
    """What ``redline verify`` checks of incident entries, fed in chain order."""

    def __init__(self) -> None:
        self.open: set[str] = set()
        self.closed: set[str] = set()

    def check(self, kind: str, entry_hash: str, data: Mapping[str, Any]) -> str | None:
        problem = payload_problem(kind, data)
        if problem is not None:
            return problem
        if kind == EntryKind.INCIDENT_OPENED:
            self.open.add(entry_hash)
            return None
        ref = str(data.get("incident"))
        if ref in self.closed:
            return f"{kind} cites incident {ref[:12]}, which was closed before it"
        if ref not in self.open:
            return f"{kind} cites incident {ref[:12]}, which is not opened before it"
        if kind == EntryKind.INCIDENT_CLOSED:
            self.open.discard(ref)
            self.closed.add(ref)
        return None
