"""Single sign-on with OpenID Connect (authorisation code flow with PKCE, Authlib's
client; ID tokens checked with joserfc), beside local accounts.

Providers and how their claims map to an account (role, organisation, scope grants)
are configured in a TOML file: ``$REDLINE_OIDC_CONFIG``, or
``<workspace>/portal/oidc.toml``; docs/security.md ("Authentication") describes it.
The first sign-in through a provider creates the account; later ones find it by
(issuer, subject), never by name, and bring its organisation and scopes up to date
through the tenancy (:mod:`redline.portal.tenancy`), each change a signed entry.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete, insert, select, update

from redline.portal import auth_tables as A
from redline.portal.accounts import (
    ORG_KINDS,
    REVIEWING_KINDS,
    ROLES,
    USERNAME_RE,
    PortalError,
    User,
)
from redline.portal.service import Portal

log = logging.getLogger(__name__)
CONFIG_ENV = "REDLINE_OIDC_CONFIG"
PENDING_S = 600.0


class Rule(BaseModel):
    """When ``claim`` holds ``value`` (or a list holding it), grant these."""

    model_config = ConfigDict(extra="forbid")
    claim: str
    value: str
    role: str | None = None
    organisation: str | None = None
    org_kind: str | None = None
    grants: list[str] = Field(default_factory=list)


class Provider(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    issuer: str
    client_id: str
    client_secret: str | None = None
    client_secret_env: str | None = None
    redirect_uri: str
    scopes: list[str] = Field(default_factory=lambda: ["openid", "profile", "email"])
    username_claim: str = "preferred_username"
    name_claim: str = "name"
    organisation_claim: str | None = None
    rules: list[Rule] = Field(default_factory=list)

    def secret(self) -> str:
        if self.client_secret_env:
            return os.environ.get(self.client_secret_env, "")
        return self.client_secret or ""


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")
    providers: dict[str, Provider] = Field(default_factory=dict)


@dataclass(frozen=True)
class ProviderLink:
    name: str
    label: str


def config_path(portal: Portal) -> Path:
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else portal.settings.workspace / "portal" / "oidc.toml"


_cache: dict[Path, tuple[float, Config]] = {}


def load_config(path: Path) -> Config:
    """The configuration in ``path`` (empty when there is no file); a clear
    :class:`PortalError` naming the file, line or field when it is wrong."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return Config()
    hit = _cache.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PortalError(f"{path}: {exc}") from None
    try:
        cfg = Config.model_validate(raw)
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(str(x) for x in e["loc"])
        raise PortalError(f"{path}: field {where}: {e['msg']}") from None
    for name, p in cfg.providers.items():
        _check_provider(path, name, p)
    _cache[path] = (mtime, cfg)
    return cfg


def _check_provider(path: Path, name: str, p: Provider) -> None:
    def bad(field: str, why: str) -> PortalError:
        return PortalError(f"{path}: field providers.{name}.{field}: {why}")

    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", name):
        raise bad("", "a provider's name is 1-40 lower-case letters, digits, '_' or '-'")
    for field in ("issuer", "redirect_uri"):
        u = urlsplit(getattr(p, field))
        local = u.hostname in ("127.0.0.1", "localhost", "::1")
        if u.scheme != "https" and not (u.scheme == "http" and local):
            raise bad(field, "must be https:// (http:// only for 127.0.0.1)")
    if not p.redirect_uri.endswith(f"/login/oidc/{name}/callback"):
        raise bad("redirect_uri", f"must end with /login/oidc/{name}/callback")
    if "openid" not in p.scopes:
        raise bad("scopes", "must include openid")
    if p.client_secret and p.client_secret_env:
        raise bad("client_secret", "give client_secret or client_secret_env, not both")
    for i, r in enumerate(p.rules):
        if r.role is not None and r.role not in ROLES:
            raise bad(f"rules.{i}.role", f"one of {', '.join(ROLES)}")
        if r.org_kind is not None and r.org_kind not in ORG_KINDS:
            raise bad(f"rules.{i}.org_kind", f"one of {', '.join(ORG_KINDS)}")
        for j, g in enumerate(r.grants):
            if parse_grant(g) is None:
                why = f"{g!r} is not author:<framework> or signatory:<framework>:<role>"
                raise bad(f"rules.{i}.grants.{j}", why)


