"""Accounts, organisations and scopes, for administrators (``redline users`` does the
same on the command line). Every change is a signed ``access_changed`` ledger entry by
the administrator's key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.portal.accounts import ORG_KINDS, ROLES, SCOPE_KINDS, PortalError
from redline.portal.web import Ctx, CtxDep, Id, allow, check_csrf, page

router = APIRouter()


def _page(ctx: Ctx, error: str | None = None, status: int = 200) -> Response:
    p = ctx.portal
    scopes: dict[int, list[dict[str, Any]]] = {}
    for s in p.scopes():
        scopes.setdefault(int(s["user_id"]), []).append(s)
    return page(ctx, "users.html.j2", status=status, users=p.users(), roles=ROLES,
                org_kinds=ORG_KINDS, organisations=p.organisations(), scopes=scopes,
                scope_kinds=SCOPE_KINDS, frameworks=sorted({v["framework_id"]
                                                            for v in p.versions()}),
                error=error)  # fmt: skip


def _field(form: dict[str, Any], name: str) -> str | None:
    v = form.get(name)
    return str(v).strip() or None if v is not None else None


@router.get("/admin/users")
def users(ctx: CtxDep) -> Response:
    allow(ctx, "admin")
    return _page(ctx)


@router.post("/admin/users")
async def add_user(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    me = allow(ctx, "admin")
    try:
        await run_in_threadpool(
            lambda: ctx.portal.add_user(
                _field(form, "username") or "",
                str(form.get("password", "")),
                _field(form, "role") or "",
                _field(form, "display_name"),
                organisation=_field(form, "organisation"),
                actor=me,
            )
        )
    except PortalError as exc:
        return _page(ctx, str(exc), 400)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/organisations")
async def add_organisation(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    me = allow(ctx, "admin")
    try:
        await run_in_threadpool(
            ctx.portal.add_organisation, _field(form, "slug") or "", _field(form, "name") or "",
            _field(form, "kind") or "", me,
        )  # fmt: skip
    except PortalError as exc:
        return _page(ctx, str(exc), 400)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/scopes")
async def grant(user_id: Id, request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    me = allow(ctx, "admin")
    target = ctx.portal.user_by_id(user_id)
    if target is None:
        raise HTTPException(404)
    try:
        await run_in_threadpool(
            ctx.portal.grant_scope, me, target, _field(form, "framework") or "",
            _field(form, "kind") or "", _field(form, "role"),
        )  # fmt: skip
    except PortalError as exc:
        return _page(ctx, str(exc), 400)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/scopes/{scope_id}/revoke")
async def revoke(scope_id: Id, request: Request, ctx: CtxDep) -> Response:
    await check_csrf(request, ctx)
    me = allow(ctx, "admin")
    if not any(int(s["id"]) == scope_id for s in ctx.portal.scopes()):
        raise HTTPException(404)
    await run_in_threadpool(ctx.portal.revoke_scope, me, scope_id)
    return RedirectResponse("/admin/users", status_code=303)


async def _set(request: Request, ctx: Ctx, user_id: int, disabled: bool) -> Response:
    await check_csrf(request, ctx)
    me = allow(ctx, "admin")
    target = ctx.portal.user_by_id(user_id)
    if target is None:
        raise HTTPException(404)
    if target.id == me.id and disabled:
        raise HTTPException(409, "You cannot disable your own account.")
    await run_in_threadpool(ctx.portal.set_disabled, target.username, disabled, me)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/disable")
async def disable(user_id: Id, request: Request, ctx: CtxDep) -> Response:
    return await _set(request, ctx, user_id, True)


@router.post("/admin/users/{user_id}/enable")
async def enable(user_id: Id, request: Request, ctx: CtxDep) -> Response:
    return await _set(request, ctx, user_id, False)
