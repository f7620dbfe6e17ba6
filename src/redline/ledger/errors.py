"""The one error the ledger raises for things a user can cause or fix."""

from __future__ import annotations


class LedgerError(Exception):
    """A problem a user can act on (missing key, unknown decision, bad input).

    The CLI prints its message as one line and exits 1; the portal shows it.
    """
