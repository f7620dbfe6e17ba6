"""Checkpoints in the portal: reviewers fetch the log's latest signed checkpoint, cosign
it with their own witness key (``redline witness cosign``, on their machine, against
the state they keep), and hand the cosigned copy back; the portal records it.

The portal never holds a reviewer's witness key and never cosigns for anyone: a
cosignature made on the server would prove nothing about what the reviewer saw.
"""

from __future__ import annotations

from redline.ledger.errors import LedgerError
from redline.ledger.note import NoteError, parse_checkpoint, parse_note
from redline.ledger.transparency import latest_checkpoint, store_checkpoint
from redline.portal.accounts import PortalError
from redline.portal.service import Portal


def offered_checkpoint(portal: Portal) -> str | None:
    """The latest checkpoint the log signed (with any cosignatures gathered so far)."""
    return latest_checkpoint(portal.ledger)


def record_cosignature(portal: Portal, text: str) -> int:
    """Record the cosignatures on a copy of a checkpoint the log signed; its size.

    The note text (origin, size, root) must be exactly that of a recorded checkpoint,
    so the log's own signature on it is already known to hold; only signature lines
    are added.
    """
    try:
        note = parse_note(text, "the cosigned checkpoint")
        cp = parse_checkpoint(note.text, "the cosigned checkpoint")
    except NoteError as exc:
        raise PortalError(str(exc)) from None
    with portal.lock:
        known = [c for c in _recorded(portal) if parse_note(c).text == note.text]
        if not known:
            raise PortalError(
                f"no checkpoint of size {cp.size} with that root was signed by this log"
            )
        if len(note.signatures) <= len(parse_note(known[0]).signatures):
            raise PortalError("the checkpoint carries no new cosignature")
        try:
            store_checkpoint(portal.ledger, text)
        except LedgerError as exc:
            raise PortalError(str(exc)) from None
    return cp.size


def _recorded(portal: Portal) -> list[str]:
    from sqlalchemy import select

    from redline.ledger.tables import checkpoints

    with portal.ledger.engine.connect() as conn:
        return [str(r[0]) for r in conn.execute(select(checkpoints.c.note))]
