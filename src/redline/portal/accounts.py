"""Accounts of the portal: roles, users, password hashing, session tokens, and the
errors the portal shows its users."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("admin", "author", "signatory", "reviewer")
ROLE_WORDS = {
    "admin": "Administrator",
    "author": "Framework author",
    "signatory": "Decision signatory",
    "reviewer": "Trusted reviewer",
}
ORG_KINDS = {
    "lab": "AI developer",
    "government": "Government",
    "aisi": "AI safety institute",
    "regulator": "Regulator",
    "third_party": "Third-party evaluator",
}
# Organisations that review frameworks (every kind but a lab, which owns them).
REVIEWING_KINDS = ("government", "aisi", "regulator", "third_party")
# Scopes granted per framework; a reviewer's scope is an invitation to a round.
SCOPE_KINDS = ("author", "signatory")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
VERDICTS = ("approve", "object")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
SERVICE_KEY = "redline-portal"
MAX_COMMENT = 10_000
MAX_FRAMEWORK_BYTES = 1_000_000


class PortalError(Exception):
    """A request the portal refuses, with a message fit to show the user."""


class RateLimited(PortalError):
    pass


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    display_name: str
    organisation: str | None
    org_kind: str | None
    key_name: str
    disabled: bool
    org_id: int | None = None

    @property
    def role_words(self) -> str:
        return ROLE_WORDS.get(self.role, self.role)

    @property
    def org_words(self) -> str:
        return ORG_KINDS.get(self.org_kind or "", "")


def user_from_row(r: Any) -> User:
    return User(
        id=int(r.id), username=r.username, role=r.role, display_name=r.display_name,
        organisation=r.organisation, org_kind=r.org_kind, key_name=r.key_name,
        disabled=bool(r.disabled), org_id=int(r.org_id) if r.org_id is not None else None,
    )  # fmt: skip


def needs_second_factor(account: User) -> bool:
    """Whether signing in needs a second factor: administrators, and signatories.

    Every account that can hold a signatory scope counts (scopes go only to accounts
    of role ``signatory``), not only those holding one now, so that a new grant is
    never usable for a moment without the factor.
    """
    return account.role in ("admin", "signatory")


# A hash of a random password: unknown users are verified against it, so that an
# unknown name and a wrong password take the same time.
_HASHER = PasswordHasher()
DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    if len(password) < 12:
        raise PortalError("a password needs at least 12 characters")
    return _HASHER.hash(password)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def verify_password(stored: str, password: str) -> bool:
    try:
        return bool(_HASHER.verify(stored, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
