"""What anyone may see: published frameworks (the public static site that ``redline
publish`` builds, served as built), who reviewed each version, decisions on them, and
the registry of signatories. No second renderer: the pages are publish's own."""

from __future__ import annotations

import mimetypes
import threading
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, Response

from redline.portal.web import Ctx, CtxDep, page

router = APIRouter()
STATIC = Path(__file__).parent.parent / "static"
_REGISTRY_LOCK = threading.Lock()


def _serve(root: Path, rel: str) -> Response:
    """A file of a built site; nothing outside ``root``, no dot-files."""
    if not rel or rel.endswith("/"):
        rel += "index.html"
    parts = rel.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        raise HTTPException(404)
    path = (root / rel).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        raise HTTPException(404)
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media)


@router.get("/public")
def published(ctx: CtxDep) -> Response:
    from redline.publish.paths import slug

    return page(ctx, "public.html.j2", versions=ctx.portal.published(), slug=slug)


@router.get("/site/{rel:path}")
def site(rel: str, ctx: CtxDep) -> Response:
    return _serve(ctx.portal.settings.site_dir, rel)


def _registry_site(ctx: Ctx) -> Path:
    """The registry's encoded frameworks as a public site, built once per workspace."""
    out = ctx.portal.settings.workspace / "portal" / "registry-site"
    with _REGISTRY_LOCK:
        if not (out / "index.html").is_file():
            from redline.publish.site import build_site
            from redline.registry.api import signatories
            from redline.registry.load import FRAMEWORKS

            files = [FRAMEWORKS / v.encoded for s in signatories() for _f, v in s.encoded()
                     if v.encoded]  # fmt: skip
            out.parent.mkdir(parents=True, exist_ok=True)
            build_site(files, out, audience="public")
    return out


@router.get("/public/registry")
def registry(ctx: CtxDep) -> Response:
    from redline.publish.paths import slug
    from redline.registry.api import _load, signatories
    from redline.registry.load import FRAMEWORKS

    rows = []
    for s in signatories():
        enc = []
        for _f, v in s.encoded():
            if v.encoded:
                meta = _load(FRAMEWORKS / v.encoded).framework
                href = f"/registry-site/frameworks/{slug(meta.id)}/{slug(meta.version)}/index.html"
                enc.append({"text": f"{meta.name} {meta.version}", "href": href})
        rows.append({"sig": s, "encoded": enc})
    return page(ctx, "registry.html.j2", rows=rows, slug=slug)


@router.get("/registry-site/{rel:path}")
def registry_site(rel: str, ctx: CtxDep) -> Response:
    return _serve(_registry_site(ctx), rel)


@router.get("/static/{name}")
def static(name: str) -> Response:
    return _serve(STATIC, name)
