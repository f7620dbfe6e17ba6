"""Portal settings: where the ledger is and how cookies are sent."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from redline.ledger.store import database_url, workspace_dir


@dataclass(frozen=True)
class Settings:
    """``workspace`` holds evidence, the portal's keys and the built public site;
    ``database_url`` the ledger and portal tables (SQLite by default).

    ``secure_cookies`` is True except when serving plain http on 127.0.0.1 for
    development (``redline serve --insecure-dev-cookies``): a cookie marked Secure
    is never sent back over http.

    ``max_request_bytes`` caps every request body (default 2 MiB, or
    ``$REDLINE_PORTAL_MAX_REQUEST_BYTES``): a larger one is refused with 413 before it
    is read. A framework file itself may be at most 1 MB.
    """

    workspace: Path = field(default_factory=workspace_dir)
    database_url: str | None = None
    secure_cookies: bool = True
    session_hours: float = 12.0
    login_failures_allowed: int = 5
    login_window_s: float = 900.0
    max_request_bytes: int = field(default_factory=lambda: _max_request_bytes())

    @property
    def url(self) -> str:
        return self.database_url or database_url(self.workspace)

    @property
    def keys_dir(self) -> Path:
        return self.workspace / "portal" / "keys"

    @property
    def site_dir(self) -> Path:
        return self.workspace / "portal" / "site"


DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024


def _max_request_bytes() -> int:
    raw = os.environ.get("REDLINE_PORTAL_MAX_REQUEST_BYTES", "").strip()
    if not raw:
        return DEFAULT_MAX_REQUEST_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 64 * 1024:
        raise ValueError(
            f"$REDLINE_PORTAL_MAX_REQUEST_BYTES={raw!r}: a whole number of bytes, at least 65536"
        )
    return value
