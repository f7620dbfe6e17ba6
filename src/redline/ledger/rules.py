"""Who may sign what in a ledger: the rules appends obey and verification checks.

* The first entry of every ledger registers a key and is signed by that key (the
  bootstrap). After it, a key is admitted only by an entry signed with a key that
  is already registered and not revoked.
* An entry's actor is the registered name of the key that signed it.
* A key revoked at entry N signs nothing valid after N. The last key that is not
  revoked cannot be revoked (the ledger would accept no further entries).
* Roles are bound to keys by ``roster`` entries. The first roster is signed by the
  key that set up the ledger (the bootstrap key of entry 1); every later one by a
  key that holds one of the *authority* roles of the roster in force. Each roster
  states the whole binding (role -> key ids) from its entry on, so rotation and
  revocation of a role are new rosters. Once a ledger has a roster, a sign-off as
  role R is valid only when its key is bound to R at that point of the chain.

:class:`KeyRegistry` is fed entries in chain order by both :class:`~redline.ledger.
store.Ledger` (before an append) and :func:`~redline.ledger.verify.verify_ledger`,
so the two can never disagree about what is valid.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from redline.ledger.chain import EntryKind

ALGORITHM = "ed25519"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def key_id_of(public_raw: bytes) -> str:
    """A key's id: hex SHA-256 of its 32 raw public key bytes."""
    return hashlib.sha256(public_raw).hexdigest()


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@functools.lru_cache(maxsize=256)
def _public_key(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_signature(public: bytes, signature_hex: str, hash_hex: str) -> bool:
    """Whether ``signature_hex`` is ``public``'s Ed25519 signature over the raw hash."""
    try:
        _public_key(public).verify(bytes.fromhex(signature_hex), bytes.fromhex(hash_hex))
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class LocalKey:
    """A private key the user holds, with the name it is filed under.

    Here, beside the registry, because both the store (appending) and the keyring
    (files on disk) need it and neither may import the other.
    """

    name: str
    private: Ed25519PrivateKey

    @cached_property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @cached_property
    def public_raw(self) -> bytes:
        return public_raw(self.public)

    @cached_property
    def key_id(self) -> str:
        return key_id_of(self.public_raw)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


class KeyProblem(Exception):
    """Why an entry's signer or key payload is not acceptable at its place in the chain."""


@dataclass
class KeyRecord:
    """A key as the ledger knows it at some point of the chain."""

    name: str
    key_id: str
    public_raw: bytes
    registered_seq: int
    registered_time: str
    registered_by: str
    revoked_seq: int | None = None
    revoked_time: str | None = None
    revoked_by: str | None = None
    reason: str | None = None
    _public: Ed25519PublicKey | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.revoked_seq is None

    @property
    def public(self) -> Ed25519PublicKey:
        if self._public is None:
            self._public = Ed25519PublicKey.from_public_bytes(self.public_raw)
        return self._public

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self.public.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key_id": self.key_id,
            "algorithm": ALGORITHM,
            "public_key": base64.b64encode(self.public_raw).decode("ascii"),
            "registered_seq": self.registered_seq,
            "registered_time": self.registered_time,
            "registered_by": self.registered_by,
            "revoked_seq": self.revoked_seq,
            "revoked_time": self.revoked_time,
            "revoked_by": self.revoked_by,
            "reason": self.reason,
        }


def registration_payload(name: str, public: Ed25519PublicKey) -> dict[str, Any]:
    raw = public_raw(public)
    return {
        "name": name,
        "key_id": key_id_of(raw),
        "algorithm": ALGORITHM,
        "public_key": base64.b64encode(raw).decode("ascii"),
    }


def revocation_payload(record: KeyRecord, reason: str | None) -> dict[str, Any]:
    return {"name": record.name, "key_id": record.key_id, "reason": reason}


ROLE_RE = re.compile(r"^[^\x00-\x1f]{1,64}$")
# A roster role ``R@F`` binds role R for framework F only (framework ids have no '@').
SCOPE_SEP = "@"


def scoped_role(role: str, framework_id: str) -> str:
    """The roster's name for governance role ``role`` of framework ``framework_id``."""
    return f"{role}{SCOPE_SEP}{framework_id}"


