"""Sign in and out, and the home page each role starts from."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.portal.accounts import RateLimited
from redline.portal.web import SESSION_COOKIE, CtxDep, check_csrf, page

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
    return page(ctx, "login.html.j2", error=None, username="")


@router.post("/login")
async def login(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    username = str(form.get("username", ""))[:100]
    password = str(form.get("password", ""))[:1000]
    client = request.client.host if request.client else "unknown"
    try:
        user = await run_in_threadpool(ctx.portal.authenticate, username, password, client)
    except RateLimited as exc:
        return page(ctx, "login.html.j2", status=429, error=str(exc), username=username)
    if user is None:
        return page(
            ctx, "login.html.j2", status=401, error="Wrong username or password.",
            username=username,
        )  # fmt: skip
    if ctx.session_token:
        await run_in_threadpool(ctx.portal.end_session, ctx.session_token)
    token, _csrf = await run_in_threadpool(ctx.portal.create_session, user)
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict",
        secure=ctx.portal.settings.secure_cookies, path="/",
        max_age=int(ctx.portal.settings.session_hours * 3600),
    )  # fmt: skip
    return resp


@router.post("/logout")
async def logout(request: Request, ctx: CtxDep) -> Response:
    await check_csrf(request, ctx)
    if ctx.session_token:
        await run_in_threadpool(ctx.portal.end_session, ctx.session_token)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp
