"""What the ways of signing in share: after the first factor (a password, or an
identity provider), either a session or, for an account with a second factor or
one that needs it, a pending sign-in that waits for it."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.portal import mfa
from redline.portal.accounts import User, needs_second_factor
from redline.portal.throttle import Policy, Throttle
from redline.portal.web import SESSION_COOKIE, Ctx

PENDING_COOKIE = "redline_pending"


def throttle(request: Request) -> Throttle:
    """The app's sign-in throttle (made on first use from the settings)."""
    state = request.app.state
    thr = getattr(state, "login_throttle", None)
    if thr is None:
        portal = state.portal
        thr = Throttle(portal.ledger, Policy.from_settings(portal.settings))
        state.login_throttle = thr
    return thr


def client_address(request: Request) -> str:
    """The client's address as uvicorn reports it: behind a proxy, the address from
    X-Forwarded-For when the proxy is trusted (``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def set_session_cookie(ctx: Ctx, resp: Response, token: str) -> None:
    s = ctx.portal.settings
    resp.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=s.secure_cookies,
        path="/",
        max_age=int(s.session_hours * 3600),
    )


async def start_session(ctx: Ctx, user: User, factor: str | None, resp: Response) -> None:
    """Create a session for ``user`` (ending the request's old one) and set its cookie
    on ``resp``; ``factor`` is the second factor it passed, if any."""
    if ctx.session_token:
        await run_in_threadpool(ctx.portal.end_session, ctx.session_token)
    token, _csrf = await run_in_threadpool(ctx.portal.create_session, user)
    if factor is not None:
        await run_in_threadpool(mfa.record_session_factor, ctx.portal, token, factor)
    set_session_cookie(ctx, resp, token)
    resp.delete_cookie(PENDING_COOKIE, path="/")


async def after_first_factor(ctx: Ctx, user: User, resp: Response) -> str:
    """Sign ``user`` in, or start a pending sign-in that waits for the second factor
    (or for enrolment in one); sets the cookies on ``resp`` and returns where the
    browser goes next."""
    p = ctx.portal
    wants = needs_second_factor(user) or await run_in_threadpool(mfa.enrolled, p, user)
    if not wants:
        await start_session(ctx, user, None, resp)
        return "/"
    token, purpose = await run_in_threadpool(mfa.begin_pending, p, user)
    # Strict like the session: after an identity provider the browser arrives here
    # by a cross-site redirect, but moves on from a page of ours (routes/oidc.py).
    resp.set_cookie(
        PENDING_COOKIE, token, httponly=True, samesite="strict",
        secure=p.settings.secure_cookies, path="/", max_age=int(mfa.PENDING_S),
    )  # fmt: skip
    return "/login/second-factor" if purpose == "verify" else "/login/enrol"


def redirect(resp: Response, where: str) -> Response:
    """``resp`` (holding cookies) as a 303 to ``where``."""
    out = RedirectResponse(where, status_code=303)
    for k, v in resp.raw_headers:
        if k == b"set-cookie":
            out.raw_headers.append((k, v))
    return out


def require_second_factor(ctx: Ctx) -> None:
    """Refuse (403) a request of an account that needs a second factor from a
    session that did not pass one: for routes such as a sign-off to call first.

    Sessions made by the sign-in always passed it; this also refuses sessions
    made before the second factor existed, or by code that skipped the sign-in."""
    user = ctx.user
    if user is None or not needs_second_factor(user):
        return
    if mfa.session_factor(ctx.portal, ctx.session_token) is None:
        raise HTTPException(403, "Sign in again with your second factor to do this.")
