"""Decisions recorded by ``redline assess``: what each needs, sign-off and dissent."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.portal.web import CtxDep, allow, check_csrf, page

router = APIRouter()
SEES_DECISIONS = ("admin", "author", "signatory")


@router.get("/decisions")
def list_decisions(ctx: CtxDep) -> Response:
    allow(ctx, *SEES_DECISIONS)
    return page(ctx, "decisions.html.j2", decisions=ctx.portal.decisions())


@router.get("/decisions/{decision_id}")
def show(decision_id: str, ctx: CtxDep) -> Response:
    allow(ctx, *SEES_DECISIONS)
    status = ctx.portal.decision(decision_id)
    return page(ctx, "decision.html.j2", d=status)


@router.post("/decisions/{decision_id}/sign")
async def sign(decision_id: str, request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    user = allow(ctx, "signatory")
    dissent = str(form.get("statement", "")).strip() if form.get("choice") == "dissent" else None
    if form.get("choice") == "dissent" and not dissent:
        from redline.portal.accounts import PortalError

        raise PortalError("a dissent needs a statement")
    await run_in_threadpool(ctx.portal.sign, user, decision_id, dissent)
    return RedirectResponse(f"/decisions/{decision_id}", status_code=303)
