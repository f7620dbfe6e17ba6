"""The log's latest checkpoint for reviewers, and their cosignatures back."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.portal.accounts import PortalError
from redline.portal.checkpoints import offered_checkpoint, record_cosignature
from redline.portal.web import CtxDep, allow, check_csrf

router = APIRouter()


@router.get("/ledger/checkpoint")
def checkpoint(ctx: CtxDep) -> Response:
    allow(ctx, "reviewer", "admin", "signatory", "author")
    text = offered_checkpoint(ctx.portal)
    if text is None:  # 409, not 404: the route exists, the log is not yet in that state
        return PlainTextResponse("The log has no checkpoint yet.\n", status_code=409)
    return PlainTextResponse(text)


@router.post("/ledger/cosignature")
async def cosignature(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    allow(ctx, "reviewer")
    try:
        size = await run_in_threadpool(record_cosignature, ctx.portal, str(form.get("note", "")))
    except PortalError as exc:
        return PlainTextResponse(str(exc), status_code=400)
    return PlainTextResponse(f"recorded the cosignature on the checkpoint of size {size}\n")