@dataclass(frozen=True)
class Roster:
    """Which keys may sign as which governance role, from entry ``seq`` on."""

    seq: int
    authority: tuple[str, ...]
    roles: Mapping[str, frozenset[str]]

    def holds(self, key_id: str, role: str) -> bool:
        return key_id in self.roles.get(role, frozenset())

    def may_sign(self, key_id: str, role: str, framework_id: str | None) -> bool:
        """Whether the key may sign as ``role``: bound to the role for every framework
        (``R``), or for the decision's framework only (``R@F``)."""
        if self.holds(key_id, role):
            return True
        return framework_id is not None and self.holds(key_id, scoped_role(role, framework_id))

    def is_authority(self, key_id: str) -> bool:
        return any(self.holds(key_id, r) for r in self.authority)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "authority": list(self.authority),
            "roles": {r: sorted(k) for r, k in sorted(self.roles.items())},
        }


def roster_payload(
    roles: Mapping[str, Sequence[str]], authority: Sequence[str], note: str | None = None
) -> dict[str, Any]:
    return {
        "authority": list(authority),
        "roles": {r: sorted(set(k)) for r, k in sorted(roles.items())},
        "note": note,
    }


def _field(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str):
        raise KeyProblem(f"payload field {name!r} is missing or not a string")
    return value


