"""The review portal: a FastAPI face over the library for framework review and sign-off.

``create_app(Settings(...))`` builds the application; ``redline serve`` runs it. The
ledger stays the source of truth for framework versions, comments, verdicts and
sign-offs; the portal's own tables (migration 0002) hold accounts, sessions, review
rounds and indexes into the chain. docs/security.md has the portal's threat model.

Layer: above ``publish``; may import every package but ``cli``.
"""

from __future__ import annotations

from redline.portal.settings import Settings

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings) -> object:
    """The FastAPI application (imported lazily so the CLI stays quick)."""
    from redline.portal.app import create_app as _create

    return _create(settings)
