"""Portal settings: where the ledger is and how cookies are sent."""

from __future__ import annotations

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
    """

    workspace: Path = field(default_factory=workspace_dir)
    database_url: str | None = None
    secure_cookies: bool = True
    session_hours: float = 12.0
    login_failures_allowed: int = 5
    login_window_s: float = 900.0

    @property
    def url(self) -> str:
        return self.database_url or database_url(self.workspace)

    @property
    def keys_dir(self) -> Path:
        return self.workspace / "portal" / "keys"

    @property
    def site_dir(self) -> Path:
        return self.workspace / "portal" / "site"