class KeyRegistry:
    """The keys of a ledger as of some entry, and the rules for the next entry.

    Fed entries in chain order through :meth:`admit` (check) then :meth:`apply`
    (update). The same object serves appends and verification, so the two can
    never disagree about what is valid.
    """

    def __init__(self) -> None:
        self.keys: dict[str, KeyRecord] = {}
        self._active_by_name: dict[str, str] = {}
        self.seq = 0
        self.bootstrap: str | None = None  # key id of entry 1's key: the administrator
        self.roster: Roster | None = None

    def copy(self) -> KeyRegistry:
        other = KeyRegistry()
        other.keys = {k: dataclasses.replace(v) for k, v in self.keys.items()}
        other._active_by_name = dict(self._active_by_name)
        other.seq = self.seq
        other.bootstrap = self.bootstrap
        other.roster = self.roster
        return other

    def by_name(self, name: str) -> KeyRecord | None:
        key_id = self._active_by_name.get(name)
        if key_id is not None:
            return self.keys[key_id]
        revoked = [k for k in self.keys.values() if k.name == name]
        return revoked[-1] if revoked else None

    def active(self) -> list[KeyRecord]:
        return [k for k in self.keys.values() if k.active]

    def admit(self, kind: str, actor: str, key_id: str, payload: Mapping[str, Any] | None) -> bytes:
        """The public key (raw) that must have signed this entry; KeyProblem if none may."""
        if kind == EntryKind.KEY_REGISTERED:
            assert payload is not None
            raw = self._check_registration(payload)
            if not self.keys:
                if key_id != payload["key_id"] or actor != payload["name"]:
                    raise KeyProblem("the first key must sign its own registration (the bootstrap)")
                return raw
        elif kind == EntryKind.KEY_REVOKED:
            assert payload is not None
            self._check_revocation(payload)
        signer = self.keys.get(key_id)
        if signer is not None and signer.active and signer.name == actor:
            if kind == EntryKind.ROSTER:
                assert payload is not None
                self._check_roster(key_id, payload)
            elif kind == EntryKind.SIGN_OFF and self.roster is not None:
                assert payload is not None
                role = payload.get("role")
                fw = payload.get("framework")
                fw_id = fw if isinstance(fw, str) else None
                if not isinstance(role, str) or not self.roster.may_sign(key_id, role, fw_id):
                    where = f" of framework {fw_id!r}" if fw_id else ""
                    raise KeyProblem(
                        f"key {signer.name!r} ({key_id[:12]}) is not in the roster for role "
                        f"{role!r}{where} (roster of entry {self.roster.seq})"
                    )
        if signer is None:
            raise KeyProblem(f"signed by key {key_id[:12]}, which is not registered")
        if not signer.active:
            raise KeyProblem(
                f"signed by key {signer.name!r} ({key_id[:12]}), revoked at entry "
                f"{signer.revoked_seq}"
            )
        if signer.name != actor:
            raise KeyProblem(
                f"actor {actor!r} is not the registered name of key {key_id[:12]} ({signer.name!r})"
            )
        return signer.public_raw

    def _check_roster(self, key_id: str, payload: Mapping[str, Any]) -> None:
        if self.roster is None:
            if key_id != self.bootstrap:
                raise KeyProblem(
                    "the first roster must be signed by the key that set up the ledger "
                    "(entry 1's key)"
                )
        elif not self.roster.is_authority(key_id):
            raise KeyProblem(
                f"roster change signed by key {key_id[:12]}, which holds none of the "
                f"authority roles ({', '.join(self.roster.authority)}) of the roster of "
                f"entry {self.roster.seq}"
            )
        roles = payload.get("roles")
        authority = payload.get("authority")
        if not isinstance(roles, dict) or not roles:
            raise KeyProblem("a roster needs 'roles': an object of role -> key ids")
        if not isinstance(authority, list) or not authority:
            raise KeyProblem("a roster needs 'authority': the roles that may change it")
        for role, ids in roles.items():
            if not ROLE_RE.fullmatch(role):
                raise KeyProblem(f"invalid role name {role!r}")
            if not isinstance(ids, list) or not ids:
                raise KeyProblem(f"role {role!r} lists no keys")
            for k in ids:
                rec = self.keys.get(k) if isinstance(k, str) else None
                if rec is None or not rec.active:
                    raise KeyProblem(f"role {role!r} names key {str(k)[:12]}, which is not "
                                     "registered or is revoked")  # fmt: skip
        for r in authority:
            if r not in roles:
                raise KeyProblem(f"authority role {r!r} is not bound to any key")

    def _check_registration(self, payload: Mapping[str, Any]) -> bytes:
        name = _field(payload, "name")
        if not NAME_RE.fullmatch(name):
            raise KeyProblem(f"invalid key name {name!r}")
        if payload.get("algorithm") != ALGORITHM:
            raise KeyProblem(f"unsupported key algorithm {payload.get('algorithm')!r}")
        try:
            raw = base64.b64decode(_field(payload, "public_key"), validate=True)
        except binascii.Error:
            raise KeyProblem("public_key is not base64") from None
        if len(raw) != 32:
            raise KeyProblem("public_key is not a 32-byte Ed25519 key")
        key_id = _field(payload, "key_id")
        if key_id != key_id_of(raw):
            raise KeyProblem("key_id is not the SHA-256 of the public key")
        if key_id in self.keys:
            raise KeyProblem(f"key {key_id[:12]} is already registered")
        if name in self._active_by_name:
            raise KeyProblem(f"a key named {name!r} is already registered and not revoked")
        return raw

    def _check_revocation(self, payload: Mapping[str, Any]) -> None:
        key_id = _field(payload, "key_id")
        target = self.keys.get(key_id)
        if target is None:
            raise KeyProblem(f"revokes key {key_id[:12]}, which is not registered")
        if not target.active:
            raise KeyProblem(f"revokes key {target.name!r}, already revoked")
        if payload.get("name") != target.name:
            raise KeyProblem("revocation names the key wrongly")
        if len(self._active_by_name) <= 1:
            raise KeyProblem(
                f"revokes {target.name!r}, the last key that is not revoked: the ledger "
                "would accept no further entries"
            )

    def apply(
        self, seq: int, time: str, kind: str, key_id: str, payload: Mapping[str, Any] | None
    ) -> None:
        """Record the effect of an admitted entry."""
        self.seq = seq
        if kind == EntryKind.KEY_REGISTERED:
            assert payload is not None
            rec = KeyRecord(
                name=payload["name"],
                key_id=payload["key_id"],
                public_raw=base64.b64decode(payload["public_key"]),
                registered_seq=seq,
                registered_time=time,
                registered_by=key_id,
            )
            self.keys[rec.key_id] = rec
            self._active_by_name[rec.name] = rec.key_id
            if self.bootstrap is None:
                self.bootstrap = rec.key_id
        elif kind == EntryKind.ROSTER:
            assert payload is not None
            self.roster = Roster(
                seq=seq,
                authority=tuple(payload["authority"]),
                roles={r: frozenset(ids) for r, ids in payload["roles"].items()},
            )
        elif kind == EntryKind.KEY_REVOKED:
            assert payload is not None
            rec = self.keys[payload["key_id"]]
            rec.revoked_seq = seq
            rec.revoked_time = time
            rec.revoked_by = key_id
            reason = payload.get("reason")
            rec.reason = reason if isinstance(reason, str) else None
            self._active_by_name.pop(rec.name, None)
