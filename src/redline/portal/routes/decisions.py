"""Decisions recorded by ``redline assess``: what each needs, sign-off and dissent.

A decision is shown only to the members of its framework's organisation and of the
reviewing bodies invited to review that framework (``Tenancy.visible_frameworks``);
anyone else gets the same 404 as for a decision that does not exist.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.ledger.signoff import DecisionStatus
from redline.portal import signin
from redline.portal.accounts import PortalError, User
from redline.portal.web import Ctx, CtxDep, allow, check_csrf, page

router = APIRouter()
SEES_DECISIONS = ("admin", "author", "signatory", "reviewer")


def _visible(ctx: Ctx, decision_id: str, *roles: str) -> tuple[User, DecisionStatus]:
    user = allow(ctx, *roles)  # the role check comes before any lookup
    status = ctx.portal.decision(user, decision_id)
    if status is None:
        raise HTTPException(404)
    return user, status


@router.get("/decisions")
def list_decisions(ctx: CtxDep) -> Response:
    user = allow(ctx, *SEES_DECISIONS)
    return page(ctx, "decisions.html.j2", decisions=ctx.portal.decisions(user))


@router.get("/decisions/{decision_id}")
def show(decision_id: str, ctx: CtxDep) -> Response:
    user, status = _visible(ctx, decision_id, *SEES_DECISIONS)
    return page(ctx, "decision.html.j2", d=status,
                signing_roles=ctx.portal.signing_roles(user, status))  # fmt: skip


@router.post("/decisions/{decision_id}/sign")
async def sign(decision_id: str, request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    user, status = _visible(ctx, decision_id, "signatory")
    signin.require_second_factor(ctx)  # a sign-off needs a session that passed it
    roles = ctx.portal.signing_roles(user, status)
    if not roles:
        raise HTTPException(403, "You hold no signatory scope this decision needs.")
    dissent = str(form.get("statement", "")).strip() if form.get("choice") == "dissent" else None
    if form.get("choice") == "dissent" and not dissent:
        raise PortalError("a dissent needs a statement")
    role = str(form.get("role") or "") or None
    await run_in_threadpool(ctx.portal.sign, user, status.decision_id, dissent, role)
    return RedirectResponse(f"/decisions/{status.decision_id}", status_code=303)
