"""Refusals before a request reaches a route: control characters in the path (400) and
bodies over the size cap (413), whether the body announces its length or not."""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """Raised while a body without Content-Length streams past the cap."""


def has_control(text: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


class Guard:
    def __init__(self, app: ASGIApp, max_body: int,
                 render: Callable[[int, str], Response]) -> None:  # fmt: skip
        self.app = app
        self.max_body = max_body
        self.render = render

    def _words(self) -> str:
        mib = self.max_body / (1024 * 1024)
        return f"The request is larger than this portal accepts ({mib:g} MiB)."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # ASGI servers hand the path percent-decoded: %00 arrives as a NUL.
        if has_control(scope.get("path", "")):
            await self.render(400, "The address contains characters that are not allowed.")(
                scope, receive, send
            )
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                announced = int(length)
            except ValueError:
                announced = -1
            if announced < 0:
                await self.render(400, "The request was not understood.")(scope, receive, send)
                return
            if announced > self.max_body:
                await self.render(413, self._words())(scope, receive, send)
                return
        seen = 0
        limit, words = self.max_body, self._words()

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(words)
            return message

        await self.app(scope, counted, send)
