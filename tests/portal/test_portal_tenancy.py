"""Organisations and scopes through the administrator's pages: every change is an
``access_changed`` entry signed by the administrator's key, a signatory scope is a
roster binding from its grant to its revocation, and decision lists follow the
organisation and the invited bodies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portal_support import PASSWORD, login, seed

from redline.ledger.chain import EntryKind


def _changes(p: Any, after: int) -> list[tuple[str, str]]:
    kinds = [EntryKind.ACCESS_CHANGED.value]
    return [(e.actor, e.data()["change"]) for e in p.ledger.entries(after=after, kinds=kinds)]


def test_admin_changes_are_signed_entries_and_roster_bindings(workspace: Path) -> None:
    from fastapi.testclient import TestClient

    from redline.portal.app import create_app

    s = seed(workspace)
    app = create_app(s.settings)
    p = app.state.portal
    c = TestClient(app, base_url="http://127.0.0.1")
    tok = login(c, "admin")
    start = p.ledger.count()

    def post(url: str, **data: str) -> Any:
        r = c.post(url, data={"csrf": tok, **data}, follow_redirects=False)
        assert r.status_code == 303, (url, r.status_code, r.text[-400:])
        return r

    post("/admin/organisations", slug="regulator", name="A Regulator", kind="regulator")
    post("/admin/users", username="cfo", password=PASSWORD, role="signatory",
         display_name="Finance", organisation="larkspur")  # fmt: skip
    cfo = p.user_by_name("cfo")
    assert cfo is not None and cfo.organisation == "Larkspur AI"
    post(f"/admin/users/{cfo.id}/scopes", framework="larkspur-fsf", kind="signatory",
         role="board")  # fmt: skip
    key_id = p.user_key(cfo).key_id
    roster = p.ledger.key_registry().roster
    assert roster is not None and roster.holds(key_id, "board@larkspur-fsf")
    scope = p.scopes(user_id=cfo.id)[0]
    post(f"/admin/scopes/{scope['id']}/revoke")
    roster = p.ledger.key_registry().roster
    assert roster is not None and not roster.holds(key_id, "board@larkspur-fsf")
    post(f"/admin/users/{cfo.id}/disable")
    post(f"/admin/users/{cfo.id}/enable")
    assert _changes(p, start) == [
        ("portal-admin", "organisation_added"), ("portal-admin", "account_added"),
        ("portal-admin", "scope_granted"), ("portal-admin", "scope_revoked"),
        ("portal-admin", "account_disabled"), ("portal-admin", "account_enabled"),
    ]  # fmt: skip
    # A scope on another lab's framework, or a role the framework does not have, is refused.
    r = c.post(f"/admin/users/{cfo.id}/scopes", data={
        "csrf": tok, "framework": "other-fsf", "kind": "signatory", "role": "rso"})  # fmt: skip
    assert r.status_code == 400 and "does not belong" in r.text
    r = c.post(f"/admin/users/{cfo.id}/scopes", data={
        "csrf": tok, "framework": "larkspur-fsf", "kind": "signatory", "role": "ceo"})  # fmt: skip
    assert r.status_code == 400 and "not a role of" in r.text


def test_decision_lists_follow_organisations_and_invited_bodies(workspace: Path) -> None:
    from redline.portal.service import Portal

    s = seed(workspace.parent / "ws-lists")
    p = Portal(s.settings)
    try:
        a, b = s.ids["decision"], s.ids["decision2"]

        def seen(name: str) -> list[str]:
            u = p.user_by_name(name)
            assert u is not None
            return [d.decision_id for d in p.decisions(u)]

        assert seen("author") == seen("victim") == seen("rso") == [a]
        assert seen("author2") == seen("rso-other") == [b]
        # The institute was invited to Larkspur's round (through ``reviewer``): its
        # members see Larkspur's decision, not Other Lab's.
        assert seen("reviewer") == seen("reviewer2") == [a]
        assert seen("admin") == []  # the operator belongs to no organisation
        author2 = p.user_by_name("author2")
        reviewer2 = p.user_by_name("reviewer2")
        assert author2 is not None and reviewer2 is not None
        p.invite(author2, s.ids["round2"], [reviewer2.id])
        assert set(seen("reviewer")) == {a, b}
    finally:
        p.close()
