"""Framework authors: upload and revise versions, open review rounds, invite trusted
reviewers, read comments by element, see the diff of a revision, publish."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from redline.framework.load import Loaded
from redline.portal.accounts import MAX_FRAMEWORK_BYTES, User
from redline.portal.service import element_ids
from redline.portal.web import Ctx, CtxDep, Id, allow, check_csrf, page
from redline.publish.diff import diff
from redline.publish.site import _diff_input
from redline.publish.views import framework_view

router = APIRouter()


def _owned(ctx: Ctx, version_id: int) -> tuple[User, dict[str, Any]]:
    """The author and a version of a framework they hold the author scope on; any
    other version is refused as not found (its existence is not disclosed)."""
    user = allow(ctx, "author")
    v = ctx.portal.version(version_id)
    if v is None or not ctx.portal.has_scope(user, v["framework_id"], "author"):
        raise HTTPException(404)
    return user, v


def _numbered(text: str, loaded: Loaded | None) -> list[dict[str, Any]]:
    """The YAML as numbered lines, each with the problems located on it."""
    by_line: dict[int, list[Any]] = {}
    for p in loaded.problems if loaded else []:
        by_line.setdefault(p.line, []).append(p)
    return [
        {"n": i, "text": line, "problems": by_line.get(i, [])}
        for i, line in enumerate(text.splitlines() or [""], start=1)
    ]


@router.get("/frameworks")
def list_versions(ctx: CtxDep) -> Response:
    user = allow(ctx, "author")
    return page(ctx, "frameworks.html.j2", versions=ctx.portal.versions(owner=user))


@router.get("/frameworks/new")
def new_form(ctx: CtxDep) -> Response:
    allow(ctx, "author")
    return page(ctx, "upload.html.j2", text="", loaded=None, lines=[], previous=None)


async def _upload(request: Request, ctx: Ctx, previous: dict[str, Any] | None) -> Response:
    form = await check_csrf(request, ctx)
    user = allow(ctx, "author")
    text = form.get("text")
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(MAX_FRAMEWORK_BYTES + 1)
        text = raw.decode("utf-8", errors="replace")
    text = str(text or "")
    vid, loaded = await run_in_threadpool(ctx.portal.upload_version, user, text)
    if vid is None:
        # A file over the limit is refused without being shown back.
        shown = text if len(text.encode("utf-8")) <= MAX_FRAMEWORK_BYTES else ""
        return page(ctx, "upload.html.j2", status=422, text=shown, loaded=loaded,
                    lines=_numbered(shown, loaded), previous=previous)  # fmt: skip
    return RedirectResponse(f"/frameworks/versions/{vid}", status_code=303)


@router.post("/frameworks")
async def upload(request: Request, ctx: CtxDep) -> Response:
    return await _upload(request, ctx, None)


@router.get("/frameworks/versions/{version_id}")
def show_version(version_id: Id, ctx: CtxDep) -> Response:
    _user, v = _owned(ctx, version_id)
    p = ctx.portal
    fw = p.framework(v)
    rounds = []
    for r in p.rounds_of(version_id):
        rounds.append({**r, "invitations": p.invitations(int(r["id"]))})
    comments = p.comments(version_id=version_id)
    by_element: dict[str, list[dict[str, Any]]] = {}
    for c in comments:
        by_element.setdefault(c["element"], []).append(c)
    open_round = next((r for r in rounds if r["closed"] is None), None)
    invited = {i["user_id"] for r in rounds for i in r["invitations"]}
    return page(
        ctx, "version.html.j2", v=v, view=framework_view(fw, "trusted"), elements=element_ids(fw),
        rounds=rounds, open_round=open_round, by_element=by_element,
        reviewers=[u for u in p.users("reviewer") if not u.disabled and u.id not in invited],
        review_record=p.review_record(version_id), mode="author", rnd=None, inv=None,
        revision=p.revision(v),
    )  # fmt: skip


@router.get("/frameworks/versions/{version_id}/edit")
def edit_form(version_id: Id, ctx: CtxDep) -> Response:
    _user, v = _owned(ctx, version_id)
    text = ctx.portal.framework_text(v)
    return page(ctx, "upload.html.j2", text=text, loaded=None, lines=[], previous=v)


@router.post("/frameworks/versions/{version_id}/revise")
async def revise(version_id: Id, request: Request, ctx: CtxDep) -> Response:
    _owned(ctx, version_id)
    return await _upload(request, ctx, ctx.portal.version(version_id))


@router.get("/frameworks/versions/{version_id}/diff")
def show_diff(version_id: Id, ctx: CtxDep) -> Response:
    _user, v = _owned(ctx, version_id)
    p = ctx.portal
    prev = p.version(int(v["previous_id"])) if v["previous_id"] else None
    if prev is None:
        return page(ctx, "diff.html.j2", v=v, prev=None, changes=[], unanswered=[])
    before = framework_view(p.framework(prev), "trusted")
    after = framework_view(p.framework(v), "trusted")
    comments = [c for c in p.comments(version_id=int(prev["id"])) if not c["verdict"]]
    changes = []
    answered: set[int] = set()
    for ch in diff(_diff_input(before), _diff_input(after)):
        parts = set(ch.where.split(" › "))
        hits = [c for c in comments if c["element"].split(":", 1)[-1] in parts]
        answered.update(int(c["entry_seq"]) for c in hits)
        changes.append({"change": ch, "answers": hits})
    unanswered = [c for c in comments if int(c["entry_seq"]) not in answered]
    return page(ctx, "diff.html.j2", v=v, prev=prev, changes=changes, unanswered=unanswered)


@router.post("/frameworks/versions/{version_id}/rounds")
async def open_round(version_id: Id, request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    user, v = _owned(ctx, version_id)
    if v["published"]:
        raise HTTPException(409, "This version is published; revise it to review again.")
    ids = _ids(form)
    await run_in_threadpool(ctx.portal.open_round, user, version_id, ids)
    return RedirectResponse(f"/frameworks/versions/{version_id}", status_code=303)


@router.post("/rounds/{round_id}/invite")
async def invite(round_id: Id, request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    allow(ctx, "author")  # before any lookup
    rnd = ctx.portal.round(round_id)
    if rnd is None:
        raise HTTPException(404)
    user, _v = _owned(ctx, int(rnd["version_id"]))
    if rnd["closed"] is not None:
        raise HTTPException(409, "This review round is closed.")
    await run_in_threadpool(ctx.portal.invite, user, round_id, _ids(form))
    return RedirectResponse(f"/frameworks/versions/{rnd['version_id']}", status_code=303)


@router.post("/frameworks/versions/{version_id}/publish")
async def publish(version_id: Id, request: Request, ctx: CtxDep) -> Response:
    await check_csrf(request, ctx)
    _user, v = _owned(ctx, version_id)
    if v["published"]:
        raise HTTPException(409, "This version is already published.")
    await run_in_threadpool(ctx.portal.publish, version_id)
    return RedirectResponse(f"/frameworks/versions/{version_id}", status_code=303)


def _ids(form: dict[str, Any]) -> list[int]:
    out = []
    for v in form["_multi"].getlist("reviewer"):
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            raise HTTPException(400, "Choose reviewers from the list.") from None
    return out
