"""Organisations, per-framework scopes and who sees which decision (issue #20).

An organisation is a lab, which owns frameworks, or a reviewing body (an AI safety
institute, a government, a regulator, a third-party evaluator). An account belongs to
one and acts only within scopes granted per framework:

* **author** of framework F: upload and revise F's versions, open rounds, invite,
  publish. The first upload of a framework id claims it for the author's lab and
  grants the uploader this scope.
* **signatory for role R of F**: sign F's decisions as R, where R is a role of F's
  governance section. The grant also binds the account's key to ``R@F`` in the
  ledger's roster (:func:`redline.ledger.rules.scoped_role`), so the ledger itself
  accepts the sign-off only for that framework and role, and only while the roster
  says so (a revocation is a new roster).
* **reviewer of round N**: the invitation to the round (``portal_invitations``).

Decisions are visible to the members of the framework's organisation and to the
members of reviewing bodies that were invited to a round on the framework; nobody
else (the portal's operator account included). Every account, organisation and scope
change is a signed ``access_changed`` ledger entry.

:class:`Tenancy` is a part of :class:`redline.portal.service.Portal` (a mixin, so
that the service module stays small); it uses only the attributes declared below.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from sqlalchemy import Engine, and_, insert, select, update

from redline.framework import schema as S
from redline.ledger.chain import Entry, EntryKind, now
from redline.ledger.errors import LedgerError
from redline.ledger.keys import LocalKey, signing_key
from redline.ledger.rules import ROLE_RE, roster_payload, scoped_role
from redline.ledger.signoff import DecisionStatus, decision_status, sign_decision
from redline.ledger.store import Ledger
from redline.portal import tables as T
from redline.portal.accounts import (
    MAX_COMMENT,
    ORG_KINDS,
    REVIEWING_KINDS,
    SCOPE_KINDS,
    SLUG_RE,
    PortalError,
    User,
    user_from_row,
)

# The roster role that lets the portal's key change the roster (its scoped bindings).
PORTAL_AUTHORITY = "portal-service"


class Tenancy:
    ledger: Ledger
    engine: Engine
    lock: threading.RLock
    service_key: LocalKey

    # Provided by Portal.
    def user_key(self, user: User) -> LocalKey:
        raise NotImplementedError

    def latest_version(self, framework_id: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def framework(self, version: dict[str, Any]) -> S.Framework:
        raise NotImplementedError

    # ------------------------------------------------------------ ledger record

    def access_entry(self, actor: User | None, change: str, **fields: Any) -> Entry:
        """A signed ``access_changed`` entry: by the acting account's key, or by the
        portal's key when the change comes from the command line."""
        payload = {"change": change, **fields}
        with self.lock:
            key = self.user_key(actor) if actor is not None else self.service_key
            return self.ledger.append(EntryKind.ACCESS_CHANGED, payload, key)

    # ------------------------------------------------------------ organisations

    def add_organisation(self, slug: str, name: str, kind: str,
                         actor: User | None = None) -> dict[str, Any]:  # fmt: skip
        if not SLUG_RE.fullmatch(slug):
            raise PortalError(
                "an organisation's id is 1-64 lower-case letters, digits or '-', starting "
                "with a letter or digit"
            )
        name = name.strip()
        if not name or len(name) > 200:
            raise PortalError("an organisation needs a name of at most 200 characters")
        if kind not in ORG_KINDS:
            raise PortalError(f"unknown organisation kind {kind!r}: one of {', '.join(ORG_KINDS)}")
        if self.organisation(slug) is not None:
            raise PortalError(f"organisation {slug!r} already exists")
        entry = self.access_entry(
            actor, "organisation_added", organisation={"id": slug, "name": name, "kind": kind}
        )
        with self.ledger.write() as conn:
            conn.execute(
                insert(T.organisations).values(
                    slug=slug, name=name, kind=kind, created=now(), entry_hash=entry.hash
                )
            )
        org = self.organisation(slug)
        assert org is not None
        return org

    def organisation(self, slug: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            r = conn.execute(
                select(T.organisations).where(T.organisations.c.slug == slug)
            ).first()
        return dict(r._mapping) if r else None

    def organisations(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            q = select(T.organisations).order_by(T.organisations.c.slug)
            return [dict(r._mapping) for r in conn.execute(q)]

    def organisation_by_name(self, name: str) -> dict[str, Any] | None:
        """The organisation called ``name`` (names are compared as written)."""
        with self.engine.connect() as conn:
            r = conn.execute(
                select(T.organisations).where(T.organisations.c.name == name.strip())
                .order_by(T.organisations.c.id)
            ).first()  # fmt: skip
        return dict(r._mapping) if r else None

    def free_slug(self, name: str) -> str:
        """An unused organisation id made from ``name`` (``Larkspur AI`` -> ``larkspur-ai``)."""
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56] or "org"
        slug, n = base, 1
        while self.organisation(slug) is not None:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def move_account(self, actor: User | None, user: User, slug: str) -> User:
        """Make ``user`` a member of organisation ``slug`` (a signed entry); its scopes
        on frameworks the new organisation does not own are revoked first."""
        org = self.organisation(slug)
        if org is None:
            raise PortalError(f"no organisation {slug!r}")
        if user.org_id == org["id"]:
            return user
        if user.role == "reviewer" and org["kind"] not in REVIEWING_KINDS:
            raise PortalError("a trusted reviewer belongs to a reviewing body")
        if user.role in SCOPE_KINDS and org["kind"] != "lab":
            raise PortalError(f"an account of role {user.role} belongs to a lab")
        for s in self.scopes(user_id=user.id):
            if self.framework_org(str(s["framework_id"])) != org["id"]:
                self.revoke_scope(actor, int(s["id"]))
        self.access_entry(actor, "account_moved", account=user.username, key=user.key_name,
                          organisation=slug)  # fmt: skip
        with self.ledger.write() as conn:
            conn.execute(
                update(T.users).where(T.users.c.id == user.id)
                .values(org_id=org["id"], organisation=org["name"], org_kind=org["kind"])
            )  # fmt: skip
        with self.engine.connect() as conn:
            r = conn.execute(select(T.users).where(T.users.c.id == user.id)).first()
        assert r is not None
        return user_from_row(r)

    def framework_org(self, framework_id: str) -> int | None:
        """The organisation that owns a framework id in this portal (None if none)."""
        with self.engine.connect() as conn:
            v = conn.execute(
                select(T.frameworks.c.org_id).where(T.frameworks.c.framework_id == framework_id)
            ).scalar()
        return int(v) if v is not None else None

    # ------------------------------------------------------------ scopes

    def scopes(self, *, user_id: int | None = None, framework_id: str | None = None,
               kind: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """Scopes in force (not revoked), with the account's name."""
        q = (
            select(T.scopes, T.users.c.username)
            .join(T.users, T.users.c.id == T.scopes.c.user_id)
            .where(T.scopes.c.revoked.is_(None))
            .order_by(T.scopes.c.framework_id, T.scopes.c.id)
        )
        if user_id is not None:
            q = q.where(T.scopes.c.user_id == user_id)
        if framework_id is not None:
            q = q.where(T.scopes.c.framework_id == framework_id)
        if kind is not None:
            q = q.where(T.scopes.c.kind == kind)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def has_scope(self, user: User, framework_id: str, kind: str) -> bool:
        if user.disabled:
            return False
        return bool(self.scopes(user_id=user.id, framework_id=framework_id, kind=kind))

    def authored_frameworks(self, user: User) -> set[str]:
        return {str(s["framework_id"]) for s in self.scopes(user_id=user.id, kind="author")}

    def grant_scope(self, actor: User | None, user: User, framework_id: str, kind: str,
                    role: str | None = None) -> dict[str, Any]:  # fmt: skip
        """Grant ``user`` a scope on ``framework_id`` (signed by ``actor``; a signatory
        scope also binds the user's key to ``role@framework`` in the roster)."""
        if kind not in SCOPE_KINDS:
            raise PortalError(f"unknown scope {kind!r}: one of {', '.join(SCOPE_KINDS)}")
        org = self.framework_org(framework_id)
        if org is None:
            raise PortalError(f"no framework {framework_id!r} in this portal")
        if user.org_id != org:
            raise PortalError(
                f"{user.username} does not belong to the organisation that owns {framework_id!r}"
            )
        if user.role != kind:
            raise PortalError(f"a {kind} scope goes to an account of role {kind}")
        if kind == "signatory":
            role = (role or "").strip()
            roles = self._governance_roles(framework_id)
            if role not in roles:
                raise PortalError(
                    f"{role!r} is not a role of {framework_id!r}'s governance section: "
                    + ", ".join(roles)
                )
            if not ROLE_RE.fullmatch(scoped_role(role, framework_id)):
                raise PortalError("the framework id and role are too long for the roster")
        else:
            role = None
        have = [s for s in self.scopes(user_id=user.id, framework_id=framework_id, kind=kind)
                if s["role"] == role]  # fmt: skip
        if have:
            raise PortalError(f"{user.username} already holds this scope")
        scope = {"framework": framework_id, "kind": kind, "role": role}
        with self.lock:
            entry = self.access_entry(actor, "scope_granted", account=user.username,
                                      key=user.key_name, scope=scope)  # fmt: skip
            bound = None
            if kind == "signatory":
                assert role is not None
                bound = self._bind(scoped_role(role, framework_id), self.user_key(user), True)
        with self.ledger.write() as conn:
            res = conn.execute(
                insert(T.scopes).values(
                    user_id=user.id, framework_id=framework_id, kind=kind, role=role,
                    granted=now(), granted_by=actor.id if actor else None,
                    entry_hash=entry.hash, roster_entry=bound.hash if bound else None,
                )
            )  # fmt: skip
            sid = int(res.inserted_primary_key[0])  # type: ignore[index]
        return {"id": sid, **scope}

    def revoke_scope(self, actor: User | None, scope_id: int) -> None:
        with self.engine.connect() as conn:
            r = conn.execute(
                select(T.scopes, T.users.c.username, T.users.c.key_name)
                .join(T.users, T.users.c.id == T.scopes.c.user_id)
                .where(T.scopes.c.id == scope_id, T.scopes.c.revoked.is_(None))
            ).first()  # fmt: skip
        if r is None:
            raise PortalError("no such scope")
        scope = {"framework": r.framework_id, "kind": r.kind, "role": r.role}
        with self.lock:
            entry = self.access_entry(actor, "scope_revoked", account=r.username,
                                      key=r.key_name, scope=scope)  # fmt: skip
            if r.kind == "signatory":
                key = self.ledger.key_registry().by_name(r.key_name)
                if key is not None:
                    self._unbind(scoped_role(r.role, r.framework_id), key.key_id)
        with self.ledger.write() as conn:
            conn.execute(
                update(T.scopes).where(T.scopes.c.id == scope_id)
                .values(revoked=now(), revoked_entry=entry.hash)
            )  # fmt: skip

    def _governance_roles(self, framework_id: str) -> list[str]:
        v = self.latest_version(framework_id)
        if v is None:
            return []
        return [r.id for r in self.framework(v).governance.roles]

    # ------------------------------------------------------------ the roster

    def _bind(self, role: str, key: LocalKey, add: bool) -> Entry:
        registry = self.ledger.key_registry()
        roster = registry.roster
        roles: dict[str, set[str]] = (
            {r: set(ids) for r, ids in roster.roles.items()} if roster else {}
        )
        if roster is None:
            # The first roster: signed by the key that set the ledger up; it makes the
            # portal's key an authority so that it can maintain its scoped bindings.
            signer = self._bootstrap_key()
            roles[PORTAL_AUTHORITY] = {self.service_key.key_id}
            authority = [PORTAL_AUTHORITY]
        else:
            if not roster.is_authority(self.service_key.key_id):
                raise PortalError(
                    "the ledger's roster does not let the portal's key change it: bind the "
                    f"key {self.service_key.name!r} to one of its authority roles "
                    f"({', '.join(roster.authority)}) with `redline roster set`"
                )
            signer = self.service_key
            authority = list(roster.authority)
        if add:
            roles.setdefault(role, set()).add(key.key_id)
        return self._write_roster(roles, authority, signer, f"portal: bind {role}")

    def _unbind(self, role: str, key_id: str) -> Entry | None:
        roster = self.ledger.key_registry().roster
        if roster is None or not roster.holds(key_id, role):
            return None
        if not roster.is_authority(self.service_key.key_id):
            raise PortalError("the ledger's roster no longer lets the portal's key change it")
        roles = {r: set(ids) for r, ids in roster.roles.items()}
        roles[role].discard(key_id)
        if not roles[role]:
            del roles[role]
        return self._write_roster(roles, list(roster.authority), self.service_key,
                                  f"portal: unbind {role}")  # fmt: skip

    def _write_roster(self, roles: dict[str, set[str]], authority: list[str],
                      signer: LocalKey, note: str) -> Entry:  # fmt: skip
        payload = roster_payload({r: sorted(k) for r, k in roles.items()}, authority, note)
        try:
            return self.ledger.append(EntryKind.ROSTER, payload, signer)
        except LedgerError as exc:
            raise PortalError(f"the roster refused the change: {exc}") from None

    def _bootstrap_key(self) -> LocalKey:
        registry = self.ledger.key_registry()
        if registry.bootstrap == self.service_key.key_id:
            return self.service_key
        try:
            key = signing_key(self.ledger)
        except LedgerError as exc:
            raise PortalError(
                f"the ledger has no roster yet; its first one must be signed by the key "
                f"that set the ledger up, which is not available here: {exc}"
            ) from None
        if key.key_id != registry.bootstrap:
            raise PortalError(
                "the ledger has no roster yet; its first one must be signed by the key that "
                "set the ledger up (entry 1's key), set $REDLINE_KEY to it"
            )
        return key

    # ------------------------------------------------------------ decisions

    def visible_frameworks(self, user: User) -> set[str]:
        """Framework ids whose decisions ``user`` may see."""
        if user.org_id is None or user.disabled:
            return set()
        with self.engine.connect() as conn:
            own = set(conn.execute(
                select(T.frameworks.c.framework_id).where(T.frameworks.c.org_id == user.org_id)
            ).scalars())  # fmt: skip
            if user.org_kind not in REVIEWING_KINDS:
                return own
            colleague = T.users.alias("colleague")
            invited = set(conn.execute(
                select(T.versions.c.framework_id)
                .join(T.rounds, T.rounds.c.version_id == T.versions.c.id)
                .join(T.invitations, T.invitations.c.round_id == T.rounds.c.id)
                .join(colleague, and_(colleague.c.id == T.invitations.c.user_id,
                                      colleague.c.org_id == user.org_id))
            ).scalars())  # fmt: skip
        return own | invited

    def decisions(self, viewer: User) -> list[DecisionStatus]:
        """The decisions ``viewer`` may see, newest first."""
        seen = self.visible_frameworks(viewer)
        if not seen:
            return []
        ids = [
            e.hash for e in self.ledger.entries(kinds=[EntryKind.DECISION_MADE.value])
            if e.data().get("framework", {}).get("id") in seen
        ]  # fmt: skip
        return [decision_status(self.ledger, i) for i in reversed(ids)]

    def decision(self, viewer: User, decision_id: str) -> DecisionStatus | None:
        """The decision, or None when there is none or ``viewer`` may not see it (the
        same answer, so that a decision's existence is not disclosed)."""
        if len(decision_id) != 64 or any(c not in "0123456789abcdef" for c in decision_id):
            return None
        try:
            status = decision_status(self.ledger, decision_id)
        except LedgerError:
            return None
        if status.framework.get("id") not in self.visible_frameworks(viewer):
            return None
        return status

    def signing_roles(self, user: User, status: DecisionStatus) -> list[str]:
        """The roles ``user`` may sign ``status`` as: their signatory scopes on its
        framework that the decision needs."""
        fw = status.framework.get("id")
        if user.role != "signatory" or not isinstance(fw, str):
            return []
        needed = {r for q in status.required for r in q.roles}
        held = [str(s["role"]) for s in self.scopes(user_id=user.id, framework_id=fw,
                                                    kind="signatory")]  # fmt: skip
        return [r for r in held if r in needed]

    def sign(self, user: User, decision_id: str, dissent: str | None,
             role: str | None = None) -> Entry:  # fmt: skip
        status = self.decision(user, decision_id)
        if status is None:
            raise PortalError("no such decision")
        roles = self.signing_roles(user, status)
        if not roles:
            raise PortalError("you hold no signatory scope on this framework that this "
                              "decision needs")  # fmt: skip
        if role is None and len(roles) == 1:
            role = roles[0]
        if role not in roles:
            raise PortalError("choose one of the roles you may sign as: " + ", ".join(roles))
        if dissent is not None and len(dissent) > MAX_COMMENT:
            raise PortalError(f"a statement is at most {MAX_COMMENT} characters")
        try:
            with self.lock:
                return sign_decision(self.ledger, status.decision_id, role, self.user_key(user),
                                     dissent=dissent)  # fmt: skip
        except LedgerError as exc:
            raise PortalError(str(exc)) from None