def parse_grant(grant: str) -> tuple[str, str, str | None] | None:
    """(kind, framework id, role) of ``author:<framework>`` or
    ``signatory:<framework>:<role>``; None for anything else."""
    parts = grant.split(":")
    if len(parts) == 2 and parts[0] == "author" and parts[1]:
        return "author", parts[1], None
    if len(parts) == 3 and parts[0] == "signatory" and parts[1] and parts[2]:
        return "signatory", parts[1], parts[2]
    return None


def provider(portal: Portal, name: str) -> Provider:
    cfg = load_config(config_path(portal))
    p = cfg.providers.get(name)
    if p is None:
        raise PortalError("no such sign-in provider")
    return p


def providers_for_page(portal: Portal) -> list[ProviderLink]:
    """The providers to offer on the sign-in page (none while the file is wrong)."""
    try:
        cfg = load_config(config_path(portal))
    except PortalError:
        return []
    return [ProviderLink(n, p.label) for n, p in cfg.providers.items()]


# ------------------------------------------------------------ mapping claims


@dataclass(frozen=True)
class Mapped:
    """What a provider's claims grant: the account's role and organisation (a name),
    and the scope grants (``"signatory:<framework>:<role>"``, ``"author:<framework>"``)
    that :func:`apply_grants` makes through the portal's tenancy."""

    username: str
    display_name: str
    role: str
    organisation: str | None
    org_kind: str | None
    grants: tuple[str, ...]

    def as_json(self) -> str:
        return json.dumps(
            {
                "role": self.role,
                "organisation": self.organisation,
                "org_kind": self.org_kind,
                "grants": list(self.grants),
            },
            sort_keys=True,
        )


# Called after each sign-in through a provider with (portal, user, mapped, what the
# previous sign-in mapped to or None): :func:`apply_grants`, and any a deployment adds.
GrantHook = Callable[[Portal, User, Mapped, dict[str, Any] | None], None]
GRANT_HOOKS: list[GrantHook] = []


def _has(claims: dict[str, Any], claim: str, value: str) -> bool:
    v = claims.get(claim)
    if isinstance(v, list):
        return value in [str(x) for x in v]
    return v is not None and str(v) == value


def map_claims(p: Provider, claims: dict[str, Any]) -> Mapped:
    """The account the claims describe, by the provider's rules (first role wins)."""
    raw = str(claims.get(p.username_claim) or "").strip().lower()
    if "@" in raw and p.username_claim == "email":
        raw = raw.split("@", 1)[0]
    username = re.sub(r"[^a-z0-9._-]", "-", raw)[:40]
    if not USERNAME_RE.fullmatch(username):
        raise PortalError(f"the identity provider sent no usable {p.username_claim!r} claim")
    role = kind = None
    org = (
        str(claims[p.organisation_claim])
        if p.organisation_claim and claims.get(p.organisation_claim)
        else None
    )
    grants: list[str] = []
    for r in p.rules:
        if not _has(claims, r.claim, r.value):
            continue
        if role is None and r.role is not None:
            role, kind = r.role, r.org_kind
        org = r.organisation or org
        grants += [g for g in r.grants if g not in grants]
    if role is None:
        raise PortalError("your identity provider grants no role in this portal")
    name = str(claims.get(p.name_claim) or username)[:200]
    return Mapped(username, name, role, org, kind, tuple(grants))


def _organisation(portal: Portal, mapped: Mapped) -> str | None:
    """The id of the organisation the claims name, added (a signed entry) when the
    portal has none of that name; None when they name none."""
    if not mapped.organisation:
        return None
    org = portal.organisation_by_name(mapped.organisation)
    if org is not None:
        return str(org["slug"])
    kind = mapped.org_kind or ("lab" if mapped.role in ("author", "signatory") else None)
    if kind is None:
        raise PortalError(
            f"the organisation {mapped.organisation!r} is not in this portal and the "
            "provider's rule gives no org_kind to add it with"
        )
    # Refused before anything is written: the account could not belong to it.
    if (mapped.role == "reviewer") != (kind in REVIEWING_KINDS) and mapped.role != "admin":
        raise PortalError(
            f"a {mapped.role} cannot belong to {mapped.organisation!r} of kind {kind!r}"
        )
    return str(portal.add_organisation(portal.free_slug(mapped.organisation),
                                       mapped.organisation, kind)["slug"])  # fmt: skip


