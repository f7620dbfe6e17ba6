"""The application factory: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from redline.portal.accounts import PortalError
from redline.portal.guard import BodyTooLarge, Guard
from redline.portal.service import Portal
from redline.portal.settings import Settings
from redline.portal.web import PRE_COOKIE, LoginRequired, env, get_ctx

STATIC = Path(__file__).parent / "static"
# The portal's own pages: its stylesheet and nothing else, from this origin only.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# Pages of the public static site carry inline CSS and SVG (as when opened from disk).
SITE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def create_app(settings: Settings) -> FastAPI:
    from redline.portal.routes import (
        admin,
        auth,
        checkpoints,
        decisions,
        frameworks,
        incidents,
        labelling,
        public,
        review,
    )

    portal = Portal(settings)
    portal.reindex()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        portal.close()

    app = FastAPI(
        title="redline portal", docs_url=None, redoc_url=None, openapi_url=None,
        lifespan=lifespan,
    )  # fmt: skip
    app.state.portal = portal
    app.state.settings = settings
    for module in (auth, admin, frameworks, review, decisions, public, checkpoints, incidents):
        app.include_router(module.router)
    app.include_router(labelling.router)  # the grader-labelling form (docs/graders.md)

    def secure(response: Response, path: str) -> Response:
        response.headers["Content-Security-Policy"] = SITE_CSP if path.startswith("/site/") else CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if response.status_code >= 400 or not path.startswith(("/static/", "/site/")):
            response.headers["Cache-Control"] = "no-store"
        if settings.secure_cookies:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        # The message is always the portal's own words: never a request's content.
        html = (
            env()
            .get_template("error.html.j2")
            .render(user=None, csrf="", path=request.url.path, status=status, message=message)
        )
        return HTMLResponse(html, status_code=status)

    # Innermost first: the guard's own refusals pass through ``headers`` below.
    app.add_middleware(
        Guard, max_body=settings.max_request_bytes,
        render=lambda status, message: HTMLResponse(
            env().get_template("error.html.j2").render(
                user=None, csrf="", path="", status=status, message=message),
            status_code=status),
    )  # fmt: skip

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = secure(await call_next(request), request.url.path)
        pre = getattr(request.state, "new_pre", None)
        if pre is not None:
            response.set_cookie(
                PRE_COOKIE, pre, httponly=True, samesite="strict",
                secure=settings.secure_cookies, path="/",
            )  # fmt: skip
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        words = {404: "There is nothing here.", 405: "That method is not allowed here."}
        msg = exc.detail if isinstance(exc.detail, str) and exc.status_code in (400, 403, 409) \
            else words.get(exc.status_code, "The request failed.")  # fmt: skip
        return error_page(request, exc.status_code, msg)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # A path parameter out of its type or range (an id above 2^63, "abc") names
        # nothing that exists: not found, as any other unknown id.
        if any(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
            # Only the portal's own pages have numeric ids, and they all need an
            # account: an anonymous request is sent to sign in, as with a valid id.
            if get_ctx(request).user is None:
                return RedirectResponse("/login", status_code=303)
            return error_page(request, 404, "There is nothing here.")
        return error_page(request, 400, "The request was not understood.")

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return error_page(request, 413, str(exc))

    @app.exception_handler(Exception)
    async def server_error(request: Request, _exc: Exception) -> Response:
        # Served by Starlette's outermost error middleware, which the ``headers``
        # middleware does not wrap: the headers are set here.
        return secure(error_page(request, 500, "Something went wrong on the server."),
                      request.url.path)  # fmt: skip

    @app.exception_handler(PortalError)
    async def refused(request: Request, exc: PortalError) -> Response:
        return error_page(request, 409, str(exc))

    _ = HTTPException
    return app
