"""The labelling form: trusted reviewers label the sampled completions of a run (the CSV
``redline sample-for-labelling`` writes); administrators upload samples and assign them;
both download the labels as the files ``grader validate`` and ``assess --human-labels``
read. A batch is addressed by the ``batch`` query parameter; someone else's batch is
refused as not found."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from redline.portal import labelling as L
from redline.portal.accounts import PortalError, User
from redline.portal.web import Ctx, CtxDep, allow, check_csrf, page

router = APIRouter()


def _list(ctx: Ctx, user: User, status: int = 200, error: str | None = None) -> Response:
    reviewers = [u for u in ctx.portal.users("reviewer") if not u.disabled]
    return page(
        ctx, "labelling.html.j2", status=status, batches=L.list_batches(ctx.portal, user),
        reviewers=reviewers if user.role == "admin" else [], error=error,
    )  # fmt: skip


def _batch(ctx: Ctx, user: User, batch: int | None) -> dict[str, Any]:
    found = L.find_batch(ctx.portal, user, batch) if batch is not None else None
    if found is None:
        raise HTTPException(404)
    return found


@router.get("/labelling")
def overview(ctx: CtxDep) -> Response:
    user = allow(ctx, "admin", "reviewer")
    return _list(ctx, user)


@router.post("/labelling")
async def upload(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    user = allow(ctx, "admin")
    text = form.get("text")
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(L.MAX_UPLOAD_BYTES + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _list(ctx, user, 400, f"{upload.filename}: not UTF-8 text")
        name = str(form.get("name") or "").strip() or upload.filename
    else:
        text = str(text or "")
        name = str(form.get("name") or "")
    try:
        batch_id = await run_in_threadpool(
            L.create_batch, ctx.portal, user, str(form.get("reviewer") or ""), name, text
        )
    except PortalError as exc:
        return _list(ctx, user, 400, str(exc))
    return RedirectResponse(f"/labelling#batch-{batch_id}", status_code=303)


@router.get("/labelling/form")
def label_form(ctx: CtxDep, batch: int | None = None, saved: int | None = None) -> Response:
    user = allow(ctx, "reviewer")
    if batch is None:
        return RedirectResponse("/labelling", status_code=303)
    found = _batch(ctx, user, batch)
    rows = L.batch_items(ctx.portal, batch)
    return page(
        ctx, "labelling_form.html.j2", batch=found, items=rows, labels=L.LABELS,
        done=sum(1 for r in rows if r["human_label"]), saved=saved,
    )  # fmt: skip


@router.post("/labelling/form")
async def save(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    user = allow(ctx, "reviewer")
    try:
        batch = int(str(form.get("batch", "")))
    except ValueError:
        raise HTTPException(400, "The form names no batch; reload it.") from None
    _batch(ctx, user, batch)
    labels: dict[int, str] = {}
    for key, value in form.items():
        if key.startswith("label-"):
            try:
                labels[int(key.removeprefix("label-"))] = str(value)
            except ValueError:
                raise HTTPException(400, f"The form field {key!r} is not an item.") from None
    await run_in_threadpool(L.save_labels, ctx.portal, user, batch, labels)
    return RedirectResponse(f"/labelling/form?batch={batch}&saved=1", status_code=303)


@router.get("/labelling/download")
def download(ctx: CtxDep, batch: int | None = None, format: str = "csv") -> Response:
    user = allow(ctx, "admin", "reviewer")
    if batch is None:
        return RedirectResponse("/labelling", status_code=303)
    _batch(ctx, user, batch)
    if format == "jsonl":
        body, media, ext = L.export_jsonl(ctx.portal, batch), "application/x-ndjson", "jsonl"
    elif format == "csv":
        body, media, ext = L.export_csv(ctx.portal, batch), "text/csv", "csv"
    else:
        raise HTTPException(400, "The format is csv or jsonl.")
    return Response(
        body.encode("utf-8"), media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="labels-{batch}.{ext}"'},
    )  # fmt: skip
