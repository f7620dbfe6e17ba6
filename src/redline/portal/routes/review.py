"""Trusted reviewers: the rounds they are invited to, the trusted view of the framework
with comments anchored to its elements, and their verdict."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.portal.accounts import User
from redline.portal.service import element_ids
from redline.portal.web import Ctx, CtxDep, Id, allow, check_csrf, page
from redline.publish.views import framework_view

router = APIRouter()


def _invited(ctx: Ctx, round_id: int) -> tuple[User, dict[str, Any], dict[str, Any]]:
    """The reviewer, the round and their invitation; a round they are not invited to
    is refused as not found (its existence is not disclosed)."""
    user = allow(ctx, "reviewer")
    rnd = ctx.portal.round(round_id)
    inv = ctx.portal.invited(user, round_id) if rnd else None
    if rnd is None or inv is None:
        raise HTTPException(404)
    return user, rnd, inv


@router.get("/reviews")
def my_reviews(ctx: CtxDep) -> Response:
    user = allow(ctx, "reviewer")
    return page(ctx, "reviews.html.j2", rounds=ctx.portal.rounds_for_reviewer(user))


@router.get("/reviews/{round_id}")
def review(round_id: Id, ctx: CtxDep) -> Response:
    _user, rnd, inv = _invited(ctx, round_id)
    p = ctx.portal
    v = p.version(int(rnd["version_id"]))
    assert v is not None
    fw = p.framework(v)
    by_element: dict[str, list[dict[str, Any]]] = {}
    for c in p.comments(round_id=round_id):
        by_element.setdefault(c["element"], []).append(c)
    return page(
        ctx, "version.html.j2", v=v, view=framework_view(fw, "trusted"),
        elements=element_ids(fw), rnd=rnd, inv=inv, by_element=by_element, mode="reviewer",
        rounds=[], open_round=None, reviewers=[], review_record=None, revision=p.revision(v),
    )  # fmt: skip


@router.post("/reviews/{round_id}/comments")
async def comment(round_id: Id, request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    user, _rnd, _inv = _invited(ctx, round_id)
    element = str(form.get("element", ""))
    await run_in_threadpool(ctx.portal.comment, user, round_id, element, str(form.get("text", "")))
    anchor = "el-" + element.replace(":", "-")
    return RedirectResponse(f"/reviews/{round_id}#{anchor}", status_code=303)


@router.post("/reviews/{round_id}/verdict")
async def verdict(round_id: Id, request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    user, _rnd, _inv = _invited(ctx, round_id)
    await run_in_threadpool(
        ctx.portal.end_review, user, round_id, str(form.get("verdict", "")),
        str(form.get("statement", "")),
    )  # fmt: skip
    return RedirectResponse(f"/reviews/{round_id}", status_code=303)
