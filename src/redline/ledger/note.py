"""Checkpoints as C2SP signed notes, and witness cosignatures.

Formats, followed to the letter so that other transparency tooling (Go's
``golang.org/x/mod/sumdb/note``, transparency-dev/formats, witnesses) reads them:

* signed note (c2sp.org/signed-note): the text, ending in a newline, a blank line,
  then one line per signature: ``— <key name> base64(key ID || signature)``. Ed25519
  signatures (type ``0x01``) are over the text; the key ID is
  ``SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]``.
* checkpoint (c2sp.org/tlog-checkpoint): the text is the origin line, the tree size in
  decimal, the base64 root hash, each followed by a newline (no extension lines).
* cosignature (c2sp.org/tlog-cosignature, Ed25519 type ``0x04``): key ID
  ``SHA-256(name || "\\n" || 0x04 || public key)[:4]``; the signature is a big-endian
  u64 POSIX timestamp followed by the Ed25519 signature over
  ``"cosignature/v1\\n" || "time <t>\\n" || checkpoint text``.

A verifier configured with (name, public key) computes the key ID, ignores lines
from other keys, and rejects the note when the signature of a known key fails.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from redline.ledger.errors import LedgerError
from redline.ledger.rules import LocalKey, public_raw

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
_DASH = "\u2014 "
_NAME_RE = re.compile(r"^[^\s+]+$")
_MAX_SIGNATURES = 64


class NoteError(LedgerError):
    """A note, checkpoint or cosignature is malformed or does not verify."""


def key_id(name: str, sig_type: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public).digest()[:4]


def check_key_name(name: str) -> str:
    if not name or not _NAME_RE.fullmatch(name):
        raise NoteError(f"invalid note key name {name!r}: non-empty, no spaces or '+'")
    return name


def vkey(name: str, public: Ed25519PublicKey, sig_type: int = ED25519) -> str:
    """The verifier key string ``name+hex(key ID)+base64(type || key)`` (signed-note)."""
    raw = public_raw(public)
    kid = key_id(name, sig_type, raw).hex()
    return f"{name}+{kid}+{base64.b64encode(bytes([sig_type]) + raw).decode('ascii')}"


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    blob: bytes  # the signature bytes after the key ID

    def line(self) -> str:
        return f"{_DASH}{self.name} {base64.b64encode(self.key_id + self.blob).decode('ascii')}\n"


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[Signature, ...]

    def encode(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def with_signature(self, sig: Signature) -> Note:
        kept = tuple(s for s in self.signatures if (s.name, s.key_id) != (sig.name, sig.key_id))
        return Note(self.text, (*kept, sig))


def parse_note(data: str | bytes, source: str = "note") -> Note:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError(f"{source}: not UTF-8") from None
    if any(ord(c) < 0x20 and c != "\n" for c in data):
        raise NoteError(f"{source}: contains control characters")
    if not data.endswith("\n"):
        raise NoteError(f"{source}: does not end in a newline")
    cut = data.rfind("\n\n")
    if cut < 0:
        raise NoteError(f"{source}: no blank line before the signatures")
    text, block = data[: cut + 1], data[cut + 2 :]
    sigs: list[Signature] = []
    for line in block.splitlines():
        if not line.startswith(_DASH):
            raise NoteError(f"{source}: malformed signature line {line[:40]!r}")
        name, sep, b64 = line[len(_DASH) :].partition(" ")
        if not sep:
            raise NoteError(f"{source}: malformed signature line {line[:40]!r}")
        check_key_name(name)
        try:
            raw = base64.b64decode(b64, validate=True)
        except binascii.Error:
            raise NoteError(f"{source}: signature of {name} is not base64") from None
        if len(raw) < 5:
            raise NoteError(f"{source}: signature of {name} is too short")
        sigs.append(Signature(name, raw[:4], raw[4:]))
    if not sigs:
        raise NoteError(f"{source}: no signatures")
    if len(sigs) > _MAX_SIGNATURES:
        raise NoteError(f"{source}: more than {_MAX_SIGNATURES} signatures")
    return Note(text, tuple(sigs))


def _verify(public: Ed25519PublicKey, sig: bytes, msg: bytes) -> bool:
    try:
        public.verify(sig, msg)
    except InvalidSignature:
        return False
    return True


# ----------------------------------------------------------- note signatures


def sign_note(text: str, name: str, key: LocalKey) -> Signature:
    check_key_name(name)
    if not text.endswith("\n"):
        raise NoteError("note text must end in a newline")
    return Signature(name, key_id(name, ED25519, key.public_raw), key.sign(text.encode("utf-8")))


def verify_note_signature(note: Note, name: str, public: Ed25519PublicKey) -> None:
    """Raise unless ``note`` carries a valid Ed25519 signature of (name, public)."""
    kid = key_id(name, ED25519, public_raw(public))
    mine = [s for s in note.signatures if s.name == name and s.key_id == kid]
    if not mine:
        raise NoteError(f"the note is not signed by {name} (key ID {kid.hex()})")
    for s in mine:
        if len(s.blob) != 64 or not _verify(public, s.blob, note.text.encode("utf-8")):
            raise NoteError(f"the signature of {name} does not verify")


# ---------------------------------------------------------------- checkpoints


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"


def parse_checkpoint(text: str, source: str = "checkpoint") -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError(f"{source}: a checkpoint has an origin, a size and a root hash line")
    origin, size, root = lines[0], lines[1], lines[2]
    if not origin:
        raise NoteError(f"{source}: empty origin line")
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise NoteError(f"{source}: tree size {size!r} is not a decimal number")
    try:
        raw = base64.b64decode(root, validate=True)
    except binascii.Error:
        raise NoteError(f"{source}: root hash is not base64") from None
    if len(raw) != 32:
        raise NoteError(f"{source}: root hash is not 32 bytes")
    return Checkpoint(origin, int(size), raw)


# ----------------------------------------------------------------- cosigning


def _cosigned_message(timestamp: int, checkpoint_text: str) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + checkpoint_text.encode("utf-8")


def cosign(note: Note, name: str, key: LocalKey, timestamp: int) -> Signature:
    check_key_name(name)
    if not 0 <= timestamp < 2**63:
        raise NoteError("cosignature timestamp out of range")
    sig = key.sign(_cosigned_message(timestamp, note.text))
    return Signature(
        name, key_id(name, COSIGNATURE_V1, key.public_raw), struct.pack(">Q", timestamp) + sig
    )


def verify_cosignature(note: Note, name: str, public: Ed25519PublicKey) -> int:
    """The timestamp of (name, public)'s valid cosignature on ``note``; raise if none."""
    kid = key_id(name, COSIGNATURE_V1, public_raw(public))
    mine = [s for s in note.signatures if s.name == name and s.key_id == kid]
    if not mine:
        raise NoteError(f"the checkpoint has no cosignature of witness {name}")
    for s in mine:
        if len(s.blob) != 72:
            raise NoteError(f"the cosignature of {name} is not 8 + 64 bytes")
        (ts,) = struct.unpack(">Q", s.blob[:8])
        if not _verify(public, s.blob[8:], _cosigned_message(ts, note.text)):
            raise NoteError(f"the cosignature of witness {name} does not verify")
        return int(ts)
    raise AssertionError("unreachable")
