"""Request body limits, enforced while the body streams in (never after buffering it all)."""

from __future__ import annotations

import re
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketplace.errors import PayloadTooLarge
from marketplace.openapi import problem

_UPLOAD_PATHS: Final = re.compile(r"^/(legacy/?|v1/skills/[^/]+/releases/?|portal/upload)$")
_FORM_OVERHEAD: Final = 256 * 1024  # metadata fields twine sends beside the file


class BodySizeLimit:
    """413 when ``Content-Length`` or the streamed byte count passes the limit for the path."""

    def __init__(self, app: ASGIApp, *, body_bytes: int, upload_bytes: int) -> None:
        self.app = app
        self.body_bytes = body_bytes
        self.upload_bytes = upload_bytes + _FORM_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if _UPLOAD_PATHS.match(scope["path"]) else self.body_bytes
        for key, value in scope.get("headers", ()):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    response = problem(413, PayloadTooLarge.title,
                                       f"The request body is larger than the limit of "
                                       f"{limit} bytes.", PayloadTooLarge.slug,
                                       {"Connection": "close"})
                    await response(scope, receive, send)
                    return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(f"The request body is larger than the limit of "
                                          f"{limit} bytes.")
            return message

        await self.app(scope, counting_receive, send)
