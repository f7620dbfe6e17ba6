"""Sign in and out, and the home page each role starts from.

Sign-in is throttled by :mod:`redline.portal.throttle`; the second factor
(``routes/mfa.py``) and single sign-on (``routes/oidc.py``) are included here."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.portal import oidc, signin
from redline.portal.routes import mfa as mfa_routes
from redline.portal.routes import oidc as oidc_routes
from redline.portal.throttle import PairFlooded
from redline.portal.web import SESSION_COOKIE, Ctx, CtxDep, check_csrf, page

router = APIRouter()


@router.get("/")
def home(ctx: CtxDep) -> Response:
    p = ctx.portal
    if ctx.user is None:
        return RedirectResponse("/public", status_code=303)
    u = ctx.user
    data: dict[str, Any] = {}
    if u.role == "author":
        data["versions"] = p.versions(owner=u)
    if u.role == "reviewer":
        data["rounds"] = p.rounds_for_reviewer(u)
    if u.role in ("signatory", "author", "admin", "reviewer"):
        data["decisions"] = p.decisions(u)[:20]
    return page(ctx, "home.html.j2", **data)


@router.get("/login")
def login_form(ctx: CtxDep) -> Response:
    if ctx.user is not None:
        return RedirectResponse("/", status_code=303)
    return _login_page(ctx)


def _login_page(ctx: Ctx, status: int = 200, error: str | None = None, username: str = "",
                headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    resp = page(ctx, "login.html.j2", status=status, error=error, username=username,
                providers=oidc.providers_for_page(ctx.portal))  # fmt: skip
    resp.headers.update(headers or {})
    return resp


@router.post("/login")
async def login(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    username = str(form.get("username", ""))[:100]
    password = str(form.get("password", ""))[:1000]
    address = signin.client_address(request)
    thr = signin.throttle(request)
    try:
        wait = await run_in_threadpool(thr.reserve, username, address, time.time())
    except PairFlooded as exc:
        return _login_page(ctx, 429, str(exc), username, {"Retry-After": str(exc.retry_after_s)})
    if wait.total_s > 0:
        # The delay is served here, before the password is checked: a right
        # password after failures still gets in, only later.
        await asyncio.sleep(wait.total_s)
    user = await run_in_threadpool(ctx.portal.authenticate, username, password)
    if user is None:
        await run_in_threadpool(thr.failed, username, address, time.time())
        return _login_page(ctx, 401, "Wrong username or password.", username)
    await run_in_threadpool(thr.succeeded, username, address)
    resp = Response(status_code=303)
    where = await signin.after_first_factor(ctx, user, resp)
    return signin.redirect(resp, where)


@router.post("/logout")
async def logout(request: Request, ctx: CtxDep) -> Response:
    await check_csrf(request, ctx)
    if ctx.session_token:
        await run_in_threadpool(ctx.portal.end_session, ctx.session_token)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    resp.delete_cookie(signin.PENDING_COOKIE, path="/")
    return resp


# The second factor and single sign-on: their own modules, served from here.
router.include_router(mfa_routes.router)
router.include_router(oidc_routes.router)
