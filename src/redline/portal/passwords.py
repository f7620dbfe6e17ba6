"""The password rule: at least 12 characters, not built on the user name, and not
easy to guess by zxcvbn's estimate (dictionaries of common passwords, names and
words, keyboard walks, repeats, sequences and dates)."""

from __future__ import annotations

from zxcvbn import zxcvbn

from redline.portal.accounts import PortalError

MIN_LENGTH = 12
# zxcvbn scores 0-4; 3 is "safely unguessable: moderate protection from an offline
# slow-hash scenario" (about 10^8 guesses and more). Argon2id is such a slow hash.
MIN_SCORE = 3
# zxcvbn's running time grows with the length; beyond this it adds nothing.
_CHECKED = 100


def check_password(password: str, username: str, *others: str | None) -> None:
    """Refuse a weak password with a message that says why and what to do.

    ``others`` are further words the password must not be built on (a display
    name, an organisation)."""
    if len(password) < MIN_LENGTH:
        raise PortalError(f"a password needs at least {MIN_LENGTH} characters")
    name = username.lower()
    if len(name) >= 3 and name in password.lower():
        raise PortalError("a password may not contain the user name")
    words = [w for w in (username, *others) if w]
    result = zxcvbn(password[:_CHECKED], user_inputs=words)
    if int(result["score"]) < MIN_SCORE:
        feedback = result.get("feedback") or {}
        advice = " ".join(
            x for x in [feedback.get("warning") or "", *feedback.get("suggestions", [])] if x
        )
        raise PortalError(
            "this password is too easy to guess"
            + (f": {advice}" if advice else "")
            + " A few uncommon words together make a strong one."
        )
