"""The second factor: time-based one-time passwords (RFC 6238, pyotp) and recovery codes.

Required for the accounts that ``accounts.needs_second_factor`` names (administrators
and signatories), optional for everyone else: an account
that needs one gets no session until it has passed it (enrolling first if it has
none), so every session of a signatory passed the second factor; the factor a
session passed is recorded beside it (:func:`session_factor`).

Secrets at rest are encrypted with Fernet under a key file the server keeps beside
the accounts' signing keys (``<workspace>/portal/keys/totp-secrets.key``, mode
0600): a copy of the database alone does not yield them. Recovery codes (ten, 80
random bits each) are stored as SHA-256 digests and are single use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, insert, select, update

from redline._io import atomic_write
from redline.portal import auth_tables as A
from redline.portal import tables as T
from redline.portal.accounts import PortalError, User, token_hash
from redline.portal.service import Portal

ISSUER = "redline portal"
RECOVERY_CODES = 10
PENDING_S = 600.0
CODE_TRIES = 5
KEY_FILE = "totp-secrets.key"

# ------------------------------------------------------------ secrets at rest


def _fernet(portal: Portal) -> Fernet:
    path: Path = portal.settings.keys_dir / KEY_FILE
    with portal.lock:
        if not path.exists():
            atomic_write(path, Fernet.generate_key().decode("ascii"), mode=0o600)
        return Fernet(path.read_text(encoding="ascii").strip().encode("ascii"))


def _secret(portal: Portal, user: User) -> tuple[str, bool, int] | None:
    with portal.engine.connect() as conn:
        r = conn.execute(select(A.totp_secrets).where(A.totp_secrets.c.user_id == user.id)).first()
    if r is None:
        return None
    try:
        plain = _fernet(portal).decrypt(r.secret.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise PortalError(
            "this account's second factor cannot be read with the server's key; "
            "an administrator must reset it"
        ) from None
    return plain, bool(r.confirmed), int(r.last_step)


def enrolled(portal: Portal, user: User) -> bool:
    s = _secret(portal, user)
    return s is not None and s[1]


# ------------------------------------------------------------ enrolment


def start_enrolment(portal: Portal, user: User) -> str:
    """A new secret for ``user`` (replacing an unconfirmed one); refused once enrolled."""
    found = _secret(portal, user)
    if found is not None and found[1]:
        raise PortalError("this account already has a second factor")
    if found is not None:
        return found[0]
    secret = pyotp.random_base32()
    token = _fernet(portal).encrypt(secret.encode("ascii")).decode("ascii")
    with portal.ledger.write() as conn:
        conn.execute(delete(A.totp_secrets).where(A.totp_secrets.c.user_id == user.id))
        conn.execute(
            insert(A.totp_secrets).values(
                user_id=user.id, secret=token, confirmed=False, created=time.time(), last_step=0
            )
        )
    return secret


def otpauth_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _accept_totp(portal: Portal, user: User, secret: str, last_step: int, code: str) -> bool:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(time.time())
    for step in (now_step - 1, now_step, now_step + 1):  # one step of clock drift
        if step > last_step and hmac.compare_digest(totp.generate_otp(step), code):
            with portal.ledger.write() as conn:
                done = conn.execute(
                    update(A.totp_secrets)
                    .where(A.totp_secrets.c.user_id == user.id, A.totp_secrets.c.last_step < step)
                    .values(last_step=step)
                ).rowcount
            return bool(done)  # a parallel request with the same code loses
    return False


def confirm_enrolment(portal: Portal, user: User, code: str) -> list[str]:
    """Confirm with a first code from the app; returns new recovery codes (shown once)."""
    found = _secret(portal, user)
    if found is None:
        raise PortalError("start the enrolment first")
    secret, confirmed, last_step = found
    if confirmed:
        raise PortalError("this account already has a second factor")
    if not _accept_totp(portal, user, secret, last_step, code):
        raise PortalError("that code is not right; check the app's clock and try the next one")
    with portal.ledger.write() as conn:
        conn.execute(
            update(A.totp_secrets).where(A.totp_secrets.c.user_id == user.id).values(confirmed=True)
        )
    return new_recovery_codes(portal, user)


def new_recovery_codes(portal: Portal, user: User) -> list[str]:
    """Replace the account's recovery codes with fresh ones."""
    codes = [_format(secrets.token_bytes(10)) for _ in range(RECOVERY_CODES)]
    with portal.ledger.write() as conn:
        conn.execute(delete(A.recovery_codes).where(A.recovery_codes.c.user_id == user.id))
        for c in codes:
            conn.execute(insert(A.recovery_codes).values(user_id=user.id, code_hash=_digest(c)))
    return codes


def _format(raw: bytes) -> str:
    import base64

    s = base64.b32encode(raw).decode("ascii").lower()  # 16 characters
    return "-".join(s[i : i + 4] for i in range(0, 16, 4))


