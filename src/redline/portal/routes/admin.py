"""Accounts, for administrators (``redline users`` does the same on the command line)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.portal.accounts import ORG_KINDS, ROLES, PortalError
from redline.portal.web import Ctx, CtxDep, allow, check_csrf, page

router = APIRouter()


@router.get("/admin/users")
def users(ctx: CtxDep) -> Response:
    allow(ctx, "admin")
    return page(ctx, "users.html.j2", users=ctx.portal.users(), roles=ROLES,
                org_kinds=ORG_KINDS, error=None)  # fmt: skip


@router.post("/admin/users")
async def add_user(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    allow(ctx, "admin")

    def field(name: str) -> str | None:
        v = form.get(name)
        return str(v).strip() or None if v is not None else None

    try:
        await run_in_threadpool(
            lambda: ctx.portal.add_user(
                field("username") or "",
                str(form.get("password", "")),
                field("role") or "",
                field("display_name"),
                organisation=field("organisation"),
                org_kind=field("org_kind"),
                governance_role=field("governance_role"),
            )
        )
    except PortalError as exc:
        return page(ctx, "users.html.j2", status=400, users=ctx.portal.users(), roles=ROLES,
                    org_kinds=ORG_KINDS, error=str(exc))  # fmt: skip
    return RedirectResponse("/admin/users", status_code=303)


async def _set(request: Request, ctx: Ctx, user_id: int, disabled: bool) -> Response:
    await check_csrf(request, ctx)
    me = allow(ctx, "admin")
    target = ctx.portal.user_by_id(user_id)
    if target is None:
        raise HTTPException(404)
    if target.id == me.id and disabled:
        raise HTTPException(409, "You cannot disable your own account.")
    await run_in_threadpool(ctx.portal.set_disabled, target.username, disabled)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/disable")
async def disable(user_id: int, request: Request, ctx: CtxDep) -> Response:
    return await _set(request, ctx, user_id, True)


@router.post("/admin/users/{user_id}/enable")
async def enable(user_id: int, request: Request, ctx: CtxDep) -> Response:
    return await _set(request, ctx, user_id, False)
