"""Signing keys: the user's private keys on disk, and registering them in a ledger.

Private keys live in the user's configuration directory
(``platformdirs.user_config_dir("redline")/keys/NAME.key``, which honours
``XDG_CONFIG_HOME``), never in the workspace: a ledger is shared, a key is personal.
The ledger holds only public keys, in ``key_registered`` entries; the rules for who
may register, revoke and sign are in :mod:`redline.ledger.rules`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from redline.ledger.chain import Entry, EntryKind
from redline.ledger.errors import LedgerError
from redline.ledger.rules import (
    NAME_RE,
    KeyRecord,
    registration_payload,
    revocation_payload,
)
from redline.ledger.rules import (
    LocalKey as LocalKey,  # re-exported: callers import it from here
)
from redline.ledger.store import Ledger

DEFAULT_KEY_NAME = "redline-local"
"""Created on first use by ``record_assessment`` when the user has no key at all."""


def check_name(name: str) -> str:
    """Key names become file names and actors: keep them short and plain."""
    if not NAME_RE.fullmatch(name):
        raise LedgerError(
            f"invalid key name {name!r}: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_pem(data: bytes, source: str) -> Ed25519PublicKey:
    """A public key from PEM (SubjectPublicKeyInfo), as ``redline keys export`` writes."""
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise LedgerError(f"{source}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise LedgerError(f"{source}: not an Ed25519 public key")
    return key


def read_public_pem(path: Path) -> Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LedgerError(f"{path}: {exc.strerror or exc}") from None
    return load_public_pem(data, str(path))


PASSPHRASE_ENV = "REDLINE_KEY_PASSPHRASE"
PASSPHRASE_FD_ENV = "REDLINE_KEY_PASSPHRASE_FD"
_fd_passphrase: bytes | None = None


def passphrase(*, prompt: str | None = None, confirm: bool = False) -> bytes | None:
    """The passphrase for private keys: ``$REDLINE_KEY_PASSPHRASE``, else one line read
    from the file descriptor ``$REDLINE_KEY_PASSPHRASE_FD`` (for CI secrets), else a
    terminal prompt when ``prompt`` is given and stdin is a terminal; else None."""
    global _fd_passphrase
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value.encode("utf-8")
    fd = os.environ.get(PASSPHRASE_FD_ENV)
    if fd:
        if _fd_passphrase is None:  # a pipe can be read once: keep what it gave
            if not fd.isdigit():
                raise LedgerError(f"{PASSPHRASE_FD_ENV}={fd!r} is not a file descriptor number")
            try:
                with os.fdopen(int(fd), "rb", closefd=False) as f:
                    _fd_passphrase = f.readline().rstrip(b"\r\n")
            except OSError as exc:
                raise LedgerError(f"{PASSPHRASE_FD_ENV}={fd}: {exc.strerror or exc}") from None
        if not _fd_passphrase:
            raise LedgerError(f"{PASSPHRASE_FD_ENV}={fd}: read an empty passphrase")
        return _fd_passphrase
    if prompt is not None and sys.stdin.isatty():
        import getpass

        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("again: ") != first:
            raise LedgerError("the passphrases differ")
        if not first:
            raise LedgerError("an empty passphrase encrypts nothing")
        return first.encode("utf-8")
    return None


def keys_dir() -> Path:
    """Where private keys live; read on every call so tests and users can redirect it."""
    import platformdirs

    return Path(platformdirs.user_config_dir("redline")) / "keys"


class Keyring:
    """The user's private keys: one PEM file (PKCS #8, mode 0600) per name."""

    def __init__(self, directory: Path | None = None) -> None:
        self.dir = directory if directory is not None else keys_dir()

    def path(self, name: str) -> Path:
        return self.dir / f"{check_name(name)}.key"

    def names(self) -> list[str]:
        if not self.dir.is_dir():
            return []
        return sorted(p.stem for p in self.dir.glob("*.key") if NAME_RE.fullmatch(p.stem))

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def create(self, name: str, *, encrypt: bool | None = None) -> LocalKey:
        """Generate a key and file it; never overwrites, never leaves half a file.

        The file is encrypted (PKCS #8, the ``cryptography`` package's best available
        scheme) with :func:`passphrase` when ``encrypt`` is true, or when it is None
        and a passphrase is configured in the environment.
        """
        path = self.path(name)
        refusal = f"key {name!r} already exists at {path}; refusing to overwrite it"
        if path.exists():
            raise LedgerError(refusal)
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        secret = None
        if encrypt is None:
            secret = passphrase()
        elif encrypt:
            secret = passphrase(prompt=f"passphrase for new key {name}: ", confirm=True)
            if secret is None:
                raise LedgerError(
                    f"to encrypt key {name!r} set {PASSPHRASE_ENV} or {PASSPHRASE_FD_ENV}, "
                    "or run in a terminal"
                )
        private = Ed25519PrivateKey.generate()
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(secret)
            if secret
            else serialization.NoEncryption()
        )
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        tmp = self.dir / f".{name}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
                f.flush()
                os.fsync(f.fileno())
            # link() fails when the name exists: the refusal to overwrite holds even
            # against another process creating the same key at the same moment.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise LedgerError(refusal) from None
        finally:
            tmp.unlink(missing_ok=True)
        return LocalKey(name, private)

    def load(self, name: str) -> LocalKey:
        path = self.path(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            have = ", ".join(self.names()) or "none"
            raise LedgerError(
                f"no key named {name!r} in {self.dir} (your keys: {have}); "
                f"create one with: redline keys create {name}"
            ) from None
        if sys.platform != "win32" and path.stat().st_mode & 0o077:
            raise LedgerError(
                f"{path} is readable or writable by other users; run: chmod 600 {path}"
            )
        secret = None
        if b"ENCRYPTED PRIVATE KEY" in data:
            secret = passphrase(prompt=f"passphrase for key {name}: ")
            if secret is None:
                raise LedgerError(
                    f"key {name!r} is encrypted: set {PASSPHRASE_ENV} or {PASSPHRASE_FD_ENV} "
                    "(CI), or run in a terminal to be asked"
                )
        try:
            private = serialization.load_pem_private_key(data, password=secret)
        except (ValueError, TypeError):
            what = (
                "wrong passphrase, or not a PEM private key"
                if secret
                else ("not a PEM private key")
            )
            raise LedgerError(f"{path}: {what}") from None
        if not isinstance(private, Ed25519PrivateKey):
            raise LedgerError(f"{path}: not an Ed25519 private key")
        return LocalKey(name, private)

    def remove(self, name: str) -> None:
        """Undo a ``create`` whose registration failed (only the caller's new file)."""
        self.path(name).unlink(missing_ok=True)


# ------------------------------------------------------------ in the ledger


def _admission_hint(name: str) -> str:
    return (
        f"a holder of a registered key must admit it: they run "
        f"'redline keys register {name} --public-key FILE --by THEIR_KEY' with the file "
        f"from 'redline keys export {name}'"
    )


def register_key(ledger: Ledger, name: str, public: Ed25519PublicKey, by: LocalKey) -> Entry:
    """Append a ``key_registered`` entry for ``public`` under ``name``, signed by ``by``.

    ``by`` is the key itself only for the first key of a ledger (the bootstrap).
    """
    check_name(name)
    return ledger.append(EntryKind.KEY_REGISTERED, registration_payload(name, public), by)


def create_key(ledger: Ledger, name: str, by: str | None = None,
               keyring: Keyring | None = None, *,
               encrypt: bool | None = None) -> tuple[LocalKey, Entry | None]:  # fmt: skip
    """Create a private key and register it.

    In a ledger without keys the new key registers itself (the bootstrap); otherwise
    ``by`` (a registered key the user holds) admits it. Without ``by`` in a ledger
    that has keys, the key is created but not registered (entry ``None``).
    """
    kr = keyring or Keyring()
    check_name(name)
    registry = ledger.key_registry()
    admitter = kr.load(by) if by is not None else None
    key = kr.create(name, encrypt=encrypt)
    if registry.keys and admitter is None:
        return key, None
    try:
        entry = register_key(ledger, name, key.public, admitter or key)
    except BaseException:
        kr.remove(name)
        raise
    return key, entry


def not_registered_message(ledger: Ledger, name: str) -> str:
    return f"key {name!r} is not registered in the ledger at {ledger.location}; " + (
        _admission_hint(name)
    )


def ensure_registered(ledger: Ledger, key: LocalKey) -> KeyRecord:
    """The ledger's record of ``key``; registers it first in a ledger without keys."""
    registry = ledger.key_registry()
    rec = registry.keys.get(key.key_id)
    if rec is None and not registry.keys:
        register_key(ledger, key.name, key.public, key)
        rec = ledger.key_registry().keys.get(key.key_id)
    if rec is None:
        raise LedgerError(not_registered_message(ledger, key.name))
    if not rec.active:
        raise LedgerError(f"key {key.name!r} was revoked at entry {rec.revoked_seq}")
    if rec.name != key.name:
        raise LedgerError(
            f"key file {key.name!r} holds the key registered as {rec.name!r}; use that name"
        )
    return rec


def signing_key(
    ledger: Ledger, name: str | None = None, keyring: Keyring | None = None
) -> LocalKey:
    """The key to sign with: ``name``, else ``$REDLINE_KEY``, else ``redline-local``.

    ``redline-local`` is created (and, in a ledger without keys, registered) on first
    use when the user has no key at all, so that ``redline assess`` records without
    any setup. docs/security.md explains what that key does and does not prove.
    """
    kr = keyring or Keyring()
    name = name or os.environ.get("REDLINE_KEY") or DEFAULT_KEY_NAME
    if not kr.exists(name) and name == DEFAULT_KEY_NAME and not kr.names():
        if ledger.key_registry().keys:
            raise LedgerError(
                f"you have no signing key and the ledger at {ledger.location} already has "
                f"keys; create one with 'redline keys create NAME', then {_admission_hint('NAME')}"
            )
        key = kr.create(name)
    else:
        key = kr.load(name)
    ensure_registered(ledger, key)
    return key


def revoke_key(ledger: Ledger, name: str, by: LocalKey, reason: str | None = None) -> Entry:
    """Append a ``key_revoked`` entry: ``name``'s key signs nothing valid after it."""
    rec = ledger.key_registry().by_name(name)
    if rec is None:
        raise LedgerError(f"no key named {name!r} is registered in the ledger at {ledger.location}")
    if not rec.active:
        raise LedgerError(f"key {name!r} is already revoked (entry {rec.revoked_seq})")
    return ledger.append(EntryKind.KEY_REVOKED, revocation_payload(rec, reason), by)


def list_keys(ledger: Ledger, keyring: Keyring | None = None) -> list[dict[str, Any]]:
    """Keys of the ledger (with whether the user holds each), then local-only keys."""
    kr = keyring or Keyring()
    local: dict[str, str] = {}
    for n in kr.names():
        try:
            local[kr.load(n).key_id] = n
        except LedgerError:
            continue
    registry = ledger.key_registry()
    out: list[dict[str, Any]] = []
    for rec in sorted(registry.keys.values(), key=lambda r: r.registered_seq):
        row = rec.as_dict()
        row["status"] = "active" if rec.active else "revoked"
        row["local"] = rec.key_id in local
        out.append(row)
    for key_id, n in sorted(local.items(), key=lambda kv: kv[1]):
        if key_id not in registry.keys:
            out.append({"name": n, "key_id": key_id, "status": "not registered", "local": True})
    return out