def _digest(code: str) -> str:
    norm = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(norm.encode("ascii", "replace")).hexdigest()


def recovery_codes_left(portal: Portal, user: User) -> int:
    with portal.engine.connect() as conn:
        rows = conn.execute(
            select(A.recovery_codes.c.id).where(
                A.recovery_codes.c.user_id == user.id, A.recovery_codes.c.used.is_(None)
            )
        ).all()
    return len(rows)


def reset(portal: Portal, user: User, actor: User | None = None) -> None:
    """Remove the account's second factor and recovery codes, and end its sessions and
    pending sign-ins (an administrator's act, for a lost device; an account that needs
    a factor enrols again at its next sign-in). Recorded first as a signed
    ``access_changed`` entry (``second_factor_reset``), by ``actor``'s key or, from the
    command line, the portal's."""
    portal.access_entry(actor, "second_factor_reset", account=user.username,
                        key=user.key_name)  # fmt: skip
    with portal.ledger.write() as conn:
        conn.execute(delete(A.totp_secrets).where(A.totp_secrets.c.user_id == user.id))
        conn.execute(delete(A.recovery_codes).where(A.recovery_codes.c.user_id == user.id))
        conn.execute(delete(A.pending).where(A.pending.c.user_id == user.id))
        conn.execute(delete(T.sessions).where(T.sessions.c.user_id == user.id))


# ------------------------------------------------------------ verification


def verify(portal: Portal, user: User, code: str) -> str | None:
    """``"totp"`` or ``"recovery"`` when ``code`` is a valid, unused code, else None."""
    found = _secret(portal, user)
    if found is None or not found[1]:
        return None
    secret, _confirmed, last_step = found
    if _accept_totp(portal, user, secret, last_step, code):
        return "totp"
    if len(code) > 40:
        return None
    with portal.ledger.write() as conn:
        used = conn.execute(
            update(A.recovery_codes)
            .where(
                A.recovery_codes.c.user_id == user.id,
                A.recovery_codes.c.code_hash == _digest(code),
                A.recovery_codes.c.used.is_(None),
            )
            .values(used=time.time())
        ).rowcount
    return "recovery" if used else None


# ------------------------------------------------------------ sign-in between factors


def begin_pending(portal: Portal, user: User) -> tuple[str, str]:
    """A token for a sign-in that passed the first factor; returns (token, purpose)."""
    purpose = "verify" if enrolled(portal, user) else "enrol"
    token = secrets.token_urlsafe(32)
    t = time.time()
    with portal.ledger.write() as conn:
        conn.execute(delete(A.pending).where(A.pending.c.expires < t))
        conn.execute(
            insert(A.pending).values(
                token_hash=token_hash(token),
                user_id=user.id,
                purpose=purpose,
                csrf="",
                expires=t + PENDING_S,
                failures=0,
            )
        )
    return token, purpose


def pending(portal: Portal, token: str | None) -> tuple[User, str] | None:
    """(user, purpose) of a live pending sign-in."""
    if not token:
        return None
    with portal.engine.connect() as conn:
        r = conn.execute(
            select(A.pending).where(A.pending.c.token_hash == token_hash(token))
        ).first()
    if r is None or r.expires < time.time():
        return None
    user = portal.user_by_id(int(r.user_id))
    if user is None or user.disabled:
        return None
    return user, str(r.purpose)


def pending_failed(portal: Portal, token: str) -> bool:
    """Count a wrong code; True when the pending sign-in is used up (deleted)."""
    h = token_hash(token)
    with portal.ledger.write() as conn:
        conn.execute(
            update(A.pending)
            .where(A.pending.c.token_hash == h)
            .values(failures=A.pending.c.failures + 1)
        )
        r = conn.execute(select(A.pending.c.failures).where(A.pending.c.token_hash == h)).first()
        if r is None or int(r.failures) >= CODE_TRIES:
            conn.execute(delete(A.pending).where(A.pending.c.token_hash == h))
            return True
    return False


def end_pending(portal: Portal, token: str) -> None:
    with portal.ledger.write() as conn:
        conn.execute(delete(A.pending).where(A.pending.c.token_hash == token_hash(token)))


def record_session_factor(portal: Portal, session_token: str, factor: str) -> None:
    h = token_hash(session_token)
    with portal.ledger.write() as conn:
        conn.execute(delete(A.session_factors).where(A.session_factors.c.token_hash == h))
        conn.execute(insert(A.session_factors).values(token_hash=h, factor=factor, at=time.time()))


def session_factor(portal: Portal, session_token: str | None) -> str | None:
    """The second factor the session passed, or None.

    The hook for routes that must check it themselves (a sign-off): sessions of
    accounts that need a second factor are only created after it."""
    if not session_token:
        return None
    with portal.engine.connect() as conn:
        r = conn.execute(
            select(A.session_factors.c.factor).where(
                A.session_factors.c.token_hash == token_hash(session_token)
            )
        ).first()
    return str(r.factor) if r else None
