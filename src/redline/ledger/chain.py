"""Entries and how they are hashed: the part a third party re-implements to verify.

An entry's hash is SHA-256 over the RFC 8785 (JSON Canonicalization Scheme) encoding
of the object ``{"actor", "key_id", "kind", "payload", "prev_hash", "seq", "time"}``;
its signature is Ed25519 by the actor's key over the 32 raw bytes of that hash.
docs/security.md states the construction in full, with a worked example.

The payload is stored as its own canonical JSON text, so the canonical encoding of
the whole object is the other fields' canonical encodings with the stored text
spliced in verbatim: verification never re-serialises a payload, which keeps it
fast and makes every byte of the stored text count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import rfc8785

GENESIS_PREV_HASH = "0" * 64
"""``prev_hash`` of the first entry: there is nothing before it."""

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
# Strings that RFC 8785 writes as themselves between quotes: printable ASCII without
# the two characters it escapes. Everything else goes through the library.
# fullmatch, not ^...$: "$" also matches before a trailing newline, which would let
# "kind\n" skip escaping and break canonical form (found by a property test).
_PLAIN_RE = re.compile(r"[ !#-\[\]-~]*")


class EntryKind(StrEnum):
    """What an entry records. Verification rejects any other kind."""

    FRAMEWORK_ADOPTED = "framework_adopted"
    ASSESSMENT_RECORDED = "assessment_recorded"
    DECISION_MADE = "decision_made"
    SIGN_OFF = "sign_off"
    REVIEW_COMMENT = "review_comment"
    INCIDENT_OPENED = "incident_opened"
    INCIDENT_UPDATED = "incident_updated"
    INCIDENT_CLOSED = "incident_closed"
    KEY_REGISTERED = "key_registered"
    KEY_REVOKED = "key_revoked"
    ROSTER = "roster"
    # The portal's accounts, organisations and scopes (who may act on which framework).
    ACCESS_CHANGED = "access_changed"


KINDS = frozenset(k.value for k in EntryKind)


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical JSON: one byte string per JSON value, so hashes are stable."""
    return rfc8785.dumps(value)


def canonical_text(value: Any) -> str:
    return canonical_json(value).decode("utf-8")


def _jcs_str(s: str) -> bytes:
    if _PLAIN_RE.fullmatch(s):
        return b'"' + s.encode("ascii") + b'"'
    return rfc8785.dumps(s)


def hash_input(
    *,
    seq: int,
    time: str,
    kind: str,
    actor: str,
    key_id: str,
    payload: str,
    prev_hash: str,
) -> bytes:
    """The canonical encoding of an entry's fields (all but ``hash`` and ``signature``).

    Equal to ``canonical_json({...})`` of the same fields with the payload parsed,
    provided ``payload`` is canonical JSON text (the ledger only stores such text).
    Keys appear in RFC 8785 order: actor, key_id, kind, payload, prev_hash, seq, time.
    """
    return b"".join(
        (
            b'{"actor":',
            _jcs_str(actor),
            b',"key_id":',
            _jcs_str(key_id),
            b',"kind":',
            _jcs_str(kind),
            b',"payload":',
            payload.encode("utf-8"),
            b',"prev_hash":',
            _jcs_str(prev_hash),
            b',"seq":',
            str(seq).encode("ascii"),
            b',"time":',
            _jcs_str(time),
            b"}",
        )
    )


def entry_hash(
    *,
    seq: int,
    time: str,
    kind: str,
    actor: str,
    key_id: str,
    payload: str,
    prev_hash: str,
) -> str:
    """Hex SHA-256 of :func:`hash_input`."""
    return hashlib.sha256(
        hash_input(
            seq=seq,
            time=time,
            kind=kind,
            actor=actor,
            key_id=key_id,
            payload=payload,
            prev_hash=prev_hash,
        )
    ).hexdigest()


def format_time(t: dt.datetime) -> str:
    """UTC with microseconds and a ``Z``: fixed width, so text order is time order."""
    return t.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(s: str) -> dt.datetime:
    return dt.datetime.strptime(s, TIME_FORMAT).replace(tzinfo=dt.UTC)


def now() -> str:
    return format_time(dt.datetime.now(dt.UTC))


def is_time(s: str) -> bool:
    """Whether ``s`` is a real UTC instant in the ledger's exact format."""
    if not _TIME_RE.fullmatch(s):
        return False
    try:
        dt.datetime.fromisoformat(s[:-1])  # the C parser: verification calls this per entry
    except ValueError:
        return False
    return True


def is_hex64(s: str) -> bool:
    return bool(_HEX64_RE.fullmatch(s))


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the ledger, exactly as stored."""

    seq: int
    time: str
    kind: str
    actor: str
    key_id: str
    payload: str
    prev_hash: str
    hash: str
    signature: str

    def data(self) -> dict[str, Any]:
        """The payload as a JSON object."""
        value = json.loads(self.payload)
        if not isinstance(value, dict):
            raise ValueError("payload is not a JSON object")
        return value

    def computed_hash(self) -> str:
        return entry_hash(
            seq=self.seq,
            time=self.time,
            kind=self.kind,
            actor=self.actor,
            key_id=self.key_id,
            payload=self.payload,
            prev_hash=self.prev_hash,
        )

    def as_dict(self) -> dict[str, Any]:
        """For ``--json`` output: the stored fields, the payload parsed."""
        return {
            "seq": self.seq,
            "time": self.time,
            "kind": self.kind,
            "actor": self.actor,
            "key_id": self.key_id,
            "payload": json.loads(self.payload),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "signature": self.signature,
        }


def short(hex_id: str) -> str:
    """The 12-character prefix used to show entry hashes (decision ids) to people."""
    return hex_id[:12]
