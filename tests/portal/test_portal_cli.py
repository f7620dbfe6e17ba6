"""``redline users``: organisations, accounts in them, scopes, and the errors a user
can cause (one line naming what is wrong, exit 1, nothing written)."""

from __future__ import annotations

import json

import pytest
from portal_support import EXAMPLE, PASSWORD
from typer.testing import CliRunner

from redline.cli import app
from redline.ledger.chain import EntryKind
from redline.portal.accounts import needs_second_factor

runner = CliRunner()


def run(*args: str, code: int = 0, stdin: str | None = None) -> str:
    r = runner.invoke(app, list(args), input=stdin)
    assert r.exit_code == code, (args, r.exit_code, r.output)
    return r.output


@pytest.mark.usefixtures("workspace")
def test_users_organisations_and_scopes() -> None:
    from redline.portal.service import Portal
    from redline.portal.settings import Settings

    run("users", "org-add", "larkspur", "--name", "Larkspur AI", "--kind", "lab")
    run("users", "org-add", "aisi", "--name", "An Institute", "--kind", "aisi")
    out = run("users", "org-add", "Bad Id", "--name", "x", "--kind", "lab", code=1)
    assert "organisation's id" in out and "Traceback" not in out
    assert "unknown organisation kind" in run(
        "users", "org-add", "x", "--name", "x", "--kind", "club", code=1
    )
    run("users", "add", "alice", "--role", "author", "--organisation", "larkspur",
        stdin=PASSWORD + "\n")  # fmt: skip
    run("users", "add", "sam", "--role", "signatory", "--organisation", "larkspur",
        stdin=PASSWORD + "\n")  # fmt: skip
    assert "belongs to a reviewing body" in run(
        "users", "add", "rex", "--role", "reviewer", "--organisation", "larkspur",
        stdin=PASSWORD + "\n", code=1,
    )  # fmt: skip
    assert "no organisation 'nowhere'" in run(
        "users", "add", "rex", "--role", "reviewer", "--organisation", "nowhere",
        stdin=PASSWORD + "\n", code=1,
    )  # fmt: skip
    p = Portal(Settings(secure_cookies=False))
    try:
        alice = p.user_by_name("alice")
        assert alice is not None
        vid, _ = p.upload_version(alice, EXAMPLE.read_text(encoding="utf-8"))
        assert vid is not None
    finally:
        p.close()
    assert "not a role of 'larkspur-fsf'" in run(
        "users", "grant", "sam", "larkspur-fsf", "--scope", "signatory", "--role", "ceo", code=1
    )
    run("users", "grant", "sam", "larkspur-fsf", "--scope", "signatory", "--role", "rso")
    assert "already holds" in run(
        "users", "grant", "sam", "larkspur-fsf", "--scope", "signatory", "--role", "rso", code=1
    )
    listed = {u["username"]: u for u in json.loads(run("users", "list", "--json"))}
    assert listed["sam"]["scopes"] == [
        {"framework": "larkspur-fsf", "kind": "signatory", "role": "rso"}
    ]
    assert listed["alice"]["scopes"] == [
        {"framework": "larkspur-fsf", "kind": "author", "role": None}
    ]
    p = Portal(Settings(secure_cookies=False))
    try:
        changes = [e.data()["change"] for e in p.ledger.entries(
            kinds=[EntryKind.ACCESS_CHANGED.value])]  # fmt: skip
        assert changes == ["organisation_added", "organisation_added", "account_added",
                           "account_added", "scope_granted", "scope_granted"]  # fmt: skip
        sam = p.user_by_name("sam")
        assert sam is not None and needs_second_factor(sam)
        assert not needs_second_factor(alice)
        roster = p.ledger.key_registry().roster
        assert roster is not None and roster.holds(p.user_key(sam).key_id, "rso@larkspur-fsf")
    finally:
        p.close()


@pytest.mark.usefixtures("workspace")
def test_reset_second_factor() -> None:
    """An administrator removes a lost second factor from the command line: a signed
    entry, the factor and recovery codes gone, the account's sessions ended, and its
    next sign-in goes to the enrolment again."""
    import pyotp

    from redline.portal import mfa
    from redline.portal.service import Portal
    from redline.portal.settings import Settings

    p = Portal(Settings(secure_cookies=False))
    try:
        if p.user_by_name("sam") is None:
            p.add_organisation("lab-r", "Lab R", "lab")
            p.add_user("sam", PASSWORD, "signatory", organisation="lab-r")
        sam = p.user_by_name("sam")
        assert sam is not None
        secret = mfa.start_enrolment(p, sam)
        assert len(mfa.confirm_enrolment(p, sam, pyotp.TOTP(secret).now())) == 10
        token, _csrf = p.create_session(sam)
        assert mfa.enrolled(p, sam) and p.session(token) is not None
    finally:
        p.close()
    out = run("users", "reset-second-factor", "nobody-here", code=1)
    assert "no user 'nobody-here'" in out and "Traceback" not in out
    assert "enrols again" in run("users", "reset-second-factor", "sam")
    p = Portal(Settings(secure_cookies=False))
    try:
        assert not mfa.enrolled(p, sam) and mfa.recovery_codes_left(p, sam) == 0
        assert p.session(token) is None
        assert mfa.begin_pending(p, sam)[1] == "enrol"
        last = list(p.ledger.entries(kinds=[EntryKind.ACCESS_CHANGED.value]))[-1]
        assert last.data() == {"change": "second_factor_reset", "account": "sam",
                               "key": sam.key_name}  # fmt: skip
        assert last.actor == "redline-portal"
    finally:
        p.close()
