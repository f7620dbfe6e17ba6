"""Finding 5 of the security review: length was the only rule for a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.portal.accounts import PortalError
from redline.portal.service import Portal
from redline.portal.settings import Settings


@pytest.fixture(scope="module")
def portal(workspace: Path) -> Portal:
    p = Portal(Settings(workspace=workspace, secure_cookies=False))
    p.add_organisation("lab1", "Lab One", "lab")
    yield p  # type: ignore[misc]
    p.close()


@pytest.mark.parametrize(
    ("username", "password", "words"),
    [
        ("weak1", "aaaaaaaaaaaa", "easy to guess"),
        ("weak2", "password1234", "easy to guess"),
        ("margaret", "margaret", "at least 12"),
        ("margaret", "margaret-1987", "user name"),
        ("margaret", "xMARGARETx-2024!", "user name"),
        ("weak3", "qwertyuiop12", "easy to guess"),
    ],
)
def test_weak_passwords_refused(portal: Portal, username: str, password: str,
                                words: str) -> None:  # fmt: skip
    with pytest.raises(PortalError) as err:
        portal.add_user(username, password, "author", organisation="lab1")
    assert words in str(err.value)
    assert portal.user_by_name(username) is None


def test_strong_passwords_accepted(portal: Portal) -> None:
    u = portal.add_user("strong", "correct horse battery staple", "author",
                       organisation="lab1")  # fmt: skip
    assert u.username == "strong"


def test_the_message_says_what_to_do() -> None:
    from redline.portal.passwords import check_password

    with pytest.raises(PortalError) as err:
        check_password("aaaaaaaaaaaa", "someone")
    msg = str(err.value)
    assert msg.startswith("this password is too easy to guess")
    assert "Repeats" in msg  # zxcvbn's own advice is passed on