def apply_grants(portal: Portal, user: User, mapped: Mapped,
                 previous: dict[str, Any] | None) -> None:  # fmt: skip
    """Make the account's scopes follow the claims, through the tenancy (each change a
    signed ``access_changed`` entry by the portal's key): grant what the claims grant
    and the account lacks; revoke what an earlier sign-in's claims granted and these
    no longer do (scopes an administrator granted otherwise stay). A grant the tenancy
    refuses (no such framework here yet, another organisation's framework, a role not
    in its governance section) is logged and left out; the next sign-in tries again."""
    want = {g for g in map(parse_grant, mapped.grants) if g is not None}
    before = {g for g in map(parse_grant, (previous or {}).get("grants") or []) if g is not None}
    held = {(str(s["kind"]), str(s["framework_id"]), s["role"]): int(s["id"])
            for s in portal.scopes(user_id=user.id)}  # fmt: skip
    for g in sorted(before - want, key=str):
        if g in held:
            portal.revoke_scope(None, held[g])
    for kind, framework_id, role in sorted(want - held.keys(), key=str):
        try:
            portal.grant_scope(None, user, framework_id, kind, role)
        except PortalError as exc:
            log.warning("sign-in of %s: grant %s:%s%s left out: %s", user.username, kind,
                        framework_id, f":{role}" if role else "", exc)  # fmt: skip


GRANT_HOOKS.append(apply_grants)


def sign_in(portal: Portal, p: Provider, claims: dict[str, Any]) -> User:
    """The account for verified ID-token ``claims`` (created on the first sign-in)."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    mapped = map_claims(p, claims)
    with portal.engine.connect() as conn:
        r = conn.execute(
            select(A.oidc_identities).where(
                A.oidc_identities.c.issuer == issuer, A.oidc_identities.c.subject == subject
            )
        ).first()
    previous: dict[str, Any] | None = None
    if r is None:
        if portal.user_by_name(mapped.username) is not None:
            raise PortalError(
                f"an account named {mapped.username!r} already exists here; an administrator "
                "must rename it before it can sign in through this provider"
            )
        user = portal.add_user(
            mapped.username,
            secrets.token_urlsafe(32),
            mapped.role,
            mapped.display_name,
            organisation=_organisation(portal, mapped),
        )
        with portal.ledger.write() as conn:
            conn.execute(
                insert(A.oidc_identities).values(
                    issuer=issuer,
                    subject=subject,
                    user_id=user.id,
                    mapped=mapped.as_json(),
                    last_login=time.time(),
                )
            )
    else:
        found = portal.user_by_id(int(r.user_id))
        if found is None or found.disabled:
            raise PortalError("this account is disabled")
        previous = json.loads(r.mapped)
        user = found
        slug = _organisation(portal, mapped)
        if slug is not None:
            user = portal.move_account(None, user, slug)
        with portal.ledger.write() as conn:
            conn.execute(
                update(A.oidc_identities)
                .where(A.oidc_identities.c.issuer == issuer, A.oidc_identities.c.subject == subject)
                .values(mapped=mapped.as_json(), last_login=time.time())
            )
    for hook in GRANT_HOOKS:
        hook(portal, user, mapped, previous)
    return portal.user_by_id(user.id) or user


def mapped_of(portal: Portal, user: User) -> dict[str, Any] | None:
    """What the claims mapped to at the account's last sign-in through a provider."""
    with portal.engine.connect() as conn:
        r = conn.execute(
            select(A.oidc_identities.c.mapped).where(A.oidc_identities.c.user_id == user.id)
        ).first()
    return json.loads(r.mapped) if r else None


# ------------------------------------------------------------ the flow's state


def begin(portal: Portal, name: str, browser: str) -> tuple[str, str, str]:
    """(state, nonce, PKCE verifier) for a sign-in started by ``browser`` (a hash)."""
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    t = time.time()
    with portal.ledger.write() as conn:
        conn.execute(delete(A.oidc_pending).where(A.oidc_pending.c.expires < t))
        conn.execute(
            insert(A.oidc_pending).values(
                state=state,
                provider=name,
                nonce=nonce,
                verifier=verifier,
                browser=browser,
                expires=t + PENDING_S,
            )
        )
    return state, nonce, verifier


def take(portal: Portal, state: str, name: str, browser: str) -> tuple[str, str]:
    """(nonce, verifier) of a pending sign-in, used once; refuses a stranger's."""
    with portal.ledger.write() as conn:
        r = conn.execute(select(A.oidc_pending).where(A.oidc_pending.c.state == state)).first()
        conn.execute(delete(A.oidc_pending).where(A.oidc_pending.c.state == state))
    if r is None or r.expires < time.time() or r.provider != name:
        raise PortalError("this sign-in expired or was not started here; start again")
    if not secrets.compare_digest(str(r.browser), browser):
        raise PortalError("this sign-in was started in another browser; start again")
    return str(r.nonce), str(r.verifier)
