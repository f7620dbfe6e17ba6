"""Single sign-on: to the identity provider and back (authorisation code + PKCE).

The provider's answer comes back by a cross-site redirect, on which the portal's
``SameSite=Strict`` cookies are not sent: the sign-in is bound to the browser by
its own ``SameSite=Lax`` cookie, and the finished sign-in answers with a page that
moves on by itself, so that the session cookie is sent from then on."""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client
from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from starlette.concurrency import run_in_threadpool

from redline.portal import oidc, signin
from redline.portal.accounts import PortalError
from redline.portal.oidc import Provider
from redline.portal.web import CtxDep, page

router = APIRouter()
BROWSER_COOKIE = "redline_oidc"
ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"]
_discovery: dict[str, tuple[float, dict[str, Any]]] = {}


async def _metadata(p: Provider) -> dict[str, Any]:
    """The provider's discovery document (cached for ten minutes)."""
    hit = _discovery.get(p.issuer)
    if hit and time.monotonic() - hit[0] < 600:
        return hit[1]
    url = p.issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        async with httpx.AsyncClient(timeout=10) as c:
            r = await c.get(url)
            r.raise_for_status()
            meta = dict(r.json())
    except (httpx.HTTPError, ValueError) as exc:
        raise PortalError(f"the identity provider did not answer ({type(exc).__name__})") from None
    if meta.get("issuer") != p.issuer.rstrip("/") and meta.get("issuer") != p.issuer:
        raise PortalError("the identity provider names another issuer than configured")
    _discovery[p.issuer] = (time.monotonic(), meta)
    return meta


def _browser(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@router.get("/login/oidc/{name}")
async def start(name: str, ctx: CtxDep) -> Response:
    p = oidc.provider(ctx.portal, name[:40])
    meta = await _metadata(p)
    binding = secrets.token_urlsafe(32)
    state, nonce, verifier = await run_in_threadpool(
        oidc.begin, ctx.portal, name, _browser(binding)
    )
    client = AsyncOAuth2Client(
        p.client_id,
        p.secret(),
        scope=" ".join(p.scopes),
        redirect_uri=p.redirect_uri,
        code_challenge_method="S256",
    )
    url, _ = client.create_authorization_url(
        meta["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
    )
    resp = RedirectResponse(url, status_code=303)
    resp.set_cookie(
        BROWSER_COOKIE,
        binding,
        httponly=True,
        samesite="lax",
        secure=ctx.portal.settings.secure_cookies,
        path="/login/oidc/",
        max_age=int(oidc.PENDING_S),
    )
    return resp


async def _claims(
    p: Provider, meta: dict[str, Any], code: str, verifier: str, nonce: str
) -> dict[str, Any]:
    """The verified claims of the ID token the code is exchanged for."""
    async with AsyncOAuth2Client(
        p.client_id, p.secret(), redirect_uri=p.redirect_uri, timeout=10
    ) as client:
        try:
            token = await client.fetch_token(
                meta["token_endpoint"], code=code, code_verifier=verifier
            )
            jwks = (await client.get(meta["jwks_uri"])).json()
        except Exception as exc:  # any failure of the exchange is one answer
            raise PortalError(
                f"the identity provider refused the sign-in ({type(exc).__name__})"
            ) from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise PortalError("the identity provider sent no ID token")
    try:
        decoded = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": meta["issuer"]},
            aud={"essential": True, "value": p.client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        raise PortalError(f"the ID token is not valid ({type(exc).__name__})") from None
    return dict(decoded.claims)


@router.get("/login/oidc/{name}/callback")
async def callback(
    name: str, ctx: CtxDep, state: str = "", code: str = "", error: str = ""
) -> Response:
    p = oidc.provider(ctx.portal, name[:40])
    if error:
        raise PortalError(f"the identity provider did not sign you in ({error[:100]})")
    binding = ctx.request.cookies.get(BROWSER_COOKIE, "")
    nonce, verifier = await run_in_threadpool(
        oidc.take, ctx.portal, state[:100], name, _browser(binding)
    )
    meta = await _metadata(p)
    claims = await _claims(p, meta, code[:2000], verifier, nonce)
    user = await run_in_threadpool(oidc.sign_in, ctx.portal, p, claims)
    resp = Response()
    where = await signin.after_first_factor(ctx, user, resp)
    out = page(ctx, "oidc_continue.html.j2", where=where, account=user)
    for k, v in resp.raw_headers:
        if k == b"set-cookie":
            out.raw_headers.append((k, v))
    out.delete_cookie(BROWSER_COOKIE, path="/login/oidc/")
    return out
